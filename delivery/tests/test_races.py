"""Races on PostgreSQL with real threads: two counters handing over one order, two requests for one order,
two pages renewing one pickup code, the auto-completion running twice at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conftest import need
from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from core.testing import run_threads
from delivery.models import DeliveryRequest, DeliveryRequestItem, Handover, HandoverItem, PickupCode
from delivery.services.autocomplete import deliveries_autocomplete
from delivery.services.handover import handover_create
from delivery.services.pickup import pickup_code_for
from delivery.services.release import release_details_set, release_note_create, release_out, release_scan
from delivery.services.requests import delivery_request_create
from warehouse.labels import parcel_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def test_two_counters_hand_over_the_same_order_once(postgres, customer, vn_staff, hcm_staff, at_depot, hn):
    from accounts.tests.factories import VietnamStaffFactory

    other_counter = VietnamStaffFactory(warehouse=hn)
    order = at_depot(customer, paid=True)
    second = at_depot(customer, paid=True)
    staff = [vn_staff, other_counter]

    def hand_over(i):
        return handover_create(
            depot=hn,
            customer=customer,
            ids=[order.pk, second.pk] if i % 2 else [second.pk, order.pk],
            by=staff[i % 2],
            receiver_name=f"Người nhận {i}",
            receiver_phone="0912345678",
        )

    results, errors = run_threads(2, hand_over)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "not_here"
    assert Handover.objects.count() == 1 and HandoverItem.objects.count() == 2
    for each in (order, second):
        moves = ConsignmentEvent.objects.filter(
            consignment=each, kind=EventKind.STATUS, new_status=ConsignmentStatus.DELIVERED
        )
        assert moves.count() == 1
        assert ConsignmentEvent.objects.filter(consignment=each, kind=EventKind.HANDOVER).count() == 1


def test_eight_counters_at_once(postgres, customer, vn_staff, at_depot, hn):
    order = at_depot(customer, paid=True)
    results, errors = run_threads(
        8,
        lambda i: handover_create(
            depot=hn,
            customer=customer,
            ids=[order.pk],
            by=vn_staff,
            receiver_name="B",
            receiver_phone="0912345678",
        ),
    )
    assert len(results) == 1 and all(isinstance(e, DomainError) for e in errors) and len(errors) == 7
    assert Handover.objects.count() == 1


def test_two_requests_for_one_order_make_one(postgres, customer, at_depot, hn):
    order = at_depot(customer)
    address = customer.addresses.get()
    results, errors = run_threads(
        6,
        lambda i: delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=address, carrier="ghn"
        ),
    )
    assert len(results) == 1 and len(errors) == 5
    assert all(isinstance(e, DomainError) and e.code == "requested" for e in errors)
    assert (
        DeliveryRequest.objects.count() == 1 and DeliveryRequestItem.objects.filter(is_open=True).count() == 1
    )


def test_pages_renewing_one_code_at_once_agree(postgres, customer, hn):
    old = pickup_code_for(customer=customer, depot=hn)
    PickupCode.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    results, errors = run_threads(8, lambda i: pickup_code_for(customer=customer, depot=hn).pk)
    assert errors == [] and len(set(results)) == 1
    assert PickupCode.objects.filter(customer=customer, depot=hn, retired_at__isnull=True).count() == 1


def test_auto_completion_twice_at_once(postgres, customer, vn_staff, at_depot, hn):
    orders = []
    for _ in range(3):
        order = at_depot(customer, paid=True)
        request = delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="depot"
        )
        note = release_note_create(request=request, by=vn_staff, depot=hn)
        release_scan(note=note, raw=parcel_code(order.parcels.get()), by=vn_staff)
        release_details_set(note=note, carrier="depot", tracking_number="", domestic_fee_vnd=0, by=vn_staff)
        release_out(note=note, by=vn_staff)
        orders.append(order)
    ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.DELIVERING).update(
        at=timezone.now() - timedelta(days=30)
    )
    results, errors = run_threads(2, lambda i: deliveries_autocomplete())
    assert errors == []
    assert sorted(results[0] + results[1]) == sorted(o.pk for o in orders)
    assert ConsignmentEvent.objects.filter(
        kind=EventKind.DELIVERY, data__step="auto_delivered"
    ).count() == len(orders)
