"""The customer's top-up page: bank details, the content that names them, the VietQR code with the amount
they choose (htmx or plain GET), copy buttons, their last top-ups; and who may open it."""

import pytest
from django.urls import reverse

from billing import vietqr
from billing.forms.fields import parse_vnd
from billing.services.wallet import wallet_top_up
from core.testing import assert_login_redirect

URL = "/wallet/top-up/"


@pytest.fixture
def bank(settings):
    settings.BANK_NAME = "Vietcombank"
    settings.BANK_BIN = "970436"
    settings.BANK_ACCOUNT_NUMBER = "0123499999"
    settings.BANK_ACCOUNT_HOLDER = "CONG TY TNHH KY GUI MOT BUOC"
    settings.TOPUP_PREFIX = "NAP"
    return settings


def expected_qr(amount=None, content="NAP YW532"):
    payload = vietqr.payload(bank_bin="970436", account="0123499999", amount_vnd=amount, content=content)
    return vietqr.svg(payload, title=f"VietQR Vietcombank 0123499999 {content}")


def test_url():
    assert reverse("billing:topup") == URL


def test_anonymous_is_sent_to_log_in(client):
    assert_login_redirect(client.get(URL), URL)


@pytest.mark.parametrize("persona", ["ops", "cn_staff", "vn_staff"])
def test_staff_may_not(client_of, request, persona):
    assert client_of(request.getfixturevalue(persona)).get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(client_of, customer, method):
    assert getattr(client_of(customer), method)(URL).status_code == 405


def test_the_page_shows_where_to_transfer_with_copy_buttons_and_a_qr_code(client_of, customer, bank):
    response = client_of(customer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("Vietcombank", "0123499999", "CONG TY TNHH KY GUI MOT BUOC", "NAP YW532"):
        assert value in html
        assert f'data-copy="{value}"' in html
    assert response.context["content"] == "NAP YW532"
    assert response.context["amount"] is None
    assert response.context["qr"] == expected_qr()  # static: no amount
    assert "<svg" in html and 'class="vietqr"' in html
    assert 'hx-get="/wallet/top-up/"' in html and 'method="get"' in html


@pytest.mark.parametrize(
    "typed", ["1.000.000", "1,000,000", "1000000", "1 000 000", " 1.000.000\u00a0₫ ", "1000000đ"]
)
def test_the_amount_is_read_as_people_type_it_and_goes_into_the_code(client_of, customer, bank, typed):
    response = client_of(customer).get(URL, {"amount": typed})
    assert response.context["amount"] == 1_000_000
    assert response.context["qr"] == expected_qr(1_000_000)
    html = response.content.decode()
    assert 'data-copy="1000000"' in html and "1.000.000\u00a0₫" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "whole number"),
        ("1000.5", "whole number"),
        ("10.5", "whole number"),
        ("1.000,000", "whole number"),
        ("-50000", "At least"),
        ("1e6", "whole number"),
        ("9.999", "At least"),
        ("0", "At least"),
        ("500.000.001", "At most"),
        ("99999999999999999999", "At most"),
    ],
)
def test_a_bad_amount_is_explained_and_the_code_still_shows_without_it(
    client_of, customer, bank, english, typed, message
):
    response = client_of(customer).get(URL, {"amount": typed})
    assert response.status_code == 200
    assert response.context["amount"] is None
    assert message in response.content.decode()
    assert response.context["qr"] == expected_qr()


def test_the_limits_are_accepted(client_of, customer, bank):
    assert client_of(customer).get(URL, {"amount": "10.000"}).context["amount"] == 10_000
    assert client_of(customer).get(URL, {"amount": "500.000.000"}).context["amount"] == 500_000_000


def test_an_empty_amount_is_no_amount(client_of, customer, bank):
    response = client_of(customer).get(URL, {"amount": ""})
    assert response.context["amount"] is None and not response.context["form"].errors


def test_htmx_gets_only_the_code(client_of, customer, bank):
    response = client_of(customer).get(URL, {"amount": "200.000"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="topup-qr"') and "<html" not in html
    assert expected_qr(200_000) in html and 'data-copy="200000"' in html


def test_htmx_history_restore_gets_the_whole_page(client_of, customer, bank):
    response = client_of(customer).get(
        URL, {"amount": "200.000"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_the_bank_is_configured_by_settings(client_of, customer, settings):
    settings.BANK_NAME, settings.BANK_BIN = "MB", "970422"
    settings.BANK_ACCOUNT_NUMBER, settings.BANK_ACCOUNT_HOLDER = "9999888877", "CTY KY GUI"
    settings.TOPUP_PREFIX = "KG"
    response = client_of(customer).get(URL)
    assert response.context["content"] == "KG YW532"
    payload = vietqr.payload(bank_bin="970422", account="9999888877", content="KG YW532")
    assert response.context["qr"] == vietqr.svg(payload, title="VietQR MB 9999888877 KG YW532")


def test_a_misconfigured_bank_still_shows_the_details(client_of, customer, bank):
    bank.BANK_BIN = "97043"
    response = client_of(customer).get(URL)
    assert response.status_code == 200 and response.context["qr"] is None
    assert 'data-copy="NAP YW532"' in response.content.decode()


def test_a_customer_without_a_code_is_told_to_contact_us(client_of, new_customer, bank):
    new_customer.customer_code = None
    new_customer.save()
    response = client_of(new_customer).get(URL)
    assert response.status_code == 200 and response.context["qr"] is None
    assert 'data-testid="no-code"' in response.content.decode()


def test_the_last_ten_top_ups_are_listed_and_only_ones_own(client_of, customer, other_customer, bank):
    for i in range(12):
        wallet_top_up(customer=customer, amount_vnd=10_000 * (i + 1), key=f"t:{i}", reason=f"Vietcombank {i}")
    wallet_top_up(customer=other_customer, amount_vnd=777_000, key="other", reason="other's")
    response = client_of(customer).get(URL)
    rows = list(response.context["topups"])
    assert len(rows) == 10
    assert [e.amount_vnd for e in rows] == [10_000 * (i + 1) for i in range(11, 1, -1)]
    html = response.content.decode()
    assert html.count('data-testid="topup-row"') == 10
    assert "+120.000\u00a0₫" in html and "777.000" not in html


def test_no_top_ups_yet(client_of, customer, bank):
    response = client_of(customer).get(URL)
    assert 'data-testid="topup-row"' not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1000000", 1_000_000),
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1 000 000", 1_000_000),
        ("10.000", 10_000),
        ("500.000.000 VND", 500_000_000),
        ("250000₫", 250_000),
        ("1.000,000", None),
        ("1.0000", None),
        ("1000.5", None),
        ("", None),
        ("1,5", None),
        ("١٢٣", None),
    ],
)
def test_parse_vnd(text, amount):
    assert parse_vnd(text) == amount


def test_an_unconfigured_bank_account_shows_no_qr(client_of, customer, settings):
    settings.BANK_ACCOUNT_NUMBER = ""
    html = client_of(customer).get("/wallet/top-up/?amount=500000").content.decode()
    assert 'data-testid="no-bank"' in html and "topup-qr" not in html
