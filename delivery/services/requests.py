"""Delivery requests (yêu cầu giao): the customer asks for orders awaiting at one depot to be delivered."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentStatus, EventKind
from core.errors import DomainError

from ..models import Carrier, DeliveryRequest, DeliveryRequestItem, RequestStatus
from .common import MAX_ORDERS, events_add
from .status import request_started, request_transition

MAX_NOTE = 500


def address_text(address) -> str:
    """The address as the carrier writes it (kept with the request: the address may change later)."""
    return str(address)[:600]


@transaction.atomic
def delivery_request_create(
    *, customer, depot, ids, address, carrier: str, note: str = ""
) -> DeliveryRequest:
    """A new delivery request for the chosen orders of `customer`, all awaiting at `depot`, to one of their
    addresses (kept as text too), with a preferred carrier and a note. Each order gets a DELIVERY history row.

    Refused (DomainError), nothing written: no order chosen; an order that is not theirs; not awaiting
    delivery; awaiting at another depot than the others; already in an open request (also when two requests
    are made at once: a unique constraint); an address that is not theirs; an unknown carrier."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise DomainError(_("Choose the orders to deliver."), code="empty")
    if len(ids) > MAX_ORDERS:
        raise DomainError(_("Ask for at most 200 orders in one request."), code="too_many")
    if address is None or address.customer_id != customer.pk:
        raise DomainError(_("Choose one of your delivery addresses."), code="address")
    if carrier not in Carrier.values:
        raise DomainError(_("Choose a carrier from the list."), code="carrier")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_("Keep the note under 500 characters."), code="note")
    orders = list(
        Consignment.objects.select_for_update(of=("self",))
        .select_related("current_warehouse")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(orders) != len(ids) or any(o.customer_id != customer.pk for o in orders):
        raise DomainError(_("Some of the chosen orders are not yours."), code="not_yours")
    for order in orders:
        if order.status != ConsignmentStatus.AWAITING_DELIVERY:
            raise DomainError(
                _("Order %(code)s is “%(status)s”, not awaiting delivery: it cannot be delivered now.")
                % {"code": order.code, "status": order.get_status_display()},
                code="not_awaiting",
            )
        if order.current_warehouse_id != depot.pk:
            raise DomainError(
                _(
                    "Order %(code)s is at %(depot)s: one request takes orders of one depot. Make a "
                    "request per depot."
                )
                % {"code": order.code, "depot": order.current_warehouse.name},
                code="other_depot",
            )
    taken = (
        DeliveryRequestItem.objects.filter(consignment_id__in=ids, is_open=True)
        .select_related("request", "consignment")
        .first()
    )
    if taken is not None:
        raise _already_requested(taken)
    request = DeliveryRequest.objects.create(
        customer=customer,
        depot=depot,
        address=address,
        recipient_name=address.recipient_name,
        recipient_phone=address.phone,
        address_text=address_text(address),
        carrier=carrier,
        note=note,
    )
    try:
        with transaction.atomic():
            DeliveryRequestItem.objects.bulk_create(
                [DeliveryRequestItem(request=request, consignment=o) for o in orders]
            )
    except IntegrityError as exc:  # another request took one of them at this very moment
        taken = DeliveryRequestItem.objects.filter(consignment_id__in=ids, is_open=True).first()
        raise (
            _already_requested(taken) if taken else DomainError(_("Reload the page."), code="stale")
        ) from exc
    request_started(request=request, by=customer)
    events_add(
        orders,
        kind=EventKind.DELIVERY,
        by=customer,
        warehouse=depot,
        data={"step": "requested", "request_id": request.pk, "request": request.code, "carrier": carrier},
    )
    return request


def _already_requested(item) -> DomainError:
    return DomainError(
        _("Order %(code)s is already in delivery request %(request)s.")
        % {"code": item.consignment.code, "request": item.request.code},
        code="requested",
    )


def request_lock(request) -> DeliveryRequest:
    return DeliveryRequest.objects.select_for_update().select_related("depot").get(pk=request.pk)


def request_orders(request):
    return Consignment.objects.filter(delivery_items__request=request).order_by("pk")


def request_close(request, *, status: str, by=None) -> None:
    """Done or cancelled (through request_transition: a history row, and refused from a status it cannot
    leave so): its orders are free for another request."""
    extra = {"cancelled_at": timezone.now(), "cancelled_by": by} if status == RequestStatus.CANCELLED else {}
    request_transition(request=request, to=status, by=by, **extra)
    DeliveryRequestItem.objects.filter(request=request).update(is_open=False)


@transaction.atomic
def delivery_request_cancel(*, request, by) -> DeliveryRequest:
    """The customer (or the depot, at the customer's word) cancels a request the depot has not started."""
    locked = request_lock(request)
    if locked.status != RequestStatus.NEW:
        raise DomainError(
            _("Request %(code)s is “%(status)s”: it can no longer be cancelled. Call the depot.")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="started",
        )
    orders = list(request_orders(locked))
    request_close(locked, status=RequestStatus.CANCELLED, by=by)
    events_add(
        orders,
        kind=EventKind.DELIVERY,
        by=by,
        warehouse=locked.depot,
        data={"step": "cancelled", "request_id": locked.pk, "request": locked.code},
    )
    request.status = locked.status
    return locked
