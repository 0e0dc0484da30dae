"""Operations' lists of orders and parcels, with the filters the dashboard links carry."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from billing.models import Charge
from consignments.models import Consignment
from tracking.normalize import normalize_tracking_code
from warehouse.models import Parcel

from .dashboard import (
    awaiting_since,
    local_day_start,
    storage_cutoff,
    storage_free_days,
    unidentified_parcels,
)


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    warehouse: int | None = None  # where the order is now
    destination: int | None = None
    unpaid: bool = False
    past_free: bool = False
    q: str = ""
    customer: str = ""  # a customer code or username
    date_from: date | None = None  # created (arrived in China), Asia/Ho_Chi_Minh days, both included
    date_to: date | None = None


def orders_filtered(f: OrderFilter):
    qs = Consignment.objects.select_related("customer", "current_warehouse", "destination")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.warehouse:
        qs = qs.filter(current_warehouse_id=f.warehouse)
    if f.destination:
        qs = qs.filter(destination_id=f.destination)
    if f.unpaid or f.past_free:
        from consignments.models import ConsignmentStatus

        qs = qs.filter(status=ConsignmentStatus.AWAITING_DELIVERY)
    if f.unpaid:
        unpaid = Charge.objects.filter(consignment=OuterRef("pk"), is_current=True, paid_at__isnull=True)
        qs = qs.filter(Exists(unpaid))
    if f.past_free:
        free_days = storage_free_days()
        if free_days is None:
            return qs.none()
        qs = qs.annotate(since=awaiting_since()).filter(since__lt=storage_cutoff(free_days))
    if f.q:
        qs = qs.filter(order_search(f.q)).distinct()
    if f.customer:
        qs = qs.filter(
            Q(customer__customer_code__iexact=f.customer) | Q(customer__username__iexact=f.customer)
        )
    if f.date_from:
        qs = qs.filter(created_at__gte=local_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=local_day_start(f.date_to + timezone.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


# A waybill typed by its last digits (what a caller reads out) is looked up from this many characters on.
WAYBILL_TAIL_MIN = 6


def order_search(text: str) -> Q:
    """What the operations' order search box finds: an order code or its beginning ("KG13" finds KG13…),
    a parcel's label (KG00001234-2 finds its order), a waybill whole, or its last digits (at least
    WAYBILL_TAIL_MIN characters) on the order or any of its parcels."""
    from warehouse.labels import split_parcel_code

    typed = text.strip().upper()
    label = split_parcel_code(typed)
    code = normalize_tracking_code(text)
    match = Q(code__startswith=label[0] if label else typed)
    if code:
        match |= Q(tracking_code=code) | Q(parcels__tracking_code=code)
        if len(code) >= WAYBILL_TAIL_MIN:
            match |= Q(tracking_code__endswith=code) | Q(parcels__tracking_code__endswith=code)
    return match


def parcels_scanned(
    *, warehouse: int | None = None, day: date | None = None, unidentified: bool = False, old: bool = False
):
    """Parcels scanned on a day (Asia/Ho_Chi_Minh) at a warehouse; or the unidentified ones; `old`: those
    scanned more than UNIDENTIFIED_FLAG_DAYS ago."""
    from warehouse.services import UNIDENTIFIED_FLAG_DAYS

    qs = unidentified_parcels() if unidentified else Parcel.objects.all()
    if old:
        qs = qs.filter(scanned_at__lt=timezone.now() - timezone.timedelta(days=UNIDENTIFIED_FLAG_DAYS))
    qs = qs.select_related("warehouse", "scanned_by", "consignment__customer")
    if warehouse:
        qs = qs.filter(warehouse_id=warehouse)
    if day:
        start = local_day_start(day)
        qs = qs.filter(scanned_at__gte=start, scanned_at__lt=start + timezone.timedelta(days=1))
    return qs.order_by("-scanned_at", "-id")


def order_page(pk: int) -> dict | None:
    """One order as operations see it: parcels with their photos, the whole history, its charges, the
    wallet entries about it, its claims. A fixed number of queries."""
    from billing.models import WalletEntry
    from consignments.models import ConsignmentEvent

    order = (
        Consignment.objects.select_related("customer", "current_warehouse", "destination")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        return None
    from .audit_words import order_event_words

    events = list(
        ConsignmentEvent.objects.filter(consignment=order)
        .select_related("by", "warehouse")
        .order_by("at", "id")
    )
    for event in events:
        event.summary = "" if event.kind == "status" else order_event_words(event, with_note=False)
    context = {
        "order": order,
        "parcels": list(
            Parcel.objects.filter(consignment=order)
            .select_related("warehouse", "scanned_by")
            .prefetch_related("photos")
            .order_by("piece_number", "id")
        ),
        "events": events,  # with their details in words (the list above, not a second query)
        "charges": list(Charge.objects.filter(consignment=order).select_related("schedule").order_by("-id")),
        "entries": list(WalletEntry.objects.filter(consignment=order).select_related("by").order_by("-id")),
        "claims": None,
    }
    try:
        from claims.selectors import claims_of_order
    except ImportError:  # the claims app is not there yet
        pass
    else:
        context["claims"] = list(claims_of_order(order).order_by("-id"))
    return context
