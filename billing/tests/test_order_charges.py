"""The charges card on the customer's order page, and the extras form that re-prices the order."""

import pytest
from django.urls import reverse

from billing.models import Charge, ChargeStage, OrderExtras
from billing.templatetags.billing_tags import line_details, percent_bp, vnd, vnd_signed
from billing.tests.factories import awaiting_order
from consignments.models import ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from warehouse.models import ParcelPhoto
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db


def page(client, order):
    return client.get(reverse("consignments:detail", args=[order.code]))


def extras_url(order):
    return reverse("billing:order_extras", args=[order.code])


def test_vnd_filters():
    assert vnd(1_234_000) == "1.234.000\u00a0₫"
    assert vnd(0) == "0\u00a0₫"
    assert vnd(-5_000) == "−5.000\u00a0₫"
    assert vnd(None) == "—"
    assert vnd_signed(200_000) == "+200.000\u00a0₫" and vnd_signed(-51_000) == "−51.000\u00a0₫"
    assert [percent_bp(bp) for bp in (0, 500, 1000, 250)] == ["0 %", "5 %", "10 %", "2.5 %"]


def test_estimate_shows_every_input_and_the_photos(client_of, english, schedule, customer, cn_staff):
    order = ConsignmentFactory(customer=customer, pieces=2)
    first, second = order.parcels.order_by("piece_number")
    parcel_measure(parcel=first, weight_g=3_000, by=cn_staff, length_mm=600, width_mm=400, height_mm=400)
    parcel_measure(parcel=second, weight_g=1_230, by=cn_staff)
    photo = ParcelPhoto.objects.create(parcel=first, image="parcels/2025/01/a.jpg", uploaded_by=cn_staff)
    html = page(client_of(customer), order).content.decode()
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert charge.stage == ChargeStage.ESTIMATE
    assert 'data-testid="charge-stage">Estimate<' in html
    assert vnd(charge.total_vnd) in html
    # Per parcel: actual weight, dimensions in cm, volumetric weight, chargeable weight.
    assert "60 × 40 × 40" in html
    assert "16 kg" in html  # 600×400×400 mm³ / 6000 = 16,000 g volumetric → chargeable
    assert "1.23 kg" in html and "1.3 kg" in html  # rounded up to the 0.1 kg step
    assert "÷ 6000" in html or "6000" in html  # the divisor
    # The bracket and price per kg (17.3 kg → 10–30 kg at 23,000 ₫), the schedule version, the rate.
    assert "17.3 kg chargeable × 23.000\u00a0₫ per kg (bracket 10–30 kg)" in html
    assert charge.schedule.name in html
    assert "1 CNY = 3.650\u00a0₫" in html
    assert photo.get_absolute_url() in html and photo.get_thumbnail_url() in html
    assert 'data-testid="extras-form"' in html  # still in China: extras can be chosen
    assert 'data-testid="pay-order"' not in html


@pytest.mark.parametrize(
    "setup, words",
    [
        ("unweighed", "has not been weighed"),
        ("no_schedule", "no fee schedule has been published"),
    ],
)
def test_not_priced_says_why(client_of, english, customer, cn_staff, setup, words):
    order = ConsignmentFactory(customer=customer)
    if setup == "no_schedule":
        parcel_measure(parcel=order.parcels.get(), weight_g=2_000, by=cn_staff)
    html = page(client_of(customer), order).content.decode()
    assert 'data-testid="not-priced"' in html and words in html
    assert not Charge.objects.exists()


def test_final_unpaid_then_history(client_of, english, schedule, customer):
    order = awaiting_order(customer, 2_000)
    html = page(client_of(customer), order).content.decode()
    assert 'data-testid="charge-stage">Final<' in html
    assert 'data-testid="charge-unpaid"' in html
    assert 'data-testid="pay-order"' in html  # a Pay button for this one order
    assert 'data-testid="charge-history"' in html  # the estimate, priced when weighed
    assert "weighed" in html
    assert 'data-testid="extras-form"' not in html  # it left China


def test_line_details_name_their_inputs():
    [text] = line_details(
        {
            "code": "crate",
            "inputs": {
                "first_kg_fen": 2500,
                "extra_kg": 2,
                "extra_kg_fen": 200,
                "total_fen": 2900,
                "vnd_per_cny": "3650.00",
            },
        }
    )
    assert "25 CNY" in text and "2 × 2 CNY" in text and "29 CNY" in text and "3.650\u00a0₫" in text
    [text] = line_details(
        {
            "code": "storage",
            "inputs": {
                "days": 8,
                "free_days": 5,
                "billable_days": 3,
                "chargeable_g": 2000,
                "per_kg_day_vnd": 2000,
            },
        }
    )
    assert "3 days × 2 kg × 2.000\u00a0₫" in text
    freight = line_details(
        {
            "code": "freight",
            "inputs": {
                "chargeable_g": 120_000,
                "bracket_from_g": 100_000,
                "bracket_to_g": None,
                "price_per_kg_vnd": 21_000,
                "discount_bp": 500,
                "before_discount_vnd": 2_520_000,
            },
        }
    )
    assert "above 100 kg" in freight[0] and "5 %" in freight[1] and "2.520.000\u00a0₫" in freight[1]


def test_extras_reprice_the_order(client_of, english, schedule, customer, cn_staff):
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=2_000, by=cn_staff)
    before = Charge.objects.get(consignment=order, is_current=True)
    client = client_of(customer)
    response = client.post(
        extras_url(order),
        {"wooden_crate": "on", "insurance": "on", "declared_value_vnd": "1000000"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("consignments:detail", args=[order.code])
    after = Charge.objects.get(consignment=order, is_current=True)
    codes = [line["code"] for line in after.lines]
    assert "crate" in codes and "insurance" in codes
    # crate: 25 CNY + 1 further kg × 2 CNY = 27 CNY × 3,650; insurance: max(20,000, 5 % of 1,000,000)
    assert after.total_vnd == before.total_vnd + 27 * 3650 + 50_000
    assert vnd(after.total_vnd) in response.content.decode()
    extras = OrderExtras.objects.get(consignment=order)
    assert extras.wooden_crate and extras.insurance and extras.declared_value_vnd == 1_000_000
    assert not extras.bubble_wrap and extras.updated_by == customer
    html = response.content.decode()
    assert 'name="wooden_crate" class="form-check-input"' in html and "checked" in html


def test_extras_bad_value_changes_nothing(client_of, english, schedule, customer, cn_staff):
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=2_000, by=cn_staff)
    response = client_of(customer).post(
        extras_url(order), {"insurance": "on", "declared_value_vnd": "-5"}, follow=True
    )
    assert response.status_code == 200 and "Cannot be negative." in response.content.decode()
    assert not OrderExtras.objects.exists()
    assert Charge.objects.filter(consignment=order).count() == 1


def test_extras_refused_once_the_order_left_china(client_of, english, schedule, customer):
    order = awaiting_order(customer, 2_000)
    response = client_of(customer).post(extras_url(order), {"wooden_crate": "on"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert not OrderExtras.objects.exists()


def test_extras_of_another_customers_order_is_404(client_of, schedule, customer, other_customer):
    order = ConsignmentFactory(customer=other_customer)
    response = client_of(customer).post(extras_url(order), {"wooden_crate": "on"})
    assert response.status_code == 404
    assert not OrderExtras.objects.exists()


def test_extras_wrong_persona_and_method(client, client_of, customer, vn_staff, ops):
    order = ConsignmentFactory(customer=customer)
    url = extras_url(order)
    assert client.post(url).status_code == 302  # anonymous: to the login page
    assert client_of(vn_staff).post(url).status_code == 403
    assert client_of(ops).post(url).status_code == 403
    assert client_of(customer).get(url).status_code == 405
    assert order.status == ConsignmentStatus.CN_RECEIVED and not OrderExtras.objects.exists()
