"""Rough edges of the stations: a conflicted scan names the customers who registered the code (and gives
the parcel to one in a tap); Vietnam depot staff see the photos of the orders at their depot."""

import re

import pytest
from django.urls import reverse

from consignments.models import Consignment, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from tracking.tests.factories import TrackingNumberFactory
from warehouse.tests.factories import VietnamDepotFactory
from warehouse.tests.test_views import png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SCAN = "/staff/cn/scan/"
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_conflicted_scan_names_the_customers_who_registered_it(
    client_of, customer, other_customer, cn_staff, htmx
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    TrackingNumberFactory(customer=other_customer, code="SF123456789012")
    TrackingNumberFactory(code="SF999999999999")  # another code's registration is not named

    response = client_of(cn_staff).post(SCAN, {"code": "SF123456789012"}, headers=HTMX if htmx else {})

    claimants = re.search(r'data-testid="scan-claimants">(.*?)</div>\s*</div>', response.text, re.S).group(1)
    assert re.findall(r'<span class="fs-3 fw-bold">(\w+)</span>', claimants) == ["KM748", "YW532"]
    assert claimants.count('data-testid="scan-claimant"') == 2


def test_a_tap_on_the_code_the_label_shows_gives_the_parcel_to_that_customer(
    client_of, customer, other_customer, cn_staff
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    TrackingNumberFactory(customer=other_customer, code="SF123456789012")
    client = client_of(cn_staff)
    text = client.post(SCAN, {"code": "SF123456789012"}, headers=HTMX).text
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-testid="scan-claimant">(.*?)</form>', text, re.S
    )
    action, body = form.group(1), form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
    assert fields["customer"] == str(other_customer.pk)  # KM748 comes first

    response = client.post(action, fields, headers=HTMX)

    assert response.status_code == 200
    order = Consignment.objects.get()
    assert order.customer == other_customer
    assert order.events.filter(note="Customer code on the label: KM748").exists()  # why, on its history


# --- photos for the depot ---------------------------------------------------------------------------------


@pytest.fixture
def depot_photo(customer, cn_staff, vn_staff):
    from warehouse.services import parcel_add_photos

    order = ConsignmentFactory(customer=customer, destination=vn_staff.warehouse)
    [photo] = parcel_add_photos(parcel=order.parcels.get(), files=[png("kien.png")], by=cn_staff)
    return order, photo


@pytest.mark.parametrize(
    ("status", "where", "seen"),
    [
        ("cn_received", "china", False),  # still in China: China's staff handle it
        ("in_transit", "china", True),  # on its way to this depot: checked on arrival
        ("awaiting_delivery", "depot", True),  # on this depot's shelf
        ("delivered", "depot", True),
    ],
)
@pytest.mark.parametrize("url", ["photo", "photo_small"])
def test_depot_staff_see_the_photos_of_orders_at_their_depot(
    client_of, vn_staff, depot_photo, status, where, seen, url
):
    order, photo = depot_photo
    fields = {"status": status}
    if where == "depot":
        fields["current_warehouse"] = vn_staff.warehouse
    Consignment.objects.filter(pk=order.pk).update(**fields)
    response = client_of(vn_staff).get(reverse(url, args=[photo.pk]))
    assert response.status_code == (200 if seen else 404)


@pytest.mark.parametrize("status", ["in_transit", "awaiting_delivery"])
def test_another_depots_staff_do_not_see_them(client_of, depot_photo, status):
    from accounts.tests.factories import VietnamStaffFactory

    order, photo = depot_photo
    Consignment.objects.filter(pk=order.pk).update(
        status=status,
        current_warehouse=order.destination if status == "awaiting_delivery" else order.current_warehouse,
    )
    elsewhere = VietnamStaffFactory(username="khohcm", warehouse=VietnamDepotFactory(code="HCM"))
    assert client_of(elsewhere).get(reverse("photo", args=[photo.pk])).status_code == 404


def test_the_depot_page_shows_the_photos_of_orders_awaiting_there(client_of, vn_staff, depot_photo):
    order, photo = depot_photo
    Consignment.objects.filter(pk=order.pk).update(
        status=ConsignmentStatus.AWAITING_DELIVERY, current_warehouse=vn_staff.warehouse
    )
    text = client_of(vn_staff).get(reverse("warehouse:depot")).text
    assert f'src="{reverse("photo_small", args=[photo.pk])}"' in text
