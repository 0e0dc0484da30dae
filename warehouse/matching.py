"""Matching: the one home of the rule that turns parcels and registrations into consignment orders.

Everything that can create an order or add a parcel to one goes through here: the scan station
(parcel_scan), a late registration (codes_match, from the task tracking's `codes_registered` signal
enqueues), the scheduled safety net (parcels_rematch), staff reading a label or operations deciding
(parcel_assign, tracking_conflict_resolve).

The rules:
- An order is one shipment: one supplier waybill (mã vận đơn), one or more parcels (kiện), one per piece
  number (JD's `…-2-3` is piece 2 of 3; a waybill scanned without a piece suffix is piece 1). Every piece
  of a waybill joins the waybill's current order, whenever it arrives.
- A waybill with no current order is matched to its one open registration: a new order for that customer.
  None: the parcel waits unidentified. Several customers: a conflict that staff or operations decide.
- A waybill number is reused (couriers recycle them): once its order is finished (delivered, cancelled,
  lost) for longer than settings.TRACKING_REUSE_AFTER_DAYS, the next scan retires the old order and its
  parcels (retired_at) and the number starts a new shipment.
- Every step happens under the waybill's advisory lock (lock_codes), so a scan, a registration and an
  operations decision on the same waybill serialise. Unique constraints (one current parcel per piece, one
  current order per waybill, one order per registration) make a lost race fail instead of duplicating.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentEvent, EventKind
from consignments.services import consignment_code_for, consignment_event_add
from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send
from tracking.models import TrackingNumber, TrackingStatus
from tracking.scanner import ScanRead, read_scan
from tracking.selectors import open_registrations_for_code, reuse_cutoff
from tracking.services import tracking_mark_matched

from .models import Parcel
from .selectors import destination_for

MAX_SCAN_LENGTH = 300  # a QR code of an e-waybill carries a little more than the number


@dataclass(frozen=True)
class ScanResult:
    MATCHED = "matched"  # a new order was created by this scan
    PIECE = "piece"  # another parcel of a shipment that already has its order
    DUPLICATE = "duplicate"  # this parcel was scanned before and has its order
    UNIDENTIFIED = "unidentified"  # nobody registered the code (yet)
    CONFLICT = "conflict"  # several customers registered the code

    outcome: str
    parcel: Parcel
    consignment: Consignment | None = None
    arrived: int = 1  # parcels of the order (or of the waybill, unidentified) here so far
    expected: int | None = None  # pieces the labels announce (…-2-3 → 3), None when unknown
    read: ScanRead | None = None  # what the station understood of the scan


def _code_key(code: str) -> int:
    return int.from_bytes(hashlib.blake2b(code.encode(), digest_size=8).digest(), "big", signed=True)


def lock_codes(codes) -> None:
    """Serialise everything that matches these tracking codes, until the transaction ends.

    A registration committed while a scan of the same code is in flight would otherwise be missed: the
    scan cannot see the registration yet, and the matching task cannot see the scan's uncommitted parcel.
    With this lock the later of the two always sees the other's committed rows. Many codes are locked in
    one statement, in a fixed order, so two callers never deadlock. (SQLite runs one write transaction at a
    time, so it needs nothing.) The scan function on PostgreSQL takes the same key (_code_key).
    """
    if connection.vendor == "postgresql" and codes:
        keys = sorted({_code_key(code) for code in codes})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k", [keys]
            )


def _is_past(order: Consignment, now) -> bool:
    """finished_at is set only by a move to a final status (delivered, cancelled, lost), which is never left."""
    return order.finished_at is not None and order.finished_at < reuse_cutoff(now)


def _current_order(code: str) -> Consignment | None:
    return (
        Consignment.objects.filter(tracking_code=code, retired_at__isnull=True)
        .select_related("customer")
        .first()
    )


def _current_order_reusing(code: str, now) -> Consignment | None:
    """The waybill's current order; a finished one past the reuse delay is retired first (with its parcels),
    so that the number starts a new shipment."""
    order = _current_order(code)
    if order is not None and _is_past(order, now):
        Consignment.objects.filter(pk=order.pk).update(retired_at=now)
        Parcel.objects.filter(consignment_id=order.pk, retired_at__isnull=True).update(retired_at=now)
        return None
    return order


def _counts(*, code: str, order: Consignment | None) -> tuple[int, int | None]:
    # An order's parcels are all of it (they retire with it); a waybill's are its current ones.
    if order is not None:
        parcels = Parcel.objects.filter(consignment=order)
    else:
        parcels = Parcel.objects.filter(tracking_code=code, retired_at__isnull=True)
    totals = parcels.aggregate(arrived=Count("pk"), expected=Max("piece_count"))
    return totals["arrived"], totals["expected"]


def _order_create(*, code: str, parcels: list[Parcel], registration, customer, by) -> Consignment:
    """A new order for these parcels of one waybill (the caller holds its lock)."""
    first = min(parcels, key=lambda p: p.pk)
    order = Consignment.objects.create(
        code=consignment_code_for(first),
        customer=customer,
        tracking_code=code,
        current_warehouse_id=first.warehouse_id,
        destination_id=destination_for(customer.pk),
    )
    ConsignmentEvent.objects.create(
        consignment=order, old_status="", new_status=order.status, by=by, warehouse_id=first.warehouse_id
    )
    Parcel.objects.filter(pk__in=[p.pk for p in parcels]).update(consignment=order)
    for parcel in parcels:
        parcel.consignment = order
    if registration is not None:
        tracking_mark_matched(tracking=registration, consignment=order)
    notification_send(user_id=customer.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
    return order


def _piece_add(*, order: Consignment, parcel: Parcel, by) -> None:
    """Another box of the order's shipment arrived: it joins the order, with a history row."""
    Parcel.objects.filter(pk=parcel.pk).update(consignment=order)
    parcel.consignment = order
    consignment_event_add(
        order,
        kind=EventKind.PIECE,
        by=by,
        data={"parcel_id": parcel.pk, "piece": parcel.piece_number, "pieces": parcel.piece_count},
    )
    notification_send(user_id=order.customer_id, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)


def _match_waybill(*, code: str, by, now) -> tuple[str, Consignment | None]:
    """Match the waybill's unmatched current parcels (the caller holds the lock): to its current order,
    else to its one open registration. Returns (outcome, order)."""
    waiting = list(
        Parcel.objects.filter(tracking_code=code, retired_at__isnull=True, consignment__isnull=True)
    )
    if not waiting:
        return ScanResult.DUPLICATE, _current_order(code)
    order = _current_order_reusing(code, now)
    if order is not None:
        for parcel in waiting:
            _piece_add(order=order, parcel=parcel, by=by)
        return ScanResult.PIECE, order
    registrations = list(open_registrations_for_code(code=code).order_by()[:2])
    if not registrations:
        return ScanResult.UNIDENTIFIED, None
    if len(registrations) > 1:
        TrackingNumber.objects.filter(pk__in=[r.pk for r in registrations]).update(
            status=TrackingStatus.RECEIVED
        )
        return ScanResult.CONFLICT, None
    registration = registrations[0]
    order = _order_create(
        code=code,
        parcels=waiting,
        registration=registration,
        customer=registration.customer,
        by=by,
    )
    return ScanResult.MATCHED, order


def scan_read(raw_code: str) -> ScanRead:
    """What the scanner sent, reduced to the waybill (and piece), or a DomainError saying what it was."""
    if len(raw_code) > MAX_SCAN_LENGTH:
        raise DomainError(_("That scan is far too long to be a tracking number; scan again."), code="long")
    try:
        return read_scan(raw_code)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid") from exc


def parcel_scan(*, raw_code: str, warehouse, by) -> ScanResult:
    """A barcode or QR code was scanned at a China warehouse: keep the parcel and match it to its owner.

    Scanning the same box again, or from fifty stations at once, keeps one parcel and never a second order:
    the waybill is locked while matching, a piece has one current parcel, a waybill one current order. On
    PostgreSQL the whole scan is one call of a database function (the station's hot path, migration
    warehouse 0007); on SQLite the same steps run through the ORM (_scan_in_python), and tests compare
    the two on PostgreSQL.
    """
    read = scan_read(raw_code)
    if connection.vendor == "postgresql" and settings.SCAN_IN_DATABASE:
        from .scan_function import scan_in_database

        result = scan_in_database(read=read, warehouse=warehouse, by=by)
    else:
        result = _scan_in_python(read=read, warehouse=warehouse, by=by)
    return ScanResult(**{**result.__dict__, "read": read})


@transaction.atomic
def _scan_in_python(*, read: ScanRead, warehouse, by) -> ScanResult:
    """parcel_scan through the ORM: SQLite's path, and the reference the database function is held to."""
    code, piece = read.code, read.piece or 1
    now = timezone.now()
    lock_codes([code])
    _current_order_reusing(code, now)
    current = Parcel.objects.filter(tracking_code=code, piece_number=piece, retired_at__isnull=True)
    parcel = current.first()
    if parcel is None:
        try:
            with transaction.atomic():
                parcel = Parcel.objects.create(
                    tracking_code=code,
                    piece_number=piece,
                    piece_count=read.pieces,
                    warehouse=warehouse,
                    scanned_by=by,
                )
        except IntegrityError:  # SQLite has no advisory lock: another station inserted it just now
            parcel = current.get()
    else:
        # Scanned again: counted; a piece count read now fills one the first read did not have.
        current.filter(pk=parcel.pk).update(
            scan_count=F("scan_count") + 1, piece_count=read.pieces or F("piece_count")
        )
        parcel.refresh_from_db(fields=["scan_count", "piece_count"])
    if parcel.consignment_id is not None:
        outcome, order = ScanResult.DUPLICATE, _current_order(code)
    else:
        outcome, order = _match_waybill(code=code, by=by, now=now)
    arrived, expected = _counts(code=code, order=order)
    if order is not None:
        parcel.consignment = order
    return ScanResult(outcome=outcome, parcel=parcel, consignment=order, arrived=arrived, expected=expected)


@transaction.atomic
def codes_match(*, codes: list[str]) -> list[Consignment]:
    """Codes were just registered: match those whose parcels are already here and still unmatched."""
    lock_codes(codes)
    now = timezone.now()
    waiting = (
        Parcel.objects.filter(tracking_code__in=codes, retired_at__isnull=True, consignment__isnull=True)
        .values_list("tracking_code", flat=True)
        .distinct()
    )
    created = []
    for code in sorted(set(waiting)):
        outcome, order = _match_waybill(code=code, by=None, now=now)
        if outcome == ScanResult.MATCHED:
            created.append(order)
    return created


def unidentified_parcels():
    return (
        Parcel.objects.filter(consignment__isnull=True, retired_at__isnull=True)
        .select_related("warehouse")
        .order_by("scanned_at")
    )


def parcels_rematch() -> int:
    """The scheduled safety net behind the per-registration task: try again every unidentified parcel whose
    code has an open registration (a task lost with a worker, a registration committed mid-scan)."""
    matched = 0
    open_codes = TrackingNumber.objects.filter(consignment__isnull=True).values("code")
    codes = unidentified_parcels().filter(tracking_code__in=open_codes).order_by()
    for code in sorted(set(codes.values_list("tracking_code", flat=True))):
        with transaction.atomic():
            lock_codes([code])
            outcome, _order = _match_waybill(code=code, by=None, now=timezone.now())
            matched += outcome == ScanResult.MATCHED
    return matched


@transaction.atomic
def parcel_assign(*, parcel: Parcel, customer, by, reason: str) -> Consignment:
    """Give an unidentified or conflicted parcel to a customer (label read by staff, or operations' decision).

    Every unmatched piece of its waybill goes with it. The reason is kept on the order's history. If the
    customer registered the code, that registration is the one matched (and not left open to be told later
    that the parcel never came). If the waybill already has an order, the parcel joins it, and only for
    that order's customer.
    """
    from accounts.models import Role

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why this parcel is this customer's (e.g. “customer code on the label”)."))
    if customer.role != Role.CUSTOMER:
        raise DomainError(_("Only a customer can own a parcel."))
    code, now = parcel.tracking_code, timezone.now()
    lock_codes([code])
    parcel.refresh_from_db(fields=["consignment", "retired_at"])
    if parcel.consignment_id is not None:
        raise DomainError(
            _("This parcel already has order %(code)s.") % {"code": parcel.consignment.code}, code="already"
        )
    order = _current_order_reusing(code, now)
    waiting = list(
        Parcel.objects.filter(tracking_code=code, retired_at__isnull=True, consignment__isnull=True)
    )
    if order is not None:
        if order.customer_id != customer.pk:
            raise DomainError(
                _(
                    "The other parcels of %(tracking)s are already order %(code)s of %(customer)s: this parcel "
                    "can only join that order, for that customer."
                )
                % {"tracking": code, "code": order.code, "customer": order.customer.customer_code},
                code="other_owner",
            )
        for piece in waiting:
            _piece_add(order=order, parcel=piece, by=by)
    else:
        registration = (
            TrackingNumber.objects.filter(code=code, customer=customer, consignment__isnull=True)
            .order_by("-created_at")
            .first()
        )
        order = _order_create(code=code, parcels=waiting, registration=registration, customer=customer, by=by)
    consignment_event_add(
        order,
        kind=EventKind.OWNER,
        by=by,
        data={"customer_id": customer.pk, "customer_code": customer.customer_code, "reason": reason[:255]},
        note=reason[:255],
    )
    return order


@transaction.atomic
def tracking_conflict_resolve(*, code: str, keep_id: int, by) -> TrackingNumber:
    """Operations decide a conflicted code (by the customer code on the label): one registration stays, the
    others are withdrawn (their customers are told), and if the parcel is already here it is matched to the
    one that stays."""
    # The code's lock first, as a scan takes it before it touches these rows: the other order deadlocks.
    lock_codes([code])
    registrations = list(
        TrackingNumber.objects.select_for_update().filter(code=code, consignment__isnull=True)
    )
    keep = next((t for t in registrations if t.pk == keep_id), None)
    if keep is None:
        raise DomainError(_("This registration is no longer open; reload the page."), code="stale")
    withdrawn = [t for t in registrations if t.pk != keep.pk]
    TrackingNumber.objects.filter(pk__in=[t.pk for t in withdrawn]).delete()
    for registration in withdrawn:  # they must not learn it from a code that silently vanished
        notification_send(
            user_id=registration.customer_id,
            kind=NotificationKind.TRACKING_WITHDRAWN,
            tracking_code=registration.code,
        )
    TrackingNumber.objects.filter(pk=keep.pk).update(status=TrackingStatus.REGISTERED)
    codes_match(codes=[code])
    keep.refresh_from_db()
    return keep
