"""Trip pages: who may (China staff of the trip's warehouse, operations), which method, and what each page
does for the person using it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from core.testing import assert_login_redirect
from shipping.models import Bag, Trip, TripStatus
from shipping.services.trips import trip_depart
from shipping.tests.factories import TripFactory, closed_bag, loaded_trip, ready_order
from warehouse.models import Warehouse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def trip(cn_staff, customer):
    return loaded_trip(bags=[closed_bag(orders=[ready_order(customer)])], origin=cn_staff.warehouse)


def urls(trip) -> dict[str, tuple[str, str]]:
    """Every trip URL: name → (method, path)."""
    bag = trip.bags.first()
    return {
        "shipping:trips": ("get", reverse("shipping:trips")),
        "shipping:trip_create": ("post", reverse("shipping:trip_create")),
        "shipping:trip": ("get", reverse("shipping:trip", args=[trip.pk])),
        "shipping:trip_load": ("post", reverse("shipping:trip_load", args=[trip.pk])),
        "shipping:trip_unload": ("post", reverse("shipping:trip_unload", args=[trip.pk, bag.pk])),
        "shipping:trip_depart": ("post", reverse("shipping:trip_depart", args=[trip.pk])),
        "shipping:trip_checkpoint": ("post", reverse("shipping:trip_checkpoint", args=[trip.pk])),
        "shipping:trip_manifest_pdf": ("get", reverse("shipping:trip_manifest_pdf", args=[trip.pk])),
        "shipping:trip_manifest_xlsx": ("get", reverse("shipping:trip_manifest_xlsx", args=[trip.pk])),
    }


def test_paths(trip):
    assert urls(trip)["shipping:trip"][1] == f"/staff/cn/trips/{trip.pk}/"


def test_anonymous_is_sent_to_log_in(client, trip):
    for method, url in urls(trip).values():
        assert_login_redirect(getattr(client, method)(url), url)


@pytest.mark.parametrize("persona", ["customer", "vn_staff"])
def test_customers_and_depot_staff_are_refused(client_of, request, persona, trip):
    client = client_of(request.getfixturevalue(persona))
    for method, url in urls(trip).values():
        assert (
            getattr(client, method)(url, {"code": "B0000001", "plate": "X", "confirm": "1"}).status_code
            == 403
        )
    assert Trip.objects.get().status == TripStatus.LOADING and Trip.objects.count() == 1


def test_wrong_method_is_405(client_of, cn_staff, trip):
    client = client_of(cn_staff)
    for method, url in urls(trip).values():
        wrong = "post" if method == "get" else "get"
        assert getattr(client, wrong)(url).status_code == 405, url


def test_staff_of_another_warehouse_get_404(client_of, trip):
    from accounts.tests.factories import ChinaStaffFactory

    elsewhere = Warehouse.objects.create(code="SZ", name="Kho Thâm Quyến", kind=Warehouse.Kind.CHINA)
    client = client_of(ChinaStaffFactory(warehouse=elsewhere))
    for name, (method, url) in urls(trip).items():
        if name in ("shipping:trips", "shipping:trip_create"):
            continue
        assert getattr(client, method)(url, {"code": "x", "confirm": "1"}).status_code == 404, name
    assert trip.code not in client.get(reverse("shipping:trips")).content.decode()


def test_operations_see_every_trip(client_of, ops, trip):
    Warehouse.objects.create(code="AA", name="Kho A", kind=Warehouse.Kind.CHINA)  # ops' station: another one
    client = client_of(ops)
    assert trip.code in client.get(reverse("shipping:trips")).content.decode()
    assert client.get(reverse("shipping:trip", args=[trip.pk])).status_code == 200


# --- what the pages do -----------------------------------------------------------------------------------


def test_create_a_trip(client_of, cn_staff, english):
    client = client_of(cn_staff)
    response = client.post(
        reverse("shipping:trip_create"), {"plate": "29c-123.45", "driver": "Tài", "carrier": "", "route": ""}
    )
    trip = Trip.objects.get()
    assert response.status_code == 302 and response.url == reverse("shipping:trip", args=[trip.pk])
    assert (trip.origin, trip.plate, trip.created_by) == (cn_staff.warehouse, "29C-123.45", cn_staff)
    page = client.get(response.url).content.decode()
    assert trip.code in page and "29C-123.45" in page


def test_create_without_a_plate_says_so(client_of, cn_staff, english):
    response = client_of(cn_staff).post(reverse("shipping:trip_create"), {"plate": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Trip.objects.exists()


def test_scan_a_bag_with_htmx(client_of, cn_staff, customer, english):
    trip = TripFactory(origin=cn_staff.warehouse)
    bag = closed_bag(orders=[ready_order(customer), ready_order(customer)])
    client = client_of(cn_staff)
    url = reverse("shipping:trip_load", args=[trip.pk])
    response = client.post(url, {"code": bag.code}, **HTMX)
    page = response.content.decode()
    assert 'data-outcome="matched"' in page and 'id="trip-bags" class="card mb-3" hx-swap-oob="true"' in page
    assert 'data-testid="trip-summary-HN"' in page
    assert Bag.objects.get(pk=bag.pk).trip == trip
    assert 'data-outcome="duplicate"' in client.post(url, {"code": bag.code}, **HTMX).content.decode()
    refused = client.post(url, {"code": "X" * 10_240}, **HTMX).content.decode()
    assert 'data-outcome="error"' in refused and "10240 characters" in refused


def test_scan_without_javascript_redirects_with_a_message(client_of, cn_staff, trip, english):
    client = client_of(cn_staff)
    response = client.post(reverse("shipping:trip_load", args=[trip.pk]), {"code": "B9999999"}, follow=True)
    assert "No bag has the code B9999999" in response.content.decode()


def test_unload(client_of, cn_staff, trip):
    bag = trip.bags.get()
    response = client_of(cn_staff).post(reverse("shipping:trip_unload", args=[trip.pk, bag.pk]))
    assert response.status_code == 302 and Bag.objects.get(pk=bag.pk).trip is None


def test_depart_needs_the_tick_then_departs_once(client_of, cn_staff, trip, english):
    client = client_of(cn_staff)
    url = reverse("shipping:trip_depart", args=[trip.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Tick the box" in page and Trip.objects.get().status == TripStatus.LOADING
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "1 order in international transit, 1 customer notified" in page
    assert Trip.objects.get().status == TripStatus.DEPARTED
    page = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "has departed already: nothing changed" in page
    assert ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT).count() == 1


def test_checkpoint_form(client_of, cn_staff, ops, trip, english):
    trip_depart(trip=trip, by=cn_staff)
    client = client_of(ops)
    page = client.get(reverse("shipping:trip", args=[trip.pk])).content.decode()
    assert 'data-testid="trip-checkpoint-form"' in page and "Left the China warehouse" in page
    at = timezone.localtime() + timedelta(minutes=1)
    url = reverse("shipping:trip_checkpoint", args=[trip.pk])
    data = {"kind": "border", "place": "Dongxing · 东兴", "at": at.strftime("%Y-%m-%dT%H:%M"), "note": ""}
    page = client.post(url, data, follow=True).content.decode()
    assert "Checkpoint recorded" in page and "Dongxing · 东兴" in page
    row = ConsignmentEvent.objects.get(kind=EventKind.ROUTE)
    assert timezone.localtime(row.at).strftime("%H:%M") == at.strftime("%H:%M")  # the time typed is local
    response = client.post(url, {**data, "at": "tomorrow", "place": "Móng Cái"})
    page = response.content.decode()
    assert response.status_code == 400 and "Enter a date and time" in page and 'value="Móng Cái"' in page
    early = (timezone.localtime(trip.departed_at) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**data, "at": early, "place": "Hữu Nghị"})
    page = response.content.decode()
    assert response.status_code == 400 and "before the trip departed" in page and 'value="Hữu Nghị"' in page
    assert ConsignmentEvent.objects.filter(kind=EventKind.ROUTE).count() == 1


def test_manifest_downloads(client_of, cn_staff, trip):
    client = client_of(cn_staff)
    pdf = client.get(reverse("shipping:trip_manifest_pdf", args=[trip.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("shipping:trip_manifest_xlsx", args=[trip.pk]))
    assert xlsx["Content-Disposition"] == f'attachment; filename="manifest-{trip.code}.xlsx"'
    assert xlsx.content.startswith(b"PK")


def test_phone_layout_and_chinese(client_of, cn_staff, trip):
    client = client_of(cn_staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("shipping:trip", args=[trip.pk]))
    assert response.status_code == 200 and "table-stack" in response.content.decode()


def test_an_order_with_a_parcel_left_behind_is_named_before_departing(client_of, cn_staff, customer, english):
    order = ready_order(customer, pieces=2)
    first = order.parcels.order_by("piece_number").first()
    trip = loaded_trip(
        bags=[closed_bag(parcels=[first], destination=order.destination)], origin=cn_staff.warehouse
    )
    page = client_of(cn_staff).get(reverse("shipping:trip", args=[trip.pk])).content.decode()
    assert 'data-testid="trip-split-orders"' in page and f"<strong>{order.code}</strong> (1/2)" in page
