"""Races on PostgreSQL with real threads: one parcel, one consignment, whatever the timing."""

import threading

import pytest
from django.db import connection, connections

from conftest import need
from consignments.models import Consignment
from core.testing import run_threads
from tracking.models import TrackingNumber
from tracking.services import tracking_register
from warehouse.matching import ScanResult, codes_match, parcel_scan
from warehouse.models import Parcel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_fifty_stations_scanning_one_parcel_make_one_consignment(postgres, customer, cn_staff):
    tracking_register(customer=customer, raw_code="SF5555000011112")
    results, errors = run_threads(
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
    results, errors = run_threads(
        50, lambda i: parcel_scan(raw_code="YT4444333322000", warehouse=cn_staff.warehouse, by=cn_staff)
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
    code = f"JT77770000000{round_:02d}"

    def act(i):
        if i == 0:
            return parcel_scan(raw_code=code, warehouse=cn_staff.warehouse, by=cn_staff)
        return tracking_register(customer=customer, raw_code=code)

    _results, errors = run_threads(2, act)
    assert errors == []
    consignment = Consignment.objects.get()
    assert consignment.customer == customer
    tracking = TrackingNumber.objects.get(code=code)
    assert tracking.consignment == consignment
    # The task may run again (acks_late, retries): nothing changes.
    codes_match(codes=[tracking.code])
    assert Consignment.objects.count() == 1


def test_operations_deciding_a_conflict_while_the_parcel_is_scanned_do_not_deadlock(
    postgres, monkeypatch, customer, other_customer, cn_staff, ops
):
    """Operations keep one of two registrations of a code while a station scans that very parcel. Both lock
    the code before its registration rows, so one waits for the other: no deadlock, one order, the kept
    customer's. (Operations paused inside their transaction, after the withdrawal, to force the overlap.)"""
    import time

    from warehouse import matching
    from warehouse.matching import tracking_conflict_resolve

    code = "SF8800000000001"
    kept = tracking_register(customer=customer, raw_code=code)
    tracking_register(customer=other_customer, raw_code=code)
    withdrawn, scanning = threading.Event(), threading.Event()
    original = matching.codes_match

    def paused_codes_match(**kwargs):
        withdrawn.set()
        scanning.wait(timeout=10)
        time.sleep(0.3)  # the scan is now waiting on a lock operations hold
        return original(**kwargs)

    monkeypatch.setattr(matching, "codes_match", paused_codes_match)
    outcomes, errors = {}, []

    def decide():
        try:
            tracking_conflict_resolve(code=code, keep_id=kept.pk, by=ops)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    def scan():
        withdrawn.wait(timeout=10)
        scanning.set()
        try:
            outcomes["scan"] = parcel_scan(raw_code=code, warehouse=cn_staff.warehouse, by=cn_staff).outcome
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide), threading.Thread(target=scan)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert outcomes["scan"] == ScanResult.MATCHED
    assert Consignment.objects.get().customer == customer
    assert list(TrackingNumber.objects.values_list("customer", flat=True)) == [customer.pk]
