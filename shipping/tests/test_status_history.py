"""Bags and trips: one status table each, a history row (who, when, where) for every change, and a trip for
two depots arriving at each depot on its own (a depot's "Start receiving" opens it only there)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import VietnamStaffFactory
from core.errors import DomainError
from shipping.models import (
    BAG_TRANSITIONS,
    TRIP_TRANSITIONS,
    BagEvent,
    BagStatus,
    Trip,
    TripArrival,
    TripEvent,
    TripStatus,
)
from shipping.services.bags import bag_close, bag_reopen
from shipping.services.receiving import (
    receiving_bag_find,
    receiving_parcel_scan,
    receiving_trip_open,
)
from shipping.services.receiving_close import receiving_bag_close, receiving_trip_close
from shipping.services.status import bag_status_set, trip_status_set
from shipping.services.trips import trip_bag_load, trip_create, trip_depart
from shipping.tests.factories import closed_bag, departed_trip, hcm_depot, ready_order
from warehouse.labels import parcel_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(vn_staff):
    return vn_staff.warehouse


def moves(model, obj):
    return list(model.objects.filter(**obj).order_by("at", "id").values_list("old_status", "new_status"))


@pytest.mark.parametrize("old", list(BagStatus))
@pytest.mark.parametrize("to", list(BagStatus))
def test_a_bag_moves_only_as_its_table_allows(customer, old, to):
    bag = closed_bag(orders=[ready_order(customer)])
    type(bag).objects.filter(pk=bag.pk).update(status=old)
    bag.refresh_from_db()
    before = BagEvent.objects.filter(bag=bag).count()
    if to in BAG_TRANSITIONS[old]:
        assert bag_status_set(bag=bag, to=to, by=bag.opened_by) is True
        assert BagEvent.objects.filter(bag=bag).count() == before + 1
    else:
        with pytest.raises(DomainError):
            bag_status_set(bag=bag, to=to, by=bag.opened_by)
        bag.refresh_from_db()
        assert bag.status == old and BagEvent.objects.filter(bag=bag).count() == before


@pytest.mark.parametrize("old", list(TripStatus))
@pytest.mark.parametrize("to", list(TripStatus))
def test_a_trip_moves_only_as_its_table_allows(customer, old, to):
    trip = departed_trip(closed_bag(orders=[ready_order(customer)]))
    Trip.objects.filter(pk=trip.pk).update(status=old)
    trip.refresh_from_db()
    if to in TRIP_TRANSITIONS[old]:
        assert trip_status_set(trip=trip, to=to, by=trip.created_by) is True
    else:
        with pytest.raises(DomainError):
            trip_status_set(trip=trip, to=to, by=trip.created_by)
        trip.refresh_from_db()
        assert trip.status == old


def test_a_stale_read_changes_nothing(customer, cn_staff):
    bag = closed_bag(orders=[ready_order(customer)])
    stale = type(bag).objects.get(pk=bag.pk)
    bag_reopen(bag=bag, by=cn_staff)
    events = BagEvent.objects.filter(bag=bag).count()
    assert bag_status_set(bag=stale, to=BagStatus.OPEN, by=cn_staff) is False
    assert BagEvent.objects.filter(bag=bag).count() == events


def test_a_bag_and_its_trip_keep_their_whole_history_with_who(customer, cn_staff, vn_staff, depot):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    bag_reopen(bag=bag, by=cn_staff)
    bag_close(bag=bag, weight_g=1500, by=cn_staff)
    trip = trip_create(origin=bag.origin, plate="29C-12345", by=cn_staff)
    trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    trip_depart(trip=trip, by=cn_staff)
    trip.refresh_from_db()
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    bag.refresh_from_db()
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    assert moves(BagEvent, {"bag": bag})[-5:] == [
        ("closed", "open"),
        ("open", "closed"),
        ("closed", "closed"),  # loaded on the trip
        ("closed", "loaded"),
        ("loaded", "received"),
    ]
    last = BagEvent.objects.filter(bag=bag).order_by("at", "id").last()
    assert last.by == vn_staff and last.warehouse == depot
    assert moves(TripEvent, {"trip": trip}) == [
        ("", "loading"),
        ("loading", "departed"),
        ("departed", "arrived"),
        ("arrived", "received"),
    ]
    arrived = TripEvent.objects.get(trip=trip, new_status="arrived")
    assert arrived.by == vn_staff and arrived.warehouse == depot


def test_a_trip_for_two_depots_arrives_at_each_on_its_own(customer, vn_staff, depot, client):
    sg = hcm_depot()
    sg_staff = VietnamStaffFactory(warehouse=sg)
    ours, theirs = ready_order(customer), ready_order(customer, destination=sg)
    hn_bag, sg_bag = closed_bag(orders=[ours]), closed_bag(orders=[theirs])
    trip = departed_trip(hn_bag, sg_bag)
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.ARRIVED
    # Hà Nội's start does not open the trip in Sài Gòn: still on its way there.
    trip.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        receiving_bag_find(trip=trip, depot=sg, raw_code=sg_bag.code)
    assert caught.value.code == "not_arrived"
    sg_bag.refresh_from_db()
    with pytest.raises(DomainError):
        receiving_parcel_scan(bag=sg_bag, depot=sg, raw_code=parcel_code(theirs.parcels.get()), by=sg_staff)
    with pytest.raises(DomainError):
        receiving_trip_close(trip=trip, depot=sg, by=sg_staff)
    client.force_login(sg_staff)
    page = client.get(reverse("shipping:receiving"))
    assert page.context["trips"][0].here_status == TripStatus.DEPARTED
    page = client.get(reverse("shipping:receiving_trip", args=[trip.pk]))
    assert page.context["trip"].here_status == TripStatus.DEPARTED
    assert b"Start receiving" in page.content or page.context["trip"].get_here_status_display()
    # Sài Gòn starts: its own arrival, with who and when; then it receives.
    client.post(reverse("shipping:receiving_trip_open", args=[trip.pk]))
    arrival = TripArrival.objects.get(trip=trip, depot=sg)
    assert arrival.arrived_by == sg_staff
    assert TripArrival.objects.get(trip=trip, depot=depot).arrived_by == vn_staff
    assert TripEvent.objects.filter(trip=trip, warehouse=sg, by=sg_staff).count() == 1
    sg_bag.refresh_from_db()
    result = receiving_parcel_scan(
        bag=sg_bag, depot=sg, raw_code=parcel_code(theirs.parcels.get()), by=sg_staff
    )
    assert result.outcome == "received"
    # Starting again changes nothing.
    client.post(reverse("shipping:receiving_trip_open", args=[trip.pk]))
    assert TripArrival.objects.filter(trip=trip).count() == 2
    assert TripEvent.objects.filter(trip=trip, warehouse=sg).count() == 1
    receiving_trip_close(trip=trip, depot=sg, by=sg_staff)
    assert TripArrival.objects.get(trip=trip, depot=sg).closed_by == sg_staff
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.ARRIVED  # Hà Nội has not closed
    receiving_trip_close(trip=trip, depot=depot, by=vn_staff)
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.RECEIVED


def test_the_bag_and_trip_pages_show_their_history(customer, cn_staff, client):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = trip_create(origin=bag.origin, plate="29C-12345", by=cn_staff)
    trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    client.force_login(cn_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("shipping:trip", args=[trip.pk]))
    assert page.status_code == 200
    assert [e.new_status for e in page.context["events"]] == ["loading"]
    assert b'data-testid="history"' in page.content and b"khotq" in page.content
    page = client.get(reverse("shipping:bag", args=[bag.pk]))
    assert page.status_code == 200
    history = page.context["events"]
    assert [e.new_status for e in history] == ["closed"]  # the factory's bag: only the loading is a row
    assert trip.code in history[-1].note
