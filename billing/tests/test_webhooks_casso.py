"""The bank webhook, Casso's format (webhook v2): `X-Casso-Signature: t=<ms>,v1=<HMAC-SHA512 hex>`."""

import json
import time

import pytest

from billing.bank_formats import casso_signature, casso_signed_message
from billing.models import BankTransfer, TransferStatus, WalletEntry, WebhookCall
from billing.selectors import balance_of

KEY = "casso-checksum-key-test"
URL = "/webhooks/bank/casso/"

# Casso's published example (a PHP verifier): key, body and the header it was sent with.
DOC_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
DOC_BODY = {
    "error": 0,
    "data": {
        "id": 0,
        "reference": "MA_GIAO_DICH_THU_NGHIEM",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888",
        "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank",
    },
}
DOC_T = "1727948258788"
DOC_V1 = (
    "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7"
    "dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)


def casso_body(**data) -> dict:
    return {
        "error": 0,
        "data": {
            "id": 8801234,
            "reference": "FT24364030863634",
            "description": "NAP YW532",
            "amount": 599000,
            "runningBalance": 25000000,
            "transactionDateTime": "2025-03-25 14:02:37",
            "accountNumber": "0123499999",
            "bankName": "Vietcombank",
            "bankAbbreviation": "VCB",
            **data,
        },
    }


def post_casso(client, body=None, *, key=KEY, t=None, signed=None, raw: bytes | None = None, header=None):
    body = casso_body() if body is None else body
    raw = json.dumps(body, ensure_ascii=False).encode() if raw is None else raw
    t = str(int(time.time() * 1000)) if t is None else t
    if header is None:
        header = f"t={t},v1={casso_signature(key, t, body if signed is None else signed)}"
    extra = {"HTTP_X_CASSO_SIGNATURE": header} if header is not False else {}
    return client.post(URL, data=raw, content_type="application/json", **extra)


@pytest.fixture
def casso(settings):
    settings.CASSO_CHECKSUM_KEY = KEY
    settings.CASSO_MAX_AGE_S = 300
    settings.TOPUP_PREFIX = "NAP"
    return settings


def test_the_signature_matches_cassos_published_example():
    assert casso_signature(DOC_KEY, DOC_T, DOC_BODY) == DOC_V1
    assert casso_signed_message(DOC_T, DOC_BODY).startswith(
        '1727948258788.{"data":{"accountNumber":"88888888"'
    )


def test_cassos_published_example_is_accepted_by_the_endpoint(client, settings, customer):
    settings.CASSO_CHECKSUM_KEY = DOC_KEY
    settings.CASSO_MAX_AGE_S = 10**10  # the example was signed in 2024
    response = post_casso(client, DOC_BODY, header=f"t={DOC_T},v1={DOC_V1}")
    assert response.status_code == 200
    assert response.json()["error"] == 0 and response.json()["outcome"] == "unmatched"  # a test transaction
    transfer = BankTransfer.objects.get()
    assert transfer.note == "to another account"  # 88888888, not ours
    assert (transfer.provider, transfer.external_id, transfer.amount_vnd) == ("casso", "0", 599000)
    assert transfer.raw == DOC_BODY


def test_a_signed_transfer_naming_a_customer_is_credited_once(client, casso, customer):
    response = post_casso(client)
    assert response.status_code == 200
    assert response.json()["error"] == 0 and response.json()["outcome"] == "credited"
    transfer = BankTransfer.objects.get()
    assert (transfer.external_id, transfer.customer, transfer.status) == (
        "8801234",
        customer,
        TransferStatus.CREDITED,
    )
    assert (transfer.bank, transfer.reference) == ("Vietcombank", "FT24364030863634")
    assert WalletEntry.objects.get().idempotency_key == "bank:casso:8801234"
    assert post_casso(client).json()["outcome"] == "duplicate"
    assert balance_of(customer) == 599000
    call = WebhookCall.objects.first()
    assert call.headers["X-Casso-Signature"].startswith("t=")


def test_vietnamese_content_is_signed_as_utf8_and_matched(client, casso, customer):
    response = post_casso(client, casso_body(description="Nạp tiền YW532 🎉"))
    assert response.json()["outcome"] == "credited"


def test_a_signature_over_data_alone_or_escaped_json_is_accepted(client, casso, customer):
    body = casso_body(id=1, description="Nạp YW532")
    assert post_casso(client, body, signed=body["data"]).json()["outcome"] == "credited"
    body = casso_body(id=2, description="Nạp YW532")
    t = str(int(time.time() * 1000))
    import hashlib
    import hmac

    escaped = casso_signed_message(t, body, ensure_ascii=True).encode()
    v1 = hmac.new(KEY.encode(), escaped, hashlib.sha512).hexdigest()
    assert post_casso(client, body, header=f"t={t},v1={v1}").json()["outcome"] == "credited"


@pytest.mark.parametrize(
    "header",
    [
        False,  # none
        "",
        "v1=abc",
        "t=123",
        "t=abc,v1=def",
        "t=1727948258788,v1=" + "0" * 128,
        "sha512=whatever",
    ],
)
def test_a_missing_or_malformed_signature_is_refused(client, casso, customer, header):
    response = post_casso(client, header=header)
    assert response.status_code == 401
    assert response.json()["error"] == 1 and "X-Casso-Signature" in response.json()["message"]
    assert not BankTransfer.objects.exists() and not WalletEntry.objects.exists()
    call = WebhookCall.objects.get()
    assert call.outcome == "unauthorized" and json.loads(call.body) == casso_body()


def test_a_signature_with_another_key_or_over_another_body_is_refused(client, casso, customer):
    assert post_casso(client, key="another-key").status_code == 401
    forged = casso_body(amount=99_000_000)
    assert post_casso(client, forged, signed=casso_body()).status_code == 401
    assert not BankTransfer.objects.exists()


@pytest.mark.parametrize("age_s", [301, 3600, -301])
def test_an_old_or_future_timestamp_is_a_replay(client, casso, customer, age_s):
    t = str(int((time.time() - age_s) * 1000))
    response = post_casso(client, t=t)
    assert response.status_code == 401 and "too old" in response.json()["message"]
    assert not BankTransfer.objects.exists()


def test_not_configured_is_refused(client, settings, customer):
    settings.CASSO_CHECKSUM_KEY = ""
    response = post_casso(client)
    assert response.status_code == 403 and "not configured" in response.json()["message"]


def test_a_negative_amount_is_money_going_out_acknowledged_and_ignored(client, casso, customer):
    response = post_casso(client, casso_body(amount=-150000))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    transfer = BankTransfer.objects.get()
    assert (transfer.status, transfer.direction, transfer.amount_vnd) == (
        TransferStatus.IGNORED,
        "out",
        150000,
    )
    assert not WalletEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"error": 0}, "data must be an object"),
        ({"error": 0, "data": [casso_body()["data"]]}, "data must be an object"),  # webhook v1's list
        ({"error": 0, "data": {"id": 1, "amount": 1000}}, "missing fields: description"),
        ({"error": 0, "data": {"description": "NAP YW532"}}, "missing fields: id, amount"),
        (casso_body(amount=0), "zero"),
        (casso_body(amount=1000.5), "whole number"),
        (casso_body(amount="599000"), "whole number"),
        (casso_body(amount=False), "whole number"),
        (casso_body(amount=10**15), "absurd"),
        (casso_body(amount=-(10**15)), "absurd"),
        (casso_body(id=None), "id"),
        ([1, 2], "object"),
    ],
)
def test_bad_payloads_are_refused_with_a_clear_400(client, casso, customer, body, error):
    response = post_casso(client, body)
    assert response.status_code == 400
    assert response.json()["error"] == 1 and error in response.json()["message"]
    assert not BankTransfer.objects.exists() and not WalletEntry.objects.exists()
    assert WebhookCall.objects.get().outcome == "bad_request"


def test_malformed_json_is_400(client, casso, db):
    response = post_casso(client, raw=b"{oops", header="t=1,v1=ab")
    assert response.status_code == 400 and response.json()["message"] == "malformed JSON"


def test_two_customers_named_waits_for_operations(client, casso, customer, other_customer):
    response = post_casso(client, casso_body(description="NAP YW532 NAP KM748"))
    assert response.json()["outcome"] == "unmatched"
    assert not WalletEntry.objects.exists()


def test_the_same_id_at_sepay_and_casso_are_two_transactions(client, casso, customer):
    from billing.tests.test_webhooks import API_KEY, post_sepay, sepay_payload

    casso.SEPAY_API_KEY = API_KEY
    post_casso(client, casso_body(id=92704))
    post_sepay(client, sepay_payload(id=92704))
    assert BankTransfer.objects.count() == 2 and balance_of(customer) == 599000 + 2277000


def test_a_transfer_to_another_account_is_not_credited(client, casso, customer):
    assert post_casso(client, casso_body(accountNumber="88888888")).json()["outcome"] == "unmatched"
    assert BankTransfer.objects.get().note == "to another account" and not WalletEntry.objects.exists()


def test_an_integral_id_is_one_transaction_however_written(client, casso, customer):
    post_casso(client, casso_body(id=8801234))
    assert post_casso(client, casso_body(id="8801234.0")).json()["outcome"] == "duplicate"
    assert balance_of(customer) == 599000


def test_a_body_nobody_could_sign_keeps_only_its_start(client, casso, db):
    raw = b"{" + b"x" * 10_000  # not JSON: Casso's signature cannot be checked
    assert post_casso(client, raw=raw, header="t=1,v1=ab").status_code == 400
    call = WebhookCall.objects.get()
    assert len(call.body) == 2000 and "truncated" in call.error
