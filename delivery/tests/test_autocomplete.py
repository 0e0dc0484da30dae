"""Deliveries nobody confirmed complete by themselves after DELIVERY_AUTOCOMPLETE_DAYS (Celery beat task)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from delivery.models import ReleaseStatus, RequestStatus
from delivery.services.autocomplete import deliveries_autocomplete
from delivery.services.release import release_details_set, release_note_create, release_out, release_scan
from delivery.services.requests import delivery_request_create
from delivery.tasks import autocomplete_deliveries
from warehouse.labels import parcel_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def out_for_delivery(customer, vn_staff, at_depot, hn):
    def make(days_ago: int):
        order = at_depot(customer, paid=True)
        request = delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
        )
        note = release_note_create(request=request, by=vn_staff, depot=hn)
        release_scan(note=note, raw=parcel_code(order.parcels.get()), by=vn_staff)
        release_details_set(note=note, carrier="ghn", tracking_number="G1", domestic_fee_vnd=0, by=vn_staff)
        release_out(note=note, by=vn_staff)
        ConsignmentEvent.objects.filter(
            consignment=order, kind=EventKind.STATUS, new_status=ConsignmentStatus.DELIVERING
        ).update(at=timezone.now() - timedelta(days=days_ago))
        return order, note

    return make


def status(order):
    return Consignment.objects.values_list("status", flat=True).get(pk=order.pk)


def test_overdue_deliveries_complete_once(settings, out_for_delivery):
    settings.DELIVERY_AUTOCOMPLETE_DAYS = 15
    old, old_note = out_for_delivery(16)
    recent, recent_note = out_for_delivery(14)
    assert autocomplete_deliveries.delay().get() == 1
    assert status(old) == ConsignmentStatus.DELIVERED and status(recent) == ConsignmentStatus.DELIVERING
    row = ConsignmentEvent.objects.get(consignment=old, kind=EventKind.DELIVERY, data__step="auto_delivered")
    assert row.data["days"] == 15 and row.data["release"] == old_note.code and row.by is None
    old_note.refresh_from_db()
    recent_note.refresh_from_db()
    assert old_note.status == ReleaseStatus.DELIVERED and old_note.request.status == RequestStatus.DONE
    assert recent_note.status == ReleaseStatus.OUT
    assert autocomplete_deliveries() == 0  # twice: nothing more
    assert (
        ConsignmentEvent.objects.filter(
            consignment=old, new_status=ConsignmentStatus.DELIVERED, kind="status"
        ).count()
        == 1
    )


def test_the_setting_is_read(settings, out_for_delivery):
    settings.DELIVERY_AUTOCOMPLETE_DAYS = 3
    order, _note = out_for_delivery(4)
    assert deliveries_autocomplete() == [order.pk]


def test_default_is_fifteen_days(settings, out_for_delivery):
    del settings.DELIVERY_AUTOCOMPLETE_DAYS
    order, _note = out_for_delivery(15)
    later = timezone.now() + timedelta(hours=1)
    assert deliveries_autocomplete(now=later) == [order.pk]
