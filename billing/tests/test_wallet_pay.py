"""The pay page: unpaid orders all ticked, the running total, paying in one action, refusals that charge
nothing; and the Pay button of an order's page."""

import pytest
from django.urls import reverse

from billing.models import Charge, EntryKind, WalletEntry
from billing.selectors import balance_of, wallets_out_of_balance
from billing.services.wallet import wallet_top_up
from billing.tests.factories import awaiting_order
from consignments.tests.factories import ConsignmentFactory
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db

URL = reverse("billing:pay")
COST_2KG = 2 * 24_000 + 3_000  # freight at 24,000 ₫/kg + handling of one parcel


def nothing_charged(customer, balance):
    assert balance_of(customer) == balance
    assert not WalletEntry.objects.filter(kind=EntryKind.PAYMENT).exists()
    assert not Charge.objects.filter(paid_at__isnull=False).exists()


def test_page_lists_unpaid_orders_all_ticked(client_of, english, schedule, customer, other_customer):
    mine = [awaiting_order(customer, 2_000), awaiting_order(customer, 3_000)]
    awaiting_order(other_customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=100_000, key="bank:1")
    response = client_of(customer).get(URL)
    html = response.content.decode()
    assert [o.pk for o in response.context["orders"]] == [o.pk for o in mine]
    assert response.context["selected"] == {o.pk for o in mine}
    assert html.count('name="orders"') == 2 and html.count(" checked") >= 2
    total = COST_2KG + 3 * 24_000 + 3_000
    assert response.context["total"] == total
    assert 'data-testid="pay-total">126.000\u00a0₫<' in html
    assert 'data-testid="pay-balance">100.000\u00a0₫<' in html
    assert 'data-testid="pay-missing"' in html and "26.000\u00a0₫" in html


def test_running_total_follows_the_ticks(client_of, schedule, customer):
    first, second = awaiting_order(customer, 2_000), awaiting_order(customer, 3_000)
    client = client_of(customer)
    response = client.get(URL, {"summary": "1", "orders": [second.pk]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pay-summary"') and "<html" not in html
    assert 'data-testid="pay-total">75.000\u00a0₫<' in html and 'data-testid="pay-count">1<' in html
    html = client.get(URL, {"summary": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="pay-total">0\u00a0₫<' in html and 'data-testid="pay-count">0<' in html
    html = client.get(
        URL, {"summary": "1", "orders": [first.pk, second.pk]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="pay-total">126.000\u00a0₫<' in html


def test_pays_the_ticked_orders_in_one_action(client_of, english, schedule, customer):
    first, second, third = (awaiting_order(customer, 2_000) for _ in range(3))
    wallet_top_up(customer=customer, amount_vnd=200_000, key="bank:1")
    response = client_of(customer).post(URL, {"orders": [first.pk, third.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:wallet")
    assert "2 orders paid" in response.content.decode()
    assert balance_of(customer) == 200_000 - 2 * COST_2KG
    paid = set(Charge.objects.filter(paid_at__isnull=False).values_list("consignment_id", flat=True))
    assert paid == {first.pk, third.pk}
    assert (
        set(WalletEntry.objects.filter(kind=EntryKind.PAYMENT).values_list("consignment_id", flat=True))
        == paid
    )
    assert [e.consignment_id for e in response.context["entries"]][:2] == [third.pk, first.pk]
    assert not wallets_out_of_balance().exists()


def test_not_enough_money_says_how_much_and_charges_nothing(client_of, english, schedule, customer):
    order = awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=50_000, key="bank:1")
    response = client_of(customer).post(URL, {"orders": [order.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="pay-error"' in html
    assert "1.000\u00a0₫ more is needed" in html and "Nothing was charged." in html
    nothing_charged(customer, 50_000)


def test_refuses_anothers_order(client_of, english, schedule, customer, other_customer):
    theirs = awaiting_order(other_customer, 2_000)
    mine = awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="bank:1")
    html = client_of(customer).post(URL, {"orders": [mine.pk, theirs.pk]}).content.decode()
    assert "not yours" in html
    nothing_charged(customer, 500_000)


def test_refuses_an_order_not_priced(client_of, english, schedule, customer, cn_staff):
    in_china = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=in_china.parcels.get(), weight_g=2_000, by=cn_staff)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="bank:1")
    html = client_of(customer).post(URL, {"orders": [in_china.pk]}).content.decode()
    assert "is not awaiting delivery" in html
    nothing_charged(customer, 500_000)


def test_refuses_an_order_already_paid(client_of, english, schedule, customer):
    order = awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="bank:1")
    client = client_of(customer)
    client.post(URL, {"orders": [order.pk]})
    html = client.post(URL, {"orders": [order.pk]}).content.decode()
    assert "is already paid" in html
    assert balance_of(customer) == 500_000 - COST_2KG
    assert WalletEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


@pytest.mark.parametrize("orders", [[], ["abc"], ["-1"]])
def test_bad_selection_is_refused(client_of, english, schedule, customer, orders):
    awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="bank:1")
    html = client_of(customer).post(URL, {"orders": orders}).content.decode()
    assert "Choose the orders to pay." in html
    nothing_charged(customer, 500_000)


def test_pay_button_of_an_order_goes_back_to_it(client_of, english, schedule, customer):
    order = awaiting_order(customer, 2_000)
    client = client_of(customer)
    detail = reverse("consignments:detail", args=[order.code])
    response = client.post(URL, {"orders": [order.pk], "next": detail}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "more is needed" in response.content.decode()  # the message, on the order's page
    nothing_charged(customer, 0)
    wallet_top_up(customer=customer, amount_vnd=COST_2KG, key="bank:1")
    response = client.post(URL, {"orders": [order.pk], "next": detail}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    html = response.content.decode()
    assert 'data-testid="paid-state"' in html and 'data-testid="pay-order"' not in html
    assert balance_of(customer) == 0


def test_next_must_be_this_site(client_of, schedule, customer):
    order = awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=COST_2KG, key="bank:1")
    response = client_of(customer).post(URL, {"orders": [order.pk], "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("billing:wallet")


def test_nothing_to_pay(client_of, english, customer):
    html = client_of(customer).get(URL).content.decode()
    assert 'data-testid="pay-nothing"' in html


def test_pay_wrong_persona_and_method(client, client_of, schedule, customer, vn_staff, ops):
    order = awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="bank:1")
    assert client.get(URL).status_code == 302
    assert client_of(vn_staff).post(URL, {"orders": [order.pk]}).status_code == 403
    assert client_of(ops).post(URL, {"orders": [order.pk]}).status_code == 403
    assert client_of(customer).put(URL).status_code == 405
    assert client_of(customer).delete(URL).status_code == 405
    nothing_charged(customer, 500_000)
