"""Receiving races on PostgreSQL with real threads: staff scanning the same parcel, the pieces of one order,
closing while others scan, closing twice — one received_at, one Chờ giao, one notification, whatever the
timing."""

import pytest
from django.db import connection

from conftest import need
from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from core.testing import run_threads
from notifications.models import Notification, NotificationKind, PendingNotification
from shipping.models import Bag, BagParcel, BagStatus, TripStatus
from shipping.services.receiving import Outcome, receiving_parcel_scan
from shipping.services.receiving_close import receiving_bag_close, receiving_trip_close
from shipping.tests.factories import closed_bag, ready_order
from shipping.tests.test_receiving_services import arrived_trip, codes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def _scan(bag_pk, code, by):
    bag = Bag.objects.select_related("trip").get(pk=bag_pk)
    return receiving_parcel_scan(bag=bag, depot=by.warehouse, raw_code=code, by=by)


def _awaiting(order):
    moves = ConsignmentEvent.objects.filter(
        consignment=order, kind=EventKind.STATUS, new_status=ConsignmentStatus.AWAITING_DELIVERY
    ).count()
    kind = NotificationKind.AWAITING_DELIVERY
    notices = (
        Notification.objects.filter(consignment=order, kind=kind).count()
        + PendingNotification.objects.filter(consignment=order, kind=kind).count()
    )
    return moves, notices


def test_twenty_staff_scanning_one_parcel_receive_it_once(postgres, customer, vn_staff):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    code = codes(order)[0]
    results, errors = run_threads(20, lambda i: _scan(bag.pk, code, vn_staff))
    assert errors == []
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.RECEIVED) == 1 and outcomes.count(Outcome.ALREADY) == 19
    assert sum(1 for r in results if r.ready is not None) == 1
    item = BagParcel.objects.get(bag=bag)
    assert item.received_at is not None
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    assert _awaiting(order) == (1, 1)


def test_the_pieces_of_one_order_scanned_at_once_move_it_once(postgres, customer, vn_staff):
    order = ready_order(customer, pieces=3)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    pieces = codes(order)
    results, errors = run_threads(30, lambda i: _scan(bag.pk, pieces[i % 3], vn_staff))
    assert errors == []
    assert [r.outcome for r in results].count(Outcome.RECEIVED) == 3
    assert not BagParcel.objects.filter(bag=bag, received_at__isnull=True).exists()
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    assert _awaiting(order) == (1, 1)


def test_closing_while_others_scan_keeps_every_parcel_received_or_missing(postgres, customer, vn_staff):
    orders = [ready_order(customer, pieces=2) for _ in range(6)]
    bag = closed_bag(orders=orders)
    arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    pieces = [code for order in orders for code in codes(order)]

    def work(i):
        if i % 4 == 0:
            return receiving_bag_close(bag=Bag.objects.get(pk=bag.pk), depot=vn_staff.warehouse, by=vn_staff)
        return _scan(bag.pk, pieces[i % len(pieces)], vn_staff)

    _results, errors = run_threads(24, work)
    assert errors == []
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.RECEIVED
    for item in BagParcel.objects.filter(bag=bag):
        assert (item.received_at is not None) != item.missing, item.pk
    receiving = ConsignmentEvent.objects.filter(kind=EventKind.RECEIVING)
    missing_rows = receiving.filter(data__missing=True).count()
    found_rows = receiving.filter(data__found=True).count()
    assert missing_rows - found_rows == BagParcel.objects.filter(bag=bag, missing=True).count()
    for order in orders:
        order.refresh_from_db()
        complete = not BagParcel.objects.filter(parcel__consignment=order, received_at__isnull=True).exists()
        assert (order.status == ConsignmentStatus.AWAITING_DELIVERY) == complete
        assert _awaiting(order) == ((1, 1) if complete else (0, 0))


def test_closing_the_trip_ten_times_at_once_closes_it_once(postgres, customer, vn_staff):
    orders = [ready_order(customer) for _ in range(4)]
    trip = arrived_trip(
        closed_bag(orders=orders[:2]), closed_bag(orders=orders[2:]), depot=vn_staff.warehouse, by=vn_staff
    )
    _scan(trip.bags.order_by("pk").first().pk, codes(orders[0])[0], vn_staff)
    results, errors = run_threads(
        10, lambda i: receiving_trip_close(trip=trip, depot=vn_staff.warehouse, by=vn_staff)
    )
    assert errors == []
    assert ConsignmentEvent.objects.filter(kind=EventKind.RECEIVING, data__missing=True).count() == 3
    trip.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED
    assert {(r["received"], r["missing"]) for r in results} == {(1, 3)}
