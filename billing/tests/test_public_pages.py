"""The public fee page and calculator: no login, the version in force and the one announced, prices by
the same function as charges, bad input named and never a crash."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import CustomerGroup, FreightBracket
from billing.services.wallet import wallet_get
from billing.tests.factories import CustomerGroupFactory, FeeScheduleFactory
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.django_db

FEES, CALC = "billing:fees", "billing:calculator"


@pytest.fixture
def depot(schedule):
    return FreightBracket.objects.filter(schedule=schedule).first().depot


@pytest.fixture
def upcoming(schedule, depot):
    """Announced for next week: 1,000 ₫ more per kg in every bracket."""
    later = FeeScheduleFactory(
        name="Biểu phí mới", effective_from=timezone.now() + timedelta(days=7), depots=[depot]
    )
    for b in FreightBracket.objects.filter(schedule=later):
        FreightBracket.objects.filter(pk=b.pk).update(price_per_kg_vnd=b.price_per_kg_vnd + 1_000)
    return later


def _calc(client, **params):
    return client.get(reverse(CALC), params)


def test_pages_work_without_login(client, schedule):
    assert client.get(reverse(FEES)).status_code == 200
    assert client.get(reverse(CALC)).status_code == 200


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff", "ops"])
def test_pages_work_for_every_persona(client_of, request, schedule, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse(FEES)).status_code == 200
    assert client.get(reverse(CALC)).status_code == 200


@pytest.mark.parametrize("name", [FEES, CALC])
def test_wrong_method(client, schedule, name):
    assert client.post(reverse(name)).status_code == 405
    assert client.put(reverse(name)).status_code == 405


def test_no_schedule_published_yet(client, english):
    html = client.get(reverse(FEES)).content.decode()
    assert "No fee schedule has been published yet" in html
    html = _calc(client, depot="1", weight_kg="5").content.decode()
    assert "No fee schedule has been published yet" in html


def test_fee_page_shows_the_version_in_force(client, schedule, depot, english):
    CustomerGroupFactory(code="vip1", name="VIP 1", is_default=False, freight_discount_bp=300)
    html = client.get(reverse(FEES)).content.decode()
    assert schedule.name in html
    assert timezone.localtime(schedule.effective_from).strftime("%d/%m/%Y %H:%M") in html
    assert depot.name in html
    for price in ("24.000\u00a0₫", "23.000\u00a0₫", "22.000\u00a0₫", "21.000\u00a0₫"):
        assert price in html
    assert "up to 10 kg" in html and "above 100 kg" in html
    assert "÷ 6000" in html and "At least 0.5 kg per parcel, rounded up to the next 0.1 kg" in html
    assert "25 CNY" in html and "91.250\u00a0₫" in html  # 25 CNY × 3,650
    assert "5 free days" in html and "2.000\u00a0₫ per kg per day" in html
    assert "VIP 1" in html and "3 %" in html
    assert "New prices announced" not in html


def test_handling_is_beside_freight_not_among_the_extras(client, schedule, english):
    html = client.get(reverse(FEES)).content.decode()
    extras = html[html.index('data-testid="extras"') :]
    extras = extras[: extras.index("</ul>")]
    assert "Handling" not in extras and "Wooden crate" in extras
    handling = html[html.index('data-testid="handling"') :]
    assert handling.index("Handling") < handling.index("</div></div>")
    assert "Per parcel, on every order" in handling and "3.000\u00a0₫ per parcel" in handling
    assert html.index('data-testid="handling"') < html.index('data-testid="weight-rule"')  # freight's column


def test_no_handling_fee_no_handling_line(client, schedule, english):
    type(schedule).objects.filter(pk=schedule.pk).update(handling_per_parcel_vnd=0)
    assert 'data-testid="handling"' not in client.get(reverse(FEES)).content.decode()
    assert 'data-testid="handling-note"' not in _calc(client).content.decode()


def test_the_calculator_says_handling_is_on_every_order(client, schedule, english):
    html = _calc(client).content.decode()
    note = html[html.index('data-testid="handling-note"') :]
    assert "Every order pays the freight and handling (3.000\u00a0₫ per parcel)" in note


def test_an_upcoming_version_is_announced_with_its_table(client, schedule, upcoming, english):
    html = client.get(reverse(FEES)).content.decode()
    assert "New prices announced" in html
    assert timezone.localtime(upcoming.effective_from).strftime("%d/%m/%Y %H:%M") in html
    assert upcoming.name in html and "25.000\u00a0₫" in html  # its first bracket


def test_calculator_prices_like_a_charge(client, schedule, depot, english):
    response = _calc(client, depot=depot.pk, weight_kg="12,345")
    [result] = response.context["results"]
    assert result["total_vnd"] == 285_200 + 3_000  # as billing/tests/test_smoke_core.py's charge
    html = response.content.decode()
    assert "288.200\u00a0₫" in html and schedule.name in html
    assert "12.4 kg chargeable" in html and "bracket 10–30 kg" in html


def test_calculator_accepts_a_dot_too_and_several_parcels(client, schedule, depot):
    response = _calc(
        client, depot=depot.pk, weight_kg="1.5", parcels="3", length_cm="40", width_cm="30", height_cm="30"
    )
    [result] = response.context["results"]
    # 40×30×30 cm ÷ 6000 = 6 kg volumetric per parcel, × 3 = 18 kg in the 10–30 kg bracket.
    assert result["parcel"]["volumetric_g"] == 6_000 and result["chargeable_g"] == 18_000
    assert result["total_vnd"] == 23_000 * 18 + 3 * 3_000


def test_calculator_extras(client, schedule, depot):
    response = _calc(
        client,
        depot=depot.pk,
        weight_kg="2",
        wooden_crate="on",
        bubble_wrap="on",
        insurance="on",
        declared_value_vnd="1.000.000",
        inspection="on",
        items="10",
    )
    lines = {line["code"]: line["amount_vnd"] for line in response.context["results"][0]["lines"]}
    assert lines == {
        "freight": 48_000,
        "crate": 98_550,  # (25 + 2) CNY × 3,650
        "bubble": 41_975,  # (10 + 1.5) CNY × 3,650
        "insurance": 50_000,  # 5 % of 1,000,000
        "inspection": 10_000,
        "handling": 3_000,
    }


def test_calculator_shows_the_upcoming_price_too(client, schedule, upcoming, depot, english):
    response = _calc(client, depot=depot.pk, weight_kg="5")
    now, later = response.context["results"]
    assert (now["total_vnd"], later["total_vnd"]) == (123_000, 128_000)
    assert later["difference_vnd"] == 5_000
    assert "5.000\u00a0₫ more than today" in response.content.decode()


def test_a_signed_in_customer_gets_their_groups_discount(client_of, customer, ops, schedule, depot):
    vip = CustomerGroupFactory(code="vip2", name="VIP 2", is_default=False, freight_discount_bp=500)
    wallet = wallet_get(customer)
    wallet.group = vip
    wallet.save()
    response = _calc(client_of(customer), depot=depot.pk, weight_kg="10")
    freight = response.context["results"][0]["lines"][0]
    assert freight["amount_vnd"] == 228_000 and freight["inputs"]["discount_bp"] == 500


def test_anonymous_gets_the_default_groups_discount(client, schedule, depot):
    CustomerGroup.objects.filter(is_default=True).update(freight_discount_bp=100)
    freight = _calc(client, depot=depot.pk, weight_kg="10").context["results"][0]["lines"][0]
    assert freight["amount_vnd"] == 237_600


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"weight_kg": "-5"}, "weight_kg"),
        ({"weight_kg": "0"}, "weight_kg"),
        ({"weight_kg": "100000"}, "weight_kg"),
        ({"weight_kg": "năm"}, "weight_kg"),
        ({"weight_kg": "1e5"}, "weight_kg"),
        ({"weight_kg": ""}, "weight_kg"),
        ({"weight_kg": "5", "depot": "999999"}, "depot"),
        ({"weight_kg": "5", "depot": "HN"}, "depot"),
        ({"weight_kg": "5", "length_cm": "40"}, "width_cm"),
        ({"weight_kg": "5", "length_cm": "-40", "width_cm": "1", "height_cm": "1"}, "length_cm"),
        ({"weight_kg": "5", "parcels": "0"}, "parcels"),
        ({"weight_kg": "5", "parcels": "abc"}, "parcels"),
        ({"weight_kg": "5", "insurance": "on"}, "declared_value_vnd"),
        ({"weight_kg": "5", "insurance": "on", "declared_value_vnd": "-1"}, "declared_value_vnd"),
        ({"weight_kg": "5", "inspection": "on"}, "items"),
    ],
)
def test_bad_input_names_the_field(client, schedule, depot, params, field):
    params = {"depot": str(depot.pk), **params}
    response = _calc(client, **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["results"] == []
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_a_depot_without_freight_prices_is_named(client, schedule, english):
    other = VietnamDepotFactory(code="DN", name="Kho Đà Nẵng")
    response = _calc(client, depot=other.pk, weight_kg="5")
    assert "no freight price to this depot" in response.context["form"].errors["depot"][0]


def test_crate_without_an_exchange_rate_is_named(client, depot, english):
    from billing.models import ExchangeRate

    ExchangeRate.objects.all().delete()
    response = _calc(client, depot=depot.pk, weight_kg="5", wooden_crate="on")
    assert "No CNY exchange rate" in response.context["form"].errors["wooden_crate"][0]


def test_htmx_gets_only_the_calculator(client, schedule, depot):
    response = client.get(
        reverse(CALC), {"depot": depot.pk, "weight_kg": "5"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="calculator"') and "<nav" not in html
    assert "123.000\u00a0₫" in html


def test_the_form_works_without_javascript(client, schedule, depot):
    html = _calc(client, depot=depot.pk, weight_kg="5").content.decode()
    assert f'action="{reverse(CALC)}"' in html and 'method="get"' in html and "<nav" in html
