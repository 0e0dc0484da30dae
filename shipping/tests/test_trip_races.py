"""Races on PostgreSQL with real threads: a trip departs once however many staff press the button at once,
and a bag goes on one trip however many trucks scan it."""

import pytest
from django.db import connection

from conftest import need
from consignments.models import ConsignmentEvent, ConsignmentStatus
from core.errors import DomainError
from core.testing import run_threads
from notifications.models import Notification, PendingNotification
from shipping.models import Bag, BagStatus, Trip, TripCheckpoint, TripStatus
from shipping.services.trips import LoadResult, trip_bag_load, trip_depart
from shipping.tests.factories import TripFactory, closed_bag, loaded_trip, ready_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_ten_staff_depart_the_same_trip_at_once(postgres, customer, other_customer, cn_staff):
    mine = [ready_order(customer) for _ in range(5)] + [ready_order(customer, pieces=2)]
    theirs = [ready_order(other_customer) for _ in range(3)]
    trip = loaded_trip(
        bags=[closed_bag(orders=mine[:3]), closed_bag(orders=mine[3:] + theirs)], origin=cn_staff.warehouse
    )

    results, errors = run_threads(10, lambda i: trip_depart(trip=Trip.objects.get(pk=trip.pk), by=cn_staff))

    assert errors == []
    assert sorted(r.departed for r in results) == [False] * 9 + [True]
    assert [r.orders for r in results if r.departed] == [9]
    trip.refresh_from_db()
    assert trip.status == TripStatus.DEPARTED
    assert TripCheckpoint.objects.filter(trip=trip).count() == 1
    assert set(Bag.objects.filter(trip=trip).values_list("status", flat=True)) == {BagStatus.LOADED}
    moved = ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT)
    assert moved.count() == 9 and moved.values("consignment").distinct().count() == 9
    notices = list(PendingNotification.objects.values_list("user_id", flat=True)) + list(
        Notification.objects.values_list("user_id", flat=True)  # delivered already by the eager task
    )
    assert sorted(notices) == sorted([customer.pk, other_customer.pk])


def test_two_trucks_scan_the_same_bag_at_once(postgres, customer, cn_staff):
    bag = closed_bag(orders=[ready_order(customer)])
    trips = [TripFactory(origin=cn_staff.warehouse) for _ in range(2)]

    def load(i):
        try:
            return trip_bag_load(trip=trips[i % 2], raw_code=bag.code, by=cn_staff).outcome
        except DomainError as exc:
            return exc.code

    results, errors = run_threads(10, load)
    assert errors == []
    bag.refresh_from_db()
    assert bag.trip_id in {t.pk for t in trips}
    assert results.count(LoadResult.LOADED) == 1
    assert sorted(set(results)) == sorted({LoadResult.LOADED, LoadResult.ALREADY, "other_trip"})
