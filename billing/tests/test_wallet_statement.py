"""The statement page (filters, keyset pages, constant query count), its xlsx export and the header
balance."""

import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing.context_processors import wallet as wallet_processor
from billing.models import EntryKind, Wallet, WalletEntry
from billing.services.wallet import wallet_adjust, wallet_top_up
from billing.tests.factories import CustomerGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("billing:wallet")
EXPORT = reverse("billing:wallet_export")


def ledger(customer, n, *, start=None, kind=EntryKind.TOPUP, amount=1_000):
    """n entries written straight into the ledger (the services are tested elsewhere), one hour apart."""
    wallet, _created = Wallet.objects.get_or_create(customer=customer)
    start = start or timezone.now() - timedelta(hours=n)
    balance = wallet.balance_vnd
    rows = []
    for i in range(n):
        balance += amount
        rows.append(
            WalletEntry(
                wallet=wallet,
                kind=kind,
                amount_vnd=amount,
                balance_after_vnd=balance,
                idempotency_key=f"t:{customer.pk}:{kind}:{start.timestamp()}:{i}",
                reason=f"entry {i}",
                at=start + timedelta(hours=i),
            )
        )
    WalletEntry.objects.bulk_create(rows)
    Wallet.objects.filter(pk=wallet.pk).update(balance_vnd=balance)
    return rows


def ids_on(response):
    return [e.id for e in response.context["entries"]]


def test_statement_shows_balance_limit_and_entries(client_of, english, customer, ops):
    CustomerGroupFactory(credit_limit_vnd=500_000)
    wallet_top_up(customer=customer, amount_vnd=300_000, key="bank:1", reason="bank transfer")
    wallet_adjust(customer=customer, amount_vnd=-20_000, reason="Phí kiểm đếm thiếu", by=ops, key="ops:1")
    html = client_of(customer).get(URL).content.decode()
    assert 'data-testid="wallet-balance-page">280.000\u00a0₫<' in html
    assert "500.000\u00a0₫" in html  # the credit limit of their group
    assert "+300.000\u00a0₫" in html and "−20.000\u00a0₫" in html
    assert "Phí kiểm đếm thiếu" in html and "text-danger" in html and "text-success" in html
    assert html.index("−20.000\u00a0₫") < html.index("+300.000\u00a0₫")  # newest first
    assert reverse("billing:pay") in html


def test_statement_filters_by_kind_and_local_dates(client_of, customer, english):
    tz = timezone.get_default_timezone()
    day = datetime(2025, 3, 10, tzinfo=tz)
    # 23:30 local on the 9th is 16:30 UTC: it belongs to the 9th, not the 10th.
    ledger(customer, 1, start=day - timedelta(minutes=30))
    on_tenth = ledger(customer, 3, start=day + timedelta(hours=1))
    ledger(customer, 2, start=day + timedelta(days=1, minutes=1), kind=EntryKind.REFUND)
    client = client_of(customer)
    response = client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-10"})
    assert sorted(ids_on(response)) == [e.id for e in on_tenth]
    response = client.get(URL, {"kind": "refund"})
    assert len(ids_on(response)) == 2
    response = client.get(URL, {"kind": "topup", "date_from": "2025-03-09", "date_to": "2025-03-09"})
    assert len(ids_on(response)) == 1
    response = client.get(URL, {"date_from": "2025-03-11", "date_to": "2025-03-10"})
    assert (
        response.status_code == 200 and "The end date is before the start date." in response.content.decode()
    )


def test_keyset_pages_cover_the_ledger_once(client_of, customer, other_customer):
    rows = ledger(customer, 120)
    ledger(other_customer, 5)  # never on this customer's statement
    client = client_of(customer)
    first = client.get(URL)
    assert len(ids_on(first)) == 50 and first.context["newer"] is None
    second = client.get(URL, {"before": first.context["older"]})
    third = client.get(URL, {"before": second.context["older"]})
    assert len(ids_on(third)) == 20 and third.context["older"] is None
    seen = ids_on(first) + ids_on(second) + ids_on(third)
    assert seen == sorted((e.id for e in rows), reverse=True)
    back = client.get(URL, {"after": third.context["newer"]})  # newer than the third page: the second
    assert ids_on(back) == ids_on(second)
    assert 'data-testid="page-older"' in back.content.decode()
    assert client.get(URL, {"before": "nonsense"}).status_code == 200


def test_statement_queries_do_not_grow_with_the_ledger(client_of, customer):
    client = client_of(customer)
    ledger(customer, 5)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    ledger(customer, 300, start=timezone.now() - timedelta(days=400))
    with CaptureQueriesContext(connection) as large:
        client.get(URL, {"kind": "topup"})
    assert len(large) == len(small)
    assert not any("COUNT(" in q["sql"].upper() and "walletentry" in q["sql"] for q in large.captured_queries)


def test_export_opens_with_the_filtered_rows(client_of, customer, ops):
    wallet_top_up(customer=customer, amount_vnd=300_000, key="bank:1", reason='=HYPERLINK("x")')
    wallet_adjust(customer=customer, amount_vnd=-20_000, reason="điều chỉnh", by=ops, key="ops:1")
    client = client_of(customer)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][2:5] == (-20_000, 280_000, None) and rows[1][5] == "điều chỉnh"
    assert rows[2][2] == 300_000 and rows[2][5].startswith("'=")  # never a formula
    filtered = client.get(EXPORT, {"kind": "topup"})
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == 300_000


def test_export_is_capped(client_of, customer, monkeypatch):
    from billing import export

    ledger(customer, 30)
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 10)
    response = client_of(customer).get(EXPORT)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 11


@pytest.mark.parametrize("url", [URL, EXPORT])
def test_statement_wrong_persona_and_method(client, client_of, customer, vn_staff, ops, url):
    assert client.get(url).status_code == 302
    assert client_of(vn_staff).get(url).status_code == 403
    assert client_of(ops).get(url).status_code == 403
    assert client_of(customer).post(url).status_code == 405


def test_header_balance_is_lazy_and_one_query(rf, customer, vn_staff):
    wallet_top_up(customer=customer, amount_vnd=1_234_000, key="bank:1")
    request = rf.get("/")
    request.user = customer
    with CaptureQueriesContext(connection) as queries:
        context = wallet_processor(request)
    assert len(queries) == 0  # a page that does not show it pays nothing
    with CaptureQueriesContext(connection) as queries:
        assert context["WALLET_BALANCE"]() == 1_234_000
        assert context["WALLET_BALANCE"]() == 1_234_000
    assert len(queries) == 1
    request.user = vn_staff
    assert wallet_processor(request) == {}


def test_balance_snippet_renders_for_customers(rf, customer):
    from django.template.loader import render_to_string

    wallet_top_up(customer=customer, amount_vnd=50_000, key="bank:1")
    request = rf.get("/")
    request.user = customer
    html = render_to_string("billing/_balance.html", request=request)
    assert "50.000\u00a0₫" in html and reverse("billing:wallet") in html
