from django.conf import settings

from . import units
from .models import DeliveryAddress


def addresses_for(*, customer):
    return DeliveryAddress.objects.filter(customer=customer)


def customer_has_address(*, customer) -> bool:
    return DeliveryAddress.objects.filter(customer=customer).exists()


def default_address(customer) -> DeliveryAddress | None:
    """The customer's default delivery address (the newest one if, oddly, none is marked), or None."""
    return addresses_for(customer=customer).order_by("-is_default", "-created_at", "-id").first()


# --- the 2025 administrative units (34 provinces/cities, wards and communes, no district) ----------------


def provinces() -> list[tuple[str, str]]:
    """The 34 provinces/cities as (code, name), e.g. ("01", "Hà Nội"), in Vietnamese alphabetical order."""
    return list(units.province_choices())


def province_name(code: str | None) -> str | None:
    """ "79" → "Hồ Chí Minh"; None for anything that is not one of the 34 codes."""
    return units.province_name(code)


def wards(province_code: str | None) -> list[tuple[str, str]]:
    """The wards, communes and special zones of a province as (code, name), e.g. ("00004", "Phường Ba
    Đình"), sorted by name; [] for an unknown province."""
    return list(units.ward_choices(province_code or ""))


def province_code_for(address) -> str | None:
    """The 2025 province of any address: the one chosen, else read from its free-text province name,
    old provinces merged in 2025 included ("Bình Dương" → "79"); None if the name is not a province."""
    if units.province_name(address.province_code):
        return address.province_code
    return units.province_code_from_name(address.province)


def default_province_code(customer) -> str | None:
    """The 2025 province of the customer's default address; None without an address or a readable province."""
    address = default_address(customer)
    return province_code_for(address) if address else None


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
