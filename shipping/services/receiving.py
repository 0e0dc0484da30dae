"""Receiving a trip at a Vietnam depot: open the arrived trip, scan its bags, then each bag's parcels; close
the bags and the trip with what is missing or extra recorded.

An order becomes Chờ giao (awaiting delivery) on the scan of its last parcel: when no parcel of it on a trip
the depot has opened is still unreceived (its parcels on this trip, and any recorded missing on an earlier
one). It is decided per scan, under a row lock on the order, so that two staff scanning the last two parcels
of one order at once still move it exactly once, and the scan stays a handful of queries whatever the
trip's size. An order with a parcel missing at closing stays in transit, flagged for operations, until the
parcel turns up (scanned later: it is received then) or operations mark the order lost.

Every write is a compare-and-set, so a double click, a retry or two staff scanning the same parcel change
nothing the second time: one received_at, one status move, one notification.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_event_add, consignment_transition
from core.errors import DomainError
from warehouse.labels import parcel_code, split_parcel_code
from warehouse.models import Parcel, Warehouse

from ..codes import BAG_CODE, TRIP_CODE
from ..models import Bag, BagParcel, ExtraReason, ReceivingExtra, Trip
from .arrival import RECEIVING, check_receiving, depot_arrival, receiving_trip_open  # noqa: F401
from .guards import every_parcel_received
from .scan_lookup import _parcels, parcel_for_code, read_code

Reason = ExtraReason  # the name the station, its templates and tests know it by


class Outcome:
    RECEIVED = "received"
    OTHER_BAG = "other_bag"  # received, but it was packed in another bag than the one being scanned
    ALREADY = "already"
    EXTRA = "extra"


@dataclass
class ReceivingScan:
    outcome: str
    code: str  # what was read
    message: str
    parcel: Parcel | None = None
    item: BagParcel | None = None
    extra: ReceivingExtra | None = None
    extra_new: bool = False  # the extra was recorded by this scan (not noted before)
    ready: Consignment | None = None  # the order became Chờ giao with this scan
    warning: str = ""  # received, but the order cannot become Chờ giao here (transferred, lost…)
    # Received, and the order waits for its other parcels: how many it has, and how many are received.
    order_parcels: int | None = None
    order_parcels_here: int | None = None


def _label(parcel) -> str:
    return parcel_code(parcel) if parcel.consignment_id else parcel.tracking_code


# --- the trip and its bags -------------------------------------------------------------------------------


def receiving_bag_find(*, trip: Trip, depot, raw_code: str) -> Bag:
    """The bag scanned at the start of a bag: one of this trip for this depot, or a reason why not."""
    check_receiving(trip, depot)
    code = read_code(raw_code)
    if BAG_CODE.fullmatch(code):
        bag = Bag.objects.select_related("destination", "trip").filter(code=code).first()
        if bag is None:
            raise DomainError(_("No bag has the code %(code)s.") % {"code": code}, code="unknown")
        if bag.destination_id != depot.pk:
            raise DomainError(
                _("Bag %(bag)s goes to %(depot)s, not to this depot: set it aside for them.")
                % {"bag": bag.code, "depot": bag.destination.name},
                code="other_depot",
            )
        if bag.trip_id != trip.pk:
            raise DomainError(
                _("Bag %(bag)s is not on trip %(trip)s (it is on %(other)s).")
                % {"bag": bag.code, "trip": trip.code, "other": bag.trip.code if bag.trip else "—"},
                code="other_trip",
            )
        return bag
    if split_parcel_code(code) is not None:
        parcel = _parcels().filter(consignment__code=split_parcel_code(code)[0]).first()
        item = getattr(parcel, "bag_item", None) if parcel else None
        where = _(" (it is in bag %(bag)s)") % {"bag": item.bag.code} if item else ""
        raise DomainError(
            _("%(code)s is a parcel: scan its bag first%(where)s.") % {"code": code, "where": where},
            code="parcel_code",
        )
    if TRIP_CODE.fullmatch(code):
        raise DomainError(_("%(code)s is a trip: scan a bag's label.") % {"code": code}, code="trip_code")
    raise DomainError(
        _("%(code)s is not a bag code: bag labels read B and seven digits.") % {"code": code[:40]},
        code="not_a_bag",
    )


# --- parcels ---------------------------------------------------------------------------------------------


def receiving_parcel_scan(*, bag: Bag, depot, raw_code: str, by) -> ReceivingScan:
    """A parcel scanned while receiving `bag` (of an arrived trip, for this depot): received, already
    received, or extra (recorded on the trip). Raises DomainError when refused (nothing recorded)."""
    trip = bag.trip
    if bag.destination_id != depot.pk or trip is None:
        raise DomainError(_("Bag %(bag)s is not for this depot.") % {"bag": bag.code}, code="other_depot")
    check_receiving(trip, depot)
    code = read_code(raw_code)
    if BAG_CODE.fullmatch(code):
        raise DomainError(
            _("%(code)s is a bag: scan the parcels of bag %(bag)s here, or open that bag from the trip.")
            % {"code": code, "bag": bag.code},
            code="bag_code",
        )
    parcel = parcel_for_code(code)
    if parcel is None:
        return _extra(trip, bag, code, None, Reason.UNKNOWN, by)
    item = getattr(parcel, "bag_item", None)
    if item is not None:
        going_to = item.bag.destination_id
    else:
        going_to = parcel.consignment.destination_id if parcel.consignment_id else None
    if going_to is not None and going_to != depot.pk:
        name = Warehouse.objects.filter(pk=going_to).values_list("name", flat=True).first()
        return _extra(trip, bag, code, parcel, Reason.OTHER_DEPOT, by, depot=name)
    if item is None:
        return _extra(trip, bag, code, parcel, Reason.NOT_BAGGED, by)
    if item.bag.trip_id != trip.pk:
        return _extra(trip, bag, code, parcel, Reason.OTHER_TRIP, by, other_trip=item.bag.trip)
    item.bag.trip = trip
    return _receive(item, parcel, code, scanned_in=bag, depot=depot, by=by)


def receiving_parcel_late(*, depot, raw_code: str, by) -> ReceivingScan:
    """A parcel that turned up after its trip was opened (or closed): received into its own bag."""
    code = read_code(raw_code)
    parcel = parcel_for_code(code)
    item = getattr(parcel, "bag_item", None) if parcel else None
    if item is None or item.bag.destination_id != depot.pk or item.bag.trip_id is None:
        raise DomainError(
            _("%(code)s is on no trip to this depot: scan it in the bag being received.")
            % {"code": code[:40]},
            code="not_here",
        )
    if item.bag.trip.status not in RECEIVING or depot_arrival(item.bag.trip, depot) is None:
        raise DomainError(
            _("%(code)s travels on trip %(trip)s, which is not open here yet.")
            % {"code": code, "trip": item.bag.trip.code},
            code="not_arrived",
        )
    return _receive(item, parcel, code, scanned_in=item.bag, depot=depot, by=by)


def _extra(trip, bag, code, parcel, reason, by, **names) -> ReceivingScan:
    extra, created = ReceivingExtra.objects.get_or_create(
        trip=trip,
        raw_code=code,
        defaults={"bag": bag, "parcel": parcel, "reason": reason, "scanned_by": by},
    )
    message = extra_message(reason, parcel=parcel, **names)
    if not created:
        message = _("%(message)s (already noted)") % {"message": message}
    return ReceivingScan(Outcome.EXTRA, code, message, parcel=parcel, extra=extra, extra_new=created)


def extra_message(reason, *, parcel=None, depot="", other_trip=None) -> str:
    label = _label(parcel) if parcel is not None else ""
    if reason == Reason.OTHER_DEPOT:
        return _("%(code)s goes to %(depot)s: set it aside for them.") % {"code": label, "depot": depot}
    if reason == Reason.OTHER_TRIP:
        return _("%(code)s travels on trip %(trip)s, not on this one: set it aside.") % {
            "code": label,
            "trip": other_trip.code if other_trip else "—",
        }
    if reason == Reason.NOT_BAGGED:
        return _("%(code)s is in no bag's manifest: set it aside for operations.") % {"code": label}
    if reason == Reason.OTHER_BAG:
        return _("%(code)s belongs to another bag of this trip.") % {"code": label}
    return _("Unknown code: set the parcel aside for operations.")


def _pickup_data(order, depot) -> dict:
    from ..selectors import pickup_notify_data

    return pickup_notify_data(consignment=order, depot=depot, at=timezone.now())


@transaction.atomic
def _receive(item: BagParcel, parcel: Parcel, code: str, *, scanned_in: Bag, depot, by) -> ReceivingScan:
    """Receive a parcel of the trip's manifest: the bag row's receipt (compare-and-set), and the order to
    Chờ giao when it was its last parcel. On PostgreSQL one call of a database function (the depot's hot
    path, migration shipping 0003); on SQLite the same steps through the ORM (_receive_in_python), and
    tests compare the two on PostgreSQL."""
    if connection.vendor == "postgresql" and settings.SCAN_IN_DATABASE:
        from .receive_function import receive_in_database

        return receive_in_database(item, parcel, code, scanned_in=scanned_in, depot=depot, by=by)
    return _receive_in_python(item, parcel, code, scanned_in=scanned_in, depot=depot, by=by)


def _receive_in_python(item, parcel, code, *, scanned_in, depot, by) -> ReceivingScan:
    """_receive through the ORM (in _receive's transaction): SQLite's path, and the reference the database
    function is held to."""
    order = None
    if parcel.consignment_id is not None:
        # No-key lock: the history rows other transactions insert (a bag closing) do not wait on it.
        order = Consignment.objects.select_for_update(no_key=True).get(pk=parcel.consignment_id)
    now = timezone.now()
    fields = {"received_at": now, "received_by": by, "missing": False}
    pending = BagParcel.objects.filter(pk=item.pk, received_at__isnull=True)
    found = False
    if not pending.filter(missing=False).update(**fields):
        found = bool(pending.filter(missing=True).update(**fields))
        if not found:
            item.refresh_from_db(fields=["received_at", "received_by"])
            return _already(item, parcel, code)
    item.received_at, item.received_by, item.missing = now, by, False
    result = _received(item, parcel, code, scanned_in=scanned_in, by=by)
    if order is None:
        return result
    if found:
        _found_event(order, parcel, item, by, depot)
    result.warning = _ready_or_why(order, item.bag.trip, depot, by, result)
    return result


def _already(item, parcel, code) -> ReceivingScan:
    return ReceivingScan(
        Outcome.ALREADY,
        code,
        _("%(code)s was already received (%(when)s).")
        % {"code": code, "when": timezone.localtime(item.received_at).strftime("%H:%M %d/%m")},
        parcel=parcel,
        item=item,
    )


def _received(item, parcel, code, *, scanned_in, by) -> ReceivingScan:
    """The result of a receipt, with the extra noted when the parcel was packed in another bag."""
    outcome, message = Outcome.RECEIVED, _("%(code)s received.") % {"code": _label(parcel)}
    extra, extra_new = None, False
    if item.bag_id != scanned_in.pk:
        outcome = Outcome.OTHER_BAG
        extra, extra_new = ReceivingExtra.objects.get_or_create(
            trip=item.bag.trip,
            raw_code=code,
            defaults={"bag": scanned_in, "parcel": parcel, "reason": Reason.OTHER_BAG, "scanned_by": by},
        )
        message = _("%(code)s received into its own bag %(bag)s (it was packed apart from it).") % {
            "code": _label(parcel),
            "bag": item.bag.code,
        }
    result = ReceivingScan(outcome, code, message, parcel=parcel, item=item, extra=extra)
    result.extra_new = bool(extra) and extra_new
    return result


def _found_event(order, parcel, item, by, depot) -> None:
    """A parcel recorded missing turned up at `depot`: a step on its order's history (at the depot, as its
    "missing" step was, though the order is still on its way from China)."""
    parcel.order_parcels = order.parcels.count()
    consignment_event_add(
        order,
        kind=EventKind.RECEIVING,
        by=by,
        warehouse_id=depot.pk,
        data={**piece_data(parcel, item.bag), "found": True},
        note=_("found: parcel %(piece)s") % {"piece": piece_text(parcel)},
    )


def why_not_ready(order, depot) -> str | None:
    """Why a received order does not move to Chờ giao here: a warning for the station ("" when there is
    nothing to say), or None when it may move once every parcel of it is received."""
    if order.status != ConsignmentStatus.IN_TRANSIT:
        if order.status == ConsignmentStatus.LOST:
            return _("Order %(code)s was marked lost: tell operations it turned up.") % {"code": order.code}
        return ""
    if order.destination_id not in (None, depot.pk):
        return _("Order %(code)s now goes to another depot: set it aside for transfer.") % {
            "code": order.code
        }
    return None


def ready_note(trip, item) -> str:
    """The note on the history row of an order's move to Chờ giao: the trip and the bag."""
    return f"{trip.code} · {item.bag.code}"


def _ready_or_why(order, trip, depot, by, result) -> str:
    """Move the order to Chờ giao when none of its parcels on an opened trip is still unreceived."""
    why = why_not_ready(order, depot)
    if why is not None:
        return why
    # Every parcel of the order must be here: one still in a bag on the way, or never packed (still in
    # China), keeps the whole order in transit. Read after this scan's update, under the order's lock, so
    # that of two staff scanning its last two parcels at once, the second sees the first's.
    counts = Parcel.objects.filter(consignment_id=order.pk).aggregate(
        parcels=Count("id"), here=Count("bag_item__received_at")
    )
    if counts["here"] < counts["parcels"]:
        result.order_parcels, result.order_parcels_here = counts["parcels"], counts["here"]
        return ""
    with every_parcel_received():  # checked just above: the guard need not read it again
        result.ready = consignment_transition(
            consignment=order,
            to=ConsignmentStatus.AWAITING_DELIVERY,
            by=by,
            warehouse=depot,
            note=ready_note(trip, result.item),
            notify_data=_pickup_data(order, depot),
            savepoint=False,  # an error ends the scan's transaction: nothing of it is kept
        )
    return ""


def piece_text(parcel) -> str:
    count = parcel.piece_count or getattr(parcel, "order_parcels", None)
    if count and count > 1:
        return _("%(n)d of %(m)d") % {"n": parcel.piece_number, "m": count}
    return str(parcel.piece_number)


def piece_data(parcel, bag) -> dict:
    return {
        "parcel_id": parcel.pk,
        "piece": parcel.piece_number,
        "pieces": parcel.piece_count,
        "bag": bag.code,
        "trip": bag.trip.code if bag.trip else "",
    }
