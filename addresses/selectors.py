from django.conf import settings

from .models import DeliveryAddress


def addresses_for(*, customer):
    return DeliveryAddress.objects.filter(customer=customer)


def customer_has_address(*, customer) -> bool:
    return DeliveryAddress.objects.filter(customer=customer).exists()


def china_address_blocks(*, customer, warehouse):
    """The China warehouse address as each platform's form wants it (DOMAIN.md, from the seed guide).

    Returns a list of (platform key, platform name, [(field label, value), ...]).
    """
    from django.utils.translation import gettext as _

    brand = settings.BRAND_MARK
    name_code = f"{customer.username} - {customer.customer_code}"
    full_mark = f"{brand} {customer.username} {customer.customer_code}"
    receiver, address, postal, phone = (
        _("Receiver (收货人)"),
        _("Address (收货地址)"),
        _("Postal code (邮政编码)"),
        _("Phone (电话号码)"),
    )
    blocks = [
        (
            "wechat",
            _("WeChat supplier"),
            [
                (receiver, full_mark),
                (address, warehouse.address),
                (postal, warehouse.postal_code),
                (phone, warehouse.phone),
            ],
        ),
        (
            "taobao_web",
            _("Taobao / 1688 website"),
            [
                (receiver, name_code),
                (address, f"{brand}{warehouse.address} {name_code}"),
                (postal, warehouse.postal_code),
                (phone, warehouse.phone),
            ],
        ),
        (
            "pinduoduo",
            _("Pinduoduo app"),
            [
                (receiver, name_code),
                (address, f"{warehouse.address} {name_code}"),
                (phone, warehouse.phone),
            ],
        ),
        (
            "taobao_app",
            _("Taobao app"),
            [
                (receiver, name_code),
                (address, f"{brand}{warehouse.address} {name_code}"),
                (phone, warehouse.phone),
            ],
        ),
        (
            "1688_app",
            _("1688 app"),
            [
                (receiver, name_code),
                (address, f"{brand}{warehouse.address} {name_code}"),
                (postal, warehouse.postal_code),
                (phone, warehouse.phone),
            ],
        ),
    ]
    return [
        (key, title, [(label, value) for label, value in fields if value]) for key, title, fields in blocks
    ]
