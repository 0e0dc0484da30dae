"""Amounts and rates as people type them on billing's forms (review: "-50.000" was read as −50 ₫,
"2.000.000" as 2.000 ₫ and "3.650" as 3,65 ₫ per CNY). One reading everywhere; ambiguous input is refused
with a message, never guessed."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from billing.forms.fields import parse_vnd
from billing.forms.schedules import ExchangeRateForm
from billing.forms.wallet import OrderExtrasForm, WalletEntryForm
from billing.models import ExchangeRate, OrderExtras, WalletEntry
from billing.services.rates import exchange_rate_set, rate_check
from billing.services.schedules import ScheduleError
from billing.tests.factories import ExchangeRateFactory
from consignments.tests.factories import ConsignmentFactory


@pytest.fixture
def in_english():
    """Messages of forms and services (no request) in English, whatever the previous test activated."""
    with translation.override("en"):
        yield


# --- đồng ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("-50.000", -50_000),
        ("20.000", 20_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000 ₫", 1_500_000),
        ("1\u00a0500\u00a0000\u00a0₫", 1_500_000),  # copied from a page: no-break spaces
        ("-50000", -50_000),
        ("−50.000 ₫", -50_000),  # the minus sign amounts are shown with
        ("+20.000đ", 20_000),
        ("- 50.000", -50_000),
        ("1.5", None),  # 1.5 đồng or 15 đồng? refused
        ("12,34", None),
        ("1.000,5", None),
        ("1.500,000", None),  # two different separators
        ("1.0000", None),
        ("--5", None),
        ("5-", None),
        ("", None),
        ("abc", None),
        ("1e6", None),
    ],
)
def test_signed_amounts_are_read_as_people_write_them(text, amount):
    assert parse_vnd(text, signed=True) == amount


def test_a_sign_is_refused_unless_asked_for():
    assert parse_vnd("-50.000") is None and parse_vnd("50.000") == 50_000


def entry(**values) -> WalletEntryForm:
    data = {"kind": "adjustment", "reason": "Thu thiếu phí", "key": str(uuid.uuid4()), **values}
    form = WalletEntryForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("values", "amount"),
    [
        ({"amount_vnd": "-50.000"}, -50_000),
        ({"amount_vnd": "20.000"}, 20_000),
        ({"amount_vnd": "1.500.000"}, 1_500_000),
        ({"amount_vnd": "1,500,000"}, 1_500_000),
        ({"amount_vnd": "1 500 000 ₫"}, 1_500_000),
        ({"amount_vnd": "-50000"}, -50_000),
        ({"amount_vnd": "50.000", "sign": "-"}, -50_000),  # a phone's number pad has no minus: the choice
        ({"amount_vnd": "-50.000", "sign": "-"}, -50_000),  # both say the same
        ({"amount_vnd": "50.000", "sign": "+"}, 50_000),
    ],
)
def test_the_wallet_desk_reads_the_amount_operations_typed(values, amount):
    form = entry(**values)
    assert form.errors == {} and form.cleaned_data["amount_vnd"] == amount


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"amount_vnd": "1.5"}, "Enter a whole number of đồng"),
        ({"amount_vnd": "12,34"}, "Enter a whole number of đồng"),
        ({"amount_vnd": "-50.000", "sign": "+"}, "choose one"),
        ({"amount_vnd": "20.000.000.000"}, "At most 10.000.000.000\u00a0₫"),
        ({"amount_vnd": "-20.000.000.000"}, "At most 10.000.000.000\u00a0₫"),
        ({"amount_vnd": "50.000", "sign": "-", "kind": "refund"}, "A refund must be a positive amount."),
    ],
)
def test_the_wallet_desk_refuses_what_it_cannot_read_one_way(in_english, values, says):
    form = entry(**values)
    assert says in " ".join(form.errors["amount_vnd"])


def test_the_amount_input_opens_the_number_pad_with_a_sign_beside_it(client_of, english, ops, customer):
    html = client_of(ops).get(reverse("billing:ops_wallets"), {"q": "YW532"}).content.decode()
    assert 'name="amount_vnd"' in html and 'type="number"' not in html
    amount = html[html.index('name="amount_vnd"') - 200 : html.index('name="amount_vnd"') + 200]
    assert 'inputmode="numeric"' in amount and 'type="text"' in amount
    assert 'name="sign" id="id_sign_plus" value="+"' in html and 'id="id_sign_minus" value="-"' in html


@pytest.mark.parametrize(("typed", "sign", "amount"), [("-50.000", "", -50_000), ("50.000", "-", -50_000)])
def test_operations_take_50_000_back_not_50(client_of, english, ops, customer, typed, sign, amount):
    data = {"kind": "adjustment", "amount_vnd": typed, "sign": sign, "reason": "Thu thiếu phí"}
    response = client_of(ops).post(
        reverse("billing:ops_wallet_entry", args=[customer.pk]), {**data, "key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    assert WalletEntry.objects.get().amount_vnd == amount


def test_a_refused_amount_keeps_what_was_typed_and_the_sign(client_of, english, ops, customer):
    data = {"kind": "adjustment", "amount_vnd": "1.5", "sign": "-", "reason": "x", "key": str(uuid.uuid4())}
    response = client_of(ops).post(reverse("billing:ops_wallet_entry", args=[customer.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'value="1.5"' in html
    assert 'id="id_sign_minus" value="-" autocomplete="off" checked' in html
    assert not WalletEntry.objects.exists()


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2.000.000", 2_000_000), ("2,000,000", 2_000_000), ("2 000 000 ₫", 2_000_000), ("", None)],
)
def test_the_declared_value_is_read_in_dong(typed, value):
    form = OrderExtrasForm({"insurance": "on", "declared_value_vnd": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["declared_value_vnd"] == value


@pytest.mark.parametrize(
    ("typed", "says"),
    [("1.5", "whole number of đồng"), ("-5", "Cannot be negative"), ("20.000.000.000", "At most")],
)
def test_a_declared_value_that_is_not_whole_dong_is_refused(in_english, typed, says):
    form = OrderExtrasForm({"insurance": "on", "declared_value_vnd": typed})
    assert says in form.errors["declared_value_vnd"][0]


def test_the_order_page_saves_2_000_000_not_2_000(client_of, english, schedule, customer):
    order = ConsignmentFactory(customer=customer)
    url = reverse("billing:order_extras", args=[order.code])
    client_of(customer).post(url, {"insurance": "on", "declared_value_vnd": "2.000.000"})
    assert OrderExtras.objects.get(consignment=order).declared_value_vnd == 2_000_000
    html = client_of(customer).get(reverse("consignments:detail", args=[order.code])).content.decode()
    field = html[
        html.index('name="declared_value_vnd"') - 200 : html.index('name="declared_value_vnd"') + 200
    ]
    assert 'inputmode="numeric"' in field and 'type="text"' in field


# --- the exchange rate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rate"),
    [
        ("3650", Decimal("3650")),
        ("3650,5", Decimal("3650.50")),
        ("3650.50", Decimal("3650.50")),
        ("3.650,50", Decimal("3650.50")),  # dot thousands, comma decimals
        ("3,650.50", Decimal("3650.50")),
        ("3 650", Decimal("3650")),
        ("3.650 ₫", None),
        ("3.650", None),  # 3650 or 3.65?
        ("3,650", None),
        ("3650.123", None),
    ],
)
def test_a_rate_is_read_one_way_or_refused(typed, rate):
    if rate is None:
        with pytest.raises(ScheduleError) as exc:
            rate_check(typed)
        assert exc.value.field == "vnd_per_cny"
    else:
        assert rate_check(typed) == rate


def test_3_650_is_refused_with_the_two_ways_to_write_it(in_english, ops):
    for typed in ("3.650", "3,650"):
        with pytest.raises(ScheduleError) as exc:
            exchange_rate_set(vnd_per_cny=typed, by=ops)
        assert "Write the rate as 3650 or 3650,50" in exc.value.message
        assert exc.value.code == "rate_ambiguous"
    form = ExchangeRateForm({"vnd_per_cny": "3.650", "effective_from": ""})
    assert not form.is_valid() and "Write the rate as 3650 or 3650,50" in form.errors["vnd_per_cny"][0]
    assert not ExchangeRate.objects.exists()


def test_a_rate_far_from_the_one_in_force_needs_confirming(in_english, ops):
    ExchangeRateFactory(vnd_per_cny=Decimal("3650"))
    with pytest.raises(ScheduleError) as exc:
        exchange_rate_set(vnd_per_cny="365", by=ops)  # a zero lost
    assert exc.value.field == "confirm_large_change" and exc.value.code == "large_change"
    assert "365\u00a0₫" in exc.value.message and "3.650\u00a0₫" in exc.value.message
    assert ExchangeRate.objects.count() == 1
    assert exchange_rate_set(vnd_per_cny="365", by=ops, confirm=True).vnd_per_cny == Decimal("365.00")


@pytest.mark.parametrize("typed", ["2920", "4380", "3650,5"])  # 20 % either way is not "large"
def test_a_change_of_20_percent_or_less_needs_no_confirming(ops, typed):
    ExchangeRateFactory(vnd_per_cny=Decimal("3650"))
    exchange_rate_set(vnd_per_cny=typed, by=ops)
    assert ExchangeRate.objects.count() == 2


def test_the_first_rate_and_a_later_start_compare_with_the_rate_they_replace(ops):
    exchange_rate_set(vnd_per_cny="3650", by=ops)  # nothing to compare with
    later = timezone.now() + timedelta(days=2)
    exchange_rate_set(vnd_per_cny="4000", effective_from=later - timedelta(days=1), by=ops)
    with pytest.raises(ScheduleError):
        exchange_rate_set(vnd_per_cny="5000", effective_from=later, by=ops)  # +25 % on 4.000
    exchange_rate_set(vnd_per_cny="4500", effective_from=later, by=ops)


def test_the_rate_page_asks_before_a_large_change(client_of, english, ops):
    ExchangeRateFactory(vnd_per_cny=Decimal("3650"))
    client = client_of(ops)
    url = reverse("billing:exchange_rates")
    html = client.get(url).content.decode()
    assert 'name="confirm_large_change"' not in html  # shown only when it is needed
    response = client.post(url, {"vnd_per_cny": "36500", "effective_from": ""})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="rate-large-change"' in html
    assert "36.500\u00a0₫" in html and "3.650\u00a0₫" in html and 'name="confirm_large_change"' in html
    assert 'value="36500"' in html  # what was typed is kept
    assert ExchangeRate.objects.count() == 1
    response = client.post(url, {"vnd_per_cny": "36500", "effective_from": "", "confirm_large_change": "on"})
    assert response.status_code == 302
    assert ExchangeRate.objects.order_by("-effective_from").first().vnd_per_cny == Decimal("36500")


def test_the_rate_page_refuses_3_650(client_of, english, ops):
    response = client_of(ops).post(reverse("billing:exchange_rates"), {"vnd_per_cny": "3.650"})
    assert "Write the rate as 3650 or 3650,50" in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_the_rate_page_accepts_dot_thousands_and_comma_decimals(client_of, english, ops):
    response = client_of(ops).post(reverse("billing:exchange_rates"), {"vnd_per_cny": "3.650,50"})
    assert response.status_code == 302
    assert ExchangeRate.objects.get().vnd_per_cny == Decimal("3650.50")
