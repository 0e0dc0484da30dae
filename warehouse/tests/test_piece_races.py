"""Races on PostgreSQL with real threads, for shipments of several pieces: one parcel per piece, one order
per waybill, a piece never in two orders, whatever the timing."""

import pytest
from django.db import connection

from conftest import need
from consignments.models import Consignment
from core.testing import run_threads
from tracking.services import tracking_register
from warehouse.matching import ScanResult, parcel_scan
from warehouse.models import Parcel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JD = "JDAWX021335199999"


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_fifty_scans_of_one_piece_make_one_parcel(postgres, customer, cn_staff):
    tracking_register(customer=customer, raw_code=JD)
    results, errors = run_threads(
        50, lambda i: parcel_scan(raw_code=f"{JD}-2-3", warehouse=cn_staff.warehouse, by=cn_staff)
    )
    assert errors == []
    outcomes = [r.outcome for r in results]
    assert outcomes.count(ScanResult.MATCHED) == 1 and outcomes.count(ScanResult.DUPLICATE) == 49
    parcel = Parcel.objects.get()
    assert (parcel.piece_number, parcel.piece_count, parcel.scan_count) == (2, 3, 50)


@pytest.mark.parametrize("registered", [True, False])
def test_every_piece_scanned_at_once_makes_one_order(postgres, customer, cn_staff, registered):
    """Thirty stations scan the three pieces of one shipment ten times each, at once."""
    if registered:
        tracking_register(customer=customer, raw_code=JD)
    results, errors = run_threads(
        30,
        lambda i: parcel_scan(raw_code=f"{JD}-{i % 3 + 1}-3", warehouse=cn_staff.warehouse, by=cn_staff),
    )
    assert errors == []
    assert Parcel.objects.count() == 3
    assert sorted(Parcel.objects.values_list("scan_count", flat=True)) == [10, 10, 10]
    outcomes = [r.outcome for r in results]
    if registered:
        assert Consignment.objects.count() == 1
        order = Consignment.objects.get()
        assert set(Parcel.objects.values_list("consignment_id", flat=True)) == {order.pk}
        assert outcomes.count(ScanResult.MATCHED) == 1 and outcomes.count(ScanResult.PIECE) == 2
        assert {r.consignment.pk for r in results} == {order.pk}
    else:
        assert Consignment.objects.count() == 0 and set(outcomes) == {ScanResult.UNIDENTIFIED}
