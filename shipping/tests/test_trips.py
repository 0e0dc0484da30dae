"""Trips: loading closed bags by their label (and every refusal), departing once, checkpoints on every
order's timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from notifications.models import PendingNotification
from shipping.models import Bag, BagStatus, CheckpointKind, Trip, TripCheckpoint, TripStatus
from shipping.selectors import trip_order_ids, trip_summary
from shipping.services.trips import (
    LoadResult,
    trip_bag_load,
    trip_bag_unload,
    trip_checkpoint_add,
    trip_create,
    trip_depart,
)
from shipping.tests.factories import BagFactory, TripFactory, closed_bag, hcm_depot, loaded_trip, ready_order
from warehouse.models import Parcel, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(cn_staff):
    return TripFactory(origin=cn_staff.warehouse, created_by=cn_staff)


@pytest.fixture
def bag(customer):
    return closed_bag(orders=[ready_order(customer)])


def refusal(code, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        trip_bag_load(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- creating --------------------------------------------------------------------------------------------


def test_create_gives_the_code_of_its_id(cn_staff):
    trip = trip_create(origin=cn_staff.warehouse, plate=" 29c-123.45 ", driver="  Tài ", by=cn_staff)
    assert trip.code == f"T{trip.pk:06d}" == Trip.objects.get().code
    assert (trip.plate, trip.driver, trip.status) == ("29C-123.45", "Tài", TripStatus.LOADING)


def test_create_needs_a_plate_and_a_china_warehouse(cn_staff, vn_staff):
    with pytest.raises(DomainError) as caught:
        trip_create(origin=cn_staff.warehouse, plate="  ", by=cn_staff)
    assert caught.value.code == "plate"
    with pytest.raises(DomainError):
        trip_create(origin=vn_staff.warehouse, plate="29C-1", by=cn_staff)
    assert not Trip.objects.exists()


# --- loading ---------------------------------------------------------------------------------------------


def test_load_a_closed_bag_by_its_label(trip, bag, cn_staff):
    result = trip_bag_load(trip=trip, raw_code=f"]C0{bag.code.lower()}\r\n", by=cn_staff)
    assert result.outcome == LoadResult.LOADED and result.bag.pk == bag.pk
    bag.refresh_from_db()
    assert bag.trip_id == trip.pk and bag.status == BagStatus.CLOSED  # loaded when the trip departs
    again = trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    assert again.outcome == LoadResult.ALREADY


def test_unload_while_loading(trip, bag, cn_staff):
    trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    trip_bag_unload(trip=trip, bag=bag, by=cn_staff)
    bag.refresh_from_db()
    assert bag.trip_id is None and bag.status == BagStatus.CLOSED
    with pytest.raises(DomainError) as caught:
        trip_bag_unload(trip=trip, bag=bag, by=cn_staff)
    assert caught.value.code == "not_on_trip"


def test_refusals_change_nothing(trip, bag, customer, cn_staff):
    order = Consignment.objects.get(parcels__bag_item__bag=bag)
    message = refusal("parcel_code", trip=trip, raw_code=order.code, by=cn_staff).message
    assert bag.code in message  # the parcel's bag is named
    loose = ready_order(customer)
    refusal("parcel_code", trip=trip, raw_code=f"{loose.code}-1", by=cn_staff)
    refusal("trip_code", trip=trip, raw_code=trip.code, by=cn_staff)
    refusal("unknown", trip=trip, raw_code="B9999999", by=cn_staff)
    refusal("unknown", trip=trip, raw_code="YT1234567890123", by=cn_staff)
    refusal("empty", trip=trip, raw_code=" \r\n", by=cn_staff)
    refusal("too_long", trip=trip, raw_code="B" * 10_240, by=cn_staff)
    open_bag = BagFactory(origin=cn_staff.warehouse)
    refusal("open", trip=trip, raw_code=open_bag.code, by=cn_staff)
    elsewhere = Warehouse.objects.create(code="SZ", name="Kho Thâm Quyến", kind=Warehouse.Kind.CHINA)
    far = closed_bag(orders=[ready_order(customer)], origin=elsewhere)
    assert "Kho Thâm Quyến" in refusal("other_origin", trip=trip, raw_code=far.code, by=cn_staff).message
    other = TripFactory(origin=cn_staff.warehouse)
    trip_bag_load(trip=other, raw_code=bag.code, by=cn_staff)
    assert other.code in refusal("other_trip", trip=trip, raw_code=bag.code, by=cn_staff).message
    assert not Bag.objects.filter(trip=trip).exists()


def test_a_departed_trip_takes_no_more_bags(trip, bag, customer, cn_staff):
    trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    trip_depart(trip=trip, by=cn_staff)
    late = closed_bag(orders=[ready_order(customer)])
    refusal("departed", trip=trip, raw_code=late.code, by=cn_staff)
    with pytest.raises(DomainError):
        trip_bag_unload(trip=trip, bag=bag, by=cn_staff)
    assert Bag.objects.get(pk=late.pk).trip_id is None and Bag.objects.get(pk=bag.pk).trip_id == trip.pk


def test_summary_per_destination(customer, other_customer, cn_staff):
    hn_orders = [ready_order(customer, weight_g=1_000), ready_order(other_customer, pieces=2, weight_g=500)]
    sg_order = ready_order(customer, destination=hcm_depot(), weight_g=3_000)
    trip = loaded_trip(
        bags=[closed_bag(orders=hn_orders), closed_bag(orders=[sg_order])], origin=cn_staff.warehouse
    )
    summary = trip_summary(trip=trip)
    assert [
        (r["destination"].code, r["bags"], r["parcels"], r["orders"], r["parcels_weight_g"])
        for r in summary["rows"]
    ] == [
        ("HN", 1, 3, 2, 2_000),
        ("SG", 1, 1, 1, 3_000),
    ]
    assert summary["total"] == {
        "bags": 2,
        "parcels": 4,
        "orders": 3,
        "parcels_weight_g": 5_000,
        "weight_g": 5_400,
    }


# --- departing -------------------------------------------------------------------------------------------


@pytest.fixture
def full_trip(customer, other_customer, cn_staff):
    """Three orders of one customer (one of them in two pieces spread over two bags) and one of another."""
    spread = ready_order(customer, pieces=2)
    first, second = Parcel.objects.filter(consignment=spread).order_by("piece_number")
    mine = [ready_order(customer), ready_order(customer)]
    theirs = ready_order(other_customer)
    bags = [
        closed_bag(
            parcels=[first, *Parcel.objects.filter(consignment__in=mine)], destination=spread.destination
        ),
        closed_bag(
            parcels=[second, *Parcel.objects.filter(consignment=theirs)], destination=spread.destination
        ),
    ]
    trip = loaded_trip(bags=bags, origin=cn_staff.warehouse)
    return trip, [spread, *mine, theirs]


def test_depart_moves_every_order_once_and_notifies_each_customer_once(
    full_trip, customer, other_customer, cn_staff
):
    trip, orders = full_trip
    assert sorted(trip_order_ids(trip=trip)) == sorted(o.pk for o in orders)
    departure = trip_depart(trip=trip, by=cn_staff)
    assert (departure.departed, departure.orders, departure.skipped, departure.customers) == (True, 4, 0, 2)
    trip.refresh_from_db()
    assert trip.status == TripStatus.DEPARTED and trip.departed_by == cn_staff and trip.departed_at
    assert set(Bag.objects.filter(trip=trip).values_list("status", flat=True)) == {BagStatus.LOADED}
    assert set(Consignment.objects.values_list("status", flat=True)) == {ConsignmentStatus.IN_TRANSIT}
    rows = ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT)
    assert rows.count() == 4 and {r.note for r in rows} == {trip.code}
    assert {r.data["kind"] for r in rows} == {CheckpointKind.LEFT}
    left = TripCheckpoint.objects.get(trip=trip)
    assert (left.kind, left.place, left.at) == (
        CheckpointKind.LEFT,
        cn_staff.warehouse.name,
        trip.departed_at,
    )
    notices = {n.user_id: n for n in PendingNotification.objects.filter(kind="trip_departed")}
    assert set(notices) == {customer.pk, other_customer.pk}
    mine = notices[customer.pk]
    assert mine.data == {"trip": trip.code, "orders": 3, "codes": sorted(o.code for o in orders[:3])}
    assert mine.consignment_id is None and notices[other_customer.pk].consignment_id == orders[3].pk


def test_departing_again_changes_nothing(full_trip, cn_staff, ops):
    trip, _orders = full_trip
    trip_depart(trip=trip, by=cn_staff)
    again = trip_depart(trip=trip, by=ops)
    assert again.departed is False and again.trip.departed_by == cn_staff
    assert ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT).count() == 4
    assert PendingNotification.objects.count() == 2 and TripCheckpoint.objects.count() == 1


def test_an_order_no_longer_at_china_is_skipped(full_trip, cn_staff):
    trip, orders = full_trip
    Consignment.objects.filter(pk=orders[3].pk).update(status=ConsignmentStatus.CANCELLED)
    departure = trip_depart(trip=trip, by=cn_staff)
    assert (departure.orders, departure.skipped, departure.customers) == (3, 1, 1)


def test_an_empty_trip_does_not_depart(trip, cn_staff):
    with pytest.raises(DomainError) as caught:
        trip_depart(trip=trip, by=cn_staff)
    assert caught.value.code == "empty" and Trip.objects.get().status == TripStatus.LOADING


def test_a_bag_reopened_on_the_trip_stops_the_departure(trip, bag, cn_staff):
    trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    Bag.objects.filter(pk=bag.pk).update(status=BagStatus.OPEN)
    with pytest.raises(DomainError) as caught:
        trip_depart(trip=trip, by=cn_staff)
    assert caught.value.code == "not_closed" and bag.code in caught.value.message
    assert not ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT).exists()


# --- checkpoints -----------------------------------------------------------------------------------------


@pytest.fixture
def departed(full_trip, cn_staff):
    trip, orders = full_trip
    trip_depart(trip=trip, by=cn_staff)
    trip.refresh_from_db()
    return trip, orders


def test_a_checkpoint_is_a_route_step_on_every_order(departed, ops):
    trip, orders = departed
    at = timezone.now()
    checkpoint = trip_checkpoint_add(
        trip=trip, kind=CheckpointKind.BORDER, place="Pingxiang 凭祥", at=at, note="xếp hàng", by=ops
    )
    rows = ConsignmentEvent.objects.filter(kind=EventKind.ROUTE)
    assert sorted(r.consignment_id for r in rows) == sorted(o.pk for o in orders)
    row = rows.first()
    assert (
        row.at == at
        and row.note == "xếp hàng"
        and row.warehouse_id is None
        and row.new_status == row.old_status == ConsignmentStatus.IN_TRANSIT
    )
    assert row.data == {
        "trip": trip.code,
        "checkpoint": checkpoint.pk,
        "kind": "border",
        "place": "Pingxiang 凭祥",
    }
    timeline = list(ConsignmentEvent.objects.filter(consignment=orders[0]).values_list("kind", flat=True))
    assert timeline[-1] == EventKind.ROUTE  # after the departure row: ordered by when it happened


def test_arrived_makes_the_trip_arrived(departed, ops):
    trip, _orders = departed
    at = timezone.now()
    trip_checkpoint_add(trip=trip, kind=CheckpointKind.ARRIVED, place="Hà Nội", at=at, by=ops)
    trip.refresh_from_db()
    assert trip.status == TripStatus.ARRIVED and trip.arrived_at == at
    with pytest.raises(DomainError) as caught:
        trip_checkpoint_add(trip=trip, kind=CheckpointKind.OTHER, at=at, by=ops)
    assert caught.value.code == "arrived"


def test_only_lost_orders_miss_a_route_step(departed, ops):
    trip, orders = departed
    Consignment.objects.filter(pk=orders[0].pk).update(status=ConsignmentStatus.LOST)
    trip_checkpoint_add(trip=trip, kind=CheckpointKind.CLEARED, place="Lạng Sơn", at=timezone.now(), by=ops)
    assert ConsignmentEvent.objects.filter(kind=EventKind.ROUTE).count() == 3


@pytest.mark.parametrize(
    ("kind", "shift", "code"),
    [
        ("left", timedelta(hours=1), "kind"),
        ("teleported", timedelta(hours=1), "kind"),
        ("border", timedelta(days=2), "future"),
        ("border", -timedelta(hours=1), "before_departure"),
    ],
)
def test_checkpoint_refusals(departed, ops, kind, shift, code):
    trip, _orders = departed
    at = (timezone.now() if shift > timedelta(days=1) else trip.departed_at) + shift
    with pytest.raises(DomainError) as caught:
        trip_checkpoint_add(trip=trip, kind=kind, at=at, by=ops)
    assert caught.value.code == code
    assert not ConsignmentEvent.objects.filter(kind=EventKind.ROUTE).exists()


def test_a_checkpoint_twice_is_refused(departed, ops):
    trip, _orders = departed
    at = timezone.now()
    trip_checkpoint_add(trip=trip, kind=CheckpointKind.BORDER, place="Dongxing", at=at, by=ops)
    with pytest.raises(DomainError) as caught:
        trip_checkpoint_add(trip=trip, kind=CheckpointKind.BORDER, place=" Dongxing ", at=at, by=ops)
    assert caught.value.code == "duplicate" and TripCheckpoint.objects.filter(kind="border").count() == 1


def test_no_checkpoint_before_departure(trip, ops):
    with pytest.raises(DomainError) as caught:
        trip_checkpoint_add(trip=trip, kind=CheckpointKind.BORDER, at=timezone.now(), by=ops)
    assert caught.value.code == "not_departed"


def test_the_customer_reads_one_notice_for_the_trip(full_trip, customer, cn_staff, settings):
    from notifications.models import Notification
    from notifications.services import notifications_deliver_pending

    trip, orders = full_trip
    trip_depart(trip=trip, by=cn_staff)
    notifications_deliver_pending()
    notice = Notification.objects.get(user=customer)
    with translation.override("en"):
        message = notice.message
    assert trip.code in message and "3 orders" in message and orders[0].code in message


def test_a_checkpoint_typed_in_the_minute_of_departure_is_taken(departed, ops):
    trip, _orders = departed
    Trip.objects.filter(pk=trip.pk).update(departed_at=trip.departed_at.replace(second=42))
    trip.refresh_from_db()
    at = trip.departed_at.replace(second=0, microsecond=0)  # what a datetime-local box sends
    assert trip_checkpoint_add(trip=trip, kind=CheckpointKind.OTHER, place="Quảng Châu", at=at, by=ops).pk
