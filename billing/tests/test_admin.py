"""Nobody changes a weight, a size or a charge from the Django admin: only through the services."""

import pytest
from django.urls import reverse

from accounts.tests.factories import OperationsFactory
from billing.models import Charge
from billing.services.wallet import wallet_top_up
from consignments.tests.factories import ConsignmentFactory
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return OperationsFactory(username="sieuquan", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "url",
    [
        "admin:consignments_consignment_add",
        "admin:warehouse_parcel_add",
        "admin:billing_charge_add",
        "admin:billing_walletentry_add",
        "admin:billing_wallet_add",
        "admin:billing_feeschedule_add",
        "admin:billing_banktransfer_add",
    ],
)
def test_no_add_page(client, superuser, url):
    client.force_login(superuser)
    assert client.get(reverse(url)).status_code == 403


def test_measurements_and_charges_are_read_only_in_the_admin(client, superuser, schedule, customer, cn_staff):
    order = ConsignmentFactory(customer=customer)
    parcel = order.parcels.get()
    parcel_measure(parcel=parcel, weight_g=2_000, by=cn_staff, length_mm=300, width_mm=200, height_mm=100)
    charge = Charge.objects.get(consignment=order)
    client.force_login(superuser)

    page = client.get(reverse("admin:warehouse_parcel_change", args=[parcel.pk])).content.decode()
    for field in ("weight_g", "length_mm", "width_mm", "height_mm", "chargeable_weight_g"):
        assert f'name="{field}"' not in page
    page = client.get(reverse("admin:consignments_consignment_change", args=[order.pk])).content.decode()
    for field in ("weight_g", "chargeable_weight_g", "status", "goods_unit_value_fen"):
        assert f'name="{field}"' not in page
    assert (
        'name="total_vnd"'
        not in client.get(reverse("admin:billing_charge_change", args=[charge.pk])).content.decode()
    )
    # A forged POST changes nothing either.
    client.post(reverse("admin:billing_charge_change", args=[charge.pk]), {"total_vnd": 1})
    client.post(reverse("admin:warehouse_parcel_change", args=[parcel.pk]), {"weight_g": 1})
    charge.refresh_from_db()
    parcel.refresh_from_db()
    assert charge.total_vnd > 1 and parcel.weight_g == 2_000


def test_ledger_entries_cannot_be_deleted_from_the_admin(client, superuser, customer):
    entry, _ = wallet_top_up(customer=customer, amount_vnd=50_000, key="t:admin")
    client.force_login(superuser)
    assert client.get(reverse("admin:billing_walletentry_delete", args=[entry.pk])).status_code == 403
