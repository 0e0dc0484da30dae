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
