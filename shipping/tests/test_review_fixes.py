"""Found by the last-mile journey: a trip closed bag by bag is received; a checkpoint typed in the minute of
departure comes after it; a missing parcel is not counted again as not scanned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consignments.models import ConsignmentEvent, EventKind
from shipping.models import CheckpointKind, Trip, TripStatus
from shipping.services.receiving import receiving_trip_open
from shipping.services.receiving_close import receiving_bag_close, receiving_summary
from shipping.services.trips import trip_checkpoint_add
from shipping.tests.factories import closed_bag, departed_trip, ready_order

pytestmark = pytest.mark.django_db


def test_a_trip_closed_bag_by_bag_is_received(customer, cn_staff, vn_staff):
    depot = vn_staff.warehouse
    bag = closed_bag(orders=[ready_order(customer, destination=depot)], destination=depot, by=cn_staff)
    trip = departed_trip(bag)
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    trip.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED and trip.received_at is not None
    summary = receiving_summary(trip=trip, depot=depot)
    assert (summary["missing"], summary["unscanned"]) == (1, 0)  # counted once


def test_a_checkpoint_in_the_departure_minute_comes_after_the_departure(customer, cn_staff):
    bag = closed_bag(orders=[ready_order(customer)], by=cn_staff)
    trip = departed_trip(bag)
    departed = timezone.now().replace(second=45, microsecond=0) - timedelta(minutes=1)
    Trip.objects.filter(pk=trip.pk).update(departed_at=departed)
    trip.refresh_from_db()
    checkpoint = trip_checkpoint_add(
        trip=trip, kind=CheckpointKind.BORDER, at=departed.replace(second=0), by=cn_staff, place="Pingxiang"
    )
    assert checkpoint.at == departed
    assert ConsignmentEvent.objects.filter(kind=EventKind.ROUTE).get().at == departed


def test_a_packed_order_does_not_leave_or_arrive_by_the_older_pages(customer, cn_staff, vn_staff):
    """The dispatch page and the depot page refuse an order that travels in a bag (review, blocker 1)."""
    from consignments.models import ConsignmentStatus
    from consignments.services import consignment_transition
    from core.errors import DomainError

    depot = vn_staff.warehouse
    order = ready_order(customer, destination=depot)
    bag = closed_bag(orders=[order], destination=depot, by=cn_staff)
    with pytest.raises(DomainError) as exc:
        consignment_transition(consignment=order, to=ConsignmentStatus.IN_TRANSIT, by=cn_staff)
    assert exc.value.code == "bagged" and bag.code in str(exc.value)
    departed_trip(bag)
    order.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        consignment_transition(
            consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=depot
        )
    assert exc.value.code == "not_received"


def test_an_order_with_a_parcel_left_in_china_stays_in_transit(customer, cn_staff, vn_staff):
    """Two parcels, only the first bagged and received: the order waits for the second (review, blocker 2)."""
    from consignments.models import ConsignmentStatus
    from shipping.services.receiving import receiving_parcel_scan
    from warehouse.labels import parcel_code
    from warehouse.models import Parcel

    depot = vn_staff.warehouse
    order = ready_order(customer, destination=depot, pieces=2)
    first = Parcel.objects.get(consignment=order, piece_number=1)
    bag = closed_bag(orders=[order], parcels=[first], destination=depot, by=cn_staff)
    trip = departed_trip(bag)
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    bag.refresh_from_db()
    receiving_parcel_scan(bag=bag, depot=depot, raw_code=parcel_code(first), by=vn_staff)
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.IN_TRANSIT


def test_the_parcel_left_behind_follows_on_a_later_bag(customer, cn_staff, vn_staff):
    """An order departed with one of its two parcels: the other can still be bagged for a later trip."""
    from consignments.models import ConsignmentStatus
    from shipping.models import BagParcel
    from shipping.services.bags import bag_open, bag_scan
    from warehouse.labels import parcel_code
    from warehouse.models import Parcel

    depot = vn_staff.warehouse
    order = ready_order(customer, destination=depot, pieces=2)
    first, second = Parcel.objects.filter(consignment=order).order_by("piece_number")
    departed_trip(closed_bag(orders=[order], parcels=[first], destination=depot, by=cn_staff))
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.IN_TRANSIT
    later = bag_open(origin=cn_staff.warehouse, destination=depot, by=cn_staff)
    bag_scan(bag=later, raw_code=parcel_code(second), by=cn_staff)
    assert BagParcel.objects.get(parcel=second).bag == later
