"""Every claims URL: anonymous, the wrong persona, another customer (404), the right persona, the wrong method."""

import pytest
from django.test import override_settings
from django.urls import reverse

from billing.selectors import balance_of
from claims.models import Claim, ClaimStatus, EventKind
from claims.services import claim_resolve_refund

from .conftest import photo

CUSTOMER_GET = ["claims:list", "claims:new", "claims:detail"]
CUSTOMER_POST = ["claims:reply"]
OPS_GET = ["claims:ops_list", "claims:ops_detail"]
OPS_POST = [
    "claims:ops_accept",
    "claims:ops_reply",
    "claims:ops_refund",
    "claims:ops_approve",
    "claims:ops_decline",
    "claims:ops_reweigh",
    "claims:ops_reject",
    "claims:ops_close",
]
PHOTOS = ["claims:photo", "claims:photo_small"]


def url(name, claim):
    if name in ("claims:list", "claims:ops_list"):
        return reverse(name)
    if name == "claims:new":
        return reverse(name, args=[claim.consignment.code])
    if name in PHOTOS:
        return reverse(name, args=[claim.photos.first().pk])
    return reverse(name, args=[claim.pk])


@pytest.mark.parametrize("name", CUSTOMER_GET + CUSTOMER_POST + OPS_GET + OPS_POST + PHOTOS)
def test_anonymous_goes_to_login(client, claim, name):
    response = (
        client.post(url(name, claim)) if name in CUSTOMER_POST + OPS_POST else client.get(url(name, claim))
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", CUSTOMER_GET + CUSTOMER_POST)
@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
def test_customer_pages_refuse_staff(client_of, claim, name, persona, request):
    client = client_of(request.getfixturevalue(persona))
    response = client.post(url(name, claim)) if name in CUSTOMER_POST else client.get(url(name, claim))
    assert response.status_code == 403


@pytest.mark.parametrize("name", OPS_GET + OPS_POST)
@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_operations_pages_refuse_others(client_of, claim, name, persona, request):
    client = client_of(request.getfixturevalue(persona))
    response = client.post(url(name, claim)) if name in OPS_POST else client.get(url(name, claim))
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.WAITING


@pytest.mark.parametrize("name", ["claims:new", "claims:detail", "claims:reply", *PHOTOS])
def test_another_customer_gets_404(client_of, claim, other_customer, name):
    client = client_of(other_customer)
    response = (
        client.post(url(name, claim), {"text": "hi"})
        if name == "claims:reply"
        else client.get(url(name, claim))
    )
    assert response.status_code == 404
    assert not claim.events.filter(kind=EventKind.REPLY).exists()


@pytest.mark.parametrize("name", PHOTOS)
def test_photos_for_their_customer_and_operations_only(client_of, claim, customer, ops, cn_staff, name):
    for who, status in ((customer, 200), (ops, 200), (cn_staff, 404)):
        response = client_of(who).get(url(name, claim))
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert "private" in response["Cache-Control"]
            b"".join(response.streaming_content)
    assert client_of(customer).post(url(name, claim)).status_code == 405


@pytest.mark.parametrize("name", CUSTOMER_POST)
def test_customer_posts_refuse_get(client_of, claim, customer, name):
    assert client_of(customer).get(url(name, claim)).status_code == 405


@pytest.mark.parametrize("name", ["claims:list", "claims:detail"])
def test_customer_gets_refuse_post(client_of, claim, customer, name):
    assert client_of(customer).post(url(name, claim)).status_code == 405


def test_new_refuses_put(client_of, claim, customer):
    assert client_of(customer).put(url("claims:new", claim)).status_code == 405


@pytest.mark.parametrize("name", OPS_POST)
def test_operations_posts_refuse_get(client_of, claim, ops, name):
    assert client_of(ops).get(url(name, claim)).status_code == 405


@pytest.mark.parametrize("name", OPS_GET)
def test_operations_gets_refuse_post(client_of, claim, ops, name):
    assert client_of(ops).post(url(name, claim)).status_code == 405


# --- the right persona ------------------------------------------------------------------------------------


def test_customer_opens_a_claim_from_the_order_page(client_of, order, customer, english):
    client = client_of(customer)
    page = client.get(reverse("consignments:detail", args=[order.code]))
    assert reverse("claims:new", args=[order.code]) in page.content.decode()
    response = client.post(
        reverse("claims:new", args=[order.code]),
        {"kind": "damaged", "description": "Vỡ 2 cốc", "amount_asked_vnd": "1.200.000", "photos": [photo()]},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert (claim.amount_asked_vnd, claim.photos.count()) == (1_200_000, 1)
    detail = client.get(response["Location"]).content.decode()
    assert "Vỡ 2 cốc" in detail and reverse("claims:photo_small", args=[claim.photos.get().pk]) in detail
    assert claim.code in client.get(reverse("claims:list")).content.decode()


def test_bad_input_keeps_what_was_typed(client_of, order, customer, english):
    response = client_of(customer).post(
        reverse("claims:new", args=[order.code]),
        {"kind": "damaged", "description": "Vỡ 2 cốc", "amount_asked_vnd": "1,5"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vỡ 2 cốc" in body and "Enter a whole number of đồng" in body
    assert not Claim.objects.exists()


def test_a_second_claim_of_the_same_kind_is_refused_with_a_message(client_of, claim, customer, english):
    response = client_of(customer).post(
        reverse("claims:new", args=[claim.consignment.code]), {"kind": "damaged", "description": "again"}
    )
    assert response.status_code == 400 and "already have an open claim" in response.content.decode()


def test_an_order_not_weighed_cannot_be_claimed(client_of, customer, english):
    from consignments.tests.factories import ConsignmentFactory

    order = ConsignmentFactory(customer=customer)
    client = client_of(customer)
    assert "open-claim" not in client.get(reverse("consignments:detail", args=[order.code])).content.decode()
    page = client.get(reverse("claims:new", args=[order.code]))
    assert 'data-testid="not-claimable"' in page.content.decode()
    client.post(reverse("claims:new", args=[order.code]), {"kind": "lost", "description": "x"})
    assert not Claim.objects.exists()


def test_customer_replies_with_a_photo(client_of, claim, customer):
    client = client_of(customer)
    response = client.post(
        reverse("claims:reply", args=[claim.pk]), {"text": "thêm ảnh", "photos": [photo("c.png")]}
    )
    assert response.status_code == 302
    assert claim.events.filter(kind=EventKind.REPLY, text="thêm ảnh").exists() and claim.photos.count() == 2
    empty = client.post(reverse("claims:reply", args=[claim.pk]), {"text": ""})
    assert empty.status_code == 400


def test_operations_list_tabs_and_search(client_of, claim, ops, english):
    client = client_of(ops)
    body = client.get(reverse("claims:ops_list")).content.decode()
    assert claim.code in body and 'data-testid="tab-open"' in body
    assert claim.code not in client.get(reverse("claims:ops_list") + "?status=closed").content.decode()
    assert (
        claim.code
        in client.get(reverse("claims:ops_list") + f"?status=all&q={claim.consignment.code}").content.decode()
    )
    assert claim.code in client.get(reverse("claims:ops_list") + f"?q={claim.code}").content.decode()
    assert client.get(reverse("claims:ops_list") + "?status=nonsense&page=x").status_code == 200


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_operations_walk_a_claim_to_a_refund_with_approval(client, claim, ops, ops2, customer, english):
    client.force_login(ops)
    assert client.post(reverse("claims:ops_accept", args=[claim.pk]), {"text": ""}).status_code == 302
    page = client.get(reverse("claims:ops_detail", args=[claim.pk])).content.decode()
    assert 'data-testid="ops-refund"' in page
    bad = client.post(
        reverse("claims:ops_refund", args=[claim.pk]),
        {"amount_vnd": "abc", "reason": "r", "fault": "carrier"},
    )
    assert bad.status_code == 400
    too_much = client.post(
        reverse("claims:ops_refund", args=[claim.pk]),
        {"amount_vnd": "99.000.000", "reason": "vỡ", "fault": "carrier"},
    )
    assert too_much.status_code == 400 and "At most" in too_much.content.decode()
    assert 'value="vỡ"' in too_much.content.decode()  # what was typed is kept
    done = client.post(
        reverse("claims:ops_refund", args=[claim.pk]),
        {"amount_vnd": "1.500.000", "reason": "vỡ", "fault": "carrier"},
    )
    assert done.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REFUND_PENDING
    own = client.post(reverse("claims:ops_approve", args=[claim.pk]))
    assert own.status_code == 400 and "another operations person" in own.content.decode()
    assert balance_of(customer) == 0
    client.force_login(ops2)
    assert client.post(reverse("claims:ops_approve", args=[claim.pk])).status_code == 302
    assert balance_of(customer) == 1_500_000
    assert (
        client.post(reverse("claims:ops_reply", args=[claim.pk]), {"text": "đã hoàn tiền"}).status_code == 302
    )
    assert client.post(reverse("claims:ops_close", args=[claim.pk]), {"text": ""}).status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.CLOSED
    client.force_login(customer)
    body = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "đã hoàn tiền" in body and 'data-testid="claim-reply"' not in body


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_operations_decline_a_refund(client_of, in_review, ops, ops2):
    claim_resolve_refund(claim=in_review, amount_vnd=2_000_000, reason="r", fault="carrier", by=ops)
    client = client_of(ops2)
    assert client.post(reverse("claims:ops_decline", args=[in_review.pk]), {"reason": ""}).status_code == 400
    assert (
        client.post(reverse("claims:ops_decline", args=[in_review.pk]), {"reason": "quá cao"}).status_code
        == 302
    )
    assert Claim.objects.get(pk=in_review.pk).status == ClaimStatus.REVIEW


def test_operations_reject_and_reweigh_refused_after_china(client_of, in_review, ops, english):
    client = client_of(ops)
    parcel = in_review.consignment.parcels.get()
    response = client.post(
        reverse("claims:ops_reweigh", args=[in_review.pk]), {"parcel": parcel.pk, "weight_kg": "１，５"}
    )
    assert response.status_code == 400 and "has left the China warehouse" in response.content.decode()
    assert client.post(reverse("claims:ops_reject", args=[in_review.pk]), {"reason": ""}).status_code == 400
    assert (
        client.post(reverse("claims:ops_reject", args=[in_review.pk]), {"reason": "không có lỗi"}).status_code
        == 302
    )
    assert Claim.objects.get(pk=in_review.pk).status == ClaimStatus.REJECTED


def test_unknown_claim_is_404_for_operations(client_of, ops):
    assert client_of(ops).get(reverse("claims:ops_detail", args=[999999])).status_code == 404
    assert client_of(ops).post(reverse("claims:ops_accept", args=[999999])).status_code == 404


def test_operations_reweigh_at_the_china_warehouse(client_of, customer, schedule, ops, cn_staff, english):
    from claims.services import claim_accept, claim_open
    from consignments.tests.factories import ConsignmentFactory
    from warehouse.services import parcel_measure

    order = ConsignmentFactory(customer=customer)
    parcel = order.parcels.get()
    parcel_measure(parcel=parcel, weight_g=5_000, by=cn_staff)
    order.refresh_from_db()
    claim = claim_accept(
        claim=claim_open(customer=customer, consignment=order, kind="weight", description="3,2 kg"), by=ops
    )
    client = client_of(ops)
    assert (
        'data-testid="ops-reweigh"'
        in client.get(reverse("claims:ops_detail", args=[claim.pk])).content.decode()
    )
    bad = client.post(
        reverse("claims:ops_reweigh", args=[claim.pk]), {"parcel": parcel.pk, "weight_kg": "abc"}
    )
    assert bad.status_code == 400 and "Enter a weight between" in bad.content.decode()
    response = client.post(
        reverse("claims:ops_reweigh", args=[claim.pk]),
        {"parcel": parcel.pk, "weight_kg": "３，２", "text": "cân lại"},
    )
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.weight_g == 3_200
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.RESOLVED
    body = client_of(customer).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'data-testid="event-reweigh"' in body and "5 kg → 3.2 kg" in body


def test_customer_reply_through_htmx_swaps_the_conversation(client_of, claim, customer, english):
    client = client_of(customer)
    url_ = reverse("claims:reply", args=[claim.pk])
    response = client.post(url_, {"text": "cảm ơn"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="claim-conversation"' in body and 'data-testid="reply-sent"' in body and "cảm ơn" in body
    refused = client.post(url_, {"text": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "Write a message or attach a photo." in refused.content.decode()
    assert claim.events.filter(kind=EventKind.REPLY).count() == 1
