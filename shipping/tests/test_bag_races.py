"""Bags raced on PostgreSQL with real threads: a parcel scanned into twenty bags at once lands in exactly one
(the others are told which), and a bag closed while parcels are being scanned into it counts exactly what is
in it."""

import threading

import pytest
from django.db import connection

from conftest import need
from consignments.models import ConsignmentEvent, EventKind
from core.errors import DomainError
from core.testing import run_threads
from shipping.models import Bag, BagParcel, BagStatus
from shipping.services.bags import bag_close, bag_open, bag_scan
from shipping.tests.test_bags_services import ready_order
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_twenty_stations_scanning_one_parcel_into_twenty_bags_make_one_bag_parcel(
    postgres, customer, cn_staff
):
    hn = VietnamDepotFactory()
    order = ready_order(customer, cn_staff, destination=hn)
    bags = [bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff) for _ in range(20)]

    ready = threading.Barrier(20)

    def scan(i):
        connection.ensure_connection()  # connected first, so that the scans themselves overlap
        ready.wait(timeout=10)
        return bag_scan(bag=bags[i], raw_code=order.code, by=cn_staff)

    results, errors = run_threads(20, scan)

    assert len(results) == 1 and len(errors) == 19
    item = BagParcel.objects.get()
    winner = results[0].bag
    assert item.bag_id == winner.pk and item.parcel == order.parcels.get()
    assert all(isinstance(e, DomainError) and e.code == "in_other_bag" for e in errors), errors
    assert all(winner.code in e.message for e in errors)  # each is told where it is
    assert ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.BAGGED).count() == 1


def test_a_bag_closed_while_parcels_are_scanned_into_it_counts_what_is_in_it(postgres, customer, cn_staff):
    hn = VietnamDepotFactory()
    orders = [ready_order(customer, cn_staff, destination=hn, weight_g=1_000 + i) for i in range(15)]
    bag = bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    bag_scan(bag=bag, raw_code=orders[0].code, by=cn_staff)

    def act(i):
        if i == 7:
            return bag_close(bag=bag, weight_g=8_000, by=cn_staff)
        return bag_scan(bag=bag, raw_code=orders[i + 1 if i < 7 else i].code, by=cn_staff)

    results, errors = run_threads(15, act)

    assert all(isinstance(e, DomainError) and e.code == "closed" for e in errors), errors
    closed = Bag.objects.get(pk=bag.pk)
    inside = list(BagParcel.objects.filter(bag=bag).select_related("parcel"))
    assert closed.status == BagStatus.CLOSED
    assert closed.parcel_count == len(inside) == 15 - len(errors)
    assert closed.parcels_weight_g == sum(item.parcel.weight_g for item in inside)
