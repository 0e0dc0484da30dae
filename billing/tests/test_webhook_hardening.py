"""The bank webhook, hardened after review: a transfer to another account is never credited, a provider's
transaction id written two ways is one transaction, and a call nobody authenticated leaves only the start
of its body (anyone on the internet can call the endpoint)."""

import json

import pytest

from billing.models import BankTransfer, TransferStatus, WalletEntry, WebhookCall
from billing.selectors import balance_of
from billing.tests.test_webhooks import API_KEY, URL, post_sepay, sepay_payload


@pytest.fixture
def sepay(settings):
    settings.SEPAY_API_KEY = API_KEY
    settings.SEPAY_HMAC_SECRET = ""
    settings.TOPUP_PREFIX = "NAP"
    return settings


# --- The account ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["9999888877", "0123499998", "123499999"])
def test_a_transfer_to_another_account_is_not_credited(client, sepay, customer, account):
    response = post_sepay(client, sepay_payload(accountNumber=account))
    assert response.status_code == 200 and response.json()["outcome"] == "unmatched"
    transfer = BankTransfer.objects.get()
    assert (transfer.status, transfer.customer, transfer.note) == (
        TransferStatus.UNMATCHED,
        None,
        "to another account",
    )
    assert transfer.account_number == account and not WalletEntry.objects.exists()


@pytest.mark.parametrize("account", ["0123499999", "0123 499 999", "0123-499-999", None, ""])
def test_our_account_however_written_or_none_named_is_credited(client, sepay, customer, account):
    response = post_sepay(client, sepay_payload(accountNumber=account))
    assert response.json()["outcome"] == "credited" and balance_of(customer) == 2277000


def test_with_no_account_of_ours_set_a_named_account_is_never_credited(client, sepay, customer):
    sepay.BANK_ACCOUNT_NUMBER = ""
    assert post_sepay(client).json()["outcome"] == "unmatched"
    assert BankTransfer.objects.get().note == "to another account"


# --- The transaction id ---------------------------------------------------------------------------------


@pytest.mark.parametrize("again", [7001, "7001", 7001.0, "7001.0", " 7001 ", "7001.00"])
def test_one_id_written_two_ways_is_one_transaction(client, sepay, customer, again):
    assert post_sepay(client, sepay_payload(id=7001)).json()["outcome"] == "credited"
    assert post_sepay(client, sepay_payload(id=again)).json()["outcome"] == "duplicate"
    assert BankTransfer.objects.get().external_id == "7001" and balance_of(customer) == 2277000


def test_a_string_id_is_kept_as_it_is(client, sepay, customer):
    post_sepay(client, sepay_payload(id="abc-7001"))
    assert BankTransfer.objects.get().external_id == "abc-7001"


@pytest.mark.parametrize("bad", ["7001.5", 7001.5, "7001.05"])
def test_an_id_with_a_fraction_is_refused(client, sepay, customer, bad):
    response = post_sepay(client, sepay_payload(id=bad))
    assert response.status_code == 400 and "whole number" in response.json()["error"]
    assert not BankTransfer.objects.exists()


# --- What a refused call leaves --------------------------------------------------------------------------

BIG = "NAP YW532 " + "x" * 5_000


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        (URL, {"HTTP_AUTHORIZATION": "Apikey wrong"}, 401),
        ("/webhooks/bank/momo/", {}, 404),
    ],
)
def test_a_refused_call_keeps_only_the_start_of_its_body(client, sepay, customer, url, headers, status):
    body = json.dumps(sepay_payload(content=BIG)).encode()
    response = client.post(url, data=body, content_type="application/json", **headers)
    assert response.status_code == status
    call = WebhookCall.objects.get()
    assert call.body == body.decode()[:2000] and "truncated" in call.error


def test_a_refused_call_when_not_configured_keeps_only_the_start_too(client, settings, customer):
    settings.SEPAY_API_KEY = settings.SEPAY_HMAC_SECRET = ""
    post_sepay(client, sepay_payload(content=BIG), key="anything")
    call = WebhookCall.objects.get()
    assert (call.status_code, len(call.body)) == (403, 2000) and "truncated" in call.error


def test_a_short_refused_body_is_kept_whole_and_not_marked(client, sepay, customer):
    post_sepay(client, key="wrong")
    call = WebhookCall.objects.get()
    assert json.loads(call.body) == sepay_payload() and "truncated" not in call.error


def test_an_authenticated_call_keeps_its_whole_body(client, sepay, customer):
    body = json.dumps(sepay_payload(content=BIG, transferAmount=-1)).encode()  # refused after the key
    assert post_sepay(client, body=body).status_code == 400
    call = WebhookCall.objects.get()
    assert call.body == body.decode() and "truncated" not in call.error
    assert post_sepay(client, sepay_payload(id=2, content=BIG)).json()["outcome"] == "credited"
    assert WebhookCall.objects.latest("id").body == json.dumps(sepay_payload(id=2, content=BIG))
