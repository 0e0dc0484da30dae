"""Delivery requests and release notes move only as their tables allow (delivery.models REQUEST_TRANSITIONS,
RELEASE_TRANSITIONS), through one function each, and every move writes exactly one history row with who
did it: an illegal or repeated move raises and writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from delivery.models import (
    RELEASE_TRANSITIONS,
    REQUEST_TRANSITIONS,
    DeliveryRequest,
    DeliveryRequestEvent,
    ReleaseNote,
    ReleaseNoteEvent,
    ReleaseStatus,
    RequestStatus,
)
from delivery.services.autocomplete import deliveries_autocomplete
from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_cancel, delivery_request_create
from delivery.services.status import release_transition, request_transition
from warehouse.labels import parcel_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(customer, at_depot, hn):
    """requested() → a new request of one paid order at Hà Nội."""

    def make():
        order = at_depot(customer, paid=True)
        return delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
        )

    return make


@pytest.fixture
def released(requested, vn_staff, hn):
    """released(out=False) → (request, note) with the note ready to go out, or out already."""

    def make(*, out=False):
        request = requested()
        note = release_note_create(request=request, by=vn_staff, depot=hn)
        for item in request.items.all():
            for parcel in item.consignment.parcels.all():
                release_scan(note=note, raw=parcel_code(parcel), by=vn_staff)
        release_details_set(note=note, carrier="ghn", tracking_number="G1", domestic_fee_vnd=0, by=vn_staff)
        if out:
            release_out(note=note, by=vn_staff)
        note.refresh_from_db()
        request.refresh_from_db()
        return request, note

    return make


def rows(model, **filters):
    return list(model.objects.filter(**filters).values_list("old_status", "new_status", "by_id"))


def illegal(table, statuses):
    return [(old, to) for old in statuses for to in statuses if to not in table[old]]


# --- the tables ------------------------------------------------------------------------------------------


def test_every_status_has_a_row_in_its_table():
    assert set(REQUEST_TRANSITIONS) == set(RequestStatus.values)
    assert set(RELEASE_TRANSITIONS) == set(ReleaseStatus.values)
    assert REQUEST_TRANSITIONS[RequestStatus.DONE] == REQUEST_TRANSITIONS[RequestStatus.CANCELLED] == set()
    assert RELEASE_TRANSITIONS[ReleaseStatus.DELIVERED] == RELEASE_TRANSITIONS[ReleaseStatus.REFUSED] == set()


@pytest.mark.parametrize(("old", "to"), illegal(REQUEST_TRANSITIONS, RequestStatus.values))
def test_every_illegal_request_move_raises_and_changes_nothing(old, to, requested, vn_staff):
    request = requested()
    DeliveryRequest.objects.filter(pk=request.pk).update(status=old)
    request.refresh_from_db()
    before = DeliveryRequestEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        request_transition(request=request, to=to, by=vn_staff)
    assert caught.value.code == "illegal_transition" and request.code in caught.value.message
    request.refresh_from_db()
    assert request.status == old and DeliveryRequestEvent.objects.count() == before


@pytest.mark.parametrize(("old", "to"), illegal(RELEASE_TRANSITIONS, ReleaseStatus.values))
def test_every_illegal_release_move_raises_and_changes_nothing(old, to, released, vn_staff):
    _request, note = released()
    ReleaseNote.objects.filter(pk=note.pk).update(status=old)
    note.refresh_from_db()
    before = ReleaseNoteEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        release_transition(release_note=note, to=to, by=vn_staff)
    assert caught.value.code == "illegal_transition" and note.code in caught.value.message
    note.refresh_from_db()
    assert note.status == old and ReleaseNoteEvent.objects.count() == before


def test_an_unknown_status_is_refused_too(requested, vn_staff):
    request = requested()
    with pytest.raises(DomainError) as caught:
        request_transition(request=request, to="lost", by=vn_staff)
    assert caught.value.code == "illegal_transition"


def test_a_stale_copy_is_refused_and_writes_nothing(requested, customer, vn_staff):
    """Read before another desk moved it: the compare-and-set finds nothing to change."""
    request = requested()
    stale = DeliveryRequest.objects.get(pk=request.pk)
    request_transition(request=request, to=RequestStatus.CANCELLED, by=customer)
    with pytest.raises(DomainError) as caught:
        request_transition(request=stale, to=RequestStatus.IN_PROGRESS, by=vn_staff)
    assert caught.value.code == "stale"
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert rows(DeliveryRequestEvent, request=request) == [
        ("", "new", customer.pk),
        ("new", "cancelled", customer.pk),
    ]


# --- each service writes exactly one row, with who -------------------------------------------------------


def test_creating_a_request_writes_its_first_row(requested, customer):
    request = requested()
    assert rows(DeliveryRequestEvent, request=request) == [("", "new", customer.pk)]
    assert not ReleaseNoteEvent.objects.exists()


def test_a_refused_request_writes_no_row(customer, at_depot, hn):
    order = at_depot(customer)
    with pytest.raises(DomainError):
        delivery_request_create(
            customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="dhl"
        )
    assert not DeliveryRequestEvent.objects.exists()


@pytest.mark.parametrize("who", ["customer", "vn_staff"])
def test_cancelling_says_who_cancelled_and_twice_writes_one_row(request, who, requested):
    by = request.getfixturevalue(who)
    delivery = requested()
    delivery_request_cancel(request=delivery, by=by)
    with pytest.raises(DomainError) as caught:  # the second click
        delivery_request_cancel(request=delivery, by=by)
    assert caught.value.code == "started"
    assert rows(DeliveryRequestEvent, request=delivery, old_status="new") == [("new", "cancelled", by.pk)]
    delivery.refresh_from_db()
    assert (delivery.cancelled_by, delivery.status) == (by, RequestStatus.CANCELLED)
    assert delivery.cancelled_at is not None


def test_starting_writes_one_row_on_the_request_and_the_first_of_the_note(requested, vn_staff, hn):
    request = requested()
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    with pytest.raises(DomainError):  # the second click
        release_note_create(request=request, by=vn_staff, depot=hn)
    assert rows(DeliveryRequestEvent, request=request, old_status="new") == [
        ("new", "in_progress", vn_staff.pk)
    ]
    assert rows(ReleaseNoteEvent, release_note=note) == [("", "preparing", vn_staff.pk)]
    assert ReleaseNote.objects.count() == 1


def test_out_writes_one_row_and_twice_still_one(released, vn_staff):
    request, note = released()
    release_out(note=note, by=vn_staff)
    with pytest.raises(DomainError):
        release_out(note=note, by=vn_staff)
    assert rows(ReleaseNoteEvent, release_note=note, old_status="preparing") == [
        ("preparing", "out", vn_staff.pk)
    ]
    note.refresh_from_db()
    assert (note.status, note.out_by) == (ReleaseStatus.OUT, vn_staff) and note.out_at is not None
    assert DeliveryRequestEvent.objects.filter(request=request).count() == 2  # created, in progress


def test_out_refused_for_a_new_cod_writes_no_row(released, customer, vn_staff, ops):
    from billing.selectors import balance_of
    from billing.services.wallet import wallet_adjust

    _request, note = released()
    wallet_adjust(customer=customer, amount_vnd=-(balance_of(customer) + 5_000), reason="x", by=ops, key="k")
    with pytest.raises(DomainError) as caught:
        release_out(note=note, by=vn_staff)
    assert caught.value.code == "cod_changed"
    assert rows(ReleaseNoteEvent, release_note=note) == [("", "preparing", vn_staff.pk)]


@pytest.mark.parametrize(("delivered", "final"), [(True, "delivered"), (False, "refused")])
def test_closing_writes_one_row_each_and_twice_still_one(released, vn_staff, delivered, final):
    request, note = released(out=True)
    release_close(note=note, delivered=delivered, by=vn_staff)
    with pytest.raises(DomainError) as caught:
        release_close(note=note, delivered=delivered, by=vn_staff)
    assert caught.value.code == "not_out"
    assert rows(ReleaseNoteEvent, release_note=note) == [
        ("", "preparing", vn_staff.pk),
        ("preparing", "out", vn_staff.pk),
        ("out", final, vn_staff.pk),
    ]
    assert rows(DeliveryRequestEvent, request=request)[-1] == ("in_progress", "done", vn_staff.pk)
    assert DeliveryRequestEvent.objects.filter(request=request).count() == 3
    note.refresh_from_db()
    assert (note.status, note.closed_by) == (final, vn_staff) and note.closed_at is not None


def test_the_beat_task_writes_rows_by_nobody(settings, released):
    settings.DELIVERY_AUTOCOMPLETE_DAYS = 15
    request, note = released(out=True)
    order = request.items.get().consignment
    ConsignmentEvent.objects.filter(
        consignment=order, kind=EventKind.STATUS, new_status=ConsignmentStatus.DELIVERING
    ).update(at=timezone.now() - timedelta(days=16))
    assert deliveries_autocomplete() == [order.pk]
    assert deliveries_autocomplete() == []  # twice: nothing more
    assert rows(ReleaseNoteEvent, release_note=note)[-1] == ("out", "delivered", None)
    assert rows(DeliveryRequestEvent, request=request)[-1] == ("in_progress", "done", None)
    assert ReleaseNoteEvent.objects.filter(new_status="delivered").count() == 1
    assert DeliveryRequestEvent.objects.filter(new_status="done").count() == 1


# --- requests made before history rows existed -----------------------------------------------------------


def test_older_requests_get_the_rows_they_would_have_written(released, requested, customer, vn_staff):
    """delivery/migrations/0003 writes from the dates each request keeps the rows the services write now."""
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("delivery.migrations.0003_history_of_older_requests").backfill
    delivered, note = released(out=True)
    release_close(note=note, delivered=True, by=vn_staff)
    cancelled = requested()
    delivery_request_cancel(request=cancelled, by=customer)
    started, _note = released()
    fresh = requested()
    written = {
        r.pk: (rows(DeliveryRequestEvent, request=r), rows(ReleaseNoteEvent, release_note__request=r))
        for r in (delivered, cancelled, started, fresh)
    }
    DeliveryRequestEvent.objects.exclude(request=fresh).delete()
    ReleaseNoteEvent.objects.all().delete()
    backfill(apps, None)
    backfill(apps, None)  # twice: nothing more
    for pk, (request_rows, note_rows) in written.items():
        assert rows(DeliveryRequestEvent, request_id=pk) == request_rows
        assert rows(ReleaseNoteEvent, release_note__request_id=pk) == note_rows
    note.refresh_from_db()
    row = ReleaseNoteEvent.objects.get(release_note=note, new_status="out")
    assert row.at == note.out_at and row.note
    assert DeliveryRequestEvent._meta.get_field("at").auto_now_add
