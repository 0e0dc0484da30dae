"""The dashboard's counts: each is one aggregate query, whatever the number of rows behind it."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from billing.models import BankTransfer, Charge, TransferStatus
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from shipping.models import Trip, TripStatus
from tracking.selectors import conflicted_codes
from warehouse.models import Parcel, Warehouse
from warehouse.services import UNIDENTIFIED_FLAG_DAYS


def local_day_start(day) -> datetime:
    """Midnight of a calendar day in Asia/Ho_Chi_Minh (the project's TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def today_start(now=None) -> datetime:
    return local_day_start(timezone.localdate(now or timezone.now()))


def awaiting_since():
    """The moment each order last became Chờ giao (a subquery on the order's row)."""
    return Subquery(
        ConsignmentEvent.objects.filter(
            consignment=OuterRef("pk"), kind=EventKind.STATUS, new_status=ConsignmentStatus.AWAITING_DELIVERY
        )
        .order_by()
        .values("consignment")
        .annotate(last=Max("at"))
        .values("last")
    )


def storage_free_days() -> int | None:
    """The free storage days of the fee schedule in force now (None: nothing published)."""
    from billing.selectors import schedule_in_force

    schedule = schedule_in_force()
    return schedule.storage_free_days if schedule is not None else None


def storage_cutoff(free_days: int, now=None) -> datetime:
    """Orders that became Chờ giao before this moment pay storage today (billing.pricing.storage_line
    charges the calendar days since Chờ giao beyond the free ones)."""
    today = timezone.localdate(now or timezone.now())
    return local_day_start(today - timedelta(days=free_days))


def unpaid_orders():
    """Orders awaiting delivery whose current charge is not paid (every customer)."""
    unpaid = Charge.objects.filter(consignment=OuterRef("pk"), is_current=True, paid_at__isnull=True)
    return Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY).filter(Exists(unpaid))


def unidentified_parcels():
    return Parcel.objects.filter(consignment__isnull=True, retired_at__isnull=True)


def open_claims_count() -> int | None:
    """Open claims, from the claims app when it offers claims.selectors.open_claims(); None otherwise."""
    try:
        from claims.selectors import open_claims
    except ImportError:
        return None
    return open_claims().count()


def claims_waiting_counts() -> tuple[int | None, int | None]:
    """(claims whose customer wrote and waits for an answer, refunds awaiting a second person's approval),
    from the claims app (one query); (None, None) without it."""
    try:
        from claims.selectors import waiting_counts
    except ImportError:
        return None, None
    counts = waiting_counts()
    return counts["unanswered"], counts["refund_pending"]


@dataclass
class Dashboard:
    intake: list = field(default_factory=list)  # [{"warehouse": Warehouse, "count": n}]
    intake_total: int = 0
    unidentified: int = 0
    unidentified_old: int = 0
    unidentified_days: int = UNIDENTIFIED_FLAG_DAYS
    conflicts: int = 0
    awaiting: list = field(default_factory=list)  # [{"depot": Warehouse, "count": n, "past_free": n}]
    awaiting_total: int = 0
    past_free_total: int = 0
    free_days: int | None = None
    trips_in_transit: int = 0
    unpaid: int = 0
    unmatched_transfers: int = 0
    open_claims: int | None = None
    unanswered_claims: int | None = None  # a customer wrote on a claim, whatever its status, and waits
    refunds_pending: int | None = None  # claim refunds awaiting a second operations person's approval


def dashboard(now=None) -> Dashboard:
    now = now or timezone.now()
    board = Dashboard()
    warehouses = {w.pk: w for w in Warehouse.objects.all()}

    intake = dict(
        Parcel.objects.filter(scanned_at__gte=today_start(now))
        .order_by()
        .values("warehouse")
        .annotate(n=Count("pk"))
        .values_list("warehouse", "n")
    )
    board.intake = [
        {"warehouse": w, "count": intake.get(w.pk, 0)}
        for w in warehouses.values()
        if w.kind == Warehouse.Kind.CHINA and (w.is_active or intake.get(w.pk))
    ]
    board.intake_total = sum(row["count"] for row in board.intake)

    old = now - timedelta(days=UNIDENTIFIED_FLAG_DAYS)
    counts = unidentified_parcels().aggregate(n=Count("pk"), old=Count("pk", filter=Q(scanned_at__lt=old)))
    board.unidentified, board.unidentified_old = counts["n"], counts["old"]

    board.conflicts = conflicted_codes().count()

    board.free_days = storage_free_days()
    past = (
        {"past": Count("pk", filter=Q(since__lt=storage_cutoff(board.free_days, now)))}
        if board.free_days is not None
        else {}
    )
    awaiting = {
        row["current_warehouse"]: row
        for row in Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY)
        .annotate(since=awaiting_since())
        .order_by()
        .values("current_warehouse")
        .annotate(n=Count("pk"), **past)
    }
    board.awaiting = [
        {
            "depot": w,
            "count": awaiting.get(w.pk, {}).get("n", 0),
            "past_free": awaiting.get(w.pk, {}).get("past", 0),
        }
        for w in warehouses.values()
        if w.kind == Warehouse.Kind.VIETNAM and (w.is_active or w.pk in awaiting)
    ]
    board.awaiting_total = sum(row["n"] for row in awaiting.values())
    board.past_free_total = sum(row.get("past", 0) for row in awaiting.values())

    board.trips_in_transit = Trip.objects.filter(status=TripStatus.DEPARTED).count()
    board.unpaid = unpaid_orders().count()
    board.unmatched_transfers = BankTransfer.objects.filter(status=TransferStatus.UNMATCHED).count()
    board.open_claims = open_claims_count()
    board.unanswered_claims, board.refunds_pending = claims_waiting_counts()
    return board
