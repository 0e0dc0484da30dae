"""Closing receiving at a Vietnam depot: a bag (what was not scanned is recorded missing), the trip (every
bag of this depot closed; the trip is received once no depot has a bag of it open), and operations marking
an order with a missing parcel lost. Each is idempotent: closing twice changes nothing the second time."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.services import consignment_transition
from core.errors import DomainError
from warehouse.models import Parcel

from ..models import Bag, BagParcel, BagStatus, ReceivingExtra, Trip, TripArrival, TripStatus
from .receiving import Reason, check_receiving, piece_data, piece_text
from .status import bag_status_set, trip_event_add, trip_status_set


@dataclass
class BagClosed:
    bag: Bag
    received: int
    missing: list = field(default_factory=list)  # BagParcel rows recorded missing now
    already: bool = False


# --- closing ---------------------------------------------------------------------------------------------


@transaction.atomic
def receiving_bag_close(*, bag: Bag, depot, by) -> BagClosed:
    """Close a bag: each parcel not scanned is recorded missing (BagParcel.missing, and a history row on its
    order: "missing: parcel 2 of 3"); the bag becomes received. Closing it again changes nothing."""
    locked = Bag.objects.select_for_update(of=("self",)).select_related("trip").get(pk=bag.pk)
    if locked.destination_id != depot.pk or locked.trip is None:
        raise DomainError(_("Bag %(bag)s is not for this depot.") % {"bag": locked.code}, code="other_depot")
    check_receiving(locked.trip, depot)
    received = BagParcel.objects.filter(bag=locked, received_at__isnull=False).count()
    if locked.status == BagStatus.RECEIVED:
        return BagClosed(locked, received, already=True)
    missing = list(
        BagParcel.objects.select_for_update(of=("self",))
        .filter(bag=locked, received_at__isnull=True)
        .select_related("parcel__consignment")
        .order_by("pk")
    )
    BagParcel.objects.filter(pk__in=[i.pk for i in missing]).update(missing=True)
    counts = dict(
        Parcel.objects.filter(consignment_id__in={i.parcel.consignment_id for i in missing})
        .values("consignment_id")
        .annotate(n=Count("id"))
        .values_list("consignment_id", "n")
    )
    events = []
    for item in missing:
        parcel, order = item.parcel, item.parcel.consignment
        item.missing = True
        if order is None:
            continue
        parcel.order_parcels = counts.get(order.pk)
        events.append(
            ConsignmentEvent(
                consignment=order,
                old_status=order.status,
                new_status=order.status,
                by=by,
                warehouse=depot,
                kind=EventKind.RECEIVING,
                data={**piece_data(parcel, locked), "missing": True},
                note=(_("missing: parcel %(piece)s") % {"piece": piece_text(parcel)})[:255],
            )
        )
    ConsignmentEvent.objects.bulk_create(events, batch_size=1000)
    now = timezone.now()
    note = _("%(received)d received, %(missing)d missing") % {"received": received, "missing": len(missing)}
    if not bag_status_set(
        bag=locked,
        to=BagStatus.RECEIVED,
        by=by,
        warehouse_id=depot.pk,
        note=note,
        received_at=now,
        received_by=by,
    ):  # pragma: no cover - the row is locked
        raise DomainError(
            _("Bag %(bag)s was changed meanwhile; reload.") % {"bag": locked.code}, code="stale"
        )
    _trip_received_when_every_bag_is(locked.trip, by=by)
    return BagClosed(locked, received, missing)


def _trip_received_when_every_bag_is(trip: Trip, *, by) -> None:
    """The trip becomes received once no depot has a bag of it left open (compare-and-set: once)."""
    if trip.status != TripStatus.ARRIVED:
        return
    if Bag.objects.filter(trip=trip).exclude(status=BagStatus.RECEIVED).exists():
        return
    now = timezone.now()
    trip_status_set(trip=trip, to=TripStatus.RECEIVED, by=by, at=now, received_at=now)


@transaction.atomic
def receiving_trip_close(*, trip: Trip, depot, by) -> dict:
    """Close receiving: every bag of this trip for this depot is closed (missing parcels recorded); the
    trip becomes received once no depot has a bag of it left open. Returns the discrepancy summary.
    Closing it again changes nothing."""
    locked = Trip.objects.select_for_update().get(pk=trip.pk)
    check_receiving(locked, depot)
    for bag in Bag.objects.filter(trip=locked, destination=depot).exclude(status=BagStatus.RECEIVED):
        receiving_bag_close(bag=bag, depot=depot, by=by)
    locked.refresh_from_db(fields=["status", "received_at"])
    _trip_received_when_every_bag_is(locked, by=by)
    now = timezone.now()
    if TripArrival.objects.filter(trip=locked, depot=depot, closed_at__isnull=True).update(
        closed_at=now, closed_by=by
    ):
        trip_event_add(trip=locked, by=by, warehouse_id=depot.pk, note=_("receiving closed"))
    trip.status, trip.received_at = locked.status, locked.received_at
    trip.here, trip.here_depot_id = TripStatus.RECEIVED, depot.pk
    return receiving_summary(trip=locked, depot=depot)


def receiving_summary(*, trip: Trip, depot) -> dict:
    """What this depot received of a trip: bags, parcels expected / received / missing, extras by reason;
    `extras_total` the scans not on the trip's manifest for this depot, `other_bag` its parcels found in
    another of its bags."""
    items = BagParcel.objects.filter(bag__trip=trip, bag__destination=depot).aggregate(
        expected=Count("id"),
        received=Count("id", filter=Q(received_at__isnull=False)),
        missing=Count("id", filter=Q(received_at__isnull=True, missing=True)),
        not_received=Count("id", filter=Q(received_at__isnull=True)),
    )
    extras = dict(
        ReceivingExtra.objects.filter(trip=trip, bag__destination=depot)
        .values("reason")
        .annotate(n=Count("id"))
        .values_list("reason", "n")
    )
    bags = Bag.objects.filter(trip=trip, destination=depot).aggregate(
        total=Count("id"), closed=Count("id", filter=Q(status=BagStatus.RECEIVED))
    )
    # Not scanned yet = not received and not already recorded missing (a missing parcel is counted once).
    items["unscanned"] = items.pop("not_received") - items["missing"]
    # A parcel of this trip scanned in another of its bags was received into its own bag: counted apart, not
    # as extra to the trip (only to that bag's manifest).
    other_bag = extras.get(Reason.OTHER_BAG, 0)
    return {
        **items,
        "extras": extras,
        "extras_total": sum(extras.values()) - other_bag,
        "other_bag": other_bag,
        "bags": bags,
    }


# --- operations ------------------------------------------------------------------------------------------


@transaction.atomic
def receiving_order_lost(*, consignment: Consignment, by, reason: str) -> Consignment:
    """Operations give up on an order with a parcel missing at the depot: Thất lạc (lost), with why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the order is marked lost."), code="reason")
    locked = Consignment.objects.select_for_update(no_key=True).get(pk=consignment.pk)
    if locked.status != ConsignmentStatus.IN_TRANSIT:
        raise DomainError(
            _("Order %(code)s is “%(status)s” now: it is no longer waiting for a missing parcel.")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="stale",
        )
    if not BagParcel.objects.filter(
        parcel__consignment=locked, missing=True, received_at__isnull=True
    ).exists():
        raise DomainError(
            _("Order %(code)s has no parcel recorded missing.") % {"code": locked.code}, code="not_missing"
        )
    return consignment_transition(consignment=locked, to=ConsignmentStatus.LOST, by=by, note=reason[:255])
