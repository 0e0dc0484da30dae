"""Pricing orders: the one place a charge is written. Called when an order is weighed (estimate), when it
reaches Chờ giao (final), when its extras change, and before it is paid (storage days)."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_event_add
from core.broker import Kick
from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send

from ..models import Charge, ChargeStage, OrderExtras, PricingRequest
from ..pricing import Extras, ParcelMeasure, PricingError, quote
from ..selectors import (
    exchange_rate_at,
    group_of,
    schedule_for,
    storage_days_of,
    terms_for,
)

# Orders whose charges may change: until they are paid. Delivered/lost/cancelled orders are never re-priced.
PRICEABLE = frozenset(
    {ConsignmentStatus.CN_RECEIVED, ConsignmentStatus.IN_TRANSIT, ConsignmentStatus.AWAITING_DELIVERY}
)
# Moves that hand the goods over: refused while the order's charges are unpaid (MONEY.md; issue 10).
HANDOVER = frozenset({ConsignmentStatus.DELIVERING, ConsignmentStatus.DELIVERED})

logger = logging.getLogger(__name__)

REASON_WEIGHED = gettext_noop("weighed")
REASON_ARRIVED = gettext_noop("arrived at the Vietnam depot")
REASON_EXTRAS = gettext_noop("extras changed")
REASON_STORAGE = gettext_noop("storage at the depot")
REASON_DEPOT = gettext_noop("destination depot changed")


def extras_of(consignment) -> Extras:
    try:
        row = consignment.extras  # read with the order (select_related) when the caller did
    except OrderExtras.DoesNotExist:
        row = None
    if row is None:
        return Extras(items=consignment.goods_quantity or 0)
    declared_fen = (
        consignment.goods_unit_value_fen * consignment.goods_quantity
        if consignment.goods_unit_value_fen is not None and consignment.goods_quantity
        else None
    )
    return Extras(
        wooden_crate=row.wooden_crate,
        bubble_wrap=row.bubble_wrap,
        insurance=row.insurance,
        declared_value_vnd=row.declared_value_vnd,
        declared_value_fen=declared_fen,
        inspection=row.inspection,
        items=consignment.goods_quantity or 0,
    )


def _stage_for(consignment) -> str:
    return (
        ChargeStage.FINAL
        if consignment.status == ConsignmentStatus.AWAITING_DELIVERY
        else ChargeStage.ESTIMATE
    )


# No savepoint of its own: it raises nothing it does not mean to end the caller's transaction with (a
# PricingError is caught below), and a receiving scan is two statements cheaper without one.
@transaction.atomic(savepoint=False)
def consignment_price(
    *,
    consignment: Consignment,
    by=None,
    reason: str = "",
    storage_days: int | None = None,
    locked_by_caller: bool = False,
):
    """(Re-)price an order from its weighed parcels and write the charge if anything changed.

    The estimate while it is in China or in transit, the final charge once it is Chờ giao. A new charge
    retires the previous one, writes a history row (old and new totals) and notifies the customer.
    Returns the current Charge, or None when the order cannot be priced yet (nothing weighed, no depot,
    no fee schedule published) — the order page then says so. A paid charge is never replaced.
    """
    if (
        locked_by_caller
    ):  # the caller changed the row in this transaction: it holds the lock, `consignment` is current
        locked = consignment
    else:
        locked = (
            Consignment.objects.select_for_update(of=("self",))
            .select_related("extras")
            .get(pk=consignment.pk)
        )
    if locked.status not in PRICEABLE:
        return None
    previous = Charge.objects.filter(consignment=locked, is_current=True).first()
    if previous is not None and previous.paid_at is not None:
        return previous
    # .all(): the parcels the caller prefetched, when it did (a depot scan has just read them).
    weighed = sorted(
        (p for p in locked.parcels.all() if p.weight_g is not None), key=lambda p: (p.piece_number, p.pk)
    )
    parcels = [
        ParcelMeasure(
            weight_g=p.weight_g,
            length_mm=p.length_mm,
            width_mm=p.width_mm,
            height_mm=p.height_mm,
            parcel_id=p.pk,
            piece=p.piece_label,
        )
        for p in weighed
    ]
    schedule = schedule_for(locked)
    if not parcels or locked.destination_id is None or schedule is None:
        return None
    group = group_of(locked.customer_id)
    rate = exchange_rate_at(locked.created_at)
    if storage_days is None:
        storage_days = storage_days_of(locked)
    try:
        result = quote(
            parcels=parcels,
            depot_id=locked.destination_id,
            terms=terms_for(schedule),
            discount_bp=group.freight_discount_bp if group else 0,
            extras=extras_of(locked),
            vnd_per_cny=rate.vnd_per_cny if rate else None,
            storage_days=storage_days,
        )
    except PricingError:
        return None  # e.g. a depot this version has no freight for: shown as "not priced yet"
    _chargeable_weights_keep(locked, weighed, result, terms_for(schedule))
    stage = _stage_for(locked)
    lines = [line.as_dict() for line in result.lines]
    if (
        previous is not None
        and previous.stage == stage
        and previous.lines == lines
        and previous.schedule_id == schedule.pk
    ):
        return previous
    if previous is not None:
        Charge.objects.filter(pk=previous.pk, is_current=True).update(is_current=False)
    charge = Charge.objects.create(
        consignment=locked,
        stage=stage,
        schedule=schedule,
        vnd_per_cny=rate.vnd_per_cny if rate else None,
        group_code=group.code if group else "",
        discount_bp=group.freight_discount_bp if group else 0,
        storage_days=storage_days,
        inputs={"parcels": list(result.parcels), "depot_id": locked.destination_id},
        lines=lines,
        total_vnd=result.total_vnd,
        reason=reason,
        created_by=by,
    )
    old_total = previous.total_vnd if previous is not None else None
    consignment_event_add(
        locked,
        kind=EventKind.PRICED,
        by=by,
        data={
            "charge_id": charge.pk,
            "stage": stage,
            "schedule_id": schedule.pk,
            "schedule": schedule.name,
            "total_vnd": charge.total_vnd,
            "previous_vnd": old_total,
            "reason": reason,
        },
        note=reason,
    )
    if old_total != charge.total_vnd:
        notification_send(
            user_id=locked.customer_id,
            kind=NotificationKind.CHARGE_CHANGED,
            consignment_id=locked.pk,
            data={"old_vnd": old_total, "new_vnd": charge.total_vnd, "reason": reason, "stage": stage},
        )
    return charge


def _chargeable_weights_keep(order, parcels, result, terms) -> None:
    """Once an order is priced, its parcels' and its own chargeable weights are the ones it was priced with
    (the fee schedule's divisor, allowance, minimum and step), so the station, the order page and the charge
    show one figure. Before any schedule exists the station's own figure (settings) stands. Writes only what
    differs (`parcels`: the parcels as read for pricing, in the order of result.parcels)."""
    from warehouse.models import Parcel

    for parcel, figure in zip(parcels, result.parcels, strict=True):
        divisor = terms.volumetric_divisor if figure["volumetric_g"] is not None else None
        wanted = (figure["chargeable_g"], figure["volumetric_g"], divisor)
        if (parcel.chargeable_weight_g, parcel.volumetric_weight_g, parcel.volumetric_divisor) != wanted:
            Parcel.objects.filter(pk=parcel.pk).update(
                chargeable_weight_g=wanted[0], volumetric_weight_g=wanted[1], volumetric_divisor=wanted[2]
            )
    if order.chargeable_weight_g != result.chargeable_g:
        Consignment.objects.filter(pk=order.pk).update(chargeable_weight_g=result.chargeable_g)
        order.chargeable_weight_g = result.chargeable_g


def on_measured(sender, *, consignment, by=None, **kwargs):
    """consignments.signals.consignment_measured: an order weighed in China gets its estimate."""
    consignment_price(consignment=consignment, by=by, reason=REASON_WEIGHED)


def on_destination_changed(sender, *, consignment, by=None, **kwargs):
    """consignments.signals.consignment_destination_changed: freight depends on the depot."""
    consignment_price(consignment=consignment, by=by, reason=REASON_DEPOT)


def on_status_changed(sender, *, consignment, old, new, by=None, **kwargs):
    """consignments.signals.consignment_status_changed: at Chờ giao the charge becomes final, priced by the
    worker right after the commit (PricingRequest) rather than inside the depot's scan."""
    if new == ConsignmentStatus.AWAITING_DELIVERY:
        pricing_request([consignment.pk], by=by, reason=REASON_ARRIVED, storage_days=0)


def on_status_changed_many(sender, *, ids, old, new, by=None, **kwargs):
    """consignments.signals.consignments_status_changed_many: orders received at the depot in bulk get
    their final charge, each (a trip's orders leaving China are not re-priced: nothing changed)."""
    if new == ConsignmentStatus.AWAITING_DELIVERY:
        pricing_request(ids, by=by, reason=REASON_ARRIVED, storage_days=0)


# Wakes billing.tasks.price_requested after the commit, at most once a second per process; beat runs it
# every minute as well.
pricing_kick = Kick("billing.tasks.price_requested")


def pricing_request(ids, *, by=None, reason: str, storage_days: int | None = None) -> None:
    """Ask for these orders to be priced once the current transaction commits (one INSERT): the rows
    commit or roll back with the change that asked, and billing.tasks.price_requested prices them."""
    rows = [PricingRequest(consignment_id=pk, by=by, reason=reason, storage_days=storage_days) for pk in ids]
    PricingRequest.objects.bulk_create(rows, batch_size=1000)
    if rows:
        transaction.on_commit(pricing_kick)


def charges_price_requested(*, batch: int = 100) -> int:
    """Price the orders asked for (PricingRequest), batch by batch, each in its own transaction; returns how
    many were looked at. Two runs at once share the work (SKIP LOCKED). An order already priced final
    since (a payment priced it at once) is left as it is; an order that cannot be priced (no fee schedule,
    nothing weighed) stays unpriced as the order page says, and is priced when that changes."""
    done = 0
    while True:
        with transaction.atomic():
            requests = list(PricingRequest.objects.select_for_update(skip_locked=True).order_by("id")[:batch])
            if not requests:
                return done
            for request in requests:
                _price_requested(request)
            PricingRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
        done += len(requests)
        if len(requests) < batch:
            return done


def _price_requested(request) -> None:
    final = Charge.objects.filter(
        consignment_id=request.consignment_id, is_current=True, stage=ChargeStage.FINAL
    ).exists()
    order = Consignment.objects.filter(pk=request.consignment_id).first()
    if final or order is None:
        return
    try:
        with transaction.atomic():
            consignment_price(
                consignment=order, by=request.by, reason=request.reason, storage_days=request.storage_days
            )
    except Exception:  # one order's fault must not hold up every other order's charge
        logger.exception("pricing order %s failed; a payment will price it", request.consignment_id)


def handover_guard(*, consignment, to):
    """consignments.services.TRANSITION_GUARDS: goods are handed over only once their charges are paid."""
    if to not in HANDOVER:
        return
    if Charge.objects.filter(consignment=consignment, is_current=True, paid_at__isnull=False).exists():
        return
    raise DomainError(
        _("Order %(code)s is not paid yet: it cannot be handed over.") % {"code": consignment.code},
        code="unpaid",
    )


def _handover_guard_many(*, ids, to):
    if to not in HANDOVER:
        return
    for consignment in Consignment.objects.filter(pk__in=ids):
        handover_guard(consignment=consignment, to=to)


handover_guard.check_many = _handover_guard_many


EXTRAS_FIELDS = ("wooden_crate", "bubble_wrap", "insurance", "declared_value_vnd", "inspection")
MAX_DECLARED_VALUE_VND = 10_000_000_000  # 10 billion đồng: beyond that, a typo


@transaction.atomic
def order_extras_set(*, consignment: Consignment, by, **values) -> OrderExtras:
    """The customer (or operations) choose the extras of an order; the order is re-priced at once.

    Wooden crate and bubble wrap are packed in China, so they can be chosen only while the order is there;
    insurance and inspection likewise. Raises DomainError for an order that has left China or a bad value.
    """
    unknown = set(values) - set(EXTRAS_FIELDS)
    if unknown:
        raise TypeError(f"unknown extras: {sorted(unknown)}")
    locked = Consignment.objects.select_for_update(of=("self",)).get(pk=consignment.pk)
    if locked.status != ConsignmentStatus.CN_RECEIVED:
        raise DomainError(
            _("Order %(code)s has left the China warehouse: its extras can no longer be changed.")
            % {"code": locked.code},
            code="locked",
        )
    value = values.get("declared_value_vnd")
    if value is not None and not 0 <= value <= MAX_DECLARED_VALUE_VND:
        raise DomainError(_("Enter a declared value between 0 and 10,000,000,000 ₫."), code="value")
    extras, _created = OrderExtras.objects.get_or_create(consignment=locked)
    previous = {name: getattr(extras, name) for name in EXTRAS_FIELDS}
    for name, value in values.items():
        setattr(extras, name, value)
    extras.updated_by = by
    extras.save()
    now = {name: getattr(extras, name) for name in EXTRAS_FIELDS}
    if now != previous:
        consignment_price(consignment=locked, by=by, reason=REASON_EXTRAS)
    return extras
