"""The refund limit belongs to the order: paid charges + declared value − refunds already made on the order
(any claim, by hand, less reversals) − other claims' proposals awaiting approval. Unpaid estimates count
nothing. The operations page says what is left and shows the order's other claims and refunds."""

import pytest
from django.test import override_settings
from django.urls import reverse

from billing.selectors import balance_of, current_charge
from billing.services.wallet import wallet_pay, wallet_refund, wallet_reverse, wallet_top_up
from claims.forms import RefundForm
from claims.models import ClaimStatus
from claims.services import (
    claim_accept,
    claim_approve_refund,
    claim_open,
    claim_resolve_refund,
    order_refund_room,
    refund_bound_vnd,
)
from core.errors import DomainError

DECLARED = 7_300_000  # the order fixture: 2 × 1,000 CNY at 3,650 ₫


def _claim(order, ops, kind):
    claim = claim_open(customer=order.customer, consignment=order, kind=kind, description="vỡ hết")
    return claim_accept(claim=claim, by=ops)


@pytest.fixture
def paid(order, customer):
    """The order's charge paid from the wallet (topped up first): its amount."""
    total = current_charge(order).total_vnd
    wallet_top_up(customer=customer, amount_vnd=total, key="test:topup")
    wallet_pay(customer=customer, consignments=[order], by=customer)
    return total


def test_an_unpaid_estimate_counts_nothing(order, ops):
    claim = _claim(order, ops, "damaged")
    room = order_refund_room(order)
    assert (room.paid_vnd, room.declared_vnd, room.refunded_vnd, room.pending_vnd) == (0, DECLARED, 0, 0)
    with pytest.raises(DomainError) as exc:
        claim_resolve_refund(claim=claim, amount_vnd=DECLARED + 1, reason="r", fault="carrier", by=ops)
    assert exc.value.code == "amount"


def test_paid_charges_count(order, ops, paid):
    claim = _claim(order, ops, "damaged")
    assert refund_bound_vnd(claim) == paid + DECLARED


@override_settings(CLAIM_REFUND_APPROVAL_VND=100_000_000)
def test_a_second_claim_on_the_same_order_gets_only_what_is_left(order, ops, paid, customer, english):
    first = _claim(order, ops, "damaged")
    claim_resolve_refund(claim=first, amount_vnd=900_000, reason="vỡ", fault="carrier", by=ops)
    second = _claim(order, ops, "missing")
    left = paid + DECLARED - 900_000
    assert refund_bound_vnd(second) == left
    with pytest.raises(DomainError) as exc:
        claim_resolve_refund(claim=second, amount_vnd=left + 1, reason="thiếu", fault="carrier", by=ops)
    assert exc.value.code == "amount"
    assert "can still be refunded on order" in exc.value.message
    assert f"{left:,}".replace(",", ".") in exc.value.message  # the remaining amount, in đồng
    assert second.__class__.objects.get(pk=second.pk).status == ClaimStatus.REVIEW
    claim_resolve_refund(claim=second, amount_vnd=left, reason="thiếu", fault="carrier", by=ops)
    assert balance_of(customer) == paid + DECLARED  # top-up − payment + both refunds
    assert refund_bound_vnd(second) == 0


def test_refunds_by_hand_count_and_their_reversal_gives_the_room_back(order, ops, paid, customer):
    claim = _claim(order, ops, "damaged")
    entry = wallet_refund(
        customer=customer, amount_vnd=500_000, reason="bồi thường", by=ops, key="k1", consignment=order
    )
    assert refund_bound_vnd(claim) == paid + DECLARED - 500_000
    wallet_reverse(entry=entry, reason="nhầm", by=ops)
    assert refund_bound_vnd(claim) == paid + DECLARED


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_a_proposal_awaiting_approval_holds_its_amount_and_is_checked_again(order, ops, ops2, paid):
    first = _claim(order, ops, "damaged")
    first = claim_resolve_refund(claim=first, amount_vnd=5_000_000, reason="vỡ", fault="carrier", by=ops)
    assert first.status == ClaimStatus.REFUND_PENDING
    assert refund_bound_vnd(first) == paid + DECLARED  # its own proposal is what is being decided
    second = _claim(order, ops, "missing")
    assert refund_bound_vnd(second) == paid + DECLARED - 5_000_000
    second = claim_resolve_refund(
        claim=second, amount_vnd=paid + DECLARED - 5_000_000, reason="thiếu", fault="carrier", by=ops2
    )
    claim_approve_refund(claim=second, by=ops)
    claim_approve_refund(claim=first, by=ops2)  # both fit: together exactly the room
    assert refund_bound_vnd(first) == 0


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_approval_refused_when_the_order_was_refunded_meanwhile(order, ops, ops2, paid, customer):
    claim = _claim(order, ops, "damaged")
    claim = claim_resolve_refund(claim=claim, amount_vnd=DECLARED, reason="vỡ", fault="carrier", by=ops)
    wallet_refund(customer=customer, amount_vnd=paid + 1, reason="tay", by=ops, key="k2", consignment=order)
    with pytest.raises(DomainError) as exc:
        claim_approve_refund(claim=claim, by=ops2)
    assert exc.value.code == "amount"
    assert claim.__class__.objects.get(pk=claim.pk).status == ClaimStatus.REFUND_PENDING


def test_a_refund_of_zero_says_enter_an_amount_above_zero(english):
    form = RefundForm({"amount_vnd": "0", "reason": "r", "fault": "carrier"})
    assert not form.is_valid()
    assert form.errors["amount_vnd"] == ["Enter an amount above 0 ₫."]


def test_the_page_says_what_is_left_and_shows_the_orders_claims_and_refunds(
    client_of, order, ops, paid, english
):
    first = _claim(order, ops, "damaged")
    claim_resolve_refund(claim=first, amount_vnd=900_000, reason="vỡ kính", fault="carrier", by=ops)
    second = _claim(order, ops, "missing")
    html = client_of(ops).get(reverse("claims:ops_detail", args=[second.pk])).content.decode()
    left = f"{paid + DECLARED - 900_000:,}".replace(",", ".")
    assert f"At most {left}" in html and "already refunded 900.000" in html
    assert f'href="{reverse("claims:ops_detail", args=[first.pk])}">{first.code}</a>' in html
    assert 'data-testid="ops-order-refund"' in html and "vỡ kính" in html
    assert f'href="{reverse("backoffice:customer", args=[order.customer_id])}"' in html
    assert f'href="{reverse("backoffice:order", args=[order.pk])}"' in html
    response = client_of(ops).post(
        reverse("claims:ops_refund", args=[second.pk]),
        {"amount_vnd": "0", "reason": "r", "fault": "carrier"},
    )
    assert response.status_code == 400 and "Enter an amount above 0 ₫." in response.content.decode()
