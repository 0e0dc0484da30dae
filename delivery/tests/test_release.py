"""The depot's delivery desk: requests in tabs, release notes (scan parcels in, carrier, fee and COD, print),
out for delivery (unpaid refused), delivered or refused (back to Chờ giao); staff of another depot see nothing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing.selectors import balance_of
from billing.services.wallet import wallet_adjust
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from delivery.models import ReleaseParcel, ReleaseStatus, RequestStatus
from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_create
from notifications.models import PendingNotification
from warehouse.labels import parcel_code

pytestmark = pytest.mark.django_db


def url(name, request):
    return reverse(f"delivery:{name}", args=[request.pk])


def status(order):
    return Consignment.objects.values_list("status", flat=True).get(pk=order.pk)


@pytest.fixture
def requested(customer, at_depot, hn):
    """A request of two paid orders (the second of two parcels) at Hà Nội."""

    def make(*, paid=True, carrier="ghn"):
        orders = [at_depot(customer, paid=paid), at_depot(customer, paid=paid, pieces=2)]
        request = delivery_request_create(
            customer=customer,
            depot=hn,
            ids=[o.pk for o in orders],
            address=customer.addresses.get(),
            carrier=carrier,
        )
        return request, orders

    return make


def scan_all(note, orders, by):
    for order in orders:
        for parcel in order.parcels.all():
            release_scan(note=note, raw=parcel_code(parcel), by=by)


def test_the_whole_release(customer, vn_staff, requested, hn, ops):
    request, orders = requested()
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    request.refresh_from_db()
    assert (
        request.status == RequestStatus.IN_PROGRESS
        and note.carrier == "ghn"
        and note.code == f"PX{note.pk:06d}"
    )
    scan_all(note, orders, vn_staff)
    assert ReleaseParcel.objects.filter(note=note).count() == 3
    wallet_adjust(
        customer=customer, amount_vnd=-(balance_of(customer) + 80_000), reason="truy thu", by=ops, key="a"
    )
    note = release_details_set(
        note=note, carrier="ghtk", tracking_number=" s123 456 ", domestic_fee_vnd=35_000, by=vn_staff
    )
    assert (note.tracking_number, note.domestic_fee_vnd, note.wallet_debt_vnd, note.cod_vnd) == (
        "S123456",
        35_000,
        80_000,
        115_000,
    )
    release_out(note=note, by=vn_staff)
    note.refresh_from_db()
    assert note.status == ReleaseStatus.OUT and note.out_by == vn_staff
    assert {status(o) for o in orders} == {ConsignmentStatus.DELIVERING}
    assert (
        ConsignmentEvent.objects.filter(
            kind=EventKind.DELIVERY, data__step="out", data__tracking="S123456"
        ).count()
        == 2
    )
    out = PendingNotification.objects.get(kind="delivery_out")
    assert out.user == customer and out.data["cod_vnd"] == 115_000 and len(out.data["codes"]) == 2
    assert (out.data["carrier"], out.data["carrier_name"], out.data["tracking"]) == (
        "ghtk",
        "GHTK",
        "S123456",
    )
    release_close(note=note, delivered=True, by=vn_staff)
    note.refresh_from_db()
    request.refresh_from_db()
    assert note.status == ReleaseStatus.DELIVERED and request.status == RequestStatus.DONE
    assert {status(o) for o in orders} == {ConsignmentStatus.DELIVERED}
    assert not request.items.filter(is_open=True).exists()
    assert PendingNotification.objects.filter(kind="delivered", user=customer).count() == 1


def test_refused_goes_back_to_the_depot(customer, vn_staff, requested, hn):
    request, orders = requested(carrier="depot")
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    scan_all(note, orders, vn_staff)
    release_details_set(note=note, carrier="depot", tracking_number="", domestic_fee_vnd=0, by=vn_staff)
    release_out(note=note, by=vn_staff)
    waiting_notices = PendingNotification.objects.filter(kind="awaiting_delivery").count()
    release_close(note=note, delivered=False, by=vn_staff)
    # One notice, the refusal: not also a plain "awaiting delivery" per order going back to the depot.
    assert PendingNotification.objects.filter(kind="awaiting_delivery").count() == waiting_notices
    for order in orders:
        assert status(order) == ConsignmentStatus.AWAITING_DELIVERY
        moves = list(
            ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.STATUS)
            .order_by("id")
            .values_list("new_status", flat=True)
        )
        assert moves[-3:] == ["delivering", "refused", "awaiting_delivery"]
    note.refresh_from_db()
    assert note.status == ReleaseStatus.REFUSED
    assert PendingNotification.objects.filter(kind="delivery_refused").count() == 1
    again = delivery_request_create(
        customer=customer, depot=hn, ids=[orders[0].pk], address=customer.addresses.get(), carrier="ghn"
    )
    assert again.status == RequestStatus.NEW


def _refusal(call, **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value.code


def test_out_needs_every_parcel_details_and_payment(customer, vn_staff, requested, hn):
    request, orders = requested(paid=False)
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    assert _refusal(release_out, note=note, by=vn_staff) == "fee"
    release_details_set(note=note, carrier="ghn", tracking_number="", domestic_fee_vnd=30_000, by=vn_staff)
    assert _refusal(release_out, note=note, by=vn_staff) == "tracking"
    release_details_set(
        note=note, carrier="ghn", tracking_number="GHN1", domestic_fee_vnd=30_000, by=vn_staff
    )
    assert _refusal(release_out, note=note, by=vn_staff) == "missing"
    scan_all(note, orders, vn_staff)
    assert _refusal(release_out, note=note, by=vn_staff) == "unpaid"
    assert {status(o) for o in orders} == {ConsignmentStatus.AWAITING_DELIVERY}
    note.refresh_from_db()
    assert note.status == ReleaseStatus.PREPARING


def test_a_wallet_change_after_printing_asks_for_a_new_print(customer, vn_staff, requested, hn, ops):
    request, orders = requested()
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    scan_all(note, orders, vn_staff)
    release_details_set(note=note, carrier="jnt", tracking_number="JT1", domestic_fee_vnd=30_000, by=vn_staff)
    wallet_adjust(
        customer=customer, amount_vnd=-(balance_of(customer) + 20_000), reason="x", by=ops, key="adj:2"
    )
    assert _refusal(release_out, note=note, by=vn_staff) == "cod_changed"
    note.refresh_from_db()
    assert (note.cod_vnd, note.status) == (50_000, ReleaseStatus.PREPARING)
    release_out(note=note, by=vn_staff)
    note.refresh_from_db()
    assert note.status == ReleaseStatus.OUT


def test_scans(customer, other_customer, vn_staff, requested, hn, at_depot):
    request, orders = requested()
    stranger = at_depot(other_customer, paid=True)
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    two = orders[1]
    first = release_scan(note=note, raw=f"]C0{orders[0].code}\r\n", by=vn_staff)
    assert (first.outcome, first.scanned, first.total) == ("added", 1, 3)
    assert release_scan(note=note, raw=orders[0].code, by=vn_staff).outcome == "again"
    by_waybill = release_scan(note=note, raw=two.tracking_code, by=vn_staff)
    assert by_waybill.outcome == "added" and by_waybill.parcel.consignment_id == two.pk
    assert release_scan(note=note, raw=two.tracking_code, by=vn_staff).outcome == "added"  # its other piece
    assert release_scan(note=note, raw=f"{two.code}-2", by=vn_staff).outcome == "again"
    assert _refusal(release_scan, note=note, raw=stranger.code, by=vn_staff) == "not_in_request"
    assert _refusal(release_scan, note=note, raw="KG99999999", by=vn_staff) == "unknown"
    assert _refusal(release_scan, note=note, raw="A" * 10_240, by=vn_staff) == "too_long"
    assert ReleaseParcel.objects.filter(note=note).count() == 3


def test_only_a_new_request_of_this_depot_is_started(customer, vn_staff, hcm_staff, requested, hn, hcm):
    request, _orders = requested()
    assert _refusal(release_note_create, request=request, by=hcm_staff, depot=hcm) == "other_depot"
    release_note_create(request=request, by=vn_staff, depot=hn)
    assert _refusal(release_note_create, request=request, by=vn_staff, depot=hn) == "started"


# --- pages -----------------------------------------------------------------------------------------------


def test_tabs_with_counts(client_of, english, vn_staff, requested, hn):
    request, _orders = requested()
    client = client_of(vn_staff)
    response = client.get(reverse("delivery:depot_requests"))
    html = response.content.decode()
    assert response.context["tab"] == "new" and request.code in html
    assert ("new", "New", 1) in response.context["tabs"] and ("done", "Done", 0) in response.context["tabs"]
    response = client.get(reverse("delivery:depot_requests"), {"tab": "done"})
    assert request.code not in response.content.decode()
    assert client.get(reverse("delivery:depot_requests"), {"tab": "x" * 10_240}).context["tab"] == "new"


def test_the_desk_from_start_to_delivered(client_of, english, customer, vn_staff, requested, hn):
    request, orders = requested()
    client = client_of(vn_staff)
    page = client.get(url("depot_request", request))
    assert page.status_code == 200 and 'data-testid="release-start"' in page.content.decode()
    assert client.post(url("release_start", request)).status_code == 302
    for order in orders:
        for parcel in order.parcels.all():
            response = client.post(
                url("release_scan", request), {"code": parcel_code(parcel)}, HTTP_HX_REQUEST="true"
            )
            html = response.content.decode()
            assert (
                html.lstrip().startswith('<div id="release-scan-result"')
                and 'data-delivery-outcome="ok"' in html
            )
    response = client.post(url("release_scan", request), {"code": "nope"}, HTTP_HX_REQUEST="true")
    assert 'data-delivery-outcome="refused"' in response.content.decode()
    response = client.post(
        url("release_details", request),
        {"carrier": "ghn", "tracking_number": "GHN42", "domestic_fee_vnd": "35.000"},
    )
    assert response.status_code == 302
    pdf = client.get(url("release_pdf", request))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert request.release_note.code in text and "GHN42" in text and "35.000" in text
    assert parcel_code(orders[1].parcels.last()) in text
    response = client.post(url("release_out", request), follow=True)
    assert "Out for delivery" in response.content.decode()
    assert {status(o) for o in orders} == {ConsignmentStatus.DELIVERING}
    response = client.post(url("release_close", request), {"outcome": "delivered"}, follow=True)
    assert {status(o) for o in orders} == {ConsignmentStatus.DELIVERED}
    customer_page = client_of(customer).get(reverse("delivery:request_detail", args=[request.pk]))
    html = customer_page.content.decode()
    assert "Out for delivery with GHN" in html and "GHN42" in html and "Delivered (" in html


def test_out_refused_when_unpaid_says_so(client_of, english, vn_staff, requested, hn):
    request, orders = requested(paid=False)
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    scan_all(note, orders, vn_staff)
    release_details_set(note=note, carrier="ghn", tracking_number="G1", domestic_fee_vnd=1, by=vn_staff)
    response = client_of(vn_staff).post(url("release_out", request), follow=True)
    assert "Not paid yet, so it cannot go out" in response.content.decode()
    assert {status(o) for o in orders} == {ConsignmentStatus.AWAITING_DELIVERY}


def test_bad_inputs_on_the_desk(client_of, english, vn_staff, requested, hn):
    request, _orders = requested()
    client = client_of(vn_staff)
    assert client.post(url("release_scan", request), {"code": "x"}).status_code == 404  # no note yet
    client.post(url("release_start", request))
    response = client.post(
        url("release_details", request), {"carrier": "ghn", "domestic_fee_vnd": "1,5"}, follow=True
    )
    assert "whole number of đồng" in response.content.decode()
    response = client.post(url("release_close", request), {"outcome": "x" * 10_240}, follow=True)
    assert "delivered or refused" in response.content.decode()
    response = client.post(url("release_scan", request), {"code": "9" * 10_240}, follow=True)
    assert "10.240 characters" in response.content.decode()


def test_staff_of_another_depot_see_nothing(client_of, hcm_staff, requested):
    request, _orders = requested()
    client = client_of(hcm_staff)
    assert request.code not in client.get(reverse("delivery:depot_requests")).content.decode()
    for name in ("depot_request", "release_pdf"):
        assert client.get(url(name, request)).status_code == 404
    for name in (
        "release_start",
        "depot_request_cancel",
        "release_scan",
        "release_details",
        "release_out",
        "release_close",
    ):
        assert client.post(url(name, request)).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_depot_cancels_at_the_customers_word(client_of, english, vn_staff, requested):
    request, _orders = requested()
    client_of(vn_staff).post(url("depot_request_cancel", request))
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED and request.cancelled_by == vn_staff


STAFF_GETS = ("depot_request", "release_pdf")
STAFF_POSTS = (
    "release_start",
    "depot_request_cancel",
    "release_scan",
    "release_details",
    "release_out",
    "release_close",
)


@pytest.mark.parametrize("persona", ["customer", "cn_staff"])
def test_customers_and_china_staff_are_refused(request, client_of, persona, requested):
    delivery, _orders = requested()
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse("delivery:depot_requests")).status_code == 403
    for name in STAFF_GETS:
        assert client.get(url(name, delivery)).status_code == 403
    for name in STAFF_POSTS:
        assert client.post(url(name, delivery)).status_code == 403


def test_wrong_methods(client_of, vn_staff, requested):
    delivery, _orders = requested()
    client = client_of(vn_staff)
    assert client.post(reverse("delivery:depot_requests")).status_code == 405
    for name in STAFF_GETS:
        assert client.post(url(name, delivery)).status_code == 405
    for name in STAFF_POSTS:
        assert client.get(url(name, delivery)).status_code == 405
