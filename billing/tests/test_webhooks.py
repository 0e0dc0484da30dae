"""The bank webhook, SePay's format, and what every provider shares: a transfer becomes credit exactly
once; anything odd is refused with a clear 4xx or parked for operations, never a 5xx, never a wrong credit;
every call is kept."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from billing.models import BankTransfer, TransferStatus, WalletEntry, WebhookCall
from billing.selectors import balance_of, wallets_out_of_balance
from notifications.models import NotificationKind, PendingNotification

API_KEY = "sepay-test-key-8f2c"
URL = "/webhooks/bank/sepay/"


def sepay_payload(**overrides) -> dict:
    """MONEY.md's SePay example."""
    payload = {
        "id": 92704,
        "gateway": "Vietcombank",
        "transactionDate": "2023-03-25 14:02:37",
        "accountNumber": "0123499999",
        "code": None,
        "content": "NAP YW532",
        "transferType": "in",
        "transferAmount": 2277000,
        "accumulated": 19077000,
        "subAccount": None,
        "referenceCode": "MBVCB.3278907687",
    }
    payload.update(overrides)
    return payload


def post_sepay(client, payload=None, *, key=API_KEY, body: bytes | None = None, **headers):
    if body is None:
        body = json.dumps(payload if payload is not None else sepay_payload()).encode()
    if key is not None:
        headers.setdefault("HTTP_AUTHORIZATION", f"Apikey {key}")
    return client.post(URL, data=body, content_type="application/json", **headers)


@pytest.fixture
def sepay(settings):
    settings.SEPAY_API_KEY = API_KEY
    settings.SEPAY_HMAC_SECRET = ""
    settings.TOPUP_PREFIX = "NAP"
    return settings


def test_url():
    assert reverse("billing:bank_webhook", args=["sepay"]) == URL


def test_a_transfer_naming_a_customer_credits_their_wallet_once_and_notifies(client, sepay, customer):
    response = post_sepay(client)
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["outcome"] == "credited"
    transfer = BankTransfer.objects.get()
    assert (transfer.provider, transfer.external_id, transfer.status) == (
        "sepay",
        "92704",
        TransferStatus.CREDITED,
    )
    assert transfer.customer == customer and transfer.amount_vnd == 2277000
    assert (transfer.bank, transfer.reference, transfer.account_number) == (
        "Vietcombank",
        "MBVCB.3278907687",
        "0123499999",
    )
    assert transfer.raw == sepay_payload()
    entry = WalletEntry.objects.get()
    assert entry.wallet_id == customer.pk and entry.amount_vnd == 2277000 and entry.transfer == transfer
    assert entry.idempotency_key == "bank:sepay:92704"
    assert "MBVCB.3278907687" in entry.reason
    assert balance_of(customer) == 2277000
    note = PendingNotification.objects.get(user=customer)
    assert note.kind == NotificationKind.WALLET_CREDITED and note.data["amount_vnd"] == 2277000
    call = WebhookCall.objects.get()
    assert (call.provider, call.status_code, call.outcome) == ("sepay", 200, "credited")
    assert json.loads(call.body) == sepay_payload()


def test_the_same_transaction_told_again_credits_nothing_more(client, sepay, customer):
    assert post_sepay(client).json()["outcome"] == "credited"
    for _ in range(3):
        response = post_sepay(client, sepay_payload(transferAmount=9_999_000))  # even with another amount
        assert response.status_code == 200
        assert response.json() == {"success": True, "outcome": "duplicate"}
    assert BankTransfer.objects.count() == 1 and WalletEntry.objects.count() == 1
    assert balance_of(customer) == 2277000
    assert list(WebhookCall.objects.order_by("id").values_list("outcome", flat=True)) == [
        "credited",
        "duplicate",
        "duplicate",
        "duplicate",
    ]


def test_two_transactions_credit_twice(client, sepay, customer):
    post_sepay(client)
    post_sepay(client, sepay_payload(id=92705, transferAmount=100_000))
    assert balance_of(customer) == 2377000
    assert not wallets_out_of_balance().exists()


def test_one_call_is_a_handful_of_queries(client, sepay, customer, django_assert_max_num_queries):
    """10 statements: find the customer, insert the transfer, the ledger's five (wallet, its lock, the key,
    the entry, the balance), the notification, the audit row; the rest are savepoints."""
    post_sepay(client, sepay_payload(id=1))  # the wallet exists from now on
    with django_assert_max_num_queries(15):
        assert post_sepay(client, sepay_payload(id=2)).json()["outcome"] == "credited"


# --- Who may call --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [None, "", "Apikey wrong", f"Bearer {API_KEY}", API_KEY, f"Apikey {API_KEY}x", f"Apikey {API_KEY[:-1]}"],
)
def test_a_bad_or_missing_api_key_is_refused_and_kept(client, sepay, customer, auth):
    headers = {} if auth is None else {"HTTP_AUTHORIZATION": auth}
    response = post_sepay(client, key=None, **headers)
    assert response.status_code == 401
    assert response.json()["success"] is False and "Apikey" in response.json()["error"]
    assert not BankTransfer.objects.exists() and not WalletEntry.objects.exists()
    call = WebhookCall.objects.get()
    assert (call.status_code, call.outcome) == (401, "unauthorized")
    assert json.loads(call.body)["content"] == "NAP YW532"  # the raw payload is kept for audit


def test_the_api_key_scheme_is_case_insensitive(client, sepay, customer):
    assert post_sepay(client, key=None, HTTP_AUTHORIZATION=f"apikey {API_KEY}").status_code == 200


def test_secrets_are_masked_in_the_kept_headers(client, sepay, customer):
    post_sepay(client, HTTP_USER_AGENT="SePay/1.0", HTTP_X_FORWARDED_FOR="203.0.113.9")
    call = WebhookCall.objects.get()
    assert call.headers["Authorization"] == "Apikey ****"
    assert API_KEY not in json.dumps(call.headers) and API_KEY not in call.body
    assert call.headers["User-Agent"] == "SePay/1.0" and call.headers["X-Forwarded-For"] == "203.0.113.9"
    assert call.remote_addr == "127.0.0.1"


def test_not_configured_is_refused(client, settings, customer):
    settings.SEPAY_API_KEY = ""
    settings.SEPAY_HMAC_SECRET = ""
    response = post_sepay(client, key="anything")
    assert response.status_code == 403 and "not configured" in response.json()["error"]
    assert not BankTransfer.objects.exists()
    assert WebhookCall.objects.get().outcome == "not_configured"


def _signed(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_with_an_hmac_secret_the_body_must_be_signed(client, sepay, customer):
    sepay.SEPAY_HMAC_SECRET = "hmac-secret"
    body = json.dumps(sepay_payload()).encode()
    assert post_sepay(client, body=body).status_code == 401  # no signature
    assert post_sepay(client, body=body, HTTP_X_SEPAY_SIGNATURE=_signed("other", body)).status_code == 401
    tampered = body.replace(b"2277000", b"9277000")
    assert (
        post_sepay(client, body=tampered, HTTP_X_SEPAY_SIGNATURE=_signed("hmac-secret", body)).status_code
        == 401
    )
    assert not BankTransfer.objects.exists()
    response = post_sepay(client, body=body, HTTP_X_SEPAY_SIGNATURE="sha256=" + _signed("hmac-secret", body))
    assert response.status_code == 200 and balance_of(customer) == 2277000


def test_the_signature_alone_is_enough_when_no_api_key_is_set(client, sepay, customer):
    sepay.SEPAY_API_KEY = ""
    sepay.SEPAY_HMAC_SECRET = "hmac-secret"
    body = json.dumps(sepay_payload()).encode()
    response = post_sepay(client, key=None, body=body, HTTP_X_SEPAY_SIGNATURE=_signed("hmac-secret", body))
    assert response.status_code == 200


def test_an_unknown_provider_is_404_and_kept(client, sepay, customer):
    response = client.post("/webhooks/bank/momo/", data=b'{"id": 1}', content_type="application/json")
    assert response.status_code == 404 and response.json()["error"] == "unknown provider"
    call = WebhookCall.objects.get()
    assert (call.provider, call.status_code, call.body) == ("momo", 404, '{"id": 1}')
    assert not BankTransfer.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post(client, sepay, method):
    assert getattr(client, method)(URL).status_code == 405


def test_no_csrf_token_is_needed(sepay, customer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post_sepay(client).status_code == 200


def test_a_huge_body_is_refused(client, sepay, customer):
    body = json.dumps(sepay_payload(content="NAP YW532 " + "x" * 70_000)).encode()
    assert post_sepay(client, body=body).status_code == 413
    assert not BankTransfer.objects.exists()
    assert WebhookCall.objects.get().outcome == "too_large"


# --- Bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "malformed JSON"),
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe\x00", "malformed JSON"),
        (b"[]", "object"),
        (b"null", "object"),
        (b'"NAP YW532"', "object"),
        (json.dumps({k: v for k, v in sepay_payload().items() if k != "id"}).encode(), "missing fields: id"),
        (
            json.dumps({k: v for k, v in sepay_payload().items() if k != "transferAmount"}).encode(),
            "missing fields: transferAmount",
        ),
        (
            json.dumps({"gateway": "VCB"}).encode(),
            "missing fields: id, transferType, transferAmount, content",
        ),
        (json.dumps(sepay_payload(transferAmount=-2277000)).encode(), "positive"),
        (json.dumps(sepay_payload(transferAmount=0)).encode(), "zero"),
        (json.dumps(sepay_payload(transferAmount=1000.5)).encode(), "whole number"),
        (json.dumps(sepay_payload(transferAmount="2277000")).encode(), "whole number"),
        (json.dumps(sepay_payload(transferAmount=True)).encode(), "whole number"),
        (json.dumps(sepay_payload(transferAmount=None)).encode(), "whole number"),
        (json.dumps(sepay_payload(transferAmount=10**15)).encode(), "absurd"),
        (json.dumps(sepay_payload(transferAmount=10**12 + 1)).encode(), "absurd"),
        (b'{"id": 1, "transferType": "in", "transferAmount": 1e400, "content": "NAP YW532"}', "whole number"),
        (json.dumps(sepay_payload(transferType="sideways")).encode(), "transferType"),
        (json.dumps(sepay_payload(id=None)).encode(), "id"),
        (json.dumps(sepay_payload(id=True)).encode(), "id"),
        (json.dumps(sepay_payload(id=-5)).encode(), "id"),
        (json.dumps(sepay_payload(id="")).encode(), "id"),
        (json.dumps(sepay_payload(id="x" * 65)).encode(), "id"),
        (json.dumps(sepay_payload(id={"a": 1})).encode(), "id"),
        (json.dumps(sepay_payload(content=["NAP YW532"])).encode(), "content must be a string"),
    ],
)
def test_bad_payloads_are_refused_with_a_clear_400_and_nothing_credited(client, sepay, customer, body, error):
    response = post_sepay(client, body=body)
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert error in response.json()["error"]
    assert not BankTransfer.objects.exists() and not WalletEntry.objects.exists()
    call = WebhookCall.objects.get()
    assert (call.status_code, call.outcome) == (400, "bad_request")
    assert error in call.error
    assert call.body == body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")  # PostgreSQL: no NUL


def test_an_integral_float_amount_is_whole_dong(client, sepay, customer):
    assert post_sepay(client, sepay_payload(transferAmount=50000.0)).json()["outcome"] == "credited"
    assert balance_of(customer) == 50000


def test_an_outgoing_transfer_is_acknowledged_and_ignored(client, sepay, customer):
    response = post_sepay(client, sepay_payload(transferType="out"))
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "outcome": "ignored",
        "transfer": BankTransfer.objects.get().pk,
    }
    transfer = BankTransfer.objects.get()
    assert (transfer.status, transfer.direction, transfer.customer) == (TransferStatus.IGNORED, "out", None)
    assert not WalletEntry.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "NẠP YW532",
        "nap yw532",
        "nap-yw532",
        "NAP YW 532",
        "IBFT NAP YW532 🎉",
        "MBVCB.3278907687.NAP YW532.CT tu 0123499999",
        "Nạp tiền YW532",
    ],
)
def test_odd_content_naming_the_customer_is_credited_like_the_plain_one(client, sepay, customer, content):
    response = post_sepay(client, sepay_payload(content=content))
    assert response.json()["outcome"] == "credited"
    assert BankTransfer.objects.get().content == content
    assert balance_of(customer) == 2277000


@pytest.mark.parametrize(
    "content",
    [
        "",
        "chuyen tien",
        "YW532",  # the code without the prefix is not enough
        "FT23082 YW532",
        "NAP ZZ999",  # nobody's code
        "NAP YW532 NAP KM748",  # two customers
        "NAP KM748 hoac NAP YW532",
        "🎉" * 100,
        "\x00\x01 NAP",
        "NAP " + "Y" * 600,  # longer than the column
    ],
)
def test_content_naming_nobody_or_two_customers_waits_for_operations(
    client, sepay, customer, other_customer, content
):
    response = post_sepay(client, sepay_payload(content=content))
    assert response.status_code == 200
    assert response.json()["outcome"] == "unmatched"
    transfer = BankTransfer.objects.get()
    assert transfer.status == TransferStatus.UNMATCHED and transfer.customer is None
    assert transfer.content == content[:500].replace("\x00", "\ufffd")
    assert not WalletEntry.objects.exists()


def test_the_note_of_an_unmatched_transfer_names_the_codes_found(client, sepay, customer, other_customer):
    post_sepay(client, sepay_payload(content="NAP YW532 NAP KM748"))
    assert BankTransfer.objects.get().note == "YW532, KM748"


def test_a_customer_who_left_is_not_credited(client, sepay, customer):
    customer.is_active = False
    customer.save()
    assert post_sepay(client).json()["outcome"] == "unmatched"


def test_staff_are_never_credited(client, sepay, ops):
    ops.customer_code = "HN234"
    ops.save()
    assert post_sepay(client, sepay_payload(content="NAP HN234")).json()["outcome"] == "unmatched"


def test_sepays_extracted_code_is_trusted_without_the_prefix(client, sepay, customer):
    response = post_sepay(client, sepay_payload(code="YW532", content="chuyen khoan YW532"))
    assert response.json()["outcome"] == "credited"


def test_sepays_code_and_a_content_naming_another_customer_is_unmatched(
    client, sepay, customer, other_customer
):
    response = post_sepay(client, sepay_payload(code="YW532", content="NAP KM748"))
    assert response.json()["outcome"] == "unmatched"


def test_a_credit_the_ledger_refuses_waits_for_operations_instead_of_failing(
    client, sepay, customer, monkeypatch
):
    from billing.services import wallet

    monkeypatch.setattr(wallet, "MAX_AMOUNT_VND", 1_000_000)
    response = post_sepay(client)
    assert response.status_code == 200 and response.json()["outcome"] == "unmatched"
    transfer = BankTransfer.objects.get()
    assert transfer.status == TransferStatus.UNMATCHED and transfer.customer is None and transfer.note
    assert not WalletEntry.objects.exists()
