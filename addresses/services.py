from django.db import transaction

from .models import DeliveryAddress

FIELDS = ("recipient_name", "phone", "province", "district", "ward", "street")


@transaction.atomic
def address_save(*, customer, address: DeliveryAddress | None = None, make_default: bool = False, **data):
    """Create or update an address. The first address is the default; one default per customer."""
    is_new = address is None
    if is_new:
        address = DeliveryAddress(customer=customer)
    for field in FIELDS:
        if field in data:
            setattr(address, field, data[field])
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


@transaction.atomic
def address_delete(*, address: DeliveryAddress) -> None:
    """Delete; if it was the default, the newest remaining address becomes the default."""
    customer_id, was_default = address.customer_id, address.is_default
    address.delete()
    if was_default:
        nxt = DeliveryAddress.objects.filter(customer_id=customer_id).order_by("-created_at", "-id").first()
        if nxt:
            DeliveryAddress.objects.filter(pk=nxt.pk).update(is_default=True)
