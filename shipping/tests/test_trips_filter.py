"""The trips list filtered by status: the operations dashboard's "Trips on the road" opens only the trips that
departed and are not received yet."""

import pytest
from django.urls import reverse

from shipping.models import Trip, TripStatus
from shipping.tests.factories import TripFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trips(cn_staff):
    made = {}
    for status in TripStatus.values:
        trip = TripFactory(origin=cn_staff.warehouse)
        Trip.objects.filter(pk=trip.pk).update(status=status, code=f"T{status.upper()}")
        made[status] = f"T{status.upper()}"
    return made


def test_status_departed_lists_only_trips_on_the_road(client_of, ops, trips):
    page = client_of(ops).get(reverse("shipping:trips"), {"status": "departed"}).content.decode()
    assert trips["departed"] in page
    for status in ("loading", "arrived", "received"):
        assert trips[status] not in page, status


def test_no_status_or_an_unknown_one_lists_every_trip(client_of, cn_staff, trips):
    client = client_of(cn_staff)
    for query in ({}, {"status": "nonsense"}):
        page = client.get(reverse("shipping:trips"), query).content.decode()
        assert all(code in page for code in trips.values()), query


def test_dashboard_link_opens_the_departed_trips(client_of, ops, trips):
    page = client_of(ops).get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("shipping:trips") + "?status=departed" in page
