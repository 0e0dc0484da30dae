"""The audit trail: rows of every source, filtered by who, what and when, newest first, page after page
with no row lost or repeated, one query per source."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from backoffice.models import AuditEntry, AuditKind
from backoffice.selectors.audit import SOURCES, AuditFilter, audit_rows, cursor_decode, cursor_encode
from billing.services.wallet import wallet_adjust
from consignments.models import ConsignmentEvent
from consignments.tests.factories import ConsignmentFactory
from tracking.tests.factories import TrackingNumberFactory
from warehouse.models import Parcel


@pytest.fixture
def history(db, ops, cn_staff):
    customer = CustomerFactory(username="lantran", customer_code="LT482")
    TrackingNumberFactory(customer=customer, code="SF0000000001")
    order = ConsignmentFactory(
        customer=customer
    )  # an order event (by nobody) and a parcel scanned by cn staff
    ConsignmentEvent.objects.filter(consignment=order).update(by=cn_staff)
    Parcel.objects.filter(consignment=order).update(scanned_by=cn_staff)
    wallet_adjust(customer=customer, amount_vnd=50_000, reason="bù cân", by=ops, key="a:1")
    AuditEntry.objects.create(kind=AuditKind.STAFF_CREATED, by=ops, user=cn_staff)
    return {"customer": customer, "order": order}


def test_every_source_shows(history):
    rows, more = audit_rows(AuditFilter())
    assert not more
    assert {"order", "parcel", "registration", "wallet", "ops"} <= {r.source for r in rows}
    assert [r.key for r in rows] == sorted((r.key for r in rows), reverse=True)


def test_filter_by_who(history, ops, cn_staff):
    assert {r.source for r in audit_rows(AuditFilter(who=ops.pk))[0]} == {"wallet", "ops"}
    assert {r.source for r in audit_rows(AuditFilter(who=cn_staff.pk))[0]} == {"order", "parcel"}
    assert {r.source for r in audit_rows(AuditFilter(who=history["customer"].pk))[0]} == {"registration"}


def test_filter_by_what(history):
    rows, _more = audit_rows(AuditFilter(what="wallet"))
    assert [r.source for r in rows] == ["wallet"]
    assert "50.000" in rows[0].detail and "bù cân" in rows[0].detail


def test_filter_by_when(history):
    today = timezone.localdate()
    assert audit_rows(AuditFilter(date_from=today, date_to=today))[0]
    assert not audit_rows(AuditFilter(date_to=today - timedelta(days=1)))[0]
    assert not audit_rows(AuditFilter(date_from=today + timedelta(days=1)))[0]


def test_pages_cover_every_row_once(db, ops, django_assert_max_num_queries):
    customer = CustomerFactory()
    for n in range(7):
        wallet_adjust(customer=customer, amount_vnd=1000 + n, reason="x", by=ops, key=f"p:{n}")
        AuditEntry.objects.create(kind=AuditKind.STAFF_CHANGED, by=ops)
    # same instant for several rows: the cursor's tie-breakers keep the order total
    AuditEntry.objects.update(at=timezone.now())
    seen, cursor = [], None
    while True:
        with django_assert_max_num_queries(len(SOURCES)):
            rows, more = audit_rows(AuditFilter(who=ops.pk), cursor=cursor, limit=3)
        seen += [r.key for r in rows]
        if not more:
            break
        cursor = cursor_decode(cursor_encode(rows[-1]))
    assert len(seen) == len(set(seen)) == 14


def test_the_page_filters_and_links_to_older_rows(client_of, ops, history, english):
    client = client_of(ops)
    response = client.get(reverse("backoffice:audit"), {"who": ops.username.upper()})
    html = response.content.decode()
    assert html.count('data-testid="audit-row"') == 2
    assert 'data-source="wallet"' in html and 'data-source="ops"' in html


def test_an_unknown_user_is_a_form_error(client_of, ops, english, db):
    response = client_of(ops).get(reverse("backoffice:audit"), {"who": "nobody"})
    assert response.status_code == 400
    assert "No account has this username." in response.content.decode()


def test_details_are_short_and_leave_out_empty_values():
    from django.utils import translation

    from backoffice.selectors.audit import data_summary

    with translation.override("en"):
        text = data_summary(
            {"weight_g": 2000, "length_mm": None, "previous": {"weight_g": 1800, "length_mm": None}}
        )
    assert text == "Weight: 2\u00a0kg (before: Weight: 1,8\u00a0kg)"  # words, never the field names
    assert data_summary({}) == ""


def test_bag_trip_and_delivery_history_rows_are_in_the_trail(db, customer, cn_staff):
    from shipping.services.bags import bag_reopen
    from shipping.services.trips import trip_create
    from shipping.tests.factories import closed_bag, ready_order

    bag = closed_bag(orders=[ready_order(customer)])
    bag_reopen(bag=bag, by=cn_staff)
    trip = trip_create(origin=bag.origin, plate="29C-12345", by=cn_staff)
    rows, _more = audit_rows(AuditFilter(who=cn_staff.pk))
    by_source = {r.source: r for r in rows}
    assert by_source["bag"].subject == bag.code and by_source["bag"].url == reverse(
        "shipping:bag", args=[bag.pk]
    )
    assert by_source["tripstatus"].subject == trip.code
    assert {"bag", "tripstatus", "delivery", "release"} <= set(SOURCES)
    assert [r.source for r in audit_rows(AuditFilter(what="bag"))[0]] == ["bag"]
