"""The bag station's pages: who may open them (anonymous, customer, Vietnam staff, another warehouse's bag),
the wrong HTTP method, and what China staff see and do: open a bag, scan in and out (htmx and plain
forms), close it with its weight, reopen, delete an empty one."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import ChinaStaffFactory
from consignments.models import ConsignmentStatus
from core.testing import assert_login_redirect
from shipping.models import Bag, BagParcel, BagStatus
from shipping.services.bags import bag_close, bag_open, bag_scan
from shipping.tests import test_bags_services as base
from warehouse.tests.factories import ChinaWarehouseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HTMX = {"HTTP_HX_REQUEST": "true"}
hn, sg, bag, ready_order = base.hn, base.sg, base.bag, base.ready_order  # fixtures and the order helper


@pytest.fixture
def closed(customer, cn_staff, hn):
    """A closed bag of one parcel, beside the open `bag`."""
    other = bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    bag_scan(bag=other, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    return bag_close(bag=other, weight_g=1_400, by=cn_staff)


def _requests(bag_pk, closed_pk):
    """Every bag URL: (name, method, path, data)."""
    return [
        ("bags", "get", reverse("shipping:bags"), None),
        ("bag_open", "post", reverse("shipping:bag_open"), {"destination": "1"}),
        ("bag", "get", reverse("shipping:bag", args=[bag_pk]), None),
        ("bag_scan", "post", reverse("shipping:bag_scan", args=[bag_pk]), {"code": "KG00000001"}),
        ("bag_close", "post", reverse("shipping:bag_close", args=[bag_pk]), {"weight_kg": "1"}),
        ("bag_reopen", "post", reverse("shipping:bag_reopen", args=[closed_pk]), {}),
        ("bag_delete", "post", reverse("shipping:bag_delete", args=[bag_pk]), {}),
        ("bag_label", "get", reverse("shipping:bag_label", args=[closed_pk]), None),
        ("bag_manifest_pdf", "get", reverse("shipping:bag_manifest_pdf", args=[closed_pk]), None),
        ("bag_manifest_xlsx", "get", reverse("shipping:bag_manifest_xlsx", args=[closed_pk]), None),
    ]


NAMES = [name for name, *_ in _requests(1, 2)]


def _call(client, method, url, data):
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


def test_urls():
    assert reverse("shipping:bags") == "/staff/cn/bags/"
    assert reverse("shipping:bag", args=[7]) == "/staff/cn/bags/7/"


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, bag, closed, name):
    [(_, method, url, data)] = [r for r in _requests(bag.pk, closed.pk) if r[0] == name]
    assert_login_redirect(_call(client, method, url, data), url)


@pytest.mark.parametrize("persona", ["customer", "vn_staff"])
@pytest.mark.parametrize("name", NAMES)
def test_customers_and_vietnam_staff_are_refused(request, client_of, bag, closed, persona, name):
    [(_, method, url, data)] = [r for r in _requests(bag.pk, closed.pk) if r[0] == name]
    response = _call(client_of(request.getfixturevalue(persona)), method, url, data)
    assert response.status_code == 403
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN and Bag.objects.count() == 2
    assert Bag.objects.get(pk=closed.pk).status == BagStatus.CLOSED


@pytest.mark.parametrize("name", NAMES)
def test_the_wrong_method_is_refused(client_of, cn_staff, bag, closed, name):
    [(_, method, url, data)] = [r for r in _requests(bag.pk, closed.pk) if r[0] == name]
    wrong = "post" if method == "get" else "get"
    assert _call(client_of(cn_staff), wrong, url, {} if wrong == "post" else None).status_code == 405


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("bags", "bag_open")])
def test_a_bag_of_another_warehouse_is_not_found(client_of, customer, cn_staff, bag, closed, name):
    shenzhen_staff = ChinaStaffFactory(warehouse=ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến"))
    [(_, method, url, data)] = [r for r in _requests(bag.pk, closed.pk) if r[0] == name]
    response = _call(client_of(shenzhen_staff), method, url, data)
    assert response.status_code == 404
    assert Bag.objects.filter(pk=bag.pk, status=BagStatus.OPEN).exists()
    assert BagParcel.objects.count() == 1


def test_the_station_lists_open_bags_per_depot_and_opens_one(client_of, cn_staff, bag, closed, sg):
    client = client_of(cn_staff)
    page = client.get(reverse("shipping:bags"))
    assert page.status_code == 200
    assert bag.code in page.text and closed.code in page.text
    assert 'data-testid="open-bags-HN"' in page.text and "Kho phân phối TP.HCM" in page.text  # in the form

    response = client.post(reverse("shipping:bag_open"), {"destination": sg.pk})

    new = Bag.objects.get(destination=sg)
    assert response.status_code == 302 and response.url == reverse("shipping:bag", args=[new.pk])
    assert (new.origin, new.opened_by, new.status) == (cn_staff.warehouse, cn_staff, BagStatus.OPEN)


def test_a_bag_is_opened_only_for_an_active_depot(client_of, cn_staff, hn):
    client = client_of(cn_staff)
    for value in (cn_staff.warehouse.pk, "x", ""):
        response = client.post(reverse("shipping:bag_open"), {"destination": value}, follow=True)
        assert (
            "Choose one of our Vietnam depots." in response.text or "This field is required." in response.text
        )
    assert not Bag.objects.exists()


def test_operations_use_the_station_of_the_first_china_warehouse(client_of, ops, bag):
    assert client_of(ops).get(reverse("shipping:bag", args=[bag.pk])).status_code == 200


# --- scanning --------------------------------------------------------------------------------------------


def test_a_scan_with_htmx_answers_the_result_the_totals_and_the_new_line(client_of, customer, cn_staff, bag):
    order = ready_order(customer, cn_staff)
    client = client_of(cn_staff)
    url = reverse("shipping:bag_scan", args=[bag.pk])

    added = client.post(url, {"code": order.code}, **HTMX)

    assert added.status_code == 200
    assert 'data-outcome="matched"' in added.text and 'data-testid="bag-scan-added"' in added.text
    assert order.code in added.text and "YW532" in added.text
    assert 'id="bag-totals"' in added.text and "1 parcel" in added.text
    assert 'hx-swap-oob="afterbegin:#bag-items"' in added.text
    parcel = order.parcels.get()
    assert f'id="bag-item-{parcel.pk}"' in added.text

    removed = client.post(url, {"code": order.code}, **HTMX)

    assert 'data-outcome="duplicate"' in removed.text and 'data-testid="bag-scan-removed"' in removed.text
    assert re.search(rf'id="bag-item-{parcel.pk}"\s+hx-swap-oob="delete"', removed.text)
    assert "0 parcels" in removed.text
    assert not BagParcel.objects.exists()


def test_a_refused_scan_says_why_with_the_error_sound(client_of, customer, cn_staff, bag, sg):
    order = ready_order(customer, cn_staff, destination=sg)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_scan", args=[bag.pk]), {"code": order.code}, **HTMX
    )
    assert response.status_code == 200
    assert 'data-outcome="error"' in response.text and 'data-testid="bag-scan-refused"' in response.text
    assert "Kho phân phối TP.HCM" in response.text
    assert "hx-swap-oob" not in response.text
    assert not BagParcel.objects.exists()


def test_a_10_kb_scan_is_refused_by_the_page(client_of, cn_staff, bag):
    response = client_of(cn_staff).post(
        reverse("shipping:bag_scan", args=[bag.pk]), {"code": "9" * 10_240}, **HTMX
    )
    assert response.status_code == 200 and "far too long" in response.text
    assert "9" * 300 not in response.text


def test_a_scan_without_javascript_comes_back_to_the_bag_with_a_message(client_of, customer, cn_staff, bag):
    order = ready_order(customer, cn_staff)
    client = client_of(cn_staff)
    url = reverse("shipping:bag_scan", args=[bag.pk])

    response = client.post(url, {"code": order.code}, follow=True)

    assert response.redirect_chain == [(reverse("shipping:bag", args=[bag.pk]), 302)]
    assert f"{order.code} is in bag {bag.code}." in response.text
    assert 'data-testid="bag-item"' in response.text
    out = client.post(url, {"code": order.code}, follow=True)
    assert f"{order.code} was taken out of bag {bag.code}." in out.text
    refused = client.post(url, {"code": bag.code}, follow=True)
    assert "is a bag, not a parcel" in refused.text


# --- closing, reopening, deleting ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1,25", "1.25", " 1,250 "])
def test_closing_reads_the_weight_with_a_comma_or_a_dot(client_of, customer, cn_staff, bag, typed):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": typed}, follow=True
    )
    bag.refresh_from_db()
    assert (bag.status, bag.weight_g, bag.parcel_count, bag.parcels_weight_g) == (
        BagStatus.CLOSED,
        1_250,
        1,
        1_250,
    )
    assert f"Bag {bag.code} closed" in response.text
    assert 'data-testid="bag-weight-warning"' not in response.text
    assert reverse("shipping:bag_label", args=[bag.pk]) in response.text


def test_a_weight_far_from_the_parcels_is_shown(client_of, customer, cn_staff, bag):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    client = client_of(cn_staff)
    response = client.post(
        reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": "3", "confirm_weight": "on"}, follow=True
    )
    assert "far from its parcels" in response.text
    assert 'data-testid="bag-weight-warning"' in response.text and "1.75 kg more" in response.text
    # and it stays on the bag's page
    assert 'data-testid="bag-weight-warning"' in client.get(reverse("shipping:bag", args=[bag.pk])).text


def _ten_parcels(customer, cn_staff, bag):
    """12.5 kg of parcels in the bag: ten of 1.25 kg."""
    for _ in range(10):
        bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)


def test_a_typo_in_the_bag_weight_is_asked_about_before_closing(client_of, customer, cn_staff, bag):
    _ten_parcels(customer, cn_staff, bag)
    client = client_of(cn_staff)
    url = reverse("shipping:bag_close", args=[bag.pk])

    asked = client.post(url, {"weight_kg": "125"})

    assert asked.status_code == 200
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN
    assert "The bag weighs 125 kg but its parcels 12.5 kg: weigh it again, or close it anyway?" in asked.text
    assert 'data-testid="bag-close-confirm"' in asked.text and 'name="confirm_weight"' in asked.text
    assert 'value="125"' in asked.text  # the typed value stays in the box
    assert 'data-testid="bag-items"' in asked.text  # the whole bag page, without JavaScript

    corrected = client.post(url, {"weight_kg": "12,6"}, follow=True)
    bag.refresh_from_db()
    assert (bag.status, bag.weight_g) == (BagStatus.CLOSED, 12_600)
    assert f"Bag {bag.code} closed" in corrected.text


def test_a_far_weight_closes_when_confirmed(client_of, customer, cn_staff, bag):
    _ten_parcels(customer, cn_staff, bag)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_close", args=[bag.pk]),
        {"weight_kg": "125", "confirm_weight": "on"},
        follow=True,
    )
    bag.refresh_from_db()
    assert (bag.status, bag.weight_g) == (BagStatus.CLOSED, 125_000)
    assert 'data-testid="bag-weight-warning"' in response.text


def test_a_typo_in_the_bag_weight_is_asked_about_with_htmx(client_of, customer, cn_staff, bag):
    _ten_parcels(customer, cn_staff, bag)
    client = client_of(cn_staff)
    url = reverse("shipping:bag_close", args=[bag.pk])

    asked = client.post(url, {"weight_kg": "125"}, **HTMX)

    assert asked.status_code == 200 and "HX-Redirect" not in asked.headers
    assert asked.text.lstrip().startswith('<form id="bag-close-form"')  # only the close form is swapped
    assert "close it anyway?" in asked.text and 'value="125"' in asked.text
    assert "data-confirm-box" in asked.text
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN

    closed = client.post(url, {"weight_kg": "125", "confirm_weight": "on"}, **HTMX)

    assert closed.headers["HX-Redirect"] == reverse("shipping:bag", args=[bag.pk])
    assert Bag.objects.get(pk=bag.pk).weight_g == 125_000


def test_a_weight_within_the_tolerance_closes_at_once_with_htmx(client_of, customer, cn_staff, bag):
    _ten_parcels(customer, cn_staff, bag)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": "13"}, **HTMX
    )
    assert response.headers["HX-Redirect"] == reverse("shipping:bag", args=[bag.pk])
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.CLOSED


@pytest.mark.parametrize("typed", ["", "abc", "0", "-1", "2000,5", "1.2.3"])
def test_a_bad_weight_closes_nothing(client_of, customer, cn_staff, bag, typed):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": typed}, follow=True
    )
    assert "Enter the bag&#x27;s weight, between 0.001 kg and 2,000 kg." in response.text
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN


def test_an_empty_bag_is_not_closed_but_can_be_deleted(client_of, cn_staff, bag):
    client = client_of(cn_staff)
    refused = client.post(reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": "1"}, follow=True)
    assert "is empty" in refused.text and Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN
    assert "Delete this empty bag" in refused.text

    deleted = client.post(reverse("shipping:bag_delete", args=[bag.pk]), follow=True)

    assert deleted.redirect_chain[-1][0] == reverse("shipping:bags")
    assert not Bag.objects.exists()


def test_a_bag_with_parcels_is_not_deleted(client_of, cn_staff, closed):
    response = client_of(cn_staff).post(reverse("shipping:bag_delete", args=[closed.pk]), follow=True)
    assert "cannot be deleted" in response.text and Bag.objects.filter(pk=closed.pk).exists()


def test_a_closed_bag_reopens(client_of, cn_staff, closed):
    client = client_of(cn_staff)
    assert "Reopen the bag" in client.get(reverse("shipping:bag", args=[closed.pk])).text

    response = client.post(reverse("shipping:bag_reopen", args=[closed.pk]), follow=True)

    assert f"Bag {closed.code} is open again." in response.text
    assert Bag.objects.get(pk=closed.pk).status == BagStatus.OPEN
    again = client.post(reverse("shipping:bag_reopen", args=[closed.pk]), follow=True)
    assert "already open" in again.text


def test_an_open_bag_has_no_label_or_manifest_yet(client_of, cn_staff, bag):
    client = client_of(cn_staff)
    for name in ("shipping:bag_label", "shipping:bag_manifest_pdf", "shipping:bag_manifest_xlsx"):
        assert client.get(reverse(name, args=[bag.pk])).status_code == 404


def test_the_bag_page_lists_what_is_in_it(client_of, customer, cn_staff, bag):
    orders = [ready_order(customer, cn_staff) for _ in range(3)]
    for order in orders:
        bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    page = client_of(cn_staff).get(reverse("shipping:bag", args=[bag.pk]))
    assert page.text.count('data-testid="bag-item"') == 3
    positions = [page.text.index(order.code) for order in orders]
    assert positions == sorted(positions, reverse=True)  # the last scanned first
    assert "3 parcels" in page.text


def test_a_cancelled_order_met_at_closing_is_named(client_of, customer, cn_staff, bag):
    order = ready_order(customer, cn_staff)
    bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    type(order).objects.filter(pk=order.pk).update(status=ConsignmentStatus.CANCELLED)
    response = client_of(cn_staff).post(
        reverse("shipping:bag_close", args=[bag.pk]), {"weight_kg": "1"}, follow=True
    )
    assert order.code in response.text and "Scan them out of the bag first." in response.text


@pytest.mark.parametrize("language", ["zh-hans", "vi"])
def test_the_station_pages_render_in_the_staffs_languages(client, cn_staff, bag, closed, language):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(cn_staff)
    for url in (
        reverse("shipping:bags"),
        reverse("shipping:bag", args=[bag.pk]),
        reverse("shipping:bag", args=[closed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and f'lang="{language}"' in response.text
