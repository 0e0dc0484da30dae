"""View tests for the staff portals: the China scan station, weighing, dispatch, and the Vietnam depot.

Also the language switcher (Django's /i18n/setlang/), which the Guangzhou staff use to read the station in
Chinese. Pages are otherwise requested in English, so the assertions hold whatever the translators compile.
"""

import gettext
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.tests.factories import ConsignmentFactory
from core.testing import assert_login_redirect
from notifications.models import Notification, NotificationKind
from tracking.models import TrackingNumber, TrackingStatus
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import MAX_SCAN_LENGTH
from warehouse.models import Parcel, Warehouse
from warehouse.tests.factories import ChinaWarehouseFactory, ParcelFactory, VietnamDepotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCAN = "/staff/cn/scan/"
DISPATCH = "/staff/cn/dispatch/"
DEPOT = "/staff/vn/"
HTMX = {"HX-Request": "true"}


def client_for(user, *, csrf=False, language="en"):
    """A separate logged-in client, for journeys where several people act one after the other."""
    client = Client(enforce_csrf_checks=csrf)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def parcel_of(order):
    """The order's parcel (its first piece, when it has several)."""
    return order.parcels.order_by("piece_number").first()


def weigh_url(parcel):
    return reverse("warehouse:weigh", args=[parcel.pk])


def label_url(parcel):
    return reverse("warehouse:label", args=[parcel.pk])


def message_texts(response):
    return [str(m) for m in response.context["messages"]]


def test_urls():
    assert reverse("warehouse:scan") == SCAN
    assert reverse("warehouse:dispatch") == DISPATCH
    assert reverse("warehouse:depot") == DEPOT


@pytest.fixture
def order(customer, cn_staff):
    """An order at the station of cn_staff (GZ), not weighed yet."""
    return ConsignmentFactory(customer=customer, code="KG10000001", tracking_code="SF100000000001")


# --- who may open what -----------------------------------------------------------------------------------


def png(name="photo.png", size=(4, 4)):
    """A real (tiny) PNG upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _requests(order):
    parcel = parcel_of(order).pk
    return {
        "scan-get": ("get", SCAN, None),
        "scan-post": ("post", SCAN, {"code": "SF123456789012"}),
        "card-get": ("get", reverse("warehouse:card", args=[order.pk]), None),
        "weigh-post": ("post", weigh_url(parcel_of(order)), {"weight_kg": "1.25"}),
        "declare-post": (
            "post",
            reverse("warehouse:declare", args=[order.pk]),
            {"goods_vi": "giày", "quantity": "3", "unit_value_cny": "50"},
        ),
        "label-get": ("get", label_url(parcel_of(order)), None),
        "photos-post": ("post", reverse("warehouse:photos", args=[parcel]), {"photos": png()}),
        "identify-post": ("post", reverse("warehouse:identify", args=[parcel]), {"label": "YW532"}),
        "assign-post": (
            "post",
            reverse("warehouse:assign", args=[parcel]),
            {"customer": order.customer.pk, "reason": "code on the label"},
        ),
        "dispatch-get": ("get", DISPATCH, None),
        "dispatch-post": ("post", DISPATCH, {"ids": [order.pk]}),
        "depot-get": ("get", DEPOT, None),
        "depot-post": ("post", DEPOT, {"ids": [order.pk]}),
    }


CHINA_PAGES = [
    "scan-get",
    "scan-post",
    "card-get",
    "weigh-post",
    "declare-post",
    "label-get",
    "photos-post",
    "identify-post",
    "assign-post",
    "dispatch-get",
    "dispatch-post",
]
DEPOT_PAGES = ["depot-get", "depot-post"]


def _unchanged(order):
    order.refresh_from_db()
    assert order.weight_g is None and order.status == ConsignmentStatus.CN_RECEIVED
    assert not order.is_declared
    assert not Parcel.objects.filter(tracking_code="SF123456789012").exists()
    assert order.events.count() == 1
    parcel = parcel_of(order)
    assert parcel.weight_g is None
    assert not parcel.photos.exists()
    assert parcel.label_text == ""
    assert Consignment.objects.count() == 1


@pytest.mark.parametrize("which", CHINA_PAGES + DEPOT_PAGES)
def test_anonymous_is_sent_to_login(client, order, which):
    method, path, data = _requests(order)[which]
    assert_login_redirect(getattr(client, method)(path, data), path)
    _unchanged(order)


@pytest.mark.parametrize(
    ("persona", "which"),
    [
        # a customer opens no staff page
        *[("customer", w) for w in CHINA_PAGES + DEPOT_PAGES],
        # Vietnam depot staff do not work the China station
        *[("vn_staff", w) for w in CHINA_PAGES],
        # China staff do not work the Vietnam depot
        *[("cn_staff", w) for w in DEPOT_PAGES],
    ],
)
def test_wrong_role_is_refused(request, client_of, order, vn_staff, persona, which):
    method, path, data = _requests(order)[which]
    response = getattr(client_of(request.getfixturevalue(persona)), method)(path, data)
    assert response.status_code == 403
    _unchanged(order)


@pytest.mark.parametrize(
    "which", ["weigh-post", "declare-post", "photos-post", "identify-post", "assign-post"]
)
def test_post_only_station_actions_refuse_get(client_of, cn_staff, order, which):
    _method, path, _data = _requests(order)[which]
    response = client_of(cn_staff).get(path)
    assert response.status_code == 405
    _unchanged(order)


@pytest.mark.parametrize("which", ["card-get", "weigh-post", "declare-post", "label-get"])
def test_an_order_at_another_china_warehouse_is_404(client_of, cn_staff, customer, which):
    elsewhere = ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến")
    foreign = ConsignmentFactory(customer=customer, parcel=ParcelFactory(warehouse=elsewhere))
    method, path, data = _requests(foreign)[which]
    response = getattr(client_of(cn_staff), method)(path, data)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.weight_g is None and not foreign.is_declared
    assert parcel_of(foreign).weight_g is None
    assert foreign.events.count() == 1


@pytest.mark.parametrize("which", ["photos-post", "identify-post", "assign-post"])
def test_a_parcel_at_another_china_warehouse_is_404(client_of, cn_staff, customer, which):
    parcel = ParcelFactory(warehouse=ChinaWarehouseFactory(code="SZ"), tracking_code="YT5550001112000")
    response = client_of(cn_staff).post(
        reverse(f"warehouse:{which.split('-')[0]}", args=[parcel.pk]),
        {"photos": png(), "label": "YW532", "customer": customer.pk, "reason": "label"},
    )
    assert response.status_code == 404
    parcel.refresh_from_db()
    assert parcel.label_text == "" and not parcel.photos.exists()
    assert not Consignment.objects.exists()


def test_depot_post_by_china_staff_does_not_mark_an_order_in_transit(client_of, cn_staff, vn_staff, customer):
    moving = ConsignmentFactory(customer=customer, status=ConsignmentStatus.IN_TRANSIT, weight_g=900)
    response = client_of(cn_staff).post(DEPOT, {"ids": [moving.pk]})
    assert response.status_code == 403
    moving.refresh_from_db()
    assert moving.status == ConsignmentStatus.IN_TRANSIT


@pytest.mark.parametrize(("path", "station"), [(SCAN, "GZ"), (DISPATCH, "GZ"), (DEPOT, "HN")])
def test_operations_may_open_both_portals(client_of, ops, cn_staff, vn_staff, path, station):
    response = client_of(ops).get(path)
    assert response.status_code == 200
    assert response.context["station"].code == station
    assert response.context["station"].name in response.text


@pytest.mark.parametrize("path", [SCAN, DISPATCH, DEPOT])
def test_staff_page_without_any_warehouse_explains_instead_of_crashing(client_of, ops, path):
    """Regression: station_for() used to raise DomainError out of the view (a 500) when no warehouse existed."""
    client = client_of(ops)
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 503
    assert 'data-testid="no-station"' in response.text
    assert "No warehouse is configured yet" in response.text


def test_weigh_without_any_active_china_warehouse_explains(client_of, ops, order):
    Warehouse.objects.filter(kind=Warehouse.Kind.CHINA).update(is_active=False)
    client = client_of(ops)
    client.raise_request_exception = False
    response = client.post(weigh_url(parcel_of(order)), {"weight_kg": "1"})
    assert response.status_code == 503
    order.refresh_from_db()
    assert order.weight_g is None and parcel_of(order).weight_g is None


# --- the scan station ------------------------------------------------------------------------------------


def test_scan_page_shows_the_station_and_an_empty_result(client_of, cn_staff):
    response = client_of(cn_staff).get(SCAN)
    assert response.status_code == 200
    assert response.context["station"] == cn_staff.warehouse
    assert response.context["result"] is None and response.context["error"] is None
    assert "Kho Quảng Châu" in response.text
    assert 'id="scan-result"' in response.text and 'name="code"' in response.text


def _scan(client, code, htmx):
    return client.post(SCAN, {"code": code}, headers=HTMX if htmx else {})


def _outcome(response):
    match = re.search(r'id="scan-result"[^>]*data-outcome="([^"]*)"', response.text)
    assert match, "the scan result block is missing"
    return match.group(1)


def _error(response):
    """The error the station shows (read from the HTML: htmx partials carry no test context)."""
    match = re.search(r'data-testid="scan-error"><div class="scan-title">✗ ([^<]+)</div>', response.text)
    return match.group(1).strip() if match else None


def _assert_shape(response, htmx):
    assert response.status_code == 200
    if htmx:
        assert "<html" not in response.text  # only the result partial, for htmx to swap in
    else:
        assert "<html" in response.text and 'id="scan-form"' in response.text


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_scan_of_a_registered_code_creates_the_order(
    client_of, customer, other_customer, cn_staff, htmx, django_capture_on_commit_callbacks
):
    tracking = TrackingNumberFactory(customer=customer, code="SF123456789012")
    TrackingNumberFactory(customer=other_customer, code="YT7777777777777")

    with django_capture_on_commit_callbacks(execute=True):
        response = _scan(client_of(cn_staff), " sf 1234 5678 9012 ", htmx)

    _assert_shape(response, htmx)
    order = Consignment.objects.get()
    parcel = order.parcels.get()
    assert order.customer == customer
    assert order.tracking_code == parcel.tracking_code == "SF123456789012"
    assert order.current_warehouse == cn_staff.warehouse
    assert order.status == ConsignmentStatus.CN_RECEIVED
    tracking.refresh_from_db()
    assert tracking.status == TrackingStatus.MATCHED and tracking.consignment == order

    assert _outcome(response) == "matched"
    assert f'data-testid="scan-order-code">{order.code}</div>' in response.text
    assert 'data-testid="scan-customer-code">YW532</div>' in response.text
    assert 'data-testid="scan-pieces">1 parcel</div>' in response.text
    assert "KM748" not in response.text
    if htmx:  # the station card (weight panel…) follows in its own request
        card = f"{reverse('warehouse:card', args=[order.pk])}?parcel={parcel.pk}"
        assert f'hx-get="{card}"' in response.text
        assert 'hx-swap-oob="afterbegin:#recent-scans"' in response.text
    else:
        assert weigh_url(parcel) in response.text  # the weight panel comes with the page

    assert (
        Notification.objects.filter(
            user=customer, kind=NotificationKind.ARRIVED_CHINA, consignment=order
        ).count()
        == 1
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_scanning_twice_says_already_scanned_and_keeps_one_order(
    client_of, customer, cn_staff, htmx, django_capture_on_commit_callbacks
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    client = client_of(cn_staff)
    with django_capture_on_commit_callbacks(execute=True):
        first = _scan(client, "SF123456789012", htmx)
    assert _outcome(first) == "matched"

    with django_capture_on_commit_callbacks(execute=True):
        second = _scan(client, "sf123456789012", htmx)

    _assert_shape(second, htmx)
    assert _outcome(second) == "duplicate"
    assert "Already scanned" in second.text
    order = Consignment.objects.get()
    assert Consignment.objects.count() == 1
    assert order.code in second.text and "YW532" in second.text
    parcel = Parcel.objects.get()
    assert parcel.scan_count == 2
    assert Notification.objects.filter(user=customer).count() == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_scan_of_an_unknown_code_keeps_an_unidentified_parcel(client_of, customer, cn_staff, htmx):
    response = _scan(client_of(cn_staff), "YT5550001112000", htmx)

    _assert_shape(response, htmx)
    assert _outcome(response) == "unidentified"
    assert 'data-testid="scan-unidentified"' in response.text
    assert "YT5550001112000" in response.text
    parcel = Parcel.objects.get()
    assert parcel.tracking_code == "YT5550001112000"
    assert parcel.warehouse == cn_staff.warehouse and parcel.scanned_by == cn_staff
    assert not Consignment.objects.exists()


def test_scan_of_a_code_registered_by_two_customers_is_a_conflict(
    client_of, customer, other_customer, cn_staff
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    TrackingNumberFactory(customer=other_customer, code="SF123456789012")
    response = _scan(client_of(cn_staff), "SF123456789012", False)
    assert _outcome(response) == "conflict"
    assert 'data-testid="scan-conflict"' in response.text
    assert not Consignment.objects.exists()
    assert set(TrackingNumber.objects.values_list("status", flat=True)) == {TrackingStatus.RECEIVED}


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize(
    "code",
    ["", "   ", "A" * 10_000, "A" * 10 * 1024, "SF12", "----"],
    ids=["empty", "blank", "10000-chars", "10KiB", "too-short", "separators-only"],
)
def test_scan_of_garbage_shows_an_error_and_saves_nothing(client_of, cn_staff, htmx, code):
    response = _scan(client_of(cn_staff), code, htmx)

    _assert_shape(response, htmx)
    assert _outcome(response) == "error"
    assert _error(response)
    assert not Parcel.objects.exists()
    assert not Consignment.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Nothing was read. Scan the barcode under 运单号 again."),
        ("A" * 10_000, "That scan is far too long to be a tracking number; scan again."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_scan_error_messages(client_of, cn_staff, code, message, htmx):
    response = _scan(client_of(cn_staff), code, htmx)
    assert _error(response) == message


@pytest.mark.parametrize("size", [MAX_SCAN_LENGTH + 1, 10_000, 10 * 1024, 100_000])
def test_a_long_scan_is_called_too_long(client_of, cn_staff, size):
    """Regression: ScanForm had max_length=10_000, so a 10 KiB scan got the generic 'Scan a tracking number.'
    (Up to MAX_SCAN_LENGTH a scan may be a QR code's contents: see the next test.)"""
    response = _scan(client_of(cn_staff), "A" * size, True)
    assert response.status_code == 200
    assert _outcome(response) == "error"
    assert _error(response) == "That scan is far too long to be a tracking number; scan again."
    assert not Parcel.objects.exists()


def test_a_scan_longer_than_a_waybill_says_how_long_one_is(client_of, cn_staff):
    response = _scan(client_of(cn_staff), "A" * 201, True)
    assert _error(response) == "This is too long for a tracking number (at most 25 characters)."
    assert not Parcel.objects.exists()


def test_scan_without_csrf_token_is_refused(cn_staff, customer):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    client = client_for(cn_staff, csrf=True)
    response = client.post(SCAN, {"code": "SF123456789012"}, headers=HTMX)
    assert response.status_code == 403
    assert not Parcel.objects.exists() and not Consignment.objects.exists()


def test_scan_with_csrf_token_works(cn_staff, customer):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    client = client_for(cn_staff, csrf=True)
    client.get(SCAN)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(SCAN, {"code": "SF123456789012"}, headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert Consignment.objects.get().customer == customer


# --- the order card: weight and size, customs declaration, photos, label --------------------------------


def card_url(consignment):
    return reverse("warehouse:card", args=[consignment.pk])


def _events(order, kind):
    """The history rows of one kind ("measured", "declared", "photo", "owner"), oldest first."""
    return list(order.events.filter(kind=kind).order_by("id"))


def _weighings(order):
    return _events(order, EventKind.MEASURED)


def test_card_shows_the_order_to_china_staff(client_of, cn_staff, customer):
    TrackingNumberFactory(customer=customer, code="SF100000000001", note="3 đôi giày")
    order = ConsignmentFactory(customer=customer, code="KG10000001", tracking_code="SF100000000001")
    TrackingNumber.objects.filter(code="SF100000000001").update(
        consignment=order, status=TrackingStatus.MATCHED
    )

    response = client_of(cn_staff).get(card_url(order))

    assert response.status_code == 200
    assert response.context["consignment"] == order
    text = response.text
    assert "KG10000001" in text and "YW532" in text and "SF100000000001" in text
    assert 'data-testid="station-card"' in text
    parcel = parcel_of(order)
    assert weigh_url(parcel) in text and label_url(parcel) in text
    assert 'value="3 đôi giày"' in text  # the declaration starts from the customer's note


def test_card_of_an_order_that_left_is_read_only(client_of, cn_staff, customer):
    gone = ready_order(customer=customer, status=ConsignmentStatus.IN_TRANSIT)
    response = client_of(cn_staff).get(card_url(gone))
    assert response.status_code == 200
    assert response.context["editable"] is False
    assert 'data-testid="weight-input"' not in response.text


@pytest.mark.parametrize(
    ("typed", "grams"), [("1.25", 1250), ("0.001", 1), ("500", 500_000), ("12.345", 12345)]
)
def test_weigh_saves_grams_and_writes_history(client_of, cn_staff, order, typed, grams):
    parcel = parcel_of(order)
    heavy = {"confirm_heavy": "on"} if grams > 30_000 else {}  # over 30 kg: staff confirm it
    data = {"weight_kg": typed, **heavy}
    response = client_of(cn_staff).post(weigh_url(parcel), data, follow=True)

    assert response.redirect_chain == [(card_url(order), 302)]
    parcel.refresh_from_db()
    assert parcel.weight_g == grams
    # no dimensions: the actual weight is charged, and at least the minimum billable weight (0.5 kg)
    assert parcel.chargeable_weight_g == max(grams, settings.MIN_BILLABLE_WEIGHT_G)
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (grams, parcel.chargeable_weight_g)
    [event] = _weighings(order)
    assert event.data["weight_g"] == grams and event.by == cn_staff
    assert event.data["parcel_id"] == parcel.pk
    assert event.data["previous"]["weight_g"] is None
    assert event.old_status == event.new_status == ConsignmentStatus.CN_RECEIVED
    assert f"Saved for {order.code}." in message_texts(response)


def test_weigh_with_dimensions_keeps_the_volumetric_weight(client_of, cn_staff, order):
    parcel = parcel_of(order)
    response = client_of(cn_staff).post(
        weigh_url(parcel),
        {"weight_kg": "1.25", "length_cm": "40", "width_cm": "30", "height_cm": "20"},
        headers=HTMX,
    )
    assert response.status_code == 200
    parcel.refresh_from_db()
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm) == (400, 300, 200)
    assert parcel.volumetric_divisor == settings.VOLUMETRIC_DIVISOR
    expected = -(-(400 * 300 * 200) // settings.VOLUMETRIC_DIVISOR)
    assert parcel.volumetric_weight_g == expected
    assert parcel.chargeable_weight_g == max(1250, expected)
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (1250, parcel.chargeable_weight_g)
    assert 'data-testid="chargeable-weight"' in response.text


def test_weigh_with_some_dimensions_only_is_refused(client_of, cn_staff, order):
    response = client_of(cn_staff).post(
        weigh_url(parcel_of(order)), {"weight_kg": "1.25", "length_cm": "40"}, headers=HTMX
    )
    assert "Enter all three dimensions, or none." in response.text
    order.refresh_from_db()
    assert order.weight_g is None and _weighings(order) == []
    assert parcel_of(order).weight_g is None


def test_weighing_again_keeps_the_previous_weight_in_history(client_of, cn_staff, order):
    client = client_of(cn_staff)
    client.post(weigh_url(parcel_of(order)), {"weight_kg": "1.25"})
    client.post(weigh_url(parcel_of(order)), {"weight_kg": "1.3"})
    order.refresh_from_db()
    assert order.weight_g == parcel_of(order).weight_g == 1300
    first, second = _weighings(order)
    assert (first.data["weight_g"], second.data["weight_g"]) == (1250, 1300)
    assert second.data["previous"]["weight_g"] == 1250


def test_weigh_with_htmx_returns_the_panel(client_of, cn_staff, order):
    parcel = parcel_of(order)
    response = client_of(cn_staff).post(weigh_url(parcel), {"weight_kg": "1.25"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith(f'<form id="measure-{parcel.pk}"')
    assert 'data-testid="weight-saved"' in response.text
    assert "1.25 kg" in response.text
    order.refresh_from_db()
    assert order.weight_g == 1250
    assert [e.data["weight_g"] for e in _weighings(order)] == [1250]


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("typed", ["0", "9999", "-1", "0.0001", "abc", ""])
def test_weigh_refuses_impossible_weights(client_of, cn_staff, order, htmx, typed):
    response = client_of(cn_staff).post(
        weigh_url(parcel_of(order)), {"weight_kg": typed}, headers=HTMX if htmx else {}, follow=not htmx
    )

    assert response.status_code == 200
    if htmx:
        error = re.search(r'data-testid="weight-error">([^<]+)<', response.text)
        assert error and error.group(1).strip()
        assert 'data-testid="weight-saved"' not in response.text
    else:
        assert response.redirect_chain == [(card_url(order), 302)]
        [level] = {m.level_tag for m in response.context["messages"]}
        assert level == "error"
    order.refresh_from_db()
    assert order.weight_g is None and parcel_of(order).weight_g is None
    assert _weighings(order) == []


def test_weigh_an_order_at_another_warehouse_is_404(client_of, cn_staff, customer):
    elsewhere = ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến")
    foreign = ConsignmentFactory(customer=customer, parcel=ParcelFactory(warehouse=elsewhere))
    response = client_of(cn_staff).post(weigh_url(parcel_of(foreign)), {"weight_kg": "1.25"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.weight_g is None and parcel_of(foreign).weight_g is None


def test_weigh_an_order_that_left_is_refused(client_of, cn_staff, customer):
    parcel = ParcelFactory(weight_g=800, chargeable_weight_g=800)
    gone = ConsignmentFactory(
        customer=customer, parcel=parcel, status=ConsignmentStatus.IN_TRANSIT, weight_g=800
    )
    response = client_of(cn_staff).post(weigh_url(parcel), {"weight_kg": "2"}, follow=True)
    assert (
        f"Order {gone.code} has left the China warehouse: it can no longer be changed here."
        in message_texts(response)
    )
    gone.refresh_from_db()
    parcel.refresh_from_db()
    assert gone.weight_g == parcel.weight_g == 800
    assert _weighings(gone) == []


def test_weigh_unknown_parcel_is_404(client_of, cn_staff):
    response = client_of(cn_staff).post("/staff/cn/parcels/999999/weight/", {"weight_kg": "1"})
    assert response.status_code == 404


def test_weigh_a_parcel_without_an_order_is_404(client_of, cn_staff, stray):
    response = client_of(cn_staff).post(weigh_url(stray), {"weight_kg": "1"})
    assert response.status_code == 404
    stray.refresh_from_db()
    assert stray.weight_g is None


def _declare(client, order, htmx=False, **data):
    payload = {"goods_vi": "giày thể thao", "goods_zh": "运动鞋", "quantity": "3", "unit_value_cny": "12.50"}
    payload.update(data)
    return client.post(
        reverse("warehouse:declare", args=[order.pk]), payload, headers=HTMX if htmx else {}, follow=not htmx
    )


def test_declare_saves_the_declaration_with_history(client_of, cn_staff, order):
    response = _declare(client_of(cn_staff), order)

    assert response.redirect_chain == [(card_url(order), 302)]
    assert f"Saved for {order.code}." in message_texts(response)
    order.refresh_from_db()
    assert (order.goods_vi, order.goods_zh, order.goods_quantity) == ("giày thể thao", "运动鞋", 3)
    assert order.goods_unit_value_fen == 1250
    assert order.is_declared
    [event] = _events(order, EventKind.DECLARED)
    assert event.by == cn_staff and event.data["goods_quantity"] == 3


def test_declare_with_htmx_returns_the_panel(client_of, cn_staff, order):
    response = _declare(client_of(cn_staff), order, htmx=True)
    assert response.status_code == 200
    assert response.text.startswith(f'<form id="declare-{order.pk}"')
    assert 'data-testid="declare-saved"' in response.text and 'data-testid="declared"' in response.text


@pytest.mark.parametrize(
    "bad",
    [
        {"goods_vi": "", "goods_zh": ""},
        {"quantity": "0"},
        {"quantity": ""},
        {"unit_value_cny": "-1"},
        {"unit_value_cny": "1000000"},
    ],
    ids=["no-goods", "zero-quantity", "no-quantity", "negative-value", "huge-value"],
)
def test_declare_refuses_an_incomplete_declaration(client_of, cn_staff, order, bad):
    response = _declare(client_of(cn_staff), order, htmx=True, **bad)
    error = re.search(r'data-testid="declare-error">([^<]+)<', response.text)
    assert error and error.group(1).strip()
    order.refresh_from_db()
    assert not order.is_declared and order.goods_quantity is None
    assert _events(order, EventKind.DECLARED) == []


def test_declare_an_order_that_left_is_refused(client_of, cn_staff, customer):
    gone = ready_order(customer=customer, status=ConsignmentStatus.IN_TRANSIT)
    response = _declare(client_of(cn_staff), gone)
    assert any("has left the China warehouse" in m for m in message_texts(response))
    gone.refresh_from_db()
    assert gone.goods_vi == "giày" and gone.goods_quantity == 3


def test_label_is_a_pdf_for_this_parcel(client_of, cn_staff, order):
    response = client_of(cn_staff).get(label_url(parcel_of(order)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="label-{order.code}-1.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_a_parcel_without_an_order_has_no_label(client_of, cn_staff, stray):
    assert client_of(cn_staff).get(label_url(stray)).status_code == 404


def test_photos_are_kept_and_written_in_the_history(client_of, cn_staff, customer, order):
    response = client_of(cn_staff).post(
        reverse("warehouse:photos", args=[parcel_of(order).pk]),
        {"photos": [png("a.png"), png("b.png")]},
        follow=True,
    )
    assert response.redirect_chain == [(card_url(order), 302)]
    assert "Photo saved." in message_texts(response)
    photos = list(parcel_of(order).photos.all())
    assert len(photos) == 2 and {p.uploaded_by for p in photos} == {cn_staff}
    [event] = _events(order, EventKind.PHOTO)
    assert sorted(event.data["photo_ids"]) == sorted(p.pk for p in photos)

    # the customer sees them on the order, through the photo view
    detail = client_for(customer).get(reverse("consignments:detail", args=[order.code]))
    assert 'data-testid="photos"' in detail.text
    assert all(f'href="/photos/{p.pk}/"' in detail.text for p in photos)  # the whole photo
    assert all(f'src="/photos/{p.pk}/small/"' in detail.text for p in photos)  # shown small
    # stored as JPEG under a name of their own, not the name the phone gave, with a small copy beside
    stem = rf"parcels/\d{{4}}/\d{{2}}/{order.tracking_code}-[0-9a-f]{{10}}"
    assert all(re.fullmatch(stem + r"\.jpg", p.image.name) for p in photos)
    assert all(re.fullmatch(stem + r"-small\.jpg", p.thumbnail.name) for p in photos)


# --- an order of several parcels (kiện) ------------------------------------------------------------------

JD = "JDVA01234567890"  # a JD waybill; each box's label adds its piece: JDVA01234567890-2-3


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_each_piece_of_a_shipment_joins_its_order_and_the_station_counts_them(
    client_of, customer, cn_staff, vn_staff, htmx, django_capture_on_commit_callbacks
):
    TrackingNumberFactory(customer=customer, code=JD)
    client = client_of(cn_staff)
    with django_capture_on_commit_callbacks(execute=True):
        first = _scan(client, f"{JD}-1-3", htmx)
        second = _scan(client, f"{JD}-2-3", htmx)

    order = Consignment.objects.get()
    assert order.tracking_code == JD and order.destination == vn_staff.warehouse
    assert list(order.parcels.values_list("piece_number", "piece_count")) == [(1, 3), (2, 3)]
    assert (_outcome(first), _outcome(second)) == ("matched", "piece")
    assert 'data-testid="scan-pieces">1 / 3 parcels arrived</div>' in first.text
    assert 'data-testid="scan-pieces">2 / 3 parcels arrived</div>' in second.text
    assert 'data-testid="scan-destination">→ Kho phân phối Hà Nội</div>' in second.text
    assert f'data-testid="scan-order-code">{order.code}</div>' in second.text
    assert "Read: piece 2 of 3 of JDVA01234567890" in second.text
    assert [e.data["piece"] for e in _events(order, EventKind.PIECE)] == [2]
    assert Notification.objects.filter(user=customer, kind=NotificationKind.ARRIVED_CHINA).count() == 2

    again = _scan(client, f"{JD}-2-3", htmx)
    assert _outcome(again) == "duplicate" and order.parcels.count() == 2


def test_the_card_shows_every_parcel_with_its_own_weight_photos_and_label(client_of, cn_staff, customer):
    order = ConsignmentFactory(customer=customer, code="KG10000021", pieces=3)
    first, second, third = order.parcels.order_by("piece_number")

    response = client_of(cn_staff).get(card_url(order), {"parcel": second.pk})

    assert response.status_code == 200
    text = response.text
    assert 'data-testid="card-pieces">3 / 3 parcels, all here</span>' in text
    assert 'data-testid="card-destination">Kho phân phối Hà Nội</strong>' in text
    for parcel in (first, second, third):
        assert f'data-testid="parcel-{parcel.piece_number}"' in text
        assert weigh_url(parcel) in text and label_url(parcel) in text
        assert reverse("warehouse:photos", args=[parcel.pk]) in text
    assert text.count('data-testid="weight-input"') == 3
    assert text.count("just scanned") == 1 and "station-parcel-focus" in text
    assert reverse("warehouse:declare", args=[order.pk]) in text  # one declaration for the order


def test_weighing_one_parcel_keeps_the_orders_totals_with_the_minimum_per_parcel(
    client_of, cn_staff, customer
):
    order = ConsignmentFactory(customer=customer, code="KG10000022", pieces=2)
    first, second = order.parcels.order_by("piece_number")
    client = client_of(cn_staff)

    client.post(weigh_url(first), {"weight_kg": "0.2"})  # a small box: charged 0.5 kg
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (200, 500)
    response = client.post(weigh_url(second), {"weight_kg": "3"}, headers=HTMX)

    assert response.text.startswith(f'<form id="measure-{second.pk}"')
    assert 'data-testid="chargeable-weight">3 kg</strong>' in response.text
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.weight_g, first.chargeable_weight_g) == (200, 500)
    assert (second.weight_g, second.chargeable_weight_g) == (3000, 3000)
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (3200, 3500)
    assert [(e.data["piece"], e.data["weight_g"]) for e in _weighings(order)] == [(1, 200), (2, 3000)]


def test_each_parcel_has_its_own_label(client_of, cn_staff, customer):
    from pypdf import PdfReader

    order = ConsignmentFactory(customer=customer, code="KG10000023", pieces=2)
    second = order.parcels.get(piece_number=2)

    response = client_of(cn_staff).get(label_url(second))

    assert response.status_code == 200
    assert 'filename="label-KG10000023-2.pdf"' in response["Content-Disposition"]
    [page] = PdfReader(io.BytesIO(response.content)).pages
    assert "KG10000023-2" in page.extract_text() and "2/2" in page.extract_text()


# --- parcel photos: who may see them ---------------------------------------------------------------------


@pytest.fixture
def photo(order, cn_staff):
    from warehouse.services import parcel_add_photos

    [photo] = parcel_add_photos(parcel=parcel_of(order), files=[png("kien.png")], by=cn_staff)
    return photo


def _photo_body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("url", ["photo", "photo_small"])
@pytest.mark.parametrize("persona", ["customer", "cn_staff", "ops"])
def test_a_photo_is_shown_to_its_customer_the_warehouse_and_operations(
    request, client_of, photo, persona, url
):
    response = client_of(request.getfixturevalue(persona)).get(reverse(url, args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]
    field = photo.thumbnail if url == "photo_small" else photo.image
    with field.open("rb") as stored:
        assert _photo_body(response) == stored.read()


@pytest.mark.parametrize("url", ["photo", "photo_small"])
@pytest.mark.parametrize("persona", ["other_customer", "vn_staff", "staff_elsewhere"])
def test_a_photo_is_404_to_everybody_else(request, client_of, photo, persona, url):
    if persona == "staff_elsewhere":
        from accounts.tests.factories import ChinaStaffFactory

        user = ChinaStaffFactory(username="khosz", warehouse=ChinaWarehouseFactory(code="SZ"))
    else:
        user = request.getfixturevalue(persona)
    assert client_of(user).get(reverse(url, args=[photo.pk])).status_code == 404


def test_a_photo_kept_without_a_thumbnail_is_shown_whole(client_of, customer, photo):
    photo.thumbnail = ""
    photo.save()
    response = client_of(customer).get(reverse("photo_small", args=[photo.pk]))
    with photo.image.open("rb") as stored:
        assert _photo_body(response) == stored.read()


def test_a_phone_photo_is_kept_upright_smaller_and_without_its_metadata(cn_staff, order):
    """A 4,000-pixel phone photo taken sideways (EXIF orientation 6) with the place it was taken."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from warehouse.services import PHOTO_MAX_SIDE, THUMBNAIL_SIDE, parcel_add_photos

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to show
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 200, 10)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")

    [photo] = parcel_add_photos(parcel=parcel_of(order), files=[upload], by=cn_staff)

    with photo.image.open("rb") as stored, Image.open(stored) as kept:
        assert (kept.format, kept.size) == ("JPEG", (PHOTO_MAX_SIDE * 3 // 4, PHOTO_MAX_SIDE))  # upright
        assert not kept.getexif()  # no orientation left to apply twice, no maker, no place
    with photo.thumbnail.open("rb") as stored, Image.open(stored) as small:
        assert small.size == (THUMBNAIL_SIDE * 3 // 4, THUMBNAIL_SIDE)


def test_a_file_claiming_a_gigantic_picture_is_refused(client_of, cn_staff, order):
    """A decompression bomb: a few kilobytes of PNG that would be 400 million pixels."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = client_of(cn_staff).post(
        reverse("warehouse:photos", args=[parcel_of(order).pk]), {"photos": [bomb]}, headers=HTMX
    )
    assert response.status_code == 200
    assert "bomb.png: That photo is too large to open." in response.text
    assert not parcel_of(order).photos.exists()


def test_a_photo_is_shown_to_china_staff_at_the_station_they_scan_at(client_of, order, photo):
    """Staff with no warehouse set scan at the first China warehouse (at_station): they see its photos."""
    from accounts.tests.factories import ChinaStaffFactory

    unplaced = ChinaStaffFactory(username="khomoi", warehouse=None)
    assert client_of(unplaced).get(reverse("photo", args=[photo.pk])).status_code == 200
    ChinaWarehouseFactory(code="SZ")  # another one, created later: still not theirs
    elsewhere = ChinaStaffFactory(username="khosz2", warehouse=Warehouse.objects.get(code="SZ"))
    assert client_of(elsewhere).get(reverse("photo", args=[photo.pk])).status_code == 404


def test_a_photo_of_an_unidentified_parcel_is_not_a_customers(client_of, customer, cn_staff, stray):
    from warehouse.services import parcel_add_photos

    [photo] = parcel_add_photos(parcel=stray, files=[png()], by=cn_staff)
    assert client_of(customer).get(reverse("photo", args=[photo.pk])).status_code == 404
    assert client_of(cn_staff).get(reverse("photo", args=[photo.pk])).status_code == 200


def test_a_photo_needs_a_login_and_a_get(client, client_of, customer, photo):
    path = reverse("photo", args=[photo.pk])
    assert_login_redirect(client.get(path), path)
    assert client_of(customer).post(path).status_code == 405
    assert client_of(customer).get(reverse("photo", args=[photo.pk + 1000])).status_code == 404


def test_a_photo_stored_under_another_name_is_only_downloaded(client_of, customer, photo):
    """Photos kept before they were renamed by format: whatever the name says, never served as a page."""
    photo.image.name = photo.image.name.replace(".jpg", ".html")
    photo.save()
    with photo.image.storage.open(photo.image.name, "wb") as fake:
        fake.write(b"<script>alert(1)</script>")
    response = client_of(customer).get(reverse("photo", args=[photo.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_missing_photo_file_is_404(client_of, customer, photo):
    photo.image.storage.delete(photo.image.name)
    assert client_of(customer).get(reverse("photo", args=[photo.pk])).status_code == 404


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_file_that_is_not_a_photo_is_refused(client_of, cn_staff, order, htmx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("invoice.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client_of(cn_staff).post(
        reverse("warehouse:photos", args=[parcel_of(order).pk]),
        {"photos": [png("ok.png"), fake]},
        headers=HTMX if htmx else {},
        follow=not htmx,
    )
    text = response.text if htmx else " ".join(message_texts(response))
    assert "invoice.png" in text and "not a photo" in text
    assert not parcel_of(order).photos.exists()  # one bad file saves none
    assert _events(order, EventKind.PHOTO) == []


def test_photos_without_a_file_say_so(client_of, cn_staff, order):
    response = client_of(cn_staff).post(
        reverse("warehouse:photos", args=[parcel_of(order).pk]), {}, headers=HTMX
    )
    assert 'data-testid="photo-error"' in response.text
    assert not parcel_of(order).photos.exists()


# --- identifying a parcel from its label -------------------------------------------------------------------


@pytest.fixture
def stray(cn_staff):
    """A parcel scanned at GZ that nobody registered."""
    return ParcelFactory(warehouse=cn_staff.warehouse, scanned_by=cn_staff, tracking_code="YT5550001112000")


def test_scan_of_an_unregistered_code_offers_to_identify_it(client_of, cn_staff, stray):
    client = client_of(cn_staff)
    response = _scan(client, "YT5550001112000", True)
    assert _outcome(response) == "unidentified"
    panel_url = reverse("warehouse:parcel", args=[stray.pk])
    assert f'hx-get="{panel_url}"' in response.text  # the panel follows in its own request
    panel = client.get(panel_url, headers=HTMX)
    assert 'data-testid="identify"' in panel.text
    assert reverse("warehouse:identify", args=[stray.pk]) in panel.text
    page = _scan(client, "YT5550001112000", False)  # without JavaScript, all in one page
    assert 'data-testid="identify"' in page.text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("label", ["123PO thubin89x YW532", "yw532", "THUBIN89X - yw532"])
def test_identify_proposes_the_customer_on_the_label(
    client_of, cn_staff, customer, other_customer, stray, htmx, label
):
    response = client_of(cn_staff).post(
        reverse("warehouse:identify", args=[stray.pk]), {"label": label}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 200
    assert ("<html" in response.text) is not htmx
    assert [c.pk for c, _reasons in response.context["candidates"]] == [customer.pk]
    assert response.text.count('data-testid="candidate"') == 1
    assert "YW532" in response.text and "KM748" not in response.text
    stray.refresh_from_db()
    assert stray.label_text == label
    assert not Consignment.objects.exists()  # nothing is created before staff confirm


def test_identify_with_nobody_on_the_label(client_of, cn_staff, customer, stray):
    response = client_of(cn_staff).post(
        reverse("warehouse:identify", args=[stray.pk]), {"label": "ZZ999 nobody"}
    )
    assert 'data-testid="no-candidate"' in response.text
    assert not Consignment.objects.exists()


def test_identify_never_proposes_staff(client_of, cn_staff, vn_staff, stray):
    response = client_of(cn_staff).post(reverse("warehouse:identify", args=[stray.pk]), {"label": "khohn"})
    assert 'data-testid="candidate"' not in response.text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_assign_creates_the_order_with_the_reason(
    client_of, cn_staff, customer, stray, htmx, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cn_staff).post(
            reverse("warehouse:assign", args=[stray.pk]),
            {"customer": customer.pk, "reason": "Read on the label: 123PO thubin89x YW532"},
            headers=HTMX if htmx else {},
        )

    order = Consignment.objects.get()
    assert order.customer == customer and list(order.parcels.all()) == [stray]
    [owner] = _events(order, EventKind.OWNER)
    assert owner.by == cn_staff and "YW532" in owner.data["reason"]
    if htmx:
        assert response.status_code == 200
        assert _outcome(response) == "matched"
        assert f'data-testid="scan-order-code">{order.code}</div>' in response.text
    else:
        assert response.status_code == 302 and response.url == card_url(order)
    assert Notification.objects.filter(user=customer, kind=NotificationKind.ARRIVED_CHINA).count() == 1


def test_assign_matches_the_customers_own_registration(client_of, cn_staff, customer, other_customer, stray):
    mine = TrackingNumberFactory(customer=customer, code="YT5550001112000")
    theirs = TrackingNumberFactory(customer=other_customer, code="YT5550001112000")
    client_of(cn_staff).post(
        reverse("warehouse:assign", args=[stray.pk]), {"customer": customer.pk, "reason": "code on the label"}
    )
    order = Consignment.objects.get()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.consignment == order and theirs.consignment is None


@pytest.mark.parametrize(
    "data",
    [{"reason": ""}, {"customer": 999999}, {"customer": "staff"}],
    ids=["no-reason", "unknown-customer", "a-staff-member"],
)
def test_assign_refuses_without_a_reason_or_a_real_customer(client_of, cn_staff, customer, stray, data):
    payload = {"customer": customer.pk, "reason": "code on the label", **data}
    if payload["customer"] == "staff":
        payload["customer"] = cn_staff.pk
    response = client_of(cn_staff).post(reverse("warehouse:assign", args=[stray.pk]), payload, headers=HTMX)
    assert response.status_code == 200
    assert 'data-testid="identify-error"' in response.text
    assert not Consignment.objects.exists()


def test_assign_a_parcel_that_already_has_an_order_is_refused(client_of, cn_staff, other_customer, order):
    response = client_of(cn_staff).post(
        reverse("warehouse:assign", args=[parcel_of(order).pk]),
        {"customer": other_customer.pk, "reason": "label"},
        headers=HTMX,
    )
    assert f"This parcel already has order {order.code}." in response.text
    assert list(Consignment.objects.all()) == [order]
    order.refresh_from_db()
    assert order.customer.username == "thubin89x"


# --- dispatch --------------------------------------------------------------------------------------------


# Weighed and declared for customs: what dispatch needs.
READY = {"weight_g": 1250, "goods_vi": "giày", "goods_quantity": 3, "goods_unit_value_fen": 5000}


def ready_order(*, parcel=None, **kwargs):
    """An order whose parcel is weighed (1.25 kg) and that is declared for customs: what dispatch needs."""
    parcel = parcel or ParcelFactory()
    Parcel.objects.filter(pk=parcel.pk).update(weight_g=1250, chargeable_weight_g=1250)
    return ConsignmentFactory(parcel=parcel, **{**READY, **kwargs})


def test_dispatch_lists_the_orders_waiting_at_this_warehouse(client_of, cn_staff, customer, other_customer):
    weighed = ConsignmentFactory(customer=customer, code="KG10000001", weight_g=1250)
    unweighed = ConsignmentFactory(customer=other_customer, code="KG10000002")
    gone = ConsignmentFactory(customer=customer, code="KG10000003", status=ConsignmentStatus.IN_TRANSIT)
    elsewhere = ConsignmentFactory(
        customer=customer, code="KG10000004", parcel=ParcelFactory(warehouse=ChinaWarehouseFactory(code="SZ"))
    )

    response = client_of(cn_staff).get(DISPATCH)

    assert response.status_code == 200
    assert list(response.context["consignments"]) == [weighed, unweighed]
    text = response.text
    assert "KG10000001" in text and "KG10000002" in text
    assert gone.code not in text and elsewhere.code not in text
    assert "YW532" in text and "KM748" in text
    assert "1.25" in text and "not weighed" in text


def test_dispatch_moves_weighed_orders_and_refuses_unweighed(client_of, cn_staff, customer):
    weighed = ready_order(customer=customer, code="KG10000001")
    unweighed = ConsignmentFactory(customer=customer, code="KG10000002", **{**READY, "weight_g": None})
    undeclared = ready_order(
        customer=customer, code="KG10000003", goods_vi="", goods_quantity=None, goods_unit_value_fen=None
    )

    response = client_of(cn_staff).post(
        DISPATCH, {"ids": [weighed.pk, unweighed.pk, undeclared.pk]}, follow=True
    )

    # back on the list, with the refused orders marked (warehouse/tests/test_dispatch_list.py)
    assert response.redirect_chain == [(f"{DISPATCH}?refused={unweighed.pk}%2C{undeclared.pk}", 302)]
    weighed.refresh_from_db()
    unweighed.refresh_from_db()
    undeclared.refresh_from_db()
    assert weighed.status == ConsignmentStatus.IN_TRANSIT
    assert unweighed.status == ConsignmentStatus.CN_RECEIVED
    assert undeclared.status == ConsignmentStatus.CN_RECEIVED
    last = weighed.events.order_by("-id").first()
    assert (last.old_status, last.new_status, last.by) == ("cn_received", "in_transit", cn_staff)
    assert unweighed.events.count() == 1 and undeclared.events.count() == 1
    messages = message_texts(response)
    assert "1 order departed for Vietnam." in messages
    assert "Order KG10000002 has a parcel not weighed yet." in messages
    assert "Order KG10000003 has no customs declaration yet." in messages
    assert list(response.context["consignments"]) == [unweighed, undeclared]


def test_dispatch_refuses_an_order_with_a_parcel_not_weighed_yet(client_of, cn_staff, customer):
    order = ConsignmentFactory(customer=customer, code="KG10000005", pieces=2, **READY)
    order.parcels.filter(piece_number=1).update(weight_g=1250, chargeable_weight_g=1250)

    response = client_of(cn_staff).post(DISPATCH, {"ids": [order.pk]}, follow=True)

    assert "Order KG10000005 has a parcel not weighed yet." in message_texts(response)
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.CN_RECEIVED and order.events.count() == 1


def test_dispatch_ignores_orders_of_another_warehouse_and_junk_ids(client_of, cn_staff, customer):
    elsewhere = ready_order(
        customer=customer, parcel=ParcelFactory(warehouse=ChinaWarehouseFactory(code="SZ"))
    )
    response = client_of(cn_staff).post(DISPATCH, {"ids": [elsewhere.pk, "x", "-1"]}, follow=True)
    assert response.status_code == 200
    elsewhere.refresh_from_db()
    assert elsewhere.status == ConsignmentStatus.CN_RECEIVED


def test_dispatch_with_nothing_selected_warns(client_of, cn_staff, customer):
    weighed = ready_order(customer=customer)
    response = client_of(cn_staff).post(DISPATCH, {}, follow=True)
    assert "Select at least one order." in message_texts(response)
    weighed.refresh_from_db()
    assert weighed.status == ConsignmentStatus.CN_RECEIVED


# --- the Vietnam depot -----------------------------------------------------------------------------------


@pytest.fixture
def in_transit(customer, cn_staff):
    return ConsignmentFactory(
        customer=customer,
        code="KG30000003",
        tracking_code="SF300000000003",
        status=ConsignmentStatus.IN_TRANSIT,
        weight_g=2500,
    )


def test_depot_lists_orders_in_transit_and_those_awaiting_here(client_of, vn_staff, customer, in_transit):
    still_in_china = ConsignmentFactory(customer=customer, code="KG40000004")
    here = ConsignmentFactory(
        customer=customer, code="KG50000005", status=ConsignmentStatus.AWAITING_DELIVERY
    )
    Consignment.objects.filter(pk=here.pk).update(current_warehouse=vn_staff.warehouse)
    other_depot = VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")
    there = ConsignmentFactory(
        customer=customer, code="KG60000006", status=ConsignmentStatus.AWAITING_DELIVERY
    )
    Consignment.objects.filter(pk=there.pk).update(current_warehouse=other_depot)

    response = client_of(vn_staff).get(DEPOT)

    assert response.status_code == 200
    assert response.context["station"] == vn_staff.warehouse
    assert list(response.context["in_transit"]) == [in_transit]
    assert list(response.context["awaiting"]) == [here]
    text = response.text
    assert "KG30000003" in text and "SF300000000003" in text and "YW532" in text
    assert "KG50000005" in text
    assert still_in_china.code not in text and "KG60000006" not in text


def _assert_awaiting(order, vn_staff):
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    assert order.current_warehouse == vn_staff.warehouse
    last = order.events.order_by("-id").first()
    assert (last.old_status, last.new_status, last.by) == ("in_transit", "awaiting_delivery", vn_staff)
    assert (
        Notification.objects.filter(
            user=order.customer, kind=NotificationKind.AWAITING_DELIVERY, consignment=order
        ).count()
        == 1
    )


def test_depot_marks_selected_orders_awaiting_and_the_customer_hears_of_it(
    vn_staff, customer, other_customer, in_transit, django_capture_on_commit_callbacks
):
    theirs = ConsignmentFactory(customer=other_customer, status=ConsignmentStatus.IN_TRANSIT, weight_g=100)
    not_selected = ConsignmentFactory(customer=customer, status=ConsignmentStatus.IN_TRANSIT, weight_g=100)
    staff = client_for(vn_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(DEPOT, {"ids": [in_transit.pk, theirs.pk]}, follow=True)

    assert response.redirect_chain == [(DEPOT, 302)]
    _assert_awaiting(in_transit, vn_staff)
    _assert_awaiting(theirs, vn_staff)
    not_selected.refresh_from_db()
    assert not_selected.status == ConsignmentStatus.IN_TRANSIT
    assert any("2 orders are now awaiting delivery" in m for m in message_texts(response))

    # The customer's bell shows it; opening the notification marks it read and shows the order.
    shopper = client_for(customer)
    home = shopper.get(reverse("home"))
    assert home.context["unread_notifications"] == 1
    assert 'data-testid="bell-count">1</span>' in home.text
    listing = shopper.get(reverse("notifications:list"))
    assert "Order KG30000003 is at the Vietnam depot, awaiting delivery" in listing.text
    note = Notification.objects.get(user=customer)
    opened = shopper.get(reverse("notifications:open", args=[note.pk]), follow=True)
    assert opened.redirect_chain == [(reverse("consignments:detail", args=["KG30000003"]), 302)]
    assert opened.context["consignment"] == in_transit
    assert 'data-testid="order-status">Awaiting delivery</span>' in opened.text
    note.refresh_from_db()
    assert note.read_at is not None
    assert opened.context["unread_notifications"] == 0


@pytest.mark.parametrize("typed", ["KG30000003", " kg3000 0003 ", "SF300000000003", "sf 3000 0000 0003"])
def test_depot_marks_a_scanned_order_awaiting(
    client_of, vn_staff, customer, in_transit, typed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(vn_staff).post(DEPOT, {"code": typed}, follow=True)
    assert response.redirect_chain == [(DEPOT, 302)]
    _assert_awaiting(in_transit, vn_staff)
    assert "KG30000003 is now awaiting delivery." in message_texts(response)
    assert list(response.context["awaiting"]) == [in_transit]


def test_depot_scan_of_an_unknown_code_says_so(client_of, vn_staff, in_transit):
    response = client_of(vn_staff).post(DEPOT, {"code": "KG99999999"}, follow=True)
    assert "No order has the code or tracking number KG99999999." in message_texts(response)
    in_transit.refresh_from_db()
    assert in_transit.status == ConsignmentStatus.IN_TRANSIT


def test_depot_scan_of_an_order_still_in_china_does_nothing(client_of, vn_staff, customer):
    waiting = ConsignmentFactory(customer=customer, code="KG40000004")
    response = client_of(vn_staff).post(DEPOT, {"code": "KG40000004"}, follow=True)
    assert "KG40000004 has not left the China warehouse yet: it cannot have arrived." in message_texts(
        response
    )
    waiting.refresh_from_db()
    assert waiting.status == ConsignmentStatus.CN_RECEIVED
    assert not Notification.objects.exists()


def test_depot_scan_of_an_order_already_awaiting_says_so(client_of, vn_staff, customer):
    ready = ConsignmentFactory(
        customer=customer,
        code="KG50000005",
        status=ConsignmentStatus.AWAITING_DELIVERY,
        current_warehouse=vn_staff.warehouse,
    )
    response = client_of(vn_staff).post(DEPOT, {"code": ready.tracking_code}, follow=True)
    [message] = response.context["messages"]
    assert (str(message), message.level_tag) == ("KG50000005 is already awaiting delivery.", "info")
    assert ready.events.count() == 1


def test_depot_scan_of_an_order_awaiting_at_another_depot_says_where(client_of, vn_staff, customer):
    elsewhere = VietnamDepotFactory(code="SG", name="Kho Sài Gòn")
    ConsignmentFactory(
        customer=customer,
        code="KG70000007",
        status=ConsignmentStatus.AWAITING_DELIVERY,
        current_warehouse=elsewhere,
    )
    response = client_of(vn_staff).post(DEPOT, {"code": "KG70000007"}, follow=True)
    assert "KG70000007 is awaiting delivery at another depot: Kho Sài Gòn." in message_texts(response)


def test_depot_scan_of_a_delivered_order_gives_its_status(client_of, vn_staff, customer):
    ConsignmentFactory(customer=customer, code="KG60000006", status=ConsignmentStatus.DELIVERED)
    response = client_of(vn_staff).post(DEPOT, {"code": "kg60000006"}, follow=True)
    assert "KG60000006 is not in international transit: it is “Delivered”." in message_texts(response)


def test_depot_empty_scan_asks_for_a_code(client_of, vn_staff, in_transit):
    response = client_of(vn_staff).post(DEPOT, {"code": "  "}, follow=True)
    assert "Scan an order code or a tracking number." in message_texts(response)
    in_transit.refresh_from_db()
    assert in_transit.status == ConsignmentStatus.IN_TRANSIT


def test_depot_scan_of_a_parcel_label_finds_its_order(
    client_of, vn_staff, customer, django_capture_on_commit_callbacks
):
    order = ConsignmentFactory(
        customer=customer, code="KG30000008", pieces=2, status=ConsignmentStatus.IN_TRANSIT, weight_g=900
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(vn_staff).post(DEPOT, {"code": "KG30000008-2"}, follow=True)
    assert "KG30000008 is now awaiting delivery." in message_texts(response)
    _assert_awaiting(order, vn_staff)


@pytest.fixture
def bound_for_saigon(customer):
    """In transit to the TP.HCM depot, not to vn_staff's (Hà Nội)."""
    saigon = VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")
    return ConsignmentFactory(
        customer=customer,
        code="KG30000009",
        tracking_code="SF300000000009",
        status=ConsignmentStatus.IN_TRANSIT,
        weight_g=900,
        destination=saigon,
    )


def test_the_depot_does_not_receive_an_order_bound_for_another_depot(client_of, vn_staff, bound_for_saigon):
    staff = client_of(vn_staff)
    page = staff.get(DEPOT)
    assert bound_for_saigon not in list(page.context["in_transit"])
    assert "KG30000009" not in page.text

    for data in ({"code": "SF300000000009"}, {"ids": [bound_for_saigon.pk]}):
        response = staff.post(DEPOT, data, follow=True)
        bound_for_saigon.refresh_from_db()
        assert bound_for_saigon.status == ConsignmentStatus.IN_TRANSIT
    scanned = staff.post(DEPOT, {"code": "KG30000009"}, follow=True)
    assert (
        "KG30000009 goes to Kho phân phối TP.HCM, not to this depot. Operations can transfer it here."
        in message_texts(scanned)
    )
    assert response.status_code == 200 and not Notification.objects.exists()


def test_operations_transfer_an_order_and_the_new_depot_receives_it(
    client_of, ops, vn_staff, bound_for_saigon, django_capture_on_commit_callbacks
):
    form = client_for(ops).get(reverse("warehouse:transfer_form", args=[bound_for_saigon.pk]))
    assert form.status_code == 200
    assert 'data-testid="transfer-destination">Kho phân phối TP.HCM</strong>' in form.text
    assert reverse("warehouse:transfer", args=[bound_for_saigon.pk]) in form.text

    response = client_for(ops).post(
        reverse("warehouse:transfer", args=[bound_for_saigon.pk]),
        {"depot": vn_staff.warehouse.pk, "reason": "the customer moved to Hà Nội"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("warehouse:transfer_form", args=[bound_for_saigon.pk]), 302)]
    assert "KG30000009 now goes to Kho phân phối Hà Nội." in message_texts(response)
    bound_for_saigon.refresh_from_db()
    assert bound_for_saigon.destination == vn_staff.warehouse
    [event] = _events(bound_for_saigon, EventKind.DESTINATION)
    assert event.by == ops and event.data["transfer"] and event.note == "the customer moved to Hà Nội"
    assert event.data["previous"] == "Kho phân phối TP.HCM"

    with django_capture_on_commit_callbacks(execute=True):
        client_of(vn_staff).post(DEPOT, {"code": "KG30000009"})
    _assert_awaiting(bound_for_saigon, vn_staff)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Say why the order is transferred."),
        ({"depot": "china"}, "Choose one of our Vietnam depots."),
        ({"depot": ""}, "Choose one of our Vietnam depots."),
    ],
    ids=["no-reason", "not-a-depot", "no-depot"],
)
def test_a_transfer_needs_a_depot_and_a_reason(client_of, ops, vn_staff, bound_for_saigon, data, message):
    payload = {"depot": vn_staff.warehouse.pk, "reason": "moved", **data}
    if payload["depot"] == "china":
        payload["depot"] = ChinaWarehouseFactory().pk
    response = client_of(ops).post(
        reverse("warehouse:transfer", args=[bound_for_saigon.pk]), payload, follow=True
    )
    assert message in message_texts(response)
    bound_for_saigon.refresh_from_db()
    assert bound_for_saigon.destination.code == "SG"
    assert _events(bound_for_saigon, EventKind.DESTINATION) == []


def test_a_delivered_order_is_not_transferred(client_of, ops, vn_staff, customer):
    done = ConsignmentFactory(customer=customer, code="KG30000010", status=ConsignmentStatus.DELIVERED)
    saigon = VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")
    response = client_of(ops).post(
        reverse("warehouse:transfer", args=[done.pk]), {"depot": saigon.pk, "reason": "x"}, follow=True
    )
    assert "Order KG30000010 is “Delivered”: its depot can no longer be changed." in message_texts(response)
    done.refresh_from_db()
    assert done.destination.code == "HN"


def test_transfer_of_an_unknown_order_is_404(client_of, ops, vn_staff):
    client = client_of(ops)
    assert client.get(reverse("warehouse:transfer_form", args=[999999])).status_code == 404
    response = client.post(reverse("warehouse:transfer", args=[999999]), {"depot": vn_staff.warehouse.pk})
    assert response.status_code == 404


def test_depot_with_nothing_selected_warns(client_of, vn_staff, in_transit):
    response = client_of(vn_staff).post(DEPOT, {}, follow=True)
    assert "Select at least one order." in message_texts(response)
    in_transit.refresh_from_db()
    assert in_transit.status == ConsignmentStatus.IN_TRANSIT


def test_depot_ignores_selected_ids_that_are_not_in_transit(client_of, vn_staff, customer):
    waiting = ConsignmentFactory(customer=customer)
    client_of(vn_staff).post(DEPOT, {"ids": [waiting.pk]})
    waiting.refresh_from_db()
    assert waiting.status == ConsignmentStatus.CN_RECEIVED
    assert not Notification.objects.exists()


def test_depot_post_without_csrf_token_is_refused(vn_staff, in_transit):
    response = client_for(vn_staff, csrf=True).post(DEPOT, {"ids": [in_transit.pk]})
    assert response.status_code == 403
    in_transit.refresh_from_db()
    assert in_transit.status == ConsignmentStatus.IN_TRANSIT


# --- the language switcher -------------------------------------------------------------------------------

ZH_MO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


@pytest.fixture
def restore_language():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_language_switcher_turns_the_scan_station_chinese(cn_staff, restore_language):
    client = client_for(cn_staff, language=None)
    before = client.get(SCAN)
    assert before["Content-Language"] == "vi"  # Vietnamese by default

    switched = client.post(reverse("set_language"), {"language": "zh-hans", "next": SCAN})
    assert switched.status_code == 302 and switched.url == SCAN
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    # kept for a year, not only until the browser closes: a station set to Chinese stays Chinese
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 365 * 24 * 3600

    response = client.get(SCAN)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.context["LANGUAGE_CODE"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.text
    if ZH_MO.exists():
        with ZH_MO.open("rb") as mo:
            chinese = gettext.GNUTranslations(mo).gettext("Scan station")
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"'Scan station' is not translated: {chinese!r}"
        assert chinese in response.text
        assert "Scan station" not in response.text

    back = client.post(reverse("set_language"), {"language": "en", "next": SCAN}, follow=True)
    assert back["Content-Language"] == "en"
    assert "Scan station" in back.text


def test_a_scanned_string_is_escaped_in_the_error(client_of, cn_staff):
    # (with "=" in it, a scan reads as a QR code's key=value label data, and is refused without echoing it)
    response = _scan(client_of(cn_staff), "<img/src/onerror/alert(1)>SF12345678", True)
    assert _outcome(response) == "error"
    assert "<img" not in response.text.lower()
    assert "this one also has “&lt;”, “&gt;”." in response.text
    assert not Parcel.objects.exists()


# --- operations: codes registered by several customers ----------------------------------------------------

CONFLICTS = "/staff/ops/conflicts/"


@pytest.fixture
def conflict(customer, other_customer):
    """SF123456789012 registered by both customers; a third code registered by one only."""
    return (
        TrackingNumberFactory(customer=customer, code="SF123456789012", note="giày của tôi"),
        TrackingNumberFactory(customer=other_customer, code="SF123456789012"),
        TrackingNumberFactory(customer=customer, code="YT5550001112000"),
    )


def test_conflicts_url():
    assert reverse("warehouse:conflicts") == CONFLICTS


@pytest.mark.parametrize("method", ["get", "post"])
def test_conflicts_send_anonymous_to_login(client, conflict, method):
    mine, theirs, _single = conflict
    response = getattr(client, method)(
        CONFLICTS, {"code": mine.code, "keep": mine.pk} if method == "post" else None
    )
    assert_login_redirect(response, CONFLICTS)
    assert TrackingNumber.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_conflicts_are_for_operations_only(request, client_of, conflict, persona, method):
    mine, theirs, _single = conflict
    client = client_of(request.getfixturevalue(persona))
    response = getattr(client, method)(
        CONFLICTS, {"code": mine.code, "keep": mine.pk} if method == "post" else None
    )
    assert response.status_code == 403
    assert TrackingNumber.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def test_conflicts_page_lists_each_contested_code_with_its_customers(client_of, ops, conflict):
    response = client_of(ops).get(CONFLICTS)

    assert response.status_code == 200
    [(code, registrations)] = response.context["rows"]
    assert code == "SF123456789012"
    assert {t.customer.customer_code for t in registrations} == {"YW532", "KM748"}
    text = response.text
    assert text.count('data-testid="conflict"') == 1
    assert "YW532" in text and "KM748" in text and "giày của tôi" in text
    assert "YT5550001112000" not in text  # registered once: not a conflict


def test_conflicts_page_when_there_are_none(client_of, ops, customer):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    response = client_of(ops).get(CONFLICTS)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No conflicts." in response.text


def test_keeping_one_customers_registration_withdraws_the_others(client_of, ops, conflict, customer):
    mine, theirs, single = conflict
    response = client_of(ops).post(CONFLICTS, {"code": "SF123456789012", "keep": mine.pk}, follow=True)

    assert response.redirect_chain == [(CONFLICTS, 302)]
    assert "SF123456789012 now belongs to thubin89x." in message_texts(response)
    assert list(TrackingNumber.objects.filter(code="SF123456789012")) == [mine]
    mine.refresh_from_db()
    assert mine.status == TrackingStatus.REGISTERED
    assert TrackingNumber.objects.filter(pk=single.pk).exists()
    assert response.context["rows"] == []


def test_keeping_a_registration_matches_a_parcel_already_here(
    client_of, ops, cn_staff, conflict, customer, django_capture_on_commit_callbacks
):
    mine, _theirs, _single = conflict
    scanned = _scan(client_for(cn_staff), "SF123456789012", True)
    assert _outcome(scanned) == "conflict"
    assert not Consignment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_of(ops).post(CONFLICTS, {"code": "SF123456789012", "keep": mine.pk})

    order = Consignment.objects.get()
    assert order.customer == customer
    assert order.tracking_code == order.parcels.get().tracking_code == "SF123456789012"
    mine.refresh_from_db()
    assert mine.status == TrackingStatus.MATCHED and mine.consignment == order
    assert Notification.objects.filter(user=customer, kind=NotificationKind.ARRIVED_CHINA).count() == 1


def test_keeping_a_registration_that_is_gone_says_reload(client_of, ops, conflict):
    mine, theirs, _single = conflict
    response = client_of(ops).post(CONFLICTS, {"code": "SF123456789012", "keep": 999999}, follow=True)
    assert "This registration is no longer open; reload the page." in message_texts(response)
    assert TrackingNumber.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def test_keeping_a_registration_of_another_code_changes_nothing(client_of, ops, conflict):
    mine, theirs, single = conflict
    response = client_of(ops).post(CONFLICTS, {"code": "SF123456789012", "keep": single.pk}, follow=True)
    assert "This registration is no longer open; reload the page." in message_texts(response)
    assert TrackingNumber.objects.count() == 3


def test_conflicts_post_without_a_choice_changes_nothing(client_of, ops, conflict):
    response = client_of(ops).post(CONFLICTS, {"code": "SF123456789012", "keep": "x"})
    assert response.status_code == 302 and response.url == CONFLICTS
    assert TrackingNumber.objects.count() == 3


# --- operations: unidentified parcels ---------------------------------------------------------------------

UNIDENTIFIED = "/staff/ops/unidentified/"


def test_unidentified_url():
    assert reverse("warehouse:unidentified") == UNIDENTIFIED


@pytest.mark.parametrize("method", ["get", "post"])
def test_unidentified_sends_anonymous_to_login(client, stray, customer, method):
    data = {"parcel": stray.pk, "customer": "YW532", "reason": "invoice"} if method == "post" else None
    assert_login_redirect(getattr(client, method)(UNIDENTIFIED, data), UNIDENTIFIED)
    assert not Consignment.objects.exists()


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unidentified_is_for_operations_only(request, client_of, stray, customer, persona, method):
    data = {"parcel": stray.pk, "customer": "YW532", "reason": "invoice"} if method == "post" else None
    response = getattr(client_of(request.getfixturevalue(persona)), method)(UNIDENTIFIED, data)
    assert response.status_code == 403
    assert not Consignment.objects.exists()


def test_unidentified_lists_parcels_nobody_owns_and_flags_old_ones(client_of, ops, stray, order):
    from django.utils import timezone

    old = ParcelFactory(warehouse=stray.warehouse, tracking_code="YT4440001112000", label_text="123PO ai do")
    Parcel.objects.filter(pk=old.pk).update(scanned_at=timezone.now() - timezone.timedelta(days=45))

    response = client_of(ops).get(UNIDENTIFIED)

    assert response.status_code == 200
    assert {p.pk for p in response.context["page"]} == {stray.pk, old.pk}
    text = response.text
    assert "YT5550001112000" in text and "YT4440001112000" in text and "123PO ai do" in text
    assert order.tracking_code not in text  # it has an order
    assert text.count('data-testid="unidentified-parcel"') == 2
    assert text.count('data-testid="flag-30"') == 1


@pytest.mark.parametrize(("q", "found"), [("5550", "YT5550001112000"), ("ai do", "YT4440001112000")])
def test_unidentified_search_by_code_or_label(client_of, ops, stray, q, found):
    ParcelFactory(warehouse=stray.warehouse, tracking_code="YT4440001112000", label_text="123PO ai do")
    response = client_of(ops).get(UNIDENTIFIED, {"q": q})
    assert [p.tracking_code for p in response.context["page"]] == [found]


def test_operations_assign_an_unidentified_parcel(client_of, ops, customer, stray):
    response = client_of(ops).post(
        UNIDENTIFIED,
        {"parcel": stray.pk, "customer": " yw532 ", "reason": "customer sent the invoice"},
        follow=True,
    )
    order = Consignment.objects.get()
    assert order.customer == customer and list(order.parcels.all()) == [stray]
    [owner] = _events(order, EventKind.OWNER)
    assert owner.by == ops and owner.data["reason"] == "customer sent the invoice"
    assert f"YT5550001112000 assigned to YW532: order {order.code}." in message_texts(response)
    assert list(response.context["page"]) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"customer": "ZZ999"}, "names 0 customers"),
        ({"customer": ""}, "names 0 customers"),
        ({"reason": ""}, "Say why this parcel is this customer's"),
    ],
    ids=["unknown-customer", "no-customer", "no-reason"],
)
def test_operations_assign_needs_one_customer_and_a_reason(client_of, ops, customer, stray, data, message):
    payload = {"parcel": stray.pk, "customer": "YW532", "reason": "invoice", **data}
    response = client_of(ops).post(UNIDENTIFIED, payload, follow=True)
    assert any(message in m for m in message_texts(response))
    assert not Consignment.objects.exists()


def test_operations_assign_of_an_unknown_parcel_is_404(client_of, ops, customer):
    response = client_of(ops).post(UNIDENTIFIED, {"parcel": 999999, "customer": "YW532", "reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("parcel", ["abc", "1.5"])
def test_operations_assign_with_a_malformed_parcel_id_is_404(client_of, ops, customer, stray, parcel):
    client = client_of(ops)
    client.raise_request_exception = False
    response = client.post(UNIDENTIFIED, {"parcel": parcel, "customer": "YW532", "reason": "x"})
    assert response.status_code == 404
    assert not Consignment.objects.exists()


def test_batch_labels_print_only_this_warehouses_orders_in_the_order_chosen(
    client_of, cn_staff, customer, order
):
    from pypdf import PdfReader

    second = ConsignmentFactory(customer=customer, code="KG10000031", pieces=2)  # two parcels, two labels
    assert second.current_warehouse == cn_staff.warehouse
    foreign = ConsignmentFactory(
        customer=customer, parcel=ParcelFactory(warehouse=ChinaWarehouseFactory(code="SZ"))
    )
    url = reverse("warehouse:labels")
    response = client_of(cn_staff).post(url, {"ids": [second.pk, order.pk, foreign.pk, "²", "x"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) == 3
    assert "KG10000031" in pages[0] and "KG10000031-" not in pages[0]
    assert "KG10000031-2" in pages[1]
    assert order.code in pages[2]
    assert client_of(cn_staff).post(url, {"ids": [foreign.pk]}).status_code == 404


def test_batch_labels_are_for_china_staff_only(client, customer, vn_staff, order):
    url = reverse("warehouse:labels")
    assert client.get(url).status_code == 302
    for user in (customer, vn_staff):
        client.force_login(user)
        assert client.get(url, {"ids": [order.pk]}).status_code == 403


def test_the_parcel_panel_is_for_this_warehouses_china_staff(client, client_of, cn_staff, customer):
    mine = ParcelFactory(
        warehouse=cn_staff.warehouse, tracking_code="YT6660001112000", label_text="thubin89x"
    )
    foreign = ParcelFactory(warehouse=ChinaWarehouseFactory(code="SZ"), tracking_code="YT6660001113000")
    staff = client_of(cn_staff)
    htmx = staff.get(reverse("warehouse:parcel", args=[mine.pk]), headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and b"<html" not in htmx.content
    assert b'data-testid="identify"' in htmx.content and b"thubin89x" in htmx.content
    page = staff.get(reverse("warehouse:parcel", args=[mine.pk]))
    assert page.status_code == 200 and b"<html" in page.content
    assert staff.get(reverse("warehouse:parcel", args=[foreign.pk])).status_code == 404
    client.force_login(customer)
    assert client.get(reverse("warehouse:parcel", args=[mine.pk])).status_code == 403


def test_an_htmx_scan_answers_the_outcome_and_loads_the_card_separately(client_of, cn_staff, order):
    staff = client_of(cn_staff)
    response = staff.post(SCAN, {"code": order.tracking_code}, headers={"HX-Request": "true"})
    card_url = f"{reverse('warehouse:card', args=[order.pk])}?parcel={parcel_of(order).pk}"
    assert f'hx-get="{card_url}"'.encode() in response.content
    card = staff.get(card_url, headers={"HX-Request": "true"})
    assert (
        card.status_code == 200
        and b'data-testid="station-card"' in card.content
        and b"<html" not in card.content
    )


def test_the_station_keeps_scanning_while_the_broker_is_down(
    settings, monkeypatch, client_of, cn_staff, customer, django_capture_on_commit_callbacks
):
    """Redis restarting must not turn a saved scan into an error on the station's screen: the customer's
    notification waits in the outbox for beat."""
    from kombu.exceptions import OperationalError

    from notifications.models import PendingNotification
    from notifications.tasks import deliver_notifications

    def down(*args, **kwargs):
        raise OperationalError("Connection refused.")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(deliver_notifications, "apply_async", down)
    TrackingNumberFactory(customer=customer, code="SF7000000000001", raw_code="SF7000000000001")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_of(cn_staff).post(SCAN, {"code": "SF7000000000001"}, headers=HTMX)
    assert callbacks  # the wake-up was attempted after the commit
    assert response.status_code == 200
    assert b'data-outcome="matched"' in response.content
    assert Consignment.objects.get().customer == customer
    assert PendingNotification.objects.filter(user=customer).count() == 1


def test_the_chosen_language_comes_back_at_the_next_login(cn_staff, restore_language):
    """A Guangzhou staff member who chose Chinese gets Chinese on any browser after signing in."""
    cn_staff.set_password("station-password")
    cn_staff.save()
    first = client_for(cn_staff, language=None)
    first.post(reverse("set_language"), {"language": "zh-hans", "next": SCAN})
    cn_staff.refresh_from_db()
    assert cn_staff.language == "zh-hans"

    elsewhere = Client()  # another browser: no language cookie, Vietnamese
    assert elsewhere.get(reverse("accounts:login"))["Content-Language"] == "vi"
    signed_in = elsewhere.post(
        reverse("accounts:login"), {"username": cn_staff.username, "password": "station-password"}
    )
    assert signed_in.status_code == 302
    cookie = signed_in.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["max-age"]) == ("zh-hans", settings.LANGUAGE_COOKIE_AGE)
    assert elsewhere.get(SCAN)["Content-Language"] == "zh-hans"


def test_a_language_switch_saves_nothing_for_a_visitor_or_an_unknown_language(client, cn_staff):
    client.post(reverse("set_language"), {"language": "zh-hans"})  # not signed in: the cookie only
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    staff = client_for(cn_staff, language=None)
    staff.post(reverse("set_language"), {"language": "fr"})
    cn_staff.refresh_from_db()
    assert cn_staff.language == ""
    # and a person who never chose keeps whatever this browser has
    cn_staff.set_password("station-password")
    cn_staff.save()
    signed_in = Client().post(
        reverse("accounts:login"), {"username": cn_staff.username, "password": "station-password"}
    )
    assert signed_in.status_code == 302 and "sessionid" in signed_in.cookies
    assert settings.LANGUAGE_COOKIE_NAME not in signed_in.cookies
