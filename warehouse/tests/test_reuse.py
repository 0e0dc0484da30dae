"""Reused numbers: couriers recycle waybill numbers after months.

A code whose previous order is finished (delivered, cancelled, lost) and older than
settings.TRACKING_REUSE_AFTER_DAYS (60) is a new shipment: registering it again is no conflict, and a scan
makes a new parcel and a new order instead of answering "already scanned" with the old one. Each row: how
the old order ended and how long ago, who registers now, and the right answer.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from consignments.models import Consignment, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from tracking.models import TrackingNumber, TrackingStatus
from tracking.selectors import mark_conflicts
from tracking.services import Verdict, tracking_register_many
from warehouse.matching import ScanResult, parcel_scan
from warehouse.models import Parcel

pytestmark = pytest.mark.django_db

CODE = "78123456799999"


def _old_order(customer, *, status, days_ago):
    """Customer's order for CODE, in `status`, which it reached `days_ago` days ago (matched registration)."""
    order = ConsignmentFactory(customer=customer, tracking_code=CODE, status=status)
    finished = (
        timezone.now() - timedelta(days=days_ago) if status in ("delivered", "cancelled", "lost") else None
    )
    Consignment.objects.filter(pk=order.pk).update(finished_at=finished)
    TrackingNumber.objects.create(
        customer=customer, code=CODE, status=TrackingStatus.MATCHED, consignment=order, raw_code=CODE
    )
    return order


# (old status, finished days ago, who registers now, verdict, a scan now makes a new order)
CASES = [
    ("delivered", 100, "other", Verdict.ADDED, True),
    ("cancelled", 61, "other", Verdict.ADDED, True),
    ("lost", 365, "other", Verdict.ADDED, True),
    ("delivered", 100, "same", Verdict.ADDED, True),
    ("delivered", 59, "other", Verdict.CONFLICT, False),
    ("delivered", 10, "same", Verdict.ALREADY, False),
    ("awaiting_delivery", 100, "other", Verdict.CONFLICT, False),
    ("in_transit", 0, "same", Verdict.ALREADY, False),
]


@pytest.mark.parametrize(("status", "days_ago", "who", "verdict", "new_order"), CASES)
def test_a_finished_old_number_is_a_new_shipment(
    customer, other_customer, cn_staff, status, days_ago, who, verdict, new_order
):
    old = _old_order(customer, status=status, days_ago=days_ago)
    registrant = customer if who == "same" else other_customer
    (line,) = tracking_register_many(customer=registrant, entries=[(CODE, "")])
    assert line.verdict == verdict

    result = parcel_scan(raw_code=CODE, warehouse=cn_staff.warehouse, by=cn_staff)
    old.refresh_from_db()
    if new_order:
        assert result.outcome == ScanResult.MATCHED
        assert result.consignment.pk != old.pk and result.consignment.customer_id == registrant.pk
        assert old.retired_at is not None
        assert Parcel.objects.filter(tracking_code=CODE, retired_at__isnull=True).get().consignment_id == (
            result.consignment.pk
        )
        fresh = TrackingNumber.objects.filter(customer=registrant, code=CODE).order_by("-id").first()
        assert fresh.consignment_id == result.consignment.pk
        # The old order keeps its history, its parcel and its registration.
        assert old.parcels.count() == 1 and old.tracking_number.customer_id == customer.pk
    else:
        assert result.outcome == ScanResult.DUPLICATE and result.consignment.pk == old.pk
        assert old.retired_at is None


def test_the_tracking_list_does_not_flag_a_reused_number_as_someone_elses(customer, other_customer):
    _old_order(customer, status=ConsignmentStatus.DELIVERED, days_ago=100)
    tracking_register_many(customer=other_customer, entries=[(CODE, "")])
    rows = mark_conflicts(
        customer=other_customer, rows=TrackingNumber.objects.filter(customer=other_customer)
    )
    assert [row.is_conflict for row in rows] == [False]


def test_the_delay_is_a_setting(customer, other_customer, cn_staff, settings):
    settings.TRACKING_REUSE_AFTER_DAYS = 120
    _old_order(customer, status=ConsignmentStatus.DELIVERED, days_ago=100)
    (line,) = tracking_register_many(customer=other_customer, entries=[(CODE, "")])
    assert line.verdict == Verdict.CONFLICT
    assert (
        parcel_scan(raw_code=CODE, warehouse=cn_staff.warehouse, by=cn_staff).outcome == ScanResult.DUPLICATE
    )
