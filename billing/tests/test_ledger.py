"""The wallet ledger: append-only, idempotent, balance = Σ entries."""

import pytest
from django.db import DatabaseError, connection, transaction

from billing.models import EntryKind, Wallet, WalletEntry
from billing.selectors import wallets_out_of_balance
from billing.services.wallet import wallet_adjust, wallet_refund, wallet_top_up
from conftest import need
from core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_same_key_posts_once(customer):
    first, created = wallet_top_up(customer=customer, amount_vnd=100_000, key="bank:sepay:1")
    again, created_again = wallet_top_up(customer=customer, amount_vnd=100_000, key="bank:sepay:1")
    assert created and not created_again and first.pk == again.pk
    assert Wallet.objects.get(customer=customer).balance_vnd == 100_000


@pytest.mark.parametrize("amount", [0, -1, 10**15])
def test_a_top_up_must_be_a_sane_positive_amount(customer, amount):
    with pytest.raises(DomainError):
        wallet_top_up(customer=customer, amount_vnd=amount, key=f"t:{amount}")
    assert not WalletEntry.objects.exists()


def test_adjustments_and_refunds_need_operations_and_a_reason(customer, ops, cn_staff):
    with pytest.raises(DomainError):
        wallet_adjust(customer=customer, amount_vnd=-5_000, reason="  ", by=ops, key="a1")
    with pytest.raises(DomainError):
        wallet_adjust(customer=customer, amount_vnd=-5_000, reason="cân lại", by=cn_staff, key="a1")
    with pytest.raises(DomainError):
        wallet_refund(customer=customer, amount_vnd=-5_000, reason="hoàn", by=ops, key="r1")
    entry = wallet_adjust(customer=customer, amount_vnd=-5_000, reason="truy thu phí gỗ", by=ops, key="a1")
    assert (entry.kind, entry.amount_vnd, entry.balance_after_vnd, entry.by) == (
        EntryKind.ADJUSTMENT,
        -5_000,
        -5_000,
        ops,
    )
    refund = wallet_refund(customer=customer, amount_vnd=8_000, reason="hoàn phí", by=ops, key="r1")
    assert refund.balance_after_vnd == 3_000
    assert not wallets_out_of_balance().exists()


def test_a_stored_balance_that_drifted_is_found(customer):
    wallet_top_up(customer=customer, amount_vnd=100_000, key="t:drift")
    Wallet.objects.filter(customer=customer).update(balance_vnd=99_000)
    assert list(wallets_out_of_balance()) == [Wallet.objects.get(customer=customer)]


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_an_entry(customer):
    need(connection.vendor == "postgresql", "the append-only trigger is PostgreSQL's")
    entry, _ = wallet_top_up(customer=customer, amount_vnd=100_000, key="t:pg")
    with pytest.raises(DatabaseError), transaction.atomic():
        WalletEntry.objects.filter(pk=entry.pk).update(amount_vnd=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        WalletEntry.objects.filter(pk=entry.pk).delete()
    assert WalletEntry.objects.get(pk=entry.pk).amount_vnd == 100_000


def test_billing_check_command(customer):
    from django.core.management import CommandError, call_command

    wallet_top_up(customer=customer, amount_vnd=100_000, key="t:cmd")
    call_command("billing_check")
    Wallet.objects.filter(customer=customer).update(balance_vnd=1)
    with pytest.raises(CommandError):
        call_command("billing_check")


def test_an_entry_is_reversed_once_by_operations_with_a_reason(customer, ops):
    from billing.services.wallet import wallet_reverse

    top_up, _ = wallet_top_up(customer=customer, amount_vnd=100_000, key="t:rev")
    with pytest.raises(DomainError) as exc:
        wallet_reverse(entry=top_up, reason="chuyển nhầm", by=ops)  # a top-up is not reversed
    assert exc.value.code == "not_reversible"
    entry = wallet_adjust(customer=customer, amount_vnd=70_000, reason="bù phí", by=ops, key="adj:rev")
    with pytest.raises(DomainError):
        wallet_reverse(entry=entry, reason="", by=ops)
    with pytest.raises(DomainError):
        wallet_reverse(entry=entry, reason="chuyển nhầm", by=customer)
    reversal = wallet_reverse(entry=entry, reason="chuyển nhầm", by=ops)
    assert (reversal.kind, reversal.amount_vnd, reversal.balance_after_vnd, reversal.reverses) == (
        EntryKind.REVERSAL,
        -70_000,
        100_000,
        entry,
    )
    with pytest.raises(DomainError) as exc:
        wallet_reverse(entry=entry, reason="lần nữa", by=ops)
    assert exc.value.code == "reversed"
    with pytest.raises(DomainError):
        wallet_reverse(entry=reversal, reason="đảo lại", by=ops)
    assert WalletEntry.objects.get(pk=entry.pk).amount_vnd == 70_000  # the original is untouched
    assert not wallets_out_of_balance().exists()
