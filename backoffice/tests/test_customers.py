"""Finding a customer from one field, their page, and putting them in a group (audited)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from backoffice.models import AuditEntry, AuditKind
from billing.models import Wallet
from billing.services.wallet import wallet_top_up
from billing.tests.factories import CustomerGroupFactory
from consignments.tests.factories import ConsignmentFactory
from tracking.tests.factories import TrackingNumberFactory

FIND = "/staff/ops/customers/"


@pytest.fixture
def lan(db):
    return CustomerFactory(
        username="lantran", customer_code="LT482", phone="0987 654 321", email="lan.tran@example.vn"
    )


@pytest.mark.parametrize(
    "q", ["LT482", "lt482", "lantran", "LANTRAN", "0987654321", "0987.654.321", "+84987654321", "lan.tran@"]
)
def test_one_field_finds_the_customer(client_of, ops, lan, customer, q):
    response = client_of(ops).get(FIND, {"q": q})
    assert response.status_code == 302
    assert response.url == reverse("backoffice:customer", args=[lan.pk])


def test_a_phone_on_an_address_finds_its_customer(client_of, ops, customer):
    phone = customer.addresses.get().phone
    response = client_of(ops).get(FIND, {"q": phone})
    assert response.url == reverse("backoffice:customer", args=[customer.pk])


def test_several_matches_are_listed_and_staff_are_not(client_of, ops, cn_staff, english):
    CustomerFactory(username="khotqa1", customer_code="AA111")
    CustomerFactory(username="khotqa2", customer_code="AA112")
    html = client_of(ops).get(FIND, {"q": "khotq"}).content.decode()
    assert html.count('data-testid="customer-match"') == 2


def test_nothing_found(client_of, ops, english, db):
    html = client_of(ops).get(FIND, {"q": "ZZ999"}).content.decode()
    assert "No customer has this code" in html


def test_the_page_shows_addresses_registrations_orders_wallet(client_of, ops, customer, english):
    TrackingNumberFactory(customer=customer, code="SF1234567890")
    order = ConsignmentFactory(customer=customer)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="t:1", reason="test")
    html = client_of(ops).get(reverse("backoffice:customer", args=[customer.pk])).content.decode()
    assert "SF1234567890" in html
    assert order.code in html
    assert "500.000" in html
    assert customer.addresses.get().recipient_name in html


def test_the_page_costs_a_bounded_number_of_queries(client_of, ops, customer, django_assert_max_num_queries):
    for _i in range(5):
        ConsignmentFactory(customer=customer)
        TrackingNumberFactory(customer=customer)
    client = client_of(ops)
    url = reverse("backoffice:customer", args=[customer.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_setting_the_group_is_audited(client_of, ops, customer):
    CustomerGroupFactory()
    vip = CustomerGroupFactory(code="vip1", name="VIP 1", is_default=False, freight_discount_bp=500)
    client = client_of(ops)
    url = reverse("backoffice:customer_group", args=[customer.pk])
    assert client.post(url, {"group": vip.pk}).status_code == 302
    assert Wallet.objects.get(customer=customer).group == vip
    client.post(url, {"group": vip.pk})  # the same group again: nothing to record
    client.post(url, {"group": ""})  # back to the default group
    rows = list(AuditEntry.objects.filter(kind=AuditKind.CUSTOMER_GROUP).order_by("id"))
    assert [r.data["group"] for r in rows] == [{"old": "", "new": "vip1"}, {"old": "vip1", "new": ""}]
    assert all(r.by == ops and r.user == customer for r in rows)


def test_a_group_that_does_not_exist_changes_nothing(client_of, ops, customer):
    client_of(ops).post(reverse("backoffice:customer_group", args=[customer.pk]), {"group": "999"})
    assert not AuditEntry.objects.exists()


def test_the_order_page_shows_parcels_history_and_charges(
    client_of, ops, customer, english, django_assert_max_num_queries
):
    from billing.tests.factories import (
        CustomerGroupFactory,
        ExchangeRateFactory,
        FeeScheduleFactory,
        awaiting_order,
    )

    CustomerGroupFactory()
    ExchangeRateFactory()
    FeeScheduleFactory()
    order = awaiting_order(customer, weight_g=2_500, pieces=2)
    client = client_of(ops)
    url = reverse("backoffice:order", args=[order.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        html = client.get(url).content.decode()
    assert html.count('data-testid="parcel"') == 2
    assert "2.5 kg" in html
    assert html.count('data-testid="event"') >= 3  # arrived, measured, in transit, awaiting
    assert 'data-testid="charge"' in html


def test_names_without_accents_are_folded_as_postgresql_does():
    from backoffice.selectors.customers import without_accents

    assert without_accents("Nguyễn Đình Bình") == "Nguyen Dinh Binh"
    assert without_accents("thủy") == "thuy"


@pytest.mark.postgres
def test_a_name_typed_without_accents_finds_the_customer(db):
    from django.db import connection

    from backoffice.selectors.customers import customers_search
    from conftest import need

    need(connection.vendor == "postgresql", "the unaccent extension is PostgreSQL's")
    binh = CustomerFactory(username="binhnguyen", first_name="Bình", last_name="Nguyễn Đức")
    CustomerFactory(username="lanpham", first_name="Lan", last_name="Phạm")
    for typed in ("binh", "BINH", "Bình", "nguyen duc", "Nguyễn", "binh nguyen duc", "duc"):
        assert list(customers_search(typed)) == [binh], typed
