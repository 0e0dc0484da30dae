"""1,000 payments and top-ups at once against one wallet, on PostgreSQL with real threads: the balance is the
sum of the entries, no order is paid twice, the balance never goes below the credit limit, and every
entry's balance follows from the one before it (the wallet's lock makes them one line)."""

import queue
import random
import threading
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from billing.models import Charge, CustomerGroup, EntryKind, WalletEntry
from billing.selectors import balance_of, wallets_out_of_balance
from billing.services.wallet import wallet_pay, wallet_top_up
from billing.tests.factories import awaiting_order
from conftest import need
from core.errors import DomainError
from core.testing import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS = 200
THREADS = 16
COST = 2 * 24_000 + 3_000  # one 2 kg parcel to Hà Nội: freight + handling
LIMIT = 100_000
TOPUPS, REPEATS, TOPUP = 240, 60, 30_000  # 7.2 M đồng in: at most 143 of the 200 orders can be paid


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def operations(ids: list[int]) -> list[tuple]:
    rng = random.Random(10)
    ops = []
    for pk in ids * 3:  # every order paid by three threads, some together with two other orders
        ops.append(("pay", [pk, *rng.sample(ids, 2)] if rng.random() < 0.2 else [pk]))
    ops += [("pay", rng.sample(ids, 20)) for _ in range(100)]  # 20 at once: mostly more than the wallet has
    ops += [("topup", f"race:{i}") for i in range(TOPUPS)]
    ops += [("topup", f"race:{i}") for i in rng.sample(range(TOPUPS), REPEATS)]  # the bank says it again
    rng.shuffle(ops)
    assert len(ops) == 1_000
    return ops


def test_a_thousand_payments_and_top_ups_against_one_wallet(postgres, schedule, customer, cn_staff, vn_staff):
    CustomerGroup.objects.filter(is_default=True).update(credit_limit_vnd=LIMIT)
    ids = [awaiting_order(customer, 2_000, cn_staff=cn_staff, vn_staff=vn_staff).pk for _ in range(ORDERS)]
    assert set(Charge.objects.filter(is_current=True).values_list("total_vnd", flat=True)) == {COST}
    work = queue.Queue()
    for op in operations(ids):
        work.put(op)
    outcomes, unexpected, lock = Counter(), [], threading.Lock()

    def worker(_i):
        while True:
            try:
                kind, arg = work.get_nowait()
            except queue.Empty:
                return
            try:
                if kind == "pay":
                    wallet_pay(customer=customer, consignments=arg, by=customer)
                    outcome = "paid_ok"
                else:
                    _entry, created = wallet_top_up(customer=customer, amount_vnd=TOPUP, key=arg)
                    outcome = "credited" if created else "credit_repeated"
            except DomainError as exc:
                outcome = exc.code
            except Exception as exc:  # noqa: BLE001 - any other failure is the test's to report
                with lock:
                    unexpected.append(exc)
                continue
            with lock:
                outcomes[outcome] += 1

    _results, errors = run_threads(THREADS, worker)
    assert errors == [] and unexpected == []
    assert sum(outcomes.values()) == 1_000
    assert set(outcomes) <= {"paid_ok", "credited", "credit_repeated", "paid", "insufficient"}
    assert outcomes["credited"] == TOPUPS and outcomes["credit_repeated"] == REPEATS
    assert outcomes["insufficient"] > 0  # payments that had to fail for lack of money did

    # The ledger and the balance agree, and every entry follows from the one before it.
    assert not wallets_out_of_balance().exists()
    running = 0
    for amount, after in WalletEntry.objects.order_by("id").values_list("amount_vnd", "balance_after_vnd"):
        running += amount
        assert after == running
    assert balance_of(customer) == running

    # No order paid twice; every paid charge has its one payment entry, and nothing else is paid.
    payments = WalletEntry.objects.filter(kind=EntryKind.PAYMENT)
    assert not payments.values("consignment").annotate(n=Count("id")).filter(n__gt=1).exists()
    paid_orders = set(Charge.objects.filter(paid_at__isnull=False).values_list("consignment_id", flat=True))
    assert set(payments.values_list("consignment_id", flat=True)) == paid_orders
    assert 0 < len(paid_orders) <= (TOPUPS * TOPUP + LIMIT) // COST
    assert running == TOPUPS * TOPUP - COST * len(paid_orders)

    # Never below the credit limit.
    assert min(payments.values_list("balance_after_vnd", flat=True)) >= -LIMIT
