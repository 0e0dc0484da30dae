"""The receiving scan's hand-written reads (shipping.services.scan_lookup) against the ORM reads they stand
for: the same rows, the same fields, and nothing read twice."""

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext

from shipping.models import Bag, TripArrival
from shipping.selectors import here_status
from shipping.services.receiving import receiving_trip_open
from shipping.services.receiving_close import receiving_trip_close
from shipping.services.scan_lookup import _SCAN_FIELDS, _parcels, bag_of_trip_here, parcel_by_label
from shipping.tests.factories import closed_bag, departed_trip, hcm_depot, ready_order

pytestmark = pytest.mark.django_db


def _fields(parcel):
    """Every field the scan reads, through the same attribute paths (None where the path ends)."""
    values = {}
    for path in _SCAN_FIELDS:
        value = parcel
        for name in path.split("__"):
            value = getattr(value, name, None) if value is not None else None
        values[path] = value
    return values


@pytest.fixture
def orders(customer, vn_staff):
    packed = ready_order(customer, pieces=2, destination=vn_staff.warehouse)
    loose = ready_order(customer, destination=vn_staff.warehouse)
    bag = closed_bag(orders=[packed])
    departed_trip(bag)
    return packed, loose


def test_a_packed_parcel_reads_as_the_orm_reads_it(orders):
    packed, _loose = orders
    for piece in (1, 2):
        orm = _parcels().filter(consignment__code=packed.code, piece_number=piece).first()
        with CaptureQueriesContext(connection) as queries:
            raw = parcel_by_label(packed.code, piece)
            values = _fields(raw)
        assert len(queries) == 1  # one statement, and every field the scan reads came with it
        assert values == _fields(orm)
        assert raw.bag_item.bag.code == orm.bag_item.bag.code


def test_a_parcel_never_packed_has_no_bag_row_and_asks_nothing_more(orders):
    _packed, loose = orders
    raw = parcel_by_label(loose.code, 1)
    with CaptureQueriesContext(connection) as queries:
        assert getattr(raw, "bag_item", None) is None
    assert not queries
    assert _fields(raw) == _fields(_parcels().filter(consignment__code=loose.code, piece_number=1).first())


def test_no_such_piece_or_order(orders):
    packed, _loose = orders
    assert parcel_by_label(packed.code, 3) is None
    assert parcel_by_label("KG99999999", 1) is None


def _orm_here(bag, depot):
    return (
        Bag.objects.select_related("trip")
        .annotate(trip_here=here_status(OuterRef("destination"), "trip"))
        .get(pk=bag.pk)
        .trip_here
    )


def test_the_trip_as_this_depot_sees_it(customer, vn_staff):
    depot = vn_staff.warehouse
    bag = closed_bag(orders=[ready_order(customer, destination=depot)])
    trip = departed_trip(bag)
    seen = []
    for step in ("departed", "arrived", "received"):
        if step == "arrived":
            receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
        if step == "received":
            receiving_trip_close(trip=trip, depot=depot, by=vn_staff)
        found = bag_of_trip_here(bag_pk=bag.pk, trip_pk=trip.pk, depot=depot)
        assert found.trip.here == _orm_here(bag, depot) == step
        assert (found.code, found.trip.code, found.trip_id) == (bag.code, trip.code, trip.pk)
        seen.append(found.trip.here)
    assert seen == ["departed", "arrived", "received"]
    assert TripArrival.objects.filter(trip=trip).count() == 1


def test_a_bag_of_another_trip_or_depot_is_not_found(customer, vn_staff):
    depot = vn_staff.warehouse
    mine = closed_bag(orders=[ready_order(customer, destination=depot)])
    theirs = closed_bag(orders=[ready_order(customer, destination=hcm_depot())])
    trip, other = departed_trip(mine, theirs), departed_trip(closed_bag(orders=[ready_order(customer)]))
    assert bag_of_trip_here(bag_pk=mine.pk, trip_pk=trip.pk, depot=depot) is not None
    assert bag_of_trip_here(bag_pk=mine.pk, trip_pk=other.pk, depot=depot) is None
    assert bag_of_trip_here(bag_pk=theirs.pk, trip_pk=trip.pk, depot=depot) is None
