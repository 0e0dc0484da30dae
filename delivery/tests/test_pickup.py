"""Pickup codes: issued per customer and depot, random, unique at a depot, renewed once expired; the
customer's "Pick up at the depot" page; and what the counter reads from a scan or a search."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from delivery.models import PickupCode
from delivery.services import pickup as pickup_service
from delivery.services.pickup import counter_find, pickup_code_for

pytestmark = pytest.mark.django_db

URL = reverse("delivery:pickup")


# --- codes -----------------------------------------------------------------------------------------------


def test_a_code_is_kept_while_valid_and_renewed_once_expired(customer, hn, settings):
    settings.PICKUP_CODE_DAYS = 3
    first = pickup_code_for(customer=customer, depot=hn)
    assert len(first.code) == 6 and first.code.isdigit()
    assert first.expires_at - first.created_at == pytest.approx(timedelta(days=3), abs=timedelta(seconds=5))
    assert pickup_code_for(customer=customer, depot=hn).pk == first.pk
    later = timezone.now() + timedelta(days=3, minutes=1)
    renewed = pickup_code_for(customer=customer, depot=hn, now=later)
    assert renewed.pk != first.pk
    first.refresh_from_db()
    assert first.retired_at is not None
    assert PickupCode.objects.filter(customer=customer, depot=hn, retired_at__isnull=True).get() == renewed


def test_one_code_per_depot(customer, hn, hcm):
    assert pickup_code_for(customer=customer, depot=hn).pk != pickup_code_for(customer=customer, depot=hcm).pk


def test_digits_taken_at_the_depot_are_drawn_again(customer, other_customer, hn):
    with mock.patch.object(pickup_service.secrets, "randbelow", side_effect=[123456, 123456, 654321]):
        mine = pickup_code_for(customer=customer, depot=hn)
        theirs = pickup_code_for(customer=other_customer, depot=hn)
    assert (mine.code, theirs.code) == ("123456", "654321")


def test_the_same_digits_may_be_current_at_two_depots(customer, other_customer, hn, hcm):
    with mock.patch.object(pickup_service.secrets, "randbelow", return_value=111111):
        assert pickup_code_for(customer=customer, depot=hn).code == "111111"
        assert pickup_code_for(customer=other_customer, depot=hcm).code == "111111"


def test_codes_are_not_sequential(customer, hn, hcm):
    from accounts.tests.factories import CustomerFactory

    codes = [pickup_code_for(customer=CustomerFactory(), depot=hn).code for _ in range(20)]
    assert len(set(codes)) == 20
    steps = {int(b) - int(a) for a, b in zip(codes, codes[1:], strict=False)}
    assert len(steps) > 1


# --- the customer's page ---------------------------------------------------------------------------------


def test_page_lists_orders_per_depot_with_code_dues_and_pay_button(
    client_of, english, customer, other_customer, at_depot, hn, hcm, hcm_staff
):
    hn.opening_hours = "8:00–18:00, T2–T7"
    hn.save(update_fields=["opening_hours"])
    unpaid = at_depot(customer)
    paid = at_depot(customer, paid=True)
    far = at_depot(customer, staff=hcm_staff)
    theirs = at_depot(other_customer)
    response = client_of(customer).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    depots = response.context["depots"]
    assert [d["depot"] for d in depots] == [hn, hcm]
    assert {o.pk for o in depots[0]["orders"]} == {unpaid.pk, paid.pk}
    assert [o.pk for o in depots[1]["orders"]] == [far.pk]
    assert theirs.code not in html
    assert html.count('data-testid="pickup-code"') == 2 and html.count("<svg") >= 2
    for d in depots:
        assert d["code"].code in html
    assert hn.address in html and hn.phone in html and hcm.address in html and "8:00–18:00, T2–T7" in html
    assert 'data-testid="pickup-paid"' in html and "51.000\u00a0₫" in html
    pay = depots[0]["unpaid"]
    assert [o.pk for o in pay] == [unpaid.pk] and depots[0]["unpaid_total"] == 51_000
    assert f'name="orders" value="{unpaid.pk}"' in html and reverse("billing:pay") in html
    assert f'name="next" value="{URL}"' in html


def test_paying_from_the_page_comes_back_to_it(client_of, customer, at_depot):
    from billing.services.wallet import wallet_top_up

    order = at_depot(customer)
    wallet_top_up(customer=customer, amount_vnd=100_000, key="bank:1")
    response = client_of(customer).post(
        reverse("billing:pay"), {"orders": [order.pk], "expected_total": 51_000, "next": URL}
    )
    assert response.status_code == 302 and response.url == URL


def test_nothing_awaiting(client_of, english, customer):
    response = client_of(customer).get(URL)
    assert 'data-testid="pickup-nothing"' in response.content.decode()
    assert not PickupCode.objects.exists()


def test_an_expired_code_is_renewed_when_the_page_is_opened(client_of, customer, at_depot, hn):
    at_depot(customer)
    old = pickup_code_for(customer=customer, depot=hn)
    PickupCode.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client_of(customer).get(URL)
    code = response.context["depots"][0]["code"]
    assert code.pk != old.pk and code.expires_at > timezone.now()


@pytest.mark.parametrize("persona", ["vn_staff", "cn_staff", "ops"])
def test_staff_cannot_open_the_customers_page(request, client_of, persona):
    assert client_of(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_post_is_not_allowed(client_of, customer):
    assert client_of(customer).post(URL).status_code == 405


# --- what the counter reads ------------------------------------------------------------------------------


def test_counter_reads_the_qr_and_the_digits(customer, hn):
    code = pickup_code_for(customer=customer, depot=hn)
    for raw in (
        code.qr_payload,
        f"]Q1{code.qr_payload}\r\n",
        code.code,
        f" {code.code[:3]} {code.code[3:]} ",
    ):
        found = counter_find(raw=raw, depot=hn)
        assert found.customer == customer and found.pickup_code == code


def _refusal(raw, depot) -> str:
    with pytest.raises(DomainError) as caught:
        counter_find(raw=raw, depot=depot)
    return caught.value.code


def test_counter_refuses_a_code_of_another_depot(customer, hn, hcm):
    code = pickup_code_for(customer=customer, depot=hcm)
    assert _refusal(code.qr_payload, hn) == "other_depot"
    assert _refusal(code.code, hn) == "other_depot"


def test_counter_refuses_an_expired_code(customer, hn):
    code = pickup_code_for(customer=customer, depot=hn)
    PickupCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _refusal(code.code, hn) == "expired"
    with mock.patch.object(pickup_service.secrets, "randbelow", return_value=int(code.code) ^ 1):
        renewed = pickup_code_for(customer=customer, depot=hn)
    assert _refusal(code.code, hn) == "expired"  # a replaced code, too
    assert counter_find(raw=renewed.code, depot=hn).customer == customer


def test_counter_refuses_unknown_and_huge_input(customer, hn):
    pickup_code_for(customer=customer, depot=hn)
    taken = set(PickupCode.objects.values_list("code", flat=True))
    unknown = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in taken)
    assert _refusal(unknown, hn) == "unknown"
    assert _refusal("PICKUP:ZZ:123456", hn) == "unknown"
    assert _refusal("x" * 10_240, hn) == "too_long"
    assert _refusal("", hn) == "empty"
    assert _refusal("nobody-here", hn) == "unknown"


def test_counter_finds_customers_by_code_username_phone_and_order(customer, other_customer, hn, at_depot):
    customer.phone = "0987654321"
    customer.save()
    order = at_depot(customer)
    for raw in ("yw532", "THUBIN89X", "0987 654 321", "+84987654321", order.code, f"{order.code}-2"):
        assert counter_find(raw=raw, depot=hn).customer == customer, raw


def test_a_shared_phone_lists_the_customers(customer, other_customer, hn):
    for user in (customer, other_customer):
        user.phone = "0912000111"
        user.save()
    found = counter_find(raw="0912000111", depot=hn)
    assert found.customer is None and set(found.candidates) == {customer, other_customer}


def test_an_order_awaiting_at_another_depot_is_refused(customer, at_depot, hcm_staff, hn):
    order = at_depot(customer, staff=hcm_staff)
    assert _refusal(order.code, hn) == "other_depot"
