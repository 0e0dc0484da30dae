"""A customer's message reaches operations whatever the claim's status: the claim is marked unanswered, shown
first in the default tab and in the Unanswered tab, counted on the dashboard, until operations write or act.
Also the dashboard's refunds awaiting approval and Claims in the Office sub-menu."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from backoffice.selectors.dashboard import dashboard
from claims.models import Claim
from claims.selectors import claims_for_operations, status_counts
from claims.services import claim_close, claim_open, claim_reject, claim_reply, claim_resolve_refund


def _count(html, testid):
    return re.search(rf'data-testid="{testid}"[^>]*>\s*([^<]*)<', html).group(1).strip()


@pytest.fixture
def resolved(in_review, ops):
    return claim_resolve_refund(claim=in_review, amount_vnd=100_000, reason="móp", fault="carrier", by=ops)


def test_a_message_on_a_resolved_claim_marks_it_unanswered_until_operations_write(resolved, customer, ops):
    assert resolved.customer_waiting_since is None
    claim_reply(claim=resolved, by=customer, text="Chưa đủ, áo rách cả")
    first = Claim.objects.get(pk=resolved.pk).customer_waiting_since
    assert first is not None
    claim_reply(claim=resolved, by=customer, text="Còn nữa")
    assert Claim.objects.get(pk=resolved.pk).customer_waiting_since == first  # waiting since the first
    assert list(claims_for_operations(status="unanswered")) == [resolved]
    assert resolved in claims_for_operations(status="open")  # the default tab shows it
    counts = status_counts()
    assert (counts["unanswered"], counts["open"]) == (1, 1)
    assert (dashboard().unanswered_claims, dashboard().open_claims) == (1, 0)
    claim_reply(claim=resolved, by=ops, text="Chúng tôi xem lại")
    assert Claim.objects.get(pk=resolved.pk).customer_waiting_since is None
    assert status_counts()["unanswered"] == 0 and dashboard().unanswered_claims == 0


def test_an_operations_action_answers_too(claim, customer, ops):
    claim_reply(claim=claim, by=customer, text="thêm ảnh")
    claim = claim_reject(claim=Claim.objects.get(pk=claim.pk), by=ops, reason="không có lỗi")
    assert claim.customer_waiting_since is None
    claim_reply(claim=claim, by=customer, text="tôi không đồng ý")
    assert Claim.objects.get(pk=claim.pk).customer_waiting_since is not None
    claim_close(claim=Claim.objects.get(pk=claim.pk), by=ops)
    assert Claim.objects.get(pk=claim.pk).customer_waiting_since is None


def test_unanswered_claims_come_first_in_the_default_tab(resolved, customer, order):
    newer = claim_open(customer=customer, consignment=order, kind="missing", description="thiếu 1 áo")
    assert list(claims_for_operations(status="open")) == [newer]
    claim_reply(claim=resolved, by=customer, text="?")
    assert list(claims_for_operations(status="open")) == [resolved, newer]


def test_the_list_and_the_claim_page_show_the_mark(client_of, resolved, customer, ops, english):
    claim_reply(claim=resolved, by=customer, text="Chưa đủ")
    client = client_of(ops)
    html = client.get(reverse("claims:ops_list")).content.decode()  # the default tab
    assert resolved.code in html and 'data-testid="unanswered-mark"' in html
    assert re.search(r"To handle\s*<span[^>]*>1<", html)
    html = client.get(reverse("claims:ops_list"), {"status": "unanswered"}).content.decode()
    assert resolved.code in html and re.search(r"Unanswered\s*<span[^>]*>1<", html)
    html = client.get(reverse("claims:ops_detail", args=[resolved.pk])).content.decode()
    assert 'data-testid="ops-claim-unanswered"' in html
    client.post(reverse("claims:ops_reply", args=[resolved.pk]), {"text": "Đã xem"})
    html = client.get(reverse("claims:ops_list"), {"status": "unanswered"}).content.decode()
    assert 'data-testid="ops-claims-none"' in html


@override_settings(CLAIM_REFUND_APPROVAL_VND=10_000)
def test_the_dashboard_counts_unanswered_claims_and_refunds_awaiting_approval(
    client_of, in_review, ops, customer, english
):
    claim_resolve_refund(claim=in_review, amount_vnd=200_000, reason="móp", fault="carrier", by=ops)
    claim_reply(claim=Claim.objects.get(pk=in_review.pk), by=customer, text="Bao giờ?")
    html = client_of(ops).get(reverse("backoffice:dashboard")).content.decode()
    assert _count(html, "count-refunds-pending") == "1"
    assert _count(html, "count-claims-unanswered") == "1"
    pending_url = reverse("claims:ops_list") + "?status=refund_pending"
    assert f'href="{pending_url}" data-testid="count-refunds-pending"' in html
    listed = client_of(ops).get(pending_url).content.decode()
    assert in_review.code in listed


def test_claims_are_in_the_office_sub_menu(client_of, ops, english):
    html = client_of(ops).get(reverse("backoffice:dashboard")).content.decode()
    assert f'href="{reverse("claims:ops_list")}" data-testid="office-tab-claims"' in html
    html = client_of(ops).get(reverse("claims:ops_list")).content.decode()
    assert re.search(r'class="nav-link text-nowrap active"[^>]*data-testid="office-tab-claims"', html)
