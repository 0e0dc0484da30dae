"""Rules shipping adds to consignments' services (registered in ShippingConfig.ready)."""

from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import BagParcel


def packed_order_keeps_its_depot(*, consignment, depot, transfer: bool) -> None:
    """consignments.services.DESTINATION_GUARDS: a customer cannot send an order that is already packed in a
    bag to another depot (the bag and its label go to the first one). Operations still may (`transfer`):
    the depot that receives it sees the order is now another depot's."""
    if transfer:
        return
    item = (
        BagParcel.objects.filter(parcel__consignment=consignment)
        .select_related("bag")
        .only("bag__code")
        .first()
    )
    if item is not None:
        raise DomainError(
            _(
                "Order %(code)s is already packed in bag %(bag)s for its depot: its depot can no longer be changed."
            )
            % {"code": consignment.code, "bag": item.bag.code},
            code="bagged",
        )
