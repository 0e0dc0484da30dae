"""A trip arriving at a Vietnam depot: the depot starts receiving it (its own TripArrival: who, when), and
every receiving step checks that this depot has (check_receiving)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import Bag, Trip, TripArrival, TripStatus
from .status import trip_event_add, trip_status_set

RECEIVING = frozenset({TripStatus.ARRIVED, TripStatus.RECEIVED})  # trips whose bags the depot scans


def depot_arrival(trip: Trip, depot):
    """This depot's TripArrival of the trip (receiving started here), or None. Read once per request: the
    station's views annotate it on the trip they load (`here`), the services ask when it is not there."""
    return TripArrival.objects.filter(trip=trip, depot=depot).first()


def check_receiving(trip: Trip, depot) -> None:
    """Refuse (DomainError) when this depot may not receive parcels of `trip` yet: the trip is still loading,
    or this depot has not pressed “Start receiving” (another depot's start does not open it here)."""
    if trip.status == TripStatus.LOADING:
        raise DomainError(
            _("Trip %(trip)s is still loading in China.") % {"trip": trip.code}, code="not_arrived"
        )
    here = getattr(trip, "here", None) if getattr(trip, "here_depot_id", None) == depot.pk else None
    if here is None:
        here = TripStatus.ARRIVED if depot_arrival(trip, depot) is not None else TripStatus.DEPARTED
    if trip.status not in RECEIVING or here not in RECEIVING:
        raise DomainError(
            _("Trip %(trip)s is not open here yet: press “Start receiving” first.") % {"trip": trip.code},
            code="not_arrived",
        )


def receiving_trip_open(*, trip: Trip, depot, by) -> Trip:
    """The trip is here: this depot's arrival (who, when) is recorded, and the trip is Đã đến (arrived)
    if it was still on the road. Opening it again, here or at another depot, changes nothing more."""
    if not Bag.objects.filter(trip=trip, destination=depot).exists():
        raise DomainError(
            _("Trip %(trip)s carries no bag for this depot.") % {"trip": trip.code}, code="depot"
        )
    if trip.status == TripStatus.LOADING:
        check_receiving(trip, depot)
    with transaction.atomic():
        now = timezone.now()
        arrival, created = TripArrival.objects.get_or_create(
            trip=trip, depot=depot, defaults={"arrived_at": now, "arrived_by": by}
        )
        if created:
            trip.refresh_from_db(fields=["status", "arrived_at"])
            moved = trip.status == TripStatus.DEPARTED and trip_status_set(
                trip=trip, to=TripStatus.ARRIVED, by=by, warehouse_id=depot.pk, at=now, arrived_at=now
            )
            if not moved:  # it had arrived (another depot, a checkpoint): this depot's start is a step
                trip.refresh_from_db(fields=["status", "arrived_at"])
                trip_event_add(trip=trip, by=by, warehouse_id=depot.pk, note=_("receiving started"))
    trip.refresh_from_db(fields=["status", "arrived_at"])
    trip.here = TripStatus.RECEIVED if arrival.closed_at else TripStatus.ARRIVED
    trip.here_depot_id = depot.pk
    return trip
