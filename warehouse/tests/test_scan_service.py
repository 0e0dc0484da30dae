import pytest
from django.utils import translation

from consignments.models import Consignment, ConsignmentStatus
from consignments.services import consignment_declare, consignment_mark_ready, consignments_dispatch
from core.errors import DomainError
from notifications.models import Notification, NotificationKind
from tracking.models import TrackingStatus
from tracking.services import tracking_register
from warehouse.matching import ScanResult, parcel_scan
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db


@translation.override("en")
def test_registered_code_is_matched_on_scan(customer, cn_staff, vn_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tracking = tracking_register(customer=customer, raw_code=" sf 1234 5678 9012 ", note="3 đôi giày")
    assert tracking.code == "SF123456789012"

    with django_capture_on_commit_callbacks(execute=True):
        result = parcel_scan(raw_code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.MATCHED
    consignment = result.consignment
    assert consignment.customer == customer
    tracking.refresh_from_db()
    assert tracking.status == TrackingStatus.MATCHED and tracking.consignment == consignment
    assert Notification.objects.filter(user=customer, kind=NotificationKind.ARRIVED_CHINA).count() == 1

    again = parcel_scan(raw_code="sf123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    assert again.outcome == ScanResult.DUPLICATE and again.consignment == consignment
    assert Consignment.objects.count() == 1

    parcel_measure(parcel=result.parcel, weight_g=1250, by=cn_staff)
    this_order = Consignment.objects.filter(pk=consignment.pk)  # a queryset: the service annotates it
    done, errors = consignments_dispatch(consignments=this_order, by=cn_staff)
    assert done == [] and "declaration" in errors[0]
    consignment_declare(
        consignment=consignment, goods_vi="Giày", goods_zh="鞋", quantity=3, unit_value_fen=5000, by=cn_staff
    )
    done, errors = consignments_dispatch(consignments=this_order, by=cn_staff)
    assert errors == [] and done[0].status == ConsignmentStatus.IN_TRANSIT
    with django_capture_on_commit_callbacks(execute=True):
        consignment_mark_ready(consignment=done[0], by=vn_staff, warehouse=vn_staff.warehouse)
    consignment.refresh_from_db()
    assert consignment.status == ConsignmentStatus.AWAITING_DELIVERY
    assert consignment.current_warehouse == vn_staff.warehouse
    events = list(consignment.events.values_list("kind", "new_status"))
    assert events == [
        ("status", "cn_received"),
        ("measured", "cn_received"),
        ("declared", "cn_received"),
        ("status", "in_transit"),
        ("status", "awaiting_delivery"),
    ]
    assert Notification.objects.filter(user=customer, kind=NotificationKind.AWAITING_DELIVERY).count() == 1


def test_scanned_before_registered_is_matched_when_registered(
    customer, cn_staff, django_capture_on_commit_callbacks
):
    result = parcel_scan(raw_code="YT9988776655000", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.UNIDENTIFIED
    assert Consignment.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        tracking = tracking_register(customer=customer, raw_code="yt 9988776655 000")
    tracking.refresh_from_db()
    assert tracking.status == TrackingStatus.MATCHED
    assert list(tracking.consignment.parcels.all()) == [result.parcel]


def test_illegal_transition_raises(customer, cn_staff, vn_staff):
    tracking_register(customer=customer, raw_code="JT0001112223000")
    consignment = parcel_scan(
        raw_code="JT0001112223000", warehouse=cn_staff.warehouse, by=cn_staff
    ).consignment
    with pytest.raises(DomainError):
        consignment_mark_ready(consignment=consignment, by=vn_staff, warehouse=vn_staff.warehouse)


def test_conflict_is_not_auto_matched(customer, other_customer, cn_staff):
    tracking_register(customer=customer, raw_code="ZTO778899001")
    tracking_register(customer=other_customer, raw_code="ZTO778899001")
    result = parcel_scan(raw_code="ZTO778899001", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.CONFLICT
    assert Consignment.objects.count() == 0
