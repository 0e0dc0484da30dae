"""Operations' unmatched transfers: the list, and assigning a transfer to a customer with a reason, once."""

import json

import pytest
from django.urls import reverse

from billing.models import BankTransfer, TransferStatus, WalletEntry
from billing.selectors import balance_of
from billing.services.topups import transfer_assign, webhook_receive
from billing.services.wallet import wallet_top_up
from billing.tests.test_webhooks import API_KEY, sepay_payload
from core.errors import DomainError
from core.testing import assert_login_redirect

LIST = "/staff/billing/transfers/"


@pytest.fixture
def receive(settings, db):
    settings.SEPAY_API_KEY = API_KEY
    settings.SEPAY_HMAC_SECRET = ""
    settings.TOPUP_PREFIX = "NAP"

    def receive(**overrides) -> BankTransfer | None:
        status, answer = webhook_receive(
            provider="sepay",
            body=json.dumps(sepay_payload(**overrides)).encode(),
            headers={"Authorization": f"Apikey {API_KEY}"},
        )
        assert status == 200, answer
        return BankTransfer.objects.filter(pk=answer.get("transfer")).first()

    return receive


@pytest.fixture
def unmatched(receive):
    return receive(id=5001, content="chuyen tien hang", transferAmount=1_500_000)


def assign_url(transfer) -> str:
    return reverse("billing:transfer_assign", args=[transfer.pk])


def test_urls(unmatched):
    assert reverse("billing:transfers") == LIST
    assert assign_url(unmatched) == f"/staff/billing/transfers/{unmatched.pk}/assign/"


# --- Who may ------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, unmatched):
    assert_login_redirect(client.get(LIST), LIST)
    url = assign_url(unmatched)
    assert_login_redirect(client.post(url, {"t5001-customer": "YW532"}), url)


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_only_operations(client_of, request, persona, unmatched, customer):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    prefix = f"t{unmatched.pk}"
    response = client.post(assign_url(unmatched), {f"{prefix}-customer": "YW532", f"{prefix}-reason": "mine"})
    assert response.status_code == 403
    assert not WalletEntry.objects.exists()


def test_methods(client_of, ops, unmatched):
    client = client_of(ops)
    assert client.post(LIST).status_code == 405
    assert client.get(assign_url(unmatched)).status_code == 405


def test_an_unknown_transfer_is_404(client_of, ops, db):
    assert client_of(ops).post("/staff/billing/transfers/999999/assign/").status_code == 404


# --- The list -----------------------------------------------------------------------------------------


def test_the_list_shows_unmatched_transfers_with_what_ops_need(client_of, ops, customer, receive, english):
    receive(id=1, content="NAP YW532")  # credited: not listed by default
    receive(id=2, content="MBVCB.123.chuyen tien.CT tu 0987", transferAmount=1_234_000)
    receive(id=3, transferType="out", content="rut tien")
    response = client_of(ops).get(LIST)
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [t.external_id for t in rows] == ["2"]
    html = response.content.decode()
    assert "1.234.000\u00a0₫" in html and "MBVCB.123.chuyen tien.CT tu 0987" in html and "Vietcombank" in html
    assert html.count('data-testid="assign-form"') == 1
    assert response.context["unmatched_count"] == 1


@pytest.mark.parametrize(
    ("status", "ids"),
    [("all", ["3", "2", "1"]), ("credited", ["1"]), ("ignored", ["3"]), ("", ["2"]), ("nonsense", ["2"])],
)
def test_the_filter_shows_any_status(client_of, ops, customer, receive, status, ids):
    receive(id=1, content="NAP YW532")
    receive(id=2, content="chuyen tien")
    receive(id=3, transferType="out")
    response = client_of(ops).get(LIST, {"status": status})
    assert [t.external_id for t in response.context["page"]] == ids


def test_the_note_says_which_codes_were_found(client_of, ops, customer, other_customer, receive, english):
    receive(id=1, content="NAP YW532 NAP KM748")
    html = client_of(ops).get(LIST).content.decode()
    assert "YW532, KM748" in html


def test_nothing_to_do(client_of, ops, db):
    assert 'data-testid="no-transfers"' in client_of(ops).get(LIST).content.decode()


# --- Assigning ----------------------------------------------------------------------------------------


def _post(client, transfer, customer="YW532", reason="Khách gửi biên lai qua Zalo", query=""):
    prefix = f"t{transfer.pk}"
    return client.post(
        assign_url(transfer) + query, {f"{prefix}-customer": customer, f"{prefix}-reason": reason}
    )


@pytest.mark.parametrize("typed", ["YW532", "yw532", " yw 532 ", "YW-532", "thubin89x", "THUBIN89X"])
def test_assigning_credits_the_customer_once_with_who_when_why(client_of, ops, customer, unmatched, typed):
    response = _post(client_of(ops), unmatched, customer=typed)
    assert response.status_code == 302 and response.url == LIST
    unmatched.refresh_from_db()
    assert unmatched.status == TransferStatus.ASSIGNED and unmatched.customer == customer
    assert unmatched.assigned_by == ops and unmatched.assigned_at is not None
    assert unmatched.note == "Khách gửi biên lai qua Zalo"
    entry = WalletEntry.objects.get()
    assert entry.idempotency_key == "bank:sepay:5001"  # what the webhook would have used
    assert (entry.amount_vnd, entry.by, entry.transfer) == (1_500_000, ops, unmatched)
    assert entry.reason == "Khách gửi biên lai qua Zalo"
    assert balance_of(customer) == 1_500_000


def test_after_assigning_the_filter_is_kept_and_the_message_shown(
    client_of, ops, customer, unmatched, english
):
    response = _post(client_of(ops), unmatched, query="?status=all")
    assert response.url == LIST + "?status=all"
    page = client_of(ops).get(response.url)
    assert "1.500.000\u00a0₫ credited to thubin89x (YW532)" in page.content.decode()
    assert 'data-testid="transfer-customer"' in page.content.decode()


def test_assigning_twice_credits_once(client_of, ops, customer, other_customer, unmatched, english):
    client = client_of(ops)
    assert _post(client, unmatched).status_code == 302
    response = _post(client, unmatched, customer="KM748")
    assert response.status_code == 400
    assert "already been credited" in response.content.decode()
    assert balance_of(customer) == 1_500_000 and balance_of(other_customer) == 0
    assert WalletEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("customer_typed", "reason", "message"),
    [
        ("ZZ999", "receipt", "No active customer"),
        ("vanhanh", "receipt", "No active customer"),  # operations are not customers
        ("", "receipt", "This field is required"),
        ("YW532", "", "This field is required"),
        ("YW532", "   ", "This field is required"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_credited(
    client_of, ops, customer, unmatched, english, customer_typed, reason, message
):
    response = _post(client_of(ops), unmatched, customer=customer_typed, reason=reason)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "The transfer was not assigned" in html
    assert f'value="{reason}"' in html or not reason.strip()  # what was typed is kept
    unmatched.refresh_from_db()
    assert unmatched.status == TransferStatus.UNMATCHED and not WalletEntry.objects.exists()


def test_an_inactive_customer_cannot_be_chosen(client_of, ops, customer, unmatched, english):
    customer.is_active = False
    customer.save()
    assert _post(client_of(ops), unmatched).status_code == 400
    assert not WalletEntry.objects.exists()


def test_a_transfer_credited_by_the_webhook_cannot_be_assigned(
    client_of, ops, customer, other_customer, receive
):
    credited = receive(id=7, content="NAP YW532")
    response = _post(client_of(ops), credited, customer="KM748")
    assert response.status_code == 400
    assert balance_of(other_customer) == 0 and WalletEntry.objects.count() == 1


def test_an_outgoing_transfer_cannot_be_assigned(client_of, ops, customer, receive, english):
    out = receive(id=8, transferType="out")
    response = _post(client_of(ops), out)
    assert response.status_code == 400 and "going out" in response.content.decode()
    assert not WalletEntry.objects.exists()


# --- The service --------------------------------------------------------------------------------------


def test_the_service_refuses_non_operations_and_empty_reasons(customer, vn_staff, ops, unmatched):
    with pytest.raises(DomainError) as exc:
        transfer_assign(transfer=unmatched, customer=customer, reason="mine", by=customer)
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError):
        transfer_assign(transfer=unmatched, customer=customer, reason="x", by=vn_staff)
    with pytest.raises(DomainError) as exc:
        transfer_assign(transfer=unmatched, customer=customer, reason=" ", by=ops)
    assert exc.value.code == "reason"
    with pytest.raises(DomainError) as exc:
        transfer_assign(transfer=unmatched, customer=ops, reason="x", by=ops)
    assert exc.value.code == "customer"
    assert not WalletEntry.objects.exists()


def test_a_transfer_can_never_be_credited_twice_whoever_comes_second(customer, ops, unmatched, receive):
    transfer_assign(transfer=unmatched, customer=customer, reason="receipt", by=ops)
    _entry, created = wallet_top_up(customer=customer, amount_vnd=1_500_000, key="bank:sepay:5001")
    assert created is False
    assert (
        receive(id=5001, content="NAP YW532", transferAmount=1_500_000) is None
    )  # the webhook again: duplicate
    assert balance_of(customer) == 1_500_000
