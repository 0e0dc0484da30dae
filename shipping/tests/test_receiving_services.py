"""Receiving a trip at a Vietnam depot (shipping.services.receiving, receiving_close): bags of this depot
only, parcels received once, missing and extra recorded, orders Chờ giao when complete."""

import pytest
from django.db import connection
from django.utils import translation

from conftest import need
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from notifications.models import Notification, NotificationKind, PendingNotification
from shipping.models import BagParcel, BagStatus, ReceivingExtra, Trip, TripStatus
from shipping.selectors import receiving_bag_counts, receiving_bags
from shipping.services.receiving import (
    Outcome,
    Reason,
    receiving_bag_find,
    receiving_parcel_late,
    receiving_parcel_scan,
    receiving_trip_open,
)
from shipping.services.receiving_close import (
    receiving_bag_close,
    receiving_order_lost,
    receiving_summary,
    receiving_trip_close,
)
from shipping.tests.factories import closed_bag, departed_trip, hcm_depot, loaded_trip, ready_order
from warehouse.labels import parcel_code
from warehouse.models import Parcel

pytestmark = pytest.mark.django_db

S = ConsignmentStatus


def arrived_trip(*bags, depot, by) -> Trip:
    return receiving_trip_open(trip=departed_trip(*bags), depot=depot, by=by)


def codes(order) -> list[str]:
    return [parcel_code(p) for p in Parcel.objects.filter(consignment=order).order_by("piece_number")]


def scan(bag, code, by):
    bag.refresh_from_db()
    return receiving_parcel_scan(bag=bag, depot=by.warehouse, raw_code=code, by=by)


def awaiting_notifications(order) -> int:
    kind = NotificationKind.AWAITING_DELIVERY
    return (
        Notification.objects.filter(consignment=order, kind=kind).count()
        + PendingNotification.objects.filter(consignment=order, kind=kind).count()
    )


@pytest.fixture
def depot(vn_staff):
    return vn_staff.warehouse


@pytest.fixture(autouse=True, params=["database", "python"])
def receiving_path(request, settings):
    """Every scenario both ways: the PL/pgSQL function (PostgreSQL's path) and the ORM (SQLite's)."""
    if request.param == "database":
        need(connection.vendor == "postgresql", "the receiving function is PL/pgSQL: PostgreSQL only")
    settings.SCAN_IN_DATABASE = request.param == "database"
    return request.param


# --- opening -----------------------------------------------------------------------------------------------


def test_opening_marks_the_trip_arrived_once(customer, vn_staff, depot):
    trip = departed_trip(closed_bag(orders=[ready_order(customer)]))
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    trip.refresh_from_db()
    assert trip.status == TripStatus.ARRIVED and trip.arrived_at is not None
    first = trip.arrived_at
    receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    trip.refresh_from_db()
    assert trip.arrived_at == first


def test_a_trip_still_loading_cannot_be_opened(customer, vn_staff, depot):
    trip = loaded_trip(bags=[closed_bag(orders=[ready_order(customer)])])
    with pytest.raises(DomainError) as caught:
        receiving_trip_open(trip=trip, depot=depot, by=vn_staff)
    assert caught.value.code == "not_arrived"


def test_a_trip_without_a_bag_for_this_depot_is_not_opened(customer, vn_staff):
    sg = hcm_depot()
    trip = departed_trip(closed_bag(orders=[ready_order(customer, destination=sg)]))
    with pytest.raises(DomainError):
        receiving_trip_open(trip=trip, depot=vn_staff.warehouse, by=vn_staff)
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.DEPARTED


# --- bags ----------------------------------------------------------------------------------------------------


def test_scanning_a_bag_of_this_trip_opens_it(customer, vn_staff, depot):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = arrived_trip(bag, depot=depot, by=vn_staff)
    assert receiving_bag_find(trip=trip, depot=depot, raw_code=f"]C0{bag.code}\r\n") == bag


def test_a_bag_of_another_depot_is_refused_naming_it(customer, vn_staff, depot):
    ours = closed_bag(orders=[ready_order(customer)])
    theirs = closed_bag(orders=[ready_order(customer, destination=hcm_depot())])
    trip = arrived_trip(ours, theirs, depot=depot, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        receiving_bag_find(trip=trip, depot=depot, raw_code=theirs.code)
    assert caught.value.code == "other_depot" and "TP.HCM" in caught.value.message


def test_a_parcel_code_in_the_bag_field_says_scan_its_bag(customer, vn_staff, depot):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    trip = arrived_trip(bag, depot=depot, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        receiving_bag_find(trip=trip, depot=depot, raw_code=codes(order)[0])
    assert caught.value.code == "parcel_code" and bag.code in caught.value.message


def test_bags_of_another_trip_or_unknown_are_refused(customer, vn_staff, depot):
    trip = arrived_trip(closed_bag(orders=[ready_order(customer)]), depot=depot, by=vn_staff)
    other = departed_trip(closed_bag(orders=[ready_order(customer)]))
    with pytest.raises(DomainError) as caught:
        receiving_bag_find(trip=trip, depot=depot, raw_code=other.bags.get().code)
    assert caught.value.code == "other_trip"
    for raw, code in (("B9999999", "unknown"), (trip.code, "trip_code"), ("hello", "not_a_bag")):
        with pytest.raises(DomainError) as caught:
            receiving_bag_find(trip=trip, depot=depot, raw_code=raw)
        assert caught.value.code == code


def test_bags_are_not_scanned_before_the_trip_is_opened(customer, vn_staff, depot):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = departed_trip(bag)
    with pytest.raises(DomainError) as caught:
        receiving_bag_find(trip=trip, depot=depot, raw_code=bag.code)
    assert caught.value.code == "not_arrived"


# --- parcels -------------------------------------------------------------------------------------------------


def test_the_last_parcel_of_an_order_makes_it_awaiting_delivery_at_the_depot(customer, vn_staff, depot):
    order = ready_order(customer, pieces=3)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    first, second, third = codes(order)
    result = scan(bag, first, vn_staff)
    assert result.outcome == Outcome.RECEIVED
    assert (result.order_parcels, result.order_parcels_here) == (3, 1)  # the station says it waits
    result = scan(bag, second, vn_staff)
    assert result.ready is None and (result.order_parcels, result.order_parcels_here) == (3, 2)
    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT
    result = scan(bag, third, vn_staff)
    assert result.outcome == Outcome.RECEIVED and result.ready is not None
    order.refresh_from_db()
    assert order.status == S.AWAITING_DELIVERY and order.current_warehouse == depot
    item = BagParcel.objects.get(parcel__consignment=order, parcel__piece_number=3)
    assert item.received_at is not None and item.received_by == vn_staff
    assert awaiting_notifications(order) == 1


def test_scanning_a_parcel_twice_changes_nothing(customer, vn_staff, depot):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    scan(bag, codes(order)[0], vn_staff)
    received_at = BagParcel.objects.get(bag=bag).received_at
    with translation.override("en"):
        again = scan(bag, codes(order)[0], vn_staff)
    assert again.outcome == Outcome.ALREADY and "already received" in again.message
    assert BagParcel.objects.get(bag=bag).received_at == received_at
    assert ConsignmentEvent.objects.filter(consignment=order, new_status=S.AWAITING_DELIVERY).count() == 1
    assert awaiting_notifications(order) == 1


def test_a_parcel_is_found_by_its_waybill_too(customer, vn_staff, depot):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    assert scan(bag, order.tracking_code, vn_staff).outcome == Outcome.RECEIVED


def test_a_parcel_of_another_bag_of_the_trip_is_received_into_its_bag_and_noted(customer, vn_staff, depot):
    mine, other = ready_order(customer), ready_order(customer)
    bag_a, bag_b = closed_bag(orders=[mine]), closed_bag(orders=[other])
    trip = arrived_trip(bag_a, bag_b, depot=depot, by=vn_staff)
    result = scan(bag_a, codes(other)[0], vn_staff)
    assert result.outcome == Outcome.OTHER_BAG and bag_b.code in result.message
    assert BagParcel.objects.get(bag=bag_b).received_at is not None
    extra = ReceivingExtra.objects.get(trip=trip)
    assert (extra.bag, extra.reason, extra.parcel.consignment) == (bag_a, Reason.OTHER_BAG, other)
    other.refresh_from_db()
    assert other.status == S.AWAITING_DELIVERY
    # Received into its own bag: not extra to the trip, counted apart.
    summary = receiving_summary(trip=trip, depot=depot)
    assert (summary["received"], summary["extras_total"], summary["other_bag"]) == (1, 0, 1)
    counts = receiving_bag_counts(bag=bag_a)
    assert (counts["extras"], counts["other_bag"]) == (0, 1)
    row = {b.pk: b for b in receiving_bags(trip=trip, depot=depot)}[bag_a.pk]
    assert (row.extras_count, row.other_bag_count) == (0, 1)


def test_a_parcel_of_another_depot_is_extra_and_not_received(customer, vn_staff, depot):
    ours = ready_order(customer)
    theirs = ready_order(customer, destination=hcm_depot())
    bag, their_bag = closed_bag(orders=[ours]), closed_bag(orders=[theirs])
    trip = arrived_trip(bag, their_bag, depot=depot, by=vn_staff)
    result = scan(bag, codes(theirs)[0], vn_staff)
    assert result.outcome == Outcome.EXTRA and "TP.HCM" in result.message
    assert ReceivingExtra.objects.get(trip=trip).reason == Reason.OTHER_DEPOT
    assert BagParcel.objects.get(bag=their_bag).received_at is None
    again = scan(bag, codes(theirs)[0], vn_staff)
    assert again.outcome == Outcome.EXTRA and not again.extra_new
    assert ReceivingExtra.objects.filter(trip=trip).count() == 1


def test_an_unknown_code_is_extra(customer, vn_staff, depot):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = arrived_trip(bag, depot=depot, by=vn_staff)
    result = scan(bag, "KG77777777", vn_staff)
    assert result.outcome == Outcome.EXTRA
    extra = ReceivingExtra.objects.get(trip=trip)
    assert (extra.raw_code, extra.reason, extra.bag) == ("KG77777777", Reason.UNKNOWN, bag)


def test_parcels_of_this_depot_on_another_trip_or_in_no_bag_are_extra(customer, vn_staff, depot):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = arrived_trip(bag, depot=depot, by=vn_staff)
    later = ready_order(customer)
    departed_trip(closed_bag(orders=[later]))
    loose = ready_order(customer)
    assert scan(bag, codes(later)[0], vn_staff).outcome == Outcome.EXTRA
    assert scan(bag, codes(loose)[0], vn_staff).outcome == Outcome.EXTRA
    reasons = set(ReceivingExtra.objects.filter(trip=trip).values_list("reason", flat=True))
    assert reasons == {Reason.OTHER_TRIP, Reason.NOT_BAGGED}


@pytest.mark.parametrize(
    ("raw", "code"), [("B0000001", "bag_code"), ("x" * 10_000, "too_long"), ("  \r\n", "empty")]
)
def test_bad_parcel_scans_are_refused_and_change_nothing(customer, vn_staff, depot, raw, code):
    bag = closed_bag(orders=[ready_order(customer)])
    trip = arrived_trip(bag, depot=depot, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        scan(bag, raw, vn_staff)
    assert caught.value.code == code
    assert not ReceivingExtra.objects.filter(trip=trip).exists()
    assert not BagParcel.objects.filter(bag=bag, received_at__isnull=False).exists()


def test_an_order_transferred_to_another_depot_is_received_but_not_made_ready(customer, vn_staff, depot):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    Consignment.objects.filter(pk=order.pk).update(destination=hcm_depot())
    result = scan(bag, codes(order)[0], vn_staff)
    assert result.outcome == Outcome.RECEIVED and result.warning and result.ready is None
    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT


# --- closing -------------------------------------------------------------------------------------------------


def test_closing_a_bag_records_missing_parcels_and_the_order_waits(customer, vn_staff, depot):
    order = ready_order(customer, pieces=3)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    first, second, _third = codes(order)
    scan(bag, first, vn_staff)
    scan(bag, second, vn_staff)
    with translation.override("en"):
        closed = receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    assert (closed.received, len(closed.missing), closed.already) == (2, 1, False)
    missing = BagParcel.objects.get(bag=bag, received_at__isnull=True)
    assert missing.missing and missing.parcel.piece_number == 3
    event = ConsignmentEvent.objects.get(consignment=order, kind=EventKind.RECEIVING)
    assert event.note == "missing: parcel 3 of 3"
    assert event.data["missing"] is True and event.data["piece"] == 3
    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT
    bag.refresh_from_db()
    assert bag.status == BagStatus.RECEIVED and bag.received_by == vn_staff
    again = receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    assert again.already
    assert ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.RECEIVING).count() == 1


def test_a_missing_parcel_that_turns_up_completes_its_order(customer, vn_staff, depot):
    order = ready_order(customer, pieces=2)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    first, second = codes(order)
    scan(bag, first, vn_staff)
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    result = receiving_parcel_late(depot=depot, raw_code=second, by=vn_staff)
    assert result.outcome == Outcome.RECEIVED and result.ready is not None
    item = BagParcel.objects.get(parcel__consignment=order, parcel__piece_number=2)
    assert item.received_at is not None and not item.missing
    found = ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.RECEIVING, data__found=True)
    assert found.count() == 1
    assert found.get().warehouse == depot  # found at the depot, not where the order was last (China)
    order.refresh_from_db()
    assert order.status == S.AWAITING_DELIVERY


def test_a_late_parcel_of_another_depot_or_unknown_is_refused(customer, vn_staff, depot):
    theirs = ready_order(customer, destination=hcm_depot())
    departed_trip(closed_bag(orders=[theirs]))
    for raw in (codes(theirs)[0], "KG77777777"):
        with pytest.raises(DomainError):
            receiving_parcel_late(depot=depot, raw_code=raw, by=vn_staff)


def test_a_parcel_missing_on_an_earlier_trip_keeps_the_order_waiting(customer, vn_staff, depot):
    order = ready_order(customer, pieces=2)
    first, second = Parcel.objects.filter(consignment=order).order_by("piece_number")
    bag1 = closed_bag(orders=[order], parcels=[first])
    arrived_trip(bag1, depot=depot, by=vn_staff)
    receiving_bag_close(bag=bag1, depot=depot, by=vn_staff)
    bag2 = closed_bag(orders=[order], parcels=[second])
    arrived_trip(bag2, depot=depot, by=vn_staff)
    Consignment.objects.filter(pk=order.pk).update(status=S.IN_TRANSIT)
    assert scan(bag2, parcel_code(second), vn_staff).ready is None
    order.refresh_from_db()
    assert order.status == S.IN_TRANSIT


def test_closing_the_trip_closes_every_bag_and_sums_up(customer, vn_staff, depot):
    complete, partial = ready_order(customer), ready_order(customer, pieces=2)
    bag_a, bag_b = closed_bag(orders=[complete]), closed_bag(orders=[partial])
    trip = arrived_trip(bag_a, bag_b, depot=depot, by=vn_staff)
    scan(bag_a, codes(complete)[0], vn_staff)
    scan(bag_b, codes(partial)[0], vn_staff)
    scan(bag_b, "KG77777777", vn_staff)
    summary = receiving_trip_close(trip=trip, depot=depot, by=vn_staff)
    assert (summary["expected"], summary["received"], summary["missing"]) == (3, 2, 1)
    assert summary["extras"] == {Reason.UNKNOWN: 1} and summary["bags"] == {"total": 2, "closed": 2}
    trip.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED and trip.received_at is not None
    events = ConsignmentEvent.objects.count()
    closed_at = trip.received_at
    assert receiving_trip_close(trip=trip, depot=depot, by=vn_staff) == summary
    trip.refresh_from_db()
    assert ConsignmentEvent.objects.count() == events and trip.received_at == closed_at


def test_a_trip_for_two_depots_is_received_when_both_closed(customer, vn_staff, depot):
    from accounts.tests.factories import VietnamStaffFactory

    sg = hcm_depot()
    sg_staff = VietnamStaffFactory(warehouse=sg)
    ours, theirs = ready_order(customer), ready_order(customer, destination=sg)
    trip = arrived_trip(closed_bag(orders=[ours]), closed_bag(orders=[theirs]), depot=depot, by=vn_staff)
    receiving_trip_close(trip=trip, depot=depot, by=vn_staff)
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.ARRIVED
    receiving_trip_open(trip=trip, depot=sg, by=sg_staff)
    receiving_trip_close(trip=trip, depot=sg, by=sg_staff)
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.RECEIVED
    assert receiving_summary(trip=trip, depot=sg)["missing"] == 1


# --- operations ----------------------------------------------------------------------------------------------


def test_operations_mark_an_order_with_a_missing_parcel_lost_with_a_reason(customer, vn_staff, depot, ops):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        receiving_order_lost(consignment=order, by=ops, reason="x")
    assert caught.value.code == "not_missing"
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        receiving_order_lost(consignment=order, by=ops, reason="   ")
    assert caught.value.code == "reason"
    receiving_order_lost(consignment=order, by=ops, reason="Not found after a week at the depot")
    order.refresh_from_db()
    assert order.status == S.LOST
    assert ConsignmentEvent.objects.get(consignment=order, new_status=S.LOST).note.startswith("Not found")
    with pytest.raises(DomainError) as caught:
        receiving_order_lost(consignment=order, by=ops, reason="again")
    assert caught.value.code == "stale"


def test_a_parcel_of_a_lost_order_that_turns_up_is_received_with_a_warning(
    customer, vn_staff, depot, ops, english
):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    receiving_order_lost(consignment=order, by=ops, reason="gone")
    result = receiving_parcel_late(depot=depot, raw_code=codes(order)[0], by=vn_staff)
    assert result.outcome == Outcome.RECEIVED and "lost" in result.warning


def test_the_reasons_the_counts_split_on_are_the_services_reasons():
    reasons = {v for k, v in vars(Reason).items() if not k.startswith("_") and isinstance(v, str)}
    assert reasons == {Reason.OTHER_BAG, *Reason.EXTRA}
