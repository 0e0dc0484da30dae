"""History rows under races (PostgreSQL, real threads): two desks closing one release note, the customer and
the depot cancelling one request at once, two desks sending one note out — one move, one row each time."""

import pytest
from django.db import connection

from conftest import need
from core.errors import DomainError
from core.testing import run_threads
from delivery.models import DeliveryRequestEvent, ReleaseNoteEvent
from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_cancel, delivery_request_create
from delivery.services.status import request_transition
from warehouse.labels import parcel_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


@pytest.fixture
def ready(customer, vn_staff, at_depot, hn):
    """ready(out=False) → (request, note) with everything scanned and filled in."""

    def make(*, out=False):
        order = at_depot(customer, paid=True)
        request = delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
        )
        note = release_note_create(request=request, by=vn_staff, depot=hn)
        release_scan(note=note, raw=parcel_code(order.parcels.get()), by=vn_staff)
        release_details_set(note=note, carrier="ghn", tracking_number="G1", domestic_fee_vnd=0, by=vn_staff)
        if out:
            release_out(note=note, by=vn_staff)
        return request, note

    return make


def test_two_desks_close_one_note_once(postgres, ready, vn_staff):
    request, note = ready(out=True)
    results, errors = run_threads(2, lambda i: release_close(note=note, delivered=bool(i % 2), by=vn_staff))
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], DomainError)
    assert ReleaseNoteEvent.objects.filter(release_note=note, old_status="out").count() == 1
    assert DeliveryRequestEvent.objects.filter(request=request, new_status="done").count() == 1


def test_two_desks_send_one_note_out_once(postgres, ready, vn_staff):
    _request, note = ready()
    results, errors = run_threads(4, lambda i: release_out(note=note, by=vn_staff))
    assert len(results) == 1 and len(errors) == 3
    assert ReleaseNoteEvent.objects.filter(release_note=note, new_status="out").count() == 1


def test_customer_and_depot_cancel_at_once(postgres, customer, vn_staff, at_depot, hn):
    order = at_depot(customer)
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )
    people = [customer, vn_staff]
    results, errors = run_threads(2, lambda i: delivery_request_cancel(request=request, by=people[i % 2]))
    assert len(results) == 1 and len(errors) == 1
    assert DeliveryRequestEvent.objects.filter(request=request, new_status="cancelled").count() == 1


def test_compare_and_set_without_a_lock(postgres, customer, vn_staff, at_depot, hn):
    """request_transition alone (no row lock taken by the caller): the second UPDATE finds nothing."""
    order = at_depot(customer)
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )
    results, errors = run_threads(
        4,
        lambda i: request_transition(
            request=type(request).objects.get(pk=request.pk), to="cancelled", by=None
        ),
    )
    assert len(results) == 1 and len(errors) == 3
    assert {e.code for e in errors} <= {"stale", "illegal_transition"}
    assert DeliveryRequestEvent.objects.filter(request=request, new_status="cancelled").count() == 1
