"""The one place a bag's or a trip's status changes (STYLE.md: one status table per machine, a history row for
every change). Each move is checked against BAG_TRANSITIONS / TRIP_TRANSITIONS, made by compare-and-set on the
status the caller read (so a double click or two staff at once move it once) and written to the history
(BagEvent / TripEvent: old, new, who, when, where, note). Steps that keep the status (a bag loaded on a trip,
a depot starting to receive a trip that has arrived elsewhere) are history rows too."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import (
    BAG_TRANSITIONS,
    TRIP_TRANSITIONS,
    Bag,
    BagEvent,
    BagStatus,
    Trip,
    TripEvent,
    TripStatus,
)


def _check(transitions, status_cls, old: str, to: str, code: str) -> None:
    if to not in transitions.get(old, ()):
        raise DomainError(
            _("%(code)s is “%(old)s”: it cannot become “%(new)s”.")
            % {"code": code, "old": status_cls(old).label, "new": status_cls(to).label},
            code="transition",
        )


def bag_status_set(*, bag: Bag, to: str, by, warehouse_id=None, note: str = "", **fields) -> bool:
    """Move `bag` from the status it was read with to `to` (with `fields` written alongside), and write the
    history row. Returns False, changing nothing, when the row's status has changed since it was read.
    Raises DomainError for a move BAG_TRANSITIONS does not allow."""
    old = bag.status
    _check(BAG_TRANSITIONS, BagStatus, old, to, bag.code)
    if not Bag.objects.filter(pk=bag.pk, status=old).update(status=to, **fields):
        return False
    BagEvent.objects.create(
        bag=bag, old_status=old, new_status=to, by=by, warehouse_id=warehouse_id, note=note[:255]
    )
    bag.status = to
    for name, value in fields.items():
        setattr(bag, name, value)
    return True


def bags_status_set_many(*, trip: Trip, old: str, to: str, by, note: str = "") -> int:
    """Every bag of `trip` in status `old` moves to `to` (a trip departing loads its bags), with one history
    row each, in two statements whatever the number of bags. Returns how many moved."""
    _check(BAG_TRANSITIONS, BagStatus, old, to, trip.code)
    ids = list(Bag.objects.filter(trip=trip, status=old).values_list("pk", flat=True))
    moved = Bag.objects.filter(pk__in=ids, status=old).update(status=to)
    if moved != len(ids):  # pragma: no cover - the caller holds the trip's lock
        raise DomainError(_("The trip's bags changed meanwhile; try again."), code="stale")
    now = timezone.now()
    BagEvent.objects.bulk_create(
        [BagEvent(bag_id=pk, old_status=old, new_status=to, by=by, at=now, note=note[:255]) for pk in ids]
    )
    return moved


def bag_event_add(*, bag: Bag, by, note: str, warehouse_id=None) -> BagEvent:
    """A step in the bag's history that keeps its status (loaded on a trip, taken off it)."""
    return BagEvent.objects.create(
        bag=bag,
        old_status=bag.status,
        new_status=bag.status,
        by=by,
        warehouse_id=warehouse_id,
        note=note[:255],
    )


def trip_status_set(*, trip: Trip, to: str, by, warehouse_id=None, note: str = "", at=None, **fields) -> bool:
    """Move `trip` from the status it was read with to `to` (compare-and-set), with its history row (dated
    `at`, when it happened, or now). Returns False when the trip's status changed since it was read."""
    old = trip.status
    _check(TRIP_TRANSITIONS, TripStatus, old, to, trip.code)
    if not Trip.objects.filter(pk=trip.pk, status=old).update(status=to, **fields):
        return False
    TripEvent.objects.create(
        trip=trip,
        old_status=old,
        new_status=to,
        by=by,
        warehouse_id=warehouse_id,
        note=note[:255],
        at=at or timezone.now(),
    )
    trip.status = to
    for name, value in fields.items():
        setattr(trip, name, value)
    return True


def trip_event_add(*, trip: Trip, by, note: str, warehouse_id=None) -> TripEvent:
    """A step in the trip's history that keeps its status (a bag loaded, a depot starting to receive)."""
    return TripEvent.objects.create(
        trip=trip,
        old_status=trip.status,
        new_status=trip.status,
        by=by,
        warehouse_id=warehouse_id,
        note=note[:255],
    )
