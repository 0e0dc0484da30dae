"""Races on PostgreSQL with real threads: a webhook delivered many times at once credits once; operations
assigning the same transfer at once credit it once; the ledger always equals the balance."""

import json
import queue
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from billing.models import BankTransfer, TransferStatus, WalletEntry, WebhookCall
from billing.selectors import balance_of, wallets_out_of_balance
from billing.services.topups import transfer_assign, webhook_receive
from billing.tests.test_webhooks import API_KEY, URL, sepay_payload
from conftest import need
from core.errors import DomainError
from core.testing import run_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# PostgreSQL allows 100 connections by default and other test runs may hold some: the deliveries are shared
# by a pool of threads released together, so dozens are in flight at every moment.
THREADS = 40


@pytest.fixture
def postgres(settings):
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")
    settings.SEPAY_API_KEY = API_KEY
    settings.SEPAY_HMAC_SECRET = ""
    settings.TOPUP_PREFIX = "NAP"


def _pool(jobs: list, do) -> tuple[Counter, list]:
    work = queue.Queue()
    for job in jobs:
        work.put(job)
    outcomes, unexpected, lock = Counter(), [], threading.Lock()

    def worker(_i):
        while True:
            try:
                job = work.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = do(job)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                with lock:
                    unexpected.append(exc)
                continue
            with lock:
                outcomes[outcome] += 1

    _results, errors = run_threads(THREADS, worker)
    return outcomes, errors + unexpected


def test_the_same_webhook_delivered_100_times_at_once_credits_once(postgres, customer):
    body = json.dumps(sepay_payload()).encode()

    def deliver(_job):
        response = Client().post(
            URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Apikey {API_KEY}"
        )
        return response.status_code, response.json()["outcome"]

    outcomes, errors = _pool(range(100), deliver)
    assert errors == []
    assert outcomes == Counter({(200, "credited"): 1, (200, "duplicate"): 99})
    transfer = BankTransfer.objects.get()
    assert transfer.status == TransferStatus.CREDITED and transfer.customer == customer
    entry = WalletEntry.objects.get()
    assert entry.amount_vnd == 2277000 and entry.transfer == transfer
    assert balance_of(customer) == 2277000
    assert not wallets_out_of_balance().exists()
    assert WebhookCall.objects.count() == 100


def test_many_transfers_each_delivered_several_times_at_once(postgres, customer, other_customer):
    """60 transactions (two customers, some unmatched), each told 1 to 4 times, all mixed together."""
    payloads = []
    for i in range(60):
        content = ("NAP YW532", "nap km748", "chuyen tien")[i % 3]
        payload = sepay_payload(id=10_000 + i, content=content, transferAmount=10_000 * (i + 1))
        payloads += [payload] * (i % 4 + 1)
    payloads.sort(key=lambda p: (p["id"] * 7919) % 61)  # interleaved

    def deliver(payload):
        status, answer = webhook_receive(
            provider="sepay",
            body=json.dumps(payload).encode(),
            headers={"Authorization": f"Apikey {API_KEY}"},
        )
        assert status == 200
        return answer["outcome"]

    outcomes, errors = _pool(payloads, deliver)
    assert errors == []
    assert outcomes["credited"] == 40 and outcomes["unmatched"] == 20
    assert outcomes["duplicate"] == len(payloads) - 60
    assert BankTransfer.objects.count() == 60
    expected = {customer.pk: 0, other_customer.pk: 0}
    for i in range(60):
        if i % 3 < 2:
            expected[(customer, other_customer)[i % 3].pk] += 10_000 * (i + 1)
    assert balance_of(customer) == expected[customer.pk]
    assert balance_of(other_customer) == expected[other_customer.pk]
    assert WalletEntry.objects.count() == 40
    assert not wallets_out_of_balance().exists()


def test_operations_assigning_one_transfer_at_once_credit_it_once(postgres, customer, other_customer, ops):
    webhook_receive(
        provider="sepay",
        body=json.dumps(sepay_payload(content="chuyen tien")).encode(),
        headers={"Authorization": f"Apikey {API_KEY}"},
    )
    transfer = BankTransfer.objects.get(status=TransferStatus.UNMATCHED)

    def assign(i):
        try:
            transfer_assign(
                transfer=transfer,
                customer=(customer, other_customer)[i % 2],
                reason=f"receipt {i}",
                by=ops,
            )
        except DomainError as exc:
            return exc.code
        return "assigned"

    outcomes, errors = _pool(range(30), assign)
    assert errors == []
    assert outcomes == Counter({"assigned": 1, "credited": 29})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ASSIGNED
    assert balance_of(transfer.customer) == 2277000
    assert WalletEntry.objects.count() == 1
    assert not wallets_out_of_balance().exists()
