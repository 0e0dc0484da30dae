"""Handing orders over at the depot counter (nhận tại kho): Đã nhận hàng, with who, when, and to whom."""

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Charge
from billing.services.wallet import wallet_get, wallet_pay
from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_transition
from core.errors import DomainError

from ..models import DeliveryRequestItem, Handover, HandoverItem
from .common import HANDED_OVER, MAX_ORDERS, events_add, notify


def paid_ids(ids) -> set[int]:
    """The orders among `ids` whose current charge is paid (billing's rule for handing goods over)."""
    return set(
        Charge.objects.filter(
            consignment_id__in=list(ids), is_current=True, paid_at__isnull=False
        ).values_list("consignment_id", flat=True)
    )


def _why_not_here(order, depot) -> str:
    if (
        order.status == ConsignmentStatus.DELIVERED
        and HandoverItem.objects.filter(consignment=order).exists()
    ):
        return _("Order %(code)s was handed over just now.") % {"code": order.code}
    if order.status == ConsignmentStatus.AWAITING_DELIVERY:
        return _("Order %(code)s is awaiting delivery at %(depot)s, not at this depot.") % {
            "code": order.code,
            "depot": order.current_warehouse.name,
        }
    return _("Order %(code)s is “%(status)s”: it cannot be handed over.") % {
        "code": order.code,
        "status": order.get_status_display(),
    }


@transaction.atomic
def handover_create(
    *,
    depot,
    customer,
    ids,
    by,
    receiver_name: str,
    receiver_phone: str,
    pickup_code=None,
    pay_from_wallet: bool = False,
    expected_pay_vnd: int | None = None,
) -> Handover:
    """Hand the chosen orders of one customer over at `depot`: each becomes Đã nhận hàng (through
    consignments' one transition, so billing's guard refuses an unpaid one), a Handover records who handed
    them over, to whom and when, and each order gets a HANDOVER history row.

    All or nothing. Refused (DomainError): no order chosen, an order not this customer's, not awaiting at
    this depot (or handed over just now by another counter: the orders are locked, so two counters
    handing over the same order end with one handover), in an open delivery request, or unpaid — unless
    `pay_from_wallet`: the unpaid ones are then paid from the wallet first (billing.services.wallet.wallet_pay,
    `expected_pay_vnd` being the total the counter showed), in the same transaction.
    """
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise DomainError(_("Choose the orders to hand over."), code="empty")
    if len(ids) > MAX_ORDERS:
        raise DomainError(_("Hand over at most 200 orders at a time."), code="too_many")
    receiver_name, receiver_phone = (receiver_name or "").strip()[:100], (receiver_phone or "").strip()[:16]
    if not receiver_name or not receiver_phone:
        raise DomainError(_("Write who collects the orders: name and phone."), code="receiver")
    if pay_from_wallet:
        wallet_get(customer, lock=True)  # the wallet before the orders, as wallet_pay locks them
    orders = list(
        Consignment.objects.select_for_update(of=("self",))
        .select_related("current_warehouse")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(orders) != len(ids) or any(o.customer_id != customer.pk for o in orders):
        raise DomainError(_("Some of these orders are not this customer's."), code="not_theirs")
    for order in orders:
        if order.status != ConsignmentStatus.AWAITING_DELIVERY or order.current_warehouse_id != depot.pk:
            raise DomainError(_why_not_here(order, depot), code="not_here")
    requested = (
        DeliveryRequestItem.objects.filter(consignment_id__in=ids, is_open=True)
        .select_related("request", "consignment")
        .first()
    )
    if requested is not None:
        raise DomainError(
            _("Order %(code)s is in delivery request %(request)s: cancel the request first.")
            % {"code": requested.consignment.code, "request": requested.request.code},
            code="in_request",
        )
    paid = paid_ids(ids)
    unpaid = [o for o in orders if o.pk not in paid]
    paid_now = 0
    if unpaid and not pay_from_wallet:
        raise DomainError(
            _("Not paid yet: %(codes)s. The customer can pay from the wallet now.")
            % {"codes": ", ".join(o.code for o in unpaid)},
            code="unpaid",
        )
    if unpaid:
        entries = wallet_pay(
            customer=customer, consignments=unpaid, by=by, expected_total_vnd=expected_pay_vnd
        )
        paid_now = sum(-e.amount_vnd for e in entries)
    handover = Handover.objects.create(
        depot=depot,
        customer=customer,
        by=by,
        receiver_name=receiver_name,
        receiver_phone=receiver_phone,
        via=Handover.Via.CODE if pickup_code is not None else Handover.Via.SEARCH,
        pickup_code=pickup_code,
        paid_at_counter_vnd=paid_now,
    )
    HandoverItem.objects.bulk_create([HandoverItem(handover=handover, consignment=o) for o in orders])
    for order in orders:
        consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=by, warehouse=depot)
    events_add(
        orders,
        kind=EventKind.HANDOVER,
        by=by,
        warehouse=depot,
        data={
            "handover_id": handover.pk,
            "receiver_name": receiver_name,
            "receiver_phone": receiver_phone,
            "depot": depot.name,
            "paid_at_counter": bool(paid_now),
        },
    )
    notify(customer.pk, HANDED_OVER, orders, depot=depot.name, receiver=receiver_name)
    return handover
