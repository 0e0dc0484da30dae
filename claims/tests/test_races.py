"""Races on PostgreSQL with real threads: two approvers at once, a double-clicked refund, a claim opened twice
at once, accept and reject at once. Each ends with one outcome and, for money, one ledger entry."""

import pytest
from django.db import connection
from django.test import override_settings

from accounts.tests.factories import OperationsFactory
from billing.models import WalletEntry
from billing.selectors import balance_of
from claims.models import Claim, ClaimEvent, ClaimStatus
from claims.services import (
    claim_accept,
    claim_approve_refund,
    claim_open,
    claim_reject,
    claim_resolve_refund,
)
from conftest import need
from core.errors import DomainError
from core.testing import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def _open(order):
    return claim_open(customer=order.customer, consignment=order, kind="damaged", description="vỡ")


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_two_approvers_at_once_refund_once(postgres, order, ops, customer):
    claim = claim_accept(claim=_open(order), by=ops)
    claim = claim_resolve_refund(claim=claim, amount_vnd=1_500_000, reason="vỡ", fault="carrier", by=ops)
    approvers = [OperationsFactory(username=f"duyet{i}") for i in range(4)]
    results, errors = run_threads(
        4, lambda i: claim_approve_refund(claim=Claim.objects.get(pk=claim.pk), by=approvers[i])
    )
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, DomainError) for e in errors), errors
    assert WalletEntry.objects.filter(idempotency_key=f"claim:{claim.pk}:refund").count() == 1
    assert balance_of(customer) == 1_500_000
    assert ClaimEvent.objects.filter(claim=claim, new_status=ClaimStatus.RESOLVED).count() == 1


def test_a_double_clicked_refund_credits_once(postgres, order, ops, customer):
    claim = claim_accept(claim=_open(order), by=ops)
    results, errors = run_threads(
        3,
        lambda i: claim_resolve_refund(
            claim=Claim.objects.get(pk=claim.pk), amount_vnd=200_000, reason="vỡ", fault="carrier", by=ops
        ),
    )
    assert len(results) == 1 and len(errors) == 2 and all(isinstance(e, DomainError) for e in errors)
    assert balance_of(customer) == 200_000
    assert WalletEntry.objects.filter(idempotency_key__startswith="claim:").count() == 1


def test_the_same_claim_opened_twice_at_once_is_one(postgres, order):
    results, errors = run_threads(2, lambda i: _open(order))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "duplicate"
    assert Claim.objects.count() == 1


def test_accept_and_reject_at_once_one_wins(postgres, order, ops, ops2):
    claim = _open(order)

    def act(i):
        fresh = Claim.objects.get(pk=claim.pk)
        if i % 2:
            return claim_accept(claim=fresh, by=ops)
        return claim_reject(claim=fresh, by=ops2, reason="không có lỗi")

    results, errors = run_threads(2, act)
    assert len(results) == 1 and len(errors) == 1 and errors[0].code == "changed"
    assert ClaimEvent.objects.filter(claim=claim).exclude(old_status="").count() == 1


@override_settings(CLAIM_REFUND_APPROVAL_VND=100_000_000)
def test_two_claims_of_one_order_refunding_at_once_stay_within_the_order(
    postgres, order, ops, ops2, customer
):
    """The limit is the order's: two claims refunding the whole of it at once, one is refused."""
    from claims.services import refund_bound_vnd

    first = claim_accept(claim=_open(order), by=ops)
    second = claim_accept(
        claim=claim_open(customer=order.customer, consignment=order, kind="missing", description="thiếu"),
        by=ops,
    )
    room = refund_bound_vnd(first)
    claims, people = [first, second], [ops, ops2]
    results, errors = run_threads(
        2,
        lambda i: claim_resolve_refund(
            claim=Claim.objects.get(pk=claims[i].pk),
            amount_vnd=room,
            reason="vỡ",
            fault="carrier",
            by=people[i],
        ),
    )
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], DomainError) and errors[0].code == "amount"
    assert balance_of(customer) == room
