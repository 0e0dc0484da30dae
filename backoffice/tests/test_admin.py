"""The Django admin: superusers only, titles translated, every changelist and view page opens, no page
creates an order, a parcel, a charge, a ledger row or a notification, JSON is shown indented."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import OperationsFactory
from consignments.models import ConsignmentEvent
from consignments.tests.factories import ConsignmentFactory


@pytest.fixture
def superuser(db):
    return OperationsFactory(username="sieuquan", is_staff=True, is_superuser=True)


def test_ops_without_superuser_do_not_get_in(client, db):
    ops = OperationsFactory(username="vanhanh3", is_staff=True, is_superuser=False)
    client.force_login(ops)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403  # our page, not Django's login form again
    assert reverse("admin:index") not in client.get(reverse("backoffice:dashboard")).content.decode()


def test_titles_are_ours_and_translatable(client, superuser, english):
    from django.utils.functional import Promise

    assert all(
        isinstance(t, Promise)
        for t in (admin.site.site_header, admin.site.site_title, admin.site.index_title)
    )
    client.force_login(superuser)
    assert "Consignment administration" in client.get(reverse("admin:index")).content.decode()


def _our_models():
    return [m for m in admin.site._registry if m._meta.app_label not in {"auth", "axes", "sessions"}]


def test_every_changelist_opens(client, superuser, customer):
    ConsignmentFactory(customer=customer)
    client.force_login(superuser)
    for model in _our_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "name",
    [
        "consignments_consignment_add",
        "warehouse_parcel_add",
        "billing_charge_add",
        "billing_walletentry_add",
        "notifications_notification_add",
        "tracking_trackingnumber_add",
        "backoffice_auditentry_add",
    ],
)
def test_no_add_page(client, superuser, name):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{name}")).status_code == 403


def test_json_is_indented(client, superuser, customer):
    order = ConsignmentFactory(customer=customer)
    ConsignmentEvent.objects.create(
        consignment=order, new_status=order.status, kind="measured", data={"weight_g": 1200, "previous": None}
    )
    client.force_login(superuser)
    html = client.get(reverse("admin:consignments_consignment_change", args=[order.pk])).content.decode()
    assert "<pre" in html
    assert "&quot;weight_g&quot;: 1200" in html
    assert "{&#x27;weight_g&#x27;" not in html  # not Python's repr


def test_a_charge_is_read_only_and_its_lines_indented(client, superuser, customer):
    from billing.models import Charge
    from billing.tests.factories import (
        CustomerGroupFactory,
        ExchangeRateFactory,
        FeeScheduleFactory,
        awaiting_order,
    )

    CustomerGroupFactory()
    ExchangeRateFactory()
    FeeScheduleFactory()
    charge = Charge.objects.get(consignment=awaiting_order(customer), is_current=True)
    client.force_login(superuser)
    html = client.get(reverse("admin:billing_charge_change", args=[charge.pk])).content.decode()
    assert "<pre" in html and "&quot;amount_vnd&quot;" in html
    assert 'name="total_vnd"' not in html  # no input: read-only
