"""Races on PostgreSQL with real threads: one parcel, one consignment, whatever the timing."""

import threading

import pytest
from django.db import connection, connections

from conftest import need
from consignments.models import Consignment
from tracking.models import TrackingNumber
from tracking.services import tracking_register
from warehouse.models import Parcel
from warehouse.services import ScanResult, codes_match, parcel_scan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results.append(target(i))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_fifty_stations_scanning_one_parcel_make_one_consignment(postgres, customer, cn_staff):
    tracking_register(customer=customer, raw_code="SF5555000011112")
    results, errors = _run_threads(
        50, lambda i: parcel_scan(raw_code="SF5555000011112", warehouse=cn_staff.warehouse, by=cn_staff)
    )
    assert errors == []
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count(ScanResult.MATCHED) == 1
    assert outcomes.count(ScanResult.DUPLICATE) == 49
    assert Consignment.objects.count() == 1
    assert Parcel.objects.get().scan_count == 50
    assert len({r.consignment.pk for r in results}) == 1


def test_fifty_scans_of_an_unregistered_parcel_keep_one_parcel(postgres, cn_staff):
    results, errors = _run_threads(
        50, lambda i: parcel_scan(raw_code="YT4444333322", warehouse=cn_staff.warehouse, by=cn_staff)
    )
    assert errors == []
    assert {r.outcome for r in results} == {ScanResult.UNIDENTIFIED}
    assert Parcel.objects.count() == 1 and Consignment.objects.count() == 0


@pytest.mark.parametrize("round_", range(8))
def test_registration_arriving_during_the_scan_ends_with_one_consignment(
    postgres, customer, cn_staff, round_
):
    """A customer registers the code while a station scans the parcel. Whichever commits first, the
    registrant ends up owning exactly one order (the registration's matching task runs after commit)."""
    code = f"JT77770000{round_:02d}"

    def act(i):
        if i == 0:
            return parcel_scan(raw_code=code, warehouse=cn_staff.warehouse, by=cn_staff)
        return tracking_register(customer=customer, raw_code=code)

    _results, errors = _run_threads(2, act)
    assert errors == []
    consignment = Consignment.objects.get()
    assert consignment.customer == customer
    tracking = TrackingNumber.objects.get(code=code)
    assert tracking.consignment == consignment
    # The task may run again (acks_late, retries): nothing changes.
    codes_match(codes=[tracking.code])
    assert Consignment.objects.count() == 1
