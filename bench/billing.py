"""Money: the pricing function, paying orders from the wallet, a bank webhook, the statement page.

charge_quote_us: billing.pricing.quote on an order of 3 parcels with dimensions, a group discount, wooden
crate and insurance; BENCH_QUOTE_CALLS (20,000) calls, mean per call.

wallet_pay_p99_ms: a customer with BENCH_PAY_ROUNDS × 20 orders awaiting delivery (final charges) and a
topped-up wallet pays 20 of them per request, through the pay view (django.test.Client: the server's time,
no network), BENCH_PAY_ROUNDS (100) requests after 2 untimed ones; p99 and median.

topup_webhook_p99_ms: BENCH_WEBHOOK_CALLS (300) SePay webhooks (Apikey header), each a new transaction
crediting one of 1,000 customers by its transfer content, through the webhook view; p99 and median.

statement_ms: one customer with BENCH_STATEMENT_ENTRIES (100,000) ledger entries; the statement page
(first page, and filtered by kind), BENCH_STATEMENT_REQUESTS (20) requests each after 2 untimed ones;
median. statement_queries_growth: data queries at 100,000 entries − at 1,000 (goal 0).
"""

import json
import re
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from bench.figures import Figure, env_int, percentile

TX_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I
)
BRACKETS = ((0, 10_000, 24_000), (10_000, 30_000, 23_000), (30_000, 100_000, 22_000), (100_000, None, 21_000))


def run():
    from billing.models import CustomerGroup, ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
    from warehouse.models import Warehouse

    china = Warehouse.objects.create(code="GZ", name="GZ", kind=Warehouse.Kind.CHINA, address="广州")
    depot = Warehouse.objects.create(code="HN", name="HN", kind=Warehouse.Kind.VIETNAM, address="Hà Nội")
    CustomerGroup.objects.create(code="normal", name="normal", is_default=True)
    ExchangeRate.objects.create(
        effective_from=timezone.now() - timedelta(days=30), vnd_per_cny=Decimal("3650")
    )
    schedule = FeeSchedule.objects.create(
        name="bench", status=ScheduleStatus.PUBLISHED, effective_from=timezone.now() - timedelta(days=10)
    )
    for lo, hi, price in BRACKETS:
        FreightBracket.objects.create(
            schedule=schedule, depot=depot, from_g=lo, to_g=hi, price_per_kg_vnd=price
        )

    yield from _quote(schedule, depot)
    yield from _pay(china, depot)
    yield from _webhook()
    yield from _statement()


def _quote(schedule, depot):
    from billing.pricing import Extras, ParcelMeasure, quote
    from billing.selectors import terms_for

    terms = terms_for(schedule)
    parcels = [
        ParcelMeasure(weight_g=4_200, length_mm=400, width_mm=300, height_mm=250),
        ParcelMeasure(weight_g=12_345, length_mm=600, width_mm=400, height_mm=400),
        ParcelMeasure(weight_g=800),
    ]
    extras = Extras(wooden_crate=True, insurance=True, declared_value_vnd=5_000_000)
    calls = env_int("BENCH_QUOTE_CALLS", 20_000)
    rate = Decimal("3650.00")
    for _ in range(200):
        quote(
            parcels=parcels, depot_id=depot.pk, terms=terms, discount_bp=300, extras=extras, vnd_per_cny=rate
        )
    started = time.perf_counter()
    for _ in range(calls):
        quote(
            parcels=parcels, depot_id=depot.pk, terms=terms, discount_bp=300, extras=extras, vnd_per_cny=rate
        )
    yield Figure("charge_quote_us", (time.perf_counter() - started) / calls * 1e6, "us")


def _customer(username: str, code: str) -> User:
    return User.objects.create(
        username=username, customer_code=code, role=Role.CUSTOMER, password=make_password(None)
    )


def _awaiting_orders(customer, china, depot, count: int, start: int):
    """`count` orders Chờ giao with their final charges, made as the services make them."""
    from billing.services.charges import consignment_price
    from consignments.models import Consignment, ConsignmentStatus
    from warehouse.models import Parcel

    orders = Consignment.objects.bulk_create(
        [
            Consignment(
                code=f"KB{start + i:08d}",
                customer=customer,
                tracking_code=f"YTBENCH{start + i:09d}",
                status=ConsignmentStatus.AWAITING_DELIVERY,
                weight_g=1_500 + i % 7 * 1_000,
                current_warehouse=depot,
                destination=depot,
            )
            for i in range(count)
        ]
    )
    Parcel.objects.bulk_create(
        [
            Parcel(
                tracking_code=o.tracking_code,
                consignment=o,
                warehouse=china,
                scanned_by=customer,
                weight_g=o.weight_g,
                chargeable_weight_g=o.weight_g,
            )
            for o in orders
        ]
    )
    for order in orders:
        consignment_price(consignment=order, reason="bench", storage_days=0)
    return orders


def _timed(client, method, url, data=None, **extra):
    started = time.perf_counter()
    response = (
        getattr(client, method)(url, data, **extra)
        if data is not None
        else getattr(client, method)(url, **extra)
    )
    ms = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        raise SystemExit(f"bench: {method.upper()} {url} answered {response.status_code}")
    return ms, response


def _pay(china, depot):
    from billing.services.wallet import wallet_top_up

    rounds = env_int("BENCH_PAY_ROUNDS", 100) + 2
    payer = _customer("benchpayer", "BP999")
    started = time.perf_counter()
    orders = _awaiting_orders(payer, china, depot, rounds * 20, 0)
    wallet_top_up(customer=payer, amount_vnd=9_000_000_000, key="bench:payer")
    yield f"billing: {len(orders)} orders awaiting delivery priced in {time.perf_counter() - started:.1f} s"
    client = Client()
    client.force_login(payer)
    url = reverse("billing:pay")
    samples = []
    for r in range(rounds):
        batch = orders[r * 20 : (r + 1) * 20]
        ms, _response = _timed(client, "post", url, {"orders": [o.pk for o in batch]})
        if r >= 2:
            samples.append(ms)
    from billing.models import EntryKind, WalletEntry

    paid = WalletEntry.objects.filter(kind=EntryKind.PAYMENT).count()
    if paid != rounds * 20:
        raise SystemExit(f"bench: the pay view paid {paid} orders, expected {rounds * 20}")
    yield Figure("wallet_pay_p99_ms", percentile(samples, 99), "ms")
    yield Figure("wallet_pay_median_ms", statistics.median(samples), "ms")


def _code(i: int) -> str:
    """The i-th of 1,000 distinct customer codes of the real shape (2 letters, 3 digits; accounts.models)."""
    from accounts.models import CUSTOMER_CODE_DIGITS as D
    from accounts.models import CUSTOMER_CODE_LETTERS as L

    return f"{L[i % 23]}{L[i // 23 % 23]}{D[i // 529 % 8]}{D[i // 8 % 8]}{D[i % 8]}"


def _webhook():
    calls = env_int("BENCH_WEBHOOK_CALLS", 300)
    key = "bench-sepay-key"
    settings.SEPAY_API_KEY = key
    settings.SEPAY_HMAC_SECRET = ""
    customers = User.objects.bulk_create(
        [
            User(username=f"benchwh{i}", customer_code=_code(i), role=Role.CUSTOMER, password="!")
            for i in range(1_000)
        ]
    )
    client = Client()
    url = reverse("billing:bank_webhook", args=["sepay"])
    samples = []
    for i in range(calls + 5):
        customer = customers[i % len(customers)]
        body = {
            "id": 10_000_000 + i,
            "gateway": "Vietcombank",
            "transactionDate": "2026-11-30 10:00:00",
            "accountNumber": "0123499999",
            "code": None,
            "content": f"MBVCB.{3278907687 + i}.NAP {customer.customer_code}.CT tu 0123",
            "transferType": "in",
            "transferAmount": 100_000 + i,
            "accumulated": 0,
            "subAccount": None,
            "referenceCode": f"MBVCB.{3278907687 + i}",
        }
        ms, _response = _timed(
            client,
            "post",
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Apikey {key}",
        )
        if i >= 5:
            samples.append(ms)
    from billing.models import EntryKind, WalletEntry

    credited = WalletEntry.objects.filter(
        kind=EntryKind.TOPUP, wallet__customer__username__startswith="benchwh"
    )
    yield f"billing: {credited.count()} of {calls + 5} webhooks credited a wallet"
    yield Figure("topup_webhook_p99_ms", percentile(samples, 99), "ms")
    yield Figure("topup_webhook_median_ms", statistics.median(samples), "ms")


def _load_entries(wallet, have: int, want: int):
    from billing.models import EntryKind, WalletEntry

    now = timezone.now()
    kinds = (EntryKind.TOPUP, EntryKind.PAYMENT, EntryKind.PAYMENT, EntryKind.ADJUSTMENT)
    balance = wallet.balance_vnd
    rows = []
    for i in range(have, want):
        kind = kinds[i % len(kinds)]
        amount = 500_000 if kind == EntryKind.TOPUP else -(120_000 + i % 1000)
        if kind == EntryKind.ADJUSTMENT:
            amount = 1_000
        balance += amount
        rows.append(
            WalletEntry(
                wallet=wallet,
                kind=kind,
                amount_vnd=amount,
                balance_after_vnd=balance,
                idempotency_key=f"bench:statement:{i}",
                reason="bench",
                at=now - timedelta(minutes=want - i),
            )
        )
    with transaction.atomic():
        WalletEntry.objects.bulk_create(rows, batch_size=5_000)
        type(wallet).objects.filter(pk=wallet.pk).update(balance_vnd=balance)
    wallet.balance_vnd = balance
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE billing_walletentry")


def _statement():
    from billing.services.wallet import wallet_get

    small, large = env_int("BENCH_STATEMENT_SMALL", 1_000), env_int("BENCH_STATEMENT_ENTRIES", 100_000)
    repeats = env_int("BENCH_STATEMENT_REQUESTS", 20)
    reader = _customer("benchreader", "BR999")
    wallet = wallet_get(reader)
    client = Client()
    client.force_login(reader)
    url = reverse("billing:wallet")
    variants = {"statement_ms": "", "statement_filtered_ms": "?kind=topup"}
    queries = {}
    have = 0
    for size in (small, large):
        started = time.perf_counter()
        _load_entries(wallet, have, size)
        have = size
        yield f"billing: statement customer has {size} entries (loaded in {time.perf_counter() - started:.1f} s)"
        results = {}
        for name, qs in variants.items():
            samples = []
            for r in range(repeats + 2):
                with CaptureQueriesContext(connection) as ctx:
                    ms, _response = _timed(client, "get", url + qs)
                if r >= 2:
                    samples.append(ms)
                queries[(size, name)] = len(
                    [q for q in ctx.captured_queries if not TX_CONTROL.match(q["sql"])]
                )
            results[name] = statistics.median(samples)
        if size == small:
            yield "billing: at {}: {}".format(
                size, "; ".join(f"{n} {ms:.1f} ms, {queries[(size, n)]} queries" for n, ms in results.items())
            )
    for name, ms in results.items():
        yield Figure(name, ms, "ms")
    yield Figure("statement_queries", queries[(large, "statement_ms")], "queries", digits=0)
    growth = max(queries[(large, n)] - queries[(small, n)] for n in variants)
    yield Figure("statement_queries_growth", max(0, growth), "queries", digits=0)
