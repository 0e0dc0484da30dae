"""Trips (chuyến xe / lô) from a China warehouse to Vietnam: create one, load closed bags by scanning their
label (and unload them while loading), depart, record checkpoints on the way.

Departing moves every order on the trip (every order with a parcel in its bags, once however many bags its
parcels are in) from Hàng về kho TQ to Vận chuyển quốc tế with one history row each, and notifies each
customer once. The trip's row is locked and its status compare-and-set loading → departed, so departing
twice (a double click, a retry, two staff at once) changes nothing the second time. Loading and unloading
lock the trip row too: no bag slips on or off a trip while it departs.

Each checkpoint becomes a ROUTE history row on the timeline of every order still travelling on the trip.
"""

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.services import consignments_transition_many
from consignments.templatetags.consignment_tags import kg
from core.errors import DomainError
from notifications.models import NotificationKind, PendingNotification
from notifications.services import notifications_kick
from warehouse.labels import split_parcel_code
from warehouse.models import Warehouse

from ..codes import BAG_CODE, MAX_SCAN_LENGTH, TRIP_CODE, scanned_code
from ..models import Bag, BagParcel, BagStatus, CheckpointKind, Trip, TripCheckpoint, TripEvent, TripStatus
from ..selectors import trip_order_ids, trip_orders
from .bags import weight_difference_g
from .status import bag_event_add, bags_status_set_many, trip_status_set

NOTIFIED_CODES = 5  # order codes named in a customer's departure notice
FUTURE_SLACK = timedelta(minutes=10)  # a checkpoint's time may be this far ahead of the server's clock


# --- creating --------------------------------------------------------------------------------------------


def _text(value, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


@transaction.atomic
def trip_create(
    *, origin: Warehouse, plate: str, by, driver: str = "", carrier: str = "", route: str = ""
) -> Trip:
    """A new trip loading at this China warehouse. Its code (T + 6 digits of its id) is set in the same
    transaction."""
    if origin is None or origin.kind != Warehouse.Kind.CHINA:
        raise DomainError(_("A trip leaves from a China warehouse."), code="origin")
    plate = _text(unicodedata.normalize("NFKC", plate or ""), 40).upper()
    if not plate:
        raise DomainError(_("Enter the vehicle plate."), code="plate")
    if len(plate) > 20:
        raise DomainError(_("A vehicle plate has at most 20 characters."), code="plate")
    trip = Trip.objects.create(
        code=uuid.uuid4().hex[:16],
        origin=origin,
        plate=plate,
        driver=_text(driver, 100),
        carrier=_text(carrier, 100),
        route=_text(route, 255),
        created_by=by,
    )
    trip.code = f"T{trip.pk:06d}"
    Trip.objects.filter(pk=trip.pk).update(code=trip.code)
    TripEvent.objects.create(
        trip=trip, old_status="", new_status=TripStatus.LOADING, by=by, warehouse_id=origin.pk
    )
    return trip


def _locked(trip: Trip) -> Trip:
    return Trip.objects.select_for_update(of=("self",)).select_related("origin").get(pk=trip.pk)


def _loading(trip: Trip) -> Trip:
    locked = _locked(trip)
    if locked.status != TripStatus.LOADING:
        raise DomainError(
            _("Trip %(trip)s has departed: its bags can no longer change.") % {"trip": locked.code},
            code="departed",
        )
    return locked


# --- loading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    LOADED = "loaded"
    ALREADY = "already"  # scanned again: it is on this trip already

    outcome: str
    bag: Bag
    warning: str = ""  # loaded anyway, but staff check it before the truck leaves (a weight far off)


def _weight_warning(bag: Bag) -> str:
    """A bag whose weight on closing was far from its parcels' (a typo confirmed in a hurry, a parcel
    missing): said when it is loaded, so it is checked before the truck leaves."""
    if weight_difference_g(bag) is None:
        return ""
    return _(
        "Bag %(bag)s weighed %(kg)s kg against %(parcels)s kg of parcels: check it before the truck leaves"
    ) % {
        "bag": bag.code,
        "kg": kg(bag.weight_g),
        "parcels": kg(bag.parcels_weight_g),
    }


def _shown(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def _refuse_non_bag(code: str) -> None:
    """Say what was scanned when it is not a bag label: a parcel's (and the bag it is in), a trip's."""
    parcel = split_parcel_code(code)
    if parcel is not None:
        item = (
            BagParcel.objects.filter(parcel__consignment__code=parcel[0], parcel__piece_number=parcel[1])
            .select_related("bag")
            .first()
        )
        if item is not None:
            raise DomainError(
                _("%(code)s is a parcel's label; it is in bag %(bag)s: scan the bag's label.")
                % {"code": code, "bag": item.bag.code},
                code="parcel_code",
            )
        raise DomainError(
            _("%(code)s is a parcel's label, not a bag's: only closed bags go on a trip.") % {"code": code},
            code="parcel_code",
        )
    if TRIP_CODE.fullmatch(code):
        raise DomainError(
            _("%(code)s is a trip's code: scan a bag's label.") % {"code": code}, code="trip_code"
        )
    raise DomainError(
        _("“%(code)s” is not a bag label we know. Bag labels read B and 7 digits.") % {"code": _shown(code)},
        code="unknown",
    )


@transaction.atomic
def trip_bag_load(*, trip: Trip, raw_code: str, by) -> LoadResult:
    """Put a closed bag on a trip that is loading, by its label's code. Refused with the reason: a parcel's
    or a trip's code, an unknown code, an open bag, a bag packed at another warehouse, a bag on another trip
    (named). A bag already on this trip is said so, nothing changes."""
    raw_code = raw_code or ""
    if len(raw_code) > MAX_SCAN_LENGTH:
        raise DomainError(
            _("This scan is %(n)d characters long: scan the bag's label (B and 7 digits).")
            % {"n": len(raw_code)},
            code="too_long",
        )
    code = scanned_code(raw_code)
    if not code:
        raise DomainError(_("Scan a bag's label."), code="empty")
    if not BAG_CODE.fullmatch(code):
        _refuse_non_bag(code)
    locked = _loading(trip)
    bag = (
        Bag.objects.select_for_update(of=("self",))
        .select_related("origin", "destination")  # not the trip: after a lock wait it could be stale
        .filter(code=code)
        .first()
    )
    if bag is None:
        raise DomainError(_("No bag has the code %(code)s.") % {"code": code}, code="unknown")
    if bag.trip_id == locked.pk:
        return LoadResult(LoadResult.ALREADY, bag, _weight_warning(bag))
    if bag.trip_id is not None:
        raise DomainError(
            _("Bag %(bag)s is already on trip %(trip)s.")
            % {"bag": bag.code, "trip": Trip.objects.get(pk=bag.trip_id).code},
            code="other_trip",
        )
    if bag.origin_id != locked.origin_id:
        raise DomainError(
            _("Bag %(bag)s was packed at %(where)s; this trip leaves from %(origin)s.")
            % {"bag": bag.code, "where": bag.origin.name, "origin": locked.origin.name},
            code="other_origin",
        )
    if bag.status == BagStatus.OPEN:
        raise DomainError(
            _("Bag %(bag)s is still open: close it (weigh it) first.") % {"bag": bag.code}, code="open"
        )
    if bag.status != BagStatus.CLOSED:
        raise DomainError(
            _("Bag %(bag)s is “%(status)s”: it cannot be loaded.")
            % {"bag": bag.code, "status": bag.get_status_display()},
            code="not_closed",
        )
    Bag.objects.filter(pk=bag.pk, status=BagStatus.CLOSED, trip__isnull=True).update(trip=locked)
    bag.trip = locked
    bag_event_add(bag=bag, by=by, note=_("loaded on trip %(trip)s") % {"trip": locked.code})
    return LoadResult(LoadResult.LOADED, bag, _weight_warning(bag))


@transaction.atomic
def trip_bag_unload(*, trip: Trip, bag: Bag, by) -> Bag:
    """Take a bag off a trip that is still loading (it stays closed, waiting for another trip)."""
    locked = _loading(trip)
    if not Bag.objects.filter(pk=bag.pk, trip=locked).update(trip=None):
        raise DomainError(
            _("Bag %(bag)s is not on trip %(trip)s.") % {"bag": bag.code, "trip": locked.code},
            code="not_on_trip",
        )
    bag.trip = None
    bag_event_add(bag=bag, by=by, note=_("taken off trip %(trip)s") % {"trip": locked.code})
    return bag


# --- departing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Departure:
    trip: Trip
    departed: bool  # False: it had departed already, nothing changed
    orders: int = 0  # orders moved to Vận chuyển quốc tế
    skipped: int = 0  # orders on the trip no longer at the China warehouse (cancelled, lost…): not moved
    customers: int = 0  # customers notified


@transaction.atomic
def trip_depart(*, trip: Trip, by) -> Departure:
    """The truck leaves: the trip departs, its bags are loaded, its orders go to Vận chuyển quốc tế (one
    history row each, noting the trip), a first checkpoint (left the warehouse) is recorded and each customer
    is told once. A trip that has departed already is returned unchanged (departed=False)."""
    locked = _locked(trip)
    if locked.status != TripStatus.LOADING:
        return Departure(locked, departed=False)
    bags = list(Bag.objects.filter(trip=locked).values_list("code", "status"))
    if not bags:
        raise DomainError(
            _("Trip %(trip)s has no bags: load them before it departs.") % {"trip": locked.code}, code="empty"
        )
    not_closed = sorted(code for code, status in bags if status != BagStatus.CLOSED)
    if not_closed:
        raise DomainError(
            _("These bags are not closed: %(bags)s. Take them off the trip or close them.")
            % {"bags": ", ".join(not_closed[:10])},
            code="not_closed",
        )
    now = timezone.now()
    # Compare-and-set besides the row lock: the move happens once, whatever reached this line.
    if not trip_status_set(
        trip=locked,
        to=TripStatus.DEPARTED,
        by=by,
        warehouse_id=locked.origin_id,
        note=_("%(n)d bags") % {"n": len(bags)},
        at=now,
        departed_at=now,
        departed_by=by,
    ):
        return Departure(locked, departed=False)
    bags_status_set_many(
        trip=locked,
        old=BagStatus.CLOSED,
        to=BagStatus.LOADED,
        by=by,
        note=_("departed on %(trip)s") % {"trip": locked.code},
    )
    place = locked.origin.name
    checkpoint = TripCheckpoint.objects.create(
        trip=locked, kind=CheckpointKind.LEFT, place=place, at=now, by=by
    )
    ids = trip_order_ids(trip=locked)
    moved = consignments_transition_many(
        ids=ids,
        old=ConsignmentStatus.CN_RECEIVED,
        to=ConsignmentStatus.IN_TRANSIT,
        by=by,
        note=locked.code,
        # The status row is also the first step of the route: the timeline shows it as the checkpoint.
        data={
            "trip": locked.code,
            "checkpoint": checkpoint.pk,
            "kind": CheckpointKind.LEFT.value,
            "place": place,
        },
    )
    customers = _notify_departed(locked, moved)
    return Departure(
        locked, departed=True, orders=len(moved), skipped=len(ids) - len(moved), customers=customers
    )


def _notify_departed(trip: Trip, order_ids: list[int]) -> int:
    """One notice per customer (not per order): the trip, how many of their orders, the first few codes.
    A customer with one order on the trip gets a notice linked to it."""
    if not order_ids:
        return 0
    per_customer: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Consignment.objects.filter(pk__in=order_ids)
        .order_by("customer_id", "code")
        .values_list("customer_id", "pk", "code")
    )
    for customer_id, pk, code in rows.iterator(chunk_size=2000):
        per_customer.setdefault(customer_id, []).append((pk, code))
    PendingNotification.objects.bulk_create(
        [
            PendingNotification(
                user_id=customer_id,
                kind=NotificationKind.TRIP_DEPARTED,
                consignment_id=orders[0][0] if len(orders) == 1 else None,
                data={
                    "trip": trip.code,
                    "orders": len(orders),
                    "codes": [code for _pk, code in orders[:NOTIFIED_CODES]],
                },
            )
            for customer_id, orders in per_customer.items()
        ],
        batch_size=1000,
    )
    transaction.on_commit(notifications_kick)
    return len(per_customer)


# --- checkpoints -----------------------------------------------------------------------------------------


@transaction.atomic
def trip_checkpoint_add(*, trip: Trip, kind: str, at, by, place: str = "", note: str = "") -> TripCheckpoint:
    """A step of a departed trip's route (at the border, customs cleared, arrived…), at the time it
    happened. It becomes a ROUTE history row on every order still travelling on the trip; "arrived" makes
    the trip arrived (the Vietnam depot receives it next). The same step recorded twice (same kind, place
    and time: a double click) is refused."""
    if kind not in CheckpointKind.values or kind == CheckpointKind.LEFT:
        raise DomainError(_("Choose what happened to the trip."), code="kind")
    if at is None:
        raise DomainError(_("Enter when it happened."), code="at")
    place, note = _text(place, 100), _text(note, 255)
    locked = _locked(trip)
    if locked.status == TripStatus.LOADING:
        raise DomainError(
            _("Trip %(trip)s has not departed yet.") % {"trip": locked.code}, code="not_departed"
        )
    if locked.status != TripStatus.DEPARTED:
        raise DomainError(
            _("Trip %(trip)s has arrived: its route is complete.") % {"trip": locked.code}, code="arrived"
        )
    if at > timezone.now() + FUTURE_SLACK:
        raise DomainError(_("That time is in the future."), code="future")
    if at < locked.departed_at.replace(second=0, microsecond=0):  # times are typed to the minute
        raise DomainError(
            _("That time is before the trip departed (%(when)s).")
            % {"when": timezone.localtime(locked.departed_at).strftime("%d/%m/%Y %H:%M")},
            code="before_departure",
        )
    # A time typed in the departure's own minute (the box has no seconds) is not before the departure: the
    # order timeline sorts by time, and the step must come after "left the China warehouse".
    at = max(at, locked.departed_at)
    if TripCheckpoint.objects.filter(trip=locked, kind=kind, place=place, at=at).exists():
        raise DomainError(_("This checkpoint is recorded already."), code="duplicate")
    checkpoint = TripCheckpoint.objects.create(trip=locked, kind=kind, place=place, at=at, note=note, by=by)
    data = {"trip": locked.code, "checkpoint": checkpoint.pk, "kind": kind, "place": place}
    travelling = ConsignmentStatus.IN_TRANSIT
    orders = trip_orders(trip=locked).filter(status=travelling).values_list("pk", flat=True)
    events = ConsignmentEvent.objects.bulk_create(
        [
            ConsignmentEvent(
                consignment_id=pk,
                old_status=travelling,
                new_status=travelling,
                by=by,
                warehouse=None,  # on the road: the place is the checkpoint's (data["place"])
                kind=EventKind.ROUTE,
                data=data,
                note=note,
            )
            for pk in orders
        ],
        batch_size=1000,
    )
    # `at` is auto_now_add (the moment of writing); a route step is dated when it happened.
    ids = [event.pk for event in events]
    for start in range(0, len(ids), 5000):
        ConsignmentEvent.objects.filter(pk__in=ids[start : start + 5000]).update(at=at)
    if kind == CheckpointKind.ARRIVED:
        trip_status_set(trip=locked, to=TripStatus.ARRIVED, by=by, note=place, at=at, arrived_at=at)
    return checkpoint
