from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import units
from .models import DeliveryAddress

FIELDS = ("recipient_name", "phone", "province", "district", "ward", "street")


@transaction.atomic
def address_save(*, customer, address: DeliveryAddress | None = None, make_default: bool = False, **data):
    """Create or update an address. The first address is the default; one default per customer.

    With `province_code` and `ward_code` (the 2025 units), the names are taken from them and the district
    is emptied; without them, `province`, `district` and `ward` are stored as given (old-style addresses,
    e.g. demo data), with the 2025 province code its name gives.
    """
    is_new = address is None
    if is_new:
        address = DeliveryAddress(customer=customer)
    for field in FIELDS:
        if field in data:
            setattr(address, field, data[field])
    if data.get("province_code") or data.get("ward_code"):
        province_code, ward_code = data.get("province_code", ""), data.get("ward_code", "")
        ward = units.ward_name(province_code, ward_code)
        if ward is None:
            raise ValidationError(_("Choose a ward or commune of the chosen province or city."))
        address.province_code, address.ward_code = province_code, ward_code
        address.province, address.district, address.ward = units.province_name(province_code), "", ward
    elif "province" in data:
        # An old-style address keeps its text as entered; its 2025 province, when the name says it, is kept
        # beside it so that orders find their destination depot (warehouse.selectors.destination_for).
        address.province_code = units.province_code_from_name(address.province) or ""
    has_default = (
        DeliveryAddress.objects.filter(customer=customer, is_default=True).exclude(pk=address.pk).exists()
    )
    if make_default or not has_default:
        DeliveryAddress.objects.filter(customer=customer, is_default=True).exclude(pk=address.pk).update(
            is_default=False
        )
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def address_set_default(*, address: DeliveryAddress) -> DeliveryAddress:
    list(
        DeliveryAddress.objects.select_for_update().filter(customer_id=address.customer_id).values_list("pk")
    )
    DeliveryAddress.objects.filter(customer_id=address.customer_id, is_default=True).update(is_default=False)
    DeliveryAddress.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address


# Why a customer's last address must stay: higher apps add a check (customer → a message, or None) in their
# AppConfig.ready (consignments: orders awaiting delivery); addresses never imports them.
LAST_ADDRESS_GUARDS: list[Callable[..., str | None]] = []


def register_last_address_guard(guard: Callable[..., str | None]) -> None:
    if guard not in LAST_ADDRESS_GUARDS:
        LAST_ADDRESS_GUARDS.append(guard)


@transaction.atomic
def address_delete(*, address: DeliveryAddress) -> None:
    """Delete; if it was the default, the newest remaining address becomes the default. The last address
    stays while a guard says it is needed (orders awaiting delivery)."""
    customer_id, was_default = address.customer_id, address.is_default
    # Lock the customer's addresses: two deletes at once cannot both see "one more left".
    others = (
        DeliveryAddress.objects.select_for_update().filter(customer_id=customer_id).exclude(pk=address.pk)
    )
    if not list(others.values_list("pk", flat=True)):
        for guard in LAST_ADDRESS_GUARDS:
            if reason := guard(customer=address.customer):
                raise DomainError(reason, code="last_address_needed")
    address.delete()
    if was_default:
        nxt = DeliveryAddress.objects.filter(customer_id=customer_id).order_by("-created_at", "-id").first()
        if nxt:
            DeliveryAddress.objects.filter(pk=nxt.pk).update(is_default=True)
