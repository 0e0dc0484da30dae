"""The depot's receiving pages: who may open them, the HTTP methods, and what a scan shows and changes."""

import pytest
from django.urls import reverse

from consignments.models import ConsignmentStatus
from core.testing import assert_login_redirect
from shipping.models import BagParcel, BagStatus, ReceivingExtra, TripStatus
from shipping.tests.factories import closed_bag, departed_trip, hcm_depot, ready_order
from shipping.tests.test_receiving_services import arrived_trip, codes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def received(customer, vn_staff):
    """An arrived trip with one bag of one order for the Hà Nội depot, and one bag for TP.HCM."""
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    other = closed_bag(orders=[ready_order(customer, destination=hcm_depot())])
    trip = arrived_trip(bag, other, depot=vn_staff.warehouse, by=vn_staff)
    return {"trip": trip, "bag": bag, "other_bag": other, "order": order}


def _urls(r):
    trip, bag = r["trip"], r["bag"]
    return {
        "get": [
            reverse("shipping:receiving"),
            reverse("shipping:receiving_trip", args=[trip.pk]),
            reverse("shipping:receiving_bag", args=[trip.pk, bag.pk]),
        ],
        "post": [
            reverse("shipping:receiving_late"),
            reverse("shipping:receiving_trip_open", args=[trip.pk]),
            reverse("shipping:receiving_bag_open", args=[trip.pk]),
            reverse("shipping:receiving_trip_close", args=[trip.pk]),
            reverse("shipping:receiving_parcel", args=[trip.pk, bag.pk]),
            reverse("shipping:receiving_bag_close", args=[trip.pk, bag.pk]),
        ],
    }


def test_depot_pages_are_for_vietnam_staff_only(client, client_of, received, customer, cn_staff, vn_staff):
    urls = _urls(received)
    for url in urls["get"] + urls["post"]:
        assert_login_redirect(client.get(url), url)
    for user in (customer, cn_staff):
        c = client_of(user)
        for url in urls["get"]:
            assert c.get(url).status_code == 403, url
        for url in urls["post"]:
            assert c.post(url, {"code": "x"}).status_code == 403, url
    assert not BagParcel.objects.filter(received_at__isnull=False).exists()


def test_wrong_methods_are_refused(client_of, received, vn_staff):
    urls = _urls(received)
    c = client_of(vn_staff)
    for url in urls["get"]:
        assert c.post(url).status_code == 405, url
        assert c.get(url).status_code == 200, url
    for url in urls["post"]:
        assert c.get(url).status_code == 405, url


def test_operations_pages_are_for_operations_only(client_of, received, vn_staff, customer, ops):
    missing = reverse("shipping:receiving_missing")
    lost = reverse("shipping:receiving_lost", args=[received["order"].pk])
    for user in (vn_staff, customer):
        assert client_of(user).get(missing).status_code == 403
        assert client_of(user).post(lost, {"reason": "x"}).status_code == 403
    c = client_of(ops)
    assert c.get(missing).status_code == 200
    assert c.get(lost).status_code == 405
    assert c.post(missing).status_code == 405


def test_another_depots_trip_and_bags_are_not_found(client_of, customer, vn_staff, received):
    theirs = departed_trip(closed_bag(orders=[ready_order(customer, destination=hcm_depot())]))
    c = client_of(vn_staff)
    assert c.get(reverse("shipping:receiving_trip", args=[theirs.pk])).status_code == 404
    trip, other = received["trip"], received["other_bag"]
    assert c.get(reverse("shipping:receiving_bag", args=[trip.pk, other.pk])).status_code == 404
    url = reverse("shipping:receiving_parcel", args=[trip.pk, other.pk])
    assert c.post(url, {"code": "x"}).status_code == 404


def test_the_list_shows_trips_coming_here(client_of, vn_staff, received, english):
    page = client_of(vn_staff).get(reverse("shipping:receiving")).content.decode()
    assert received["trip"].code in page


def test_start_receiving_marks_the_trip_arrived(client_of, customer, vn_staff):
    trip = departed_trip(closed_bag(orders=[ready_order(customer)]))
    c = client_of(vn_staff)
    page = c.get(reverse("shipping:receiving_trip", args=[trip.pk])).content.decode()
    assert 'data-testid="trip-open"' in page
    response = c.post(reverse("shipping:receiving_trip_open", args=[trip.pk]))
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.status == TripStatus.ARRIVED


def test_scanning_a_bag_opens_its_page_and_another_depots_bag_is_refused(
    client_of, vn_staff, received, english
):
    trip, bag, other = received["trip"], received["bag"], received["other_bag"]
    c = client_of(vn_staff)
    url = reverse("shipping:receiving_bag_open", args=[trip.pk])
    response = c.post(url, {"code": bag.code}, **HTMX)
    assert response["HX-Redirect"] == reverse("shipping:receiving_bag", args=[trip.pk, bag.pk])
    response = c.post(url, {"code": other.code}, **HTMX)
    page = response.content.decode()
    assert 'data-outcome="error"' in page and "TP.HCM" in page
    response = c.post(url, {"code": codes(received["order"])[0]}, follow=True)
    assert "scan its bag first" in response.content.decode()


def test_a_parcel_scan_swaps_in_the_result_with_its_sound(client_of, vn_staff, received, english):
    trip, bag, order = received["trip"], received["bag"], received["order"]
    c = client_of(vn_staff)
    url = reverse("shipping:receiving_parcel", args=[trip.pk, bag.pk])
    page = c.post(url, {"code": codes(order)[0]}, **HTMX).content.decode()
    assert 'data-outcome="matched"' in page and 'data-testid="receiving-ready"' in page
    item = BagParcel.objects.get(bag=bag)
    assert f'id="unscanned-{item.pk}" hx-swap-oob="delete"' in page
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    page = c.post(url, {"code": codes(order)[0]}, **HTMX).content.decode()
    assert 'data-outcome="duplicate"' in page and "already received" in page
    page = c.post(url, {"code": "KG77777777"}, **HTMX).content.decode()
    assert 'data-outcome="conflict"' in page and ReceivingExtra.objects.count() == 1
    page = c.post(url, {"code": bag.code}, **HTMX).content.decode()
    assert 'data-outcome="error"' in page
    page = c.post(url, {"code": "x" * 10_000}).content.decode()
    assert 'data-outcome="error"' in page and "Scan each parcel of this bag" in page


def test_closing_a_bag_and_the_trip(client_of, customer, vn_staff, english):
    order = ready_order(customer, pieces=2)
    bag = closed_bag(orders=[order])
    trip = arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    c = client_of(vn_staff)
    c.post(reverse("shipping:receiving_parcel", args=[trip.pk, bag.pk]), {"code": codes(order)[0]})
    close = reverse("shipping:receiving_trip_close", args=[trip.pk])
    response = c.post(close, follow=True)
    assert "tick the box" in response.content.decode()
    trip.refresh_from_db()
    assert trip.status == TripStatus.ARRIVED
    response = c.post(reverse("shipping:receiving_bag_close", args=[trip.pk, bag.pk]), follow=True)
    assert "1 missing" in response.content.decode()
    bag.refresh_from_db()
    assert bag.status == BagStatus.RECEIVED
    response = c.post(close, {"confirm": "1"}, follow=True)
    assert "1 of 2 parcels received, 1 missing" in response.content.decode()
    trip.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED


def test_a_late_parcel_is_received_from_the_list_page(client_of, customer, vn_staff, english):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    trip = arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    c = client_of(vn_staff)
    c.post(reverse("shipping:receiving_bag_close", args=[trip.pk, bag.pk]))
    page = c.post(reverse("shipping:receiving_late"), {"code": codes(order)[0]}, **HTMX).content.decode()
    assert 'data-outcome="matched"' in page
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    page = c.post(reverse("shipping:receiving_late"), {"code": "KG77777777"}).content.decode()
    assert 'data-outcome="error"' in page


def test_operations_see_missing_parcels_and_mark_an_order_lost(client_of, customer, vn_staff, ops, english):
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    trip = arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    client_of(vn_staff).post(reverse("shipping:receiving_bag_close", args=[trip.pk, bag.pk]))
    c = client_of(ops)
    page = c.get(reverse("shipping:receiving_missing")).content.decode()
    assert order.code in page and bag.code in page
    lost = reverse("shipping:receiving_lost", args=[order.pk])
    response = c.post(lost, {"reason": "  "}, follow=True)
    assert "Say why" in response.content.decode()
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.IN_TRANSIT
    c.post(lost, {"reason": "Not found"})
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.LOST
    assert c.post(lost, {"reason": "again"}).status_code == 404


def test_the_first_parcel_of_an_order_says_the_order_waits_for_the_others(
    client_of, customer, vn_staff, english
):
    order = ready_order(customer, pieces=2)
    bag = closed_bag(orders=[order])
    trip = arrived_trip(bag, depot=vn_staff.warehouse, by=vn_staff)
    url = reverse("shipping:receiving_parcel", args=[trip.pk, bag.pk])
    first, second = codes(order)
    page = client_of(vn_staff).post(url, {"code": first}, **HTMX).content.decode()
    assert 'data-testid="receiving-waits"' in page and "1 of 2 parcels received" in page
    assert 'data-testid="receiving-ready"' not in page
    page = client_of(vn_staff).post(url, {"code": second}, **HTMX).content.decode()
    assert 'data-testid="receiving-ready"' in page and 'data-testid="receiving-waits"' not in page
