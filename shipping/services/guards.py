"""Rules shipping adds to consignments' services (registered in ShippingConfig.ready)."""

import contextlib
from contextvars import ContextVar

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


_EVERY_PARCEL_RECEIVED: ContextVar[bool] = ContextVar("every_parcel_received", default=False)


@contextlib.contextmanager
def every_parcel_received():
    """Receiving has just checked that every parcel of the order is received: the guard skips its read."""
    token = _EVERY_PARCEL_RECEIVED.set(True)
    try:
        yield
    finally:
        _EVERY_PARCEL_RECEIVED.reset(token)


def packed_order_moves_with_its_bag(*, consignment, to) -> None:
    """consignments.services.TRANSITION_GUARDS: an order packed in a bag leaves China with its trip (not from
    the dispatch page), and reaches Chờ giao when the depot receives its parcels (not from the depot page).
    Orders never packed keep the older pages. Trip departure and receiving pass: by then the bags are loaded
    and the parcels received."""
    _refuse_packed(ids=[consignment.pk], to=to)


def _refuse_packed(*, ids, to) -> None:
    from consignments.models import ConsignmentStatus

    from ..models import BagStatus

    if to == ConsignmentStatus.IN_TRANSIT:
        item = (
            BagParcel.objects.filter(
                parcel__consignment_id__in=ids, bag__status__in=(BagStatus.OPEN, BagStatus.CLOSED)
            )
            .select_related("bag", "parcel__consignment")
            .first()
        )
        if item is not None:
            raise DomainError(
                _("Order %(code)s is packed in bag %(bag)s: it leaves China with that bag's trip.")
                % {"code": item.parcel.consignment.code, "bag": item.bag.code},
                code="bagged",
            )
    elif to == ConsignmentStatus.AWAITING_DELIVERY and not _EVERY_PARCEL_RECEIVED.get():
        item = (
            BagParcel.objects.filter(parcel__consignment_id__in=ids, received_at__isnull=True)
            .select_related("bag", "parcel__consignment")
            .first()
        )
        if item is not None:
            raise DomainError(
                _(
                    "Order %(code)s travels in bag %(bag)s and a parcel of it has not been received: receive it "
                    "on the Receiving trips page."
                )
                % {"code": item.parcel.consignment.code, "bag": item.bag.code},
                code="not_received",
            )


packed_order_moves_with_its_bag.check_many = _refuse_packed
