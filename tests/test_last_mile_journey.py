"""Issue 11's "Done means", in a real browser on the live server, with a real Celery worker delivering the
notification outbox (PostgreSQL and Redis: CI).

Lan lives in Hà Nội, Minh in TP.HCM (DepotProvince maps Hà Nội to the HN depot, TP.HCM to the SG one).
China staff scan their parcels at the station (the order is made and bound for each one's depot), weigh
and declare them, pack a bag per depot, load both on a trip and depart it: each customer is notified once.
A border checkpoint appears on both order timelines. The Hà Nội depot receives its bag with one parcel
of a two-box order missing and one stranger's parcel flagged extra; Lan's complete order is Chờ giao, and
its page and notification name the depot's address. Lan collects it at the counter with her pickup code
(paying from the wallet there); Minh pays from the pickup page and asks for delivery, which the SG depot
turns into a release note, sends out and marks delivered. The customer pages and the depot pages are
checked at phone width (390×844): no sideways scroll, a screenshot each in /tmp/shots/lastmile_*.png.
"""

import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from accounts.tests.factories import CustomerFactory, VietnamStaffFactory
from addresses.tests.factories import DeliveryAddressFactory
from billing.services.wallet import wallet_top_up
from billing.tests.factories import CustomerGroupFactory, ExchangeRateFactory, FeeScheduleFactory
from consignments.models import Consignment, ConsignmentStatus
from delivery.models import DeliveryRequest, RequestStatus
from notifications.models import Notification, NotificationKind
from shipping.models import Bag, BagParcel, ReceivingExtra, Trip, TripStatus
from shipping.services.receiving import receiving_parcel_scan, receiving_trip_open
from shipping.services.receiving_close import receiving_trip_close
from shipping.tests.factories import hcm_depot
from tests.conftest import PHONE, PageFactory
from tracking.tests.factories import TrackingNumberFactory
from warehouse.labels import parcel_code
from warehouse.tests.factories import DepotProvinceFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))  # noqa: S108 (screenshots to look at)
DESKTOP = {"width": 1280, "height": 800}
LAN_BOX = "SF1029384750011"  # Lan's one-box order
LAN_PAIR = "JDVA01234567891"  # Lan's two-box order: JDVA…-1-2 and JDVA…-2-2
MINH_BOX = "YT7312345678901"  # Minh's order
STRANGER = "YT7399999999999"  # a box in the Hà Nội bag that no manifest lists


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def label(choice) -> str:
    with translation.override("vi"):
        return str(choice.label)


def open_tab(pages: PageFactory, who, *, phone: bool):
    """A logged-in tab at phone (390×844) or desktop (1280×800) width, closed with the `page` fixture's."""
    context = pages.browser.new_context(
        base_url=pages.base_url,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(8_000)
    pages.contexts.append(context)
    tab = context.new_page()
    PageFactory.login(tab, who.username)
    return tab


# Boxes that scroll sideways inside the page: a .table-responsive wider than the screen hides its right part
# (the document does not scroll, but what is off to the right is not seen). A row of tabs (.nav) scrolls
# sideways on purpose.
INNER_SCROLL = """() => [...document.querySelectorAll('main *:not(.nav)')].filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth} px`)"""


def snap(tab, name: str) -> None:
    """A full-page screenshot from the top; the page must be no wider than its window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=SHOTS / f"lastmile_{name}.png", full_page=True)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"] + 1, f"{tab.url} scrolls sideways: {width} px wide"
    assert not (inner := tab.evaluate(INNER_SCROLL)), f"{tab.url}: part of the page is cut off: {inner}"


def on_phone(tab, path: str, name: str) -> None:
    tab.goto(path)
    snap(tab, name)


def message(tab, kind="success") -> str:
    return tab.locator(f"#messages .alert-{kind}").first.inner_text()


def post(tab, selector: str) -> None:
    """Click a button that submits an ordinary form, and wait for the page it leads to."""
    with tab.expect_navigation():
        tab.click(selector)
    assert tab.locator("#messages .alert-danger").count() == 0, tab.inner_text("#messages")


def scan_into(tab, code: str, result: str) -> None:
    """Type a code into the page's scan field and press Enter, as a USB scanner does; wait until the
    htmx result (`result`, a selector) names it."""
    tab.fill("#id_code", code)
    tab.press("#id_code", "Enter")
    tab.locator(result, has_text=code).wait_for()


def notices(user, kind, count: int, timeout: float = 20.0) -> list[Notification]:
    """The user's notifications of a kind, once the worker has delivered them (it delivers the outbox a
    second or so after the commit): exactly `count`."""
    deadline = time.monotonic() + timeout
    while len(found := list(Notification.objects.filter(user=user, kind=kind))) < count:
        assert time.monotonic() < deadline, f"{user.username}: {len(found)} of {count} {kind} notifications"
        time.sleep(0.2)
    assert len(found) == count, f"{user.username}: {len(found)} {kind} notifications, expected {count}"
    return found


def station_order(station, code: str, pieces: list[str], depot, weights: list[str]) -> Consignment:
    """China staff scan each box of a shipment (code, or code-N-M for several), weigh each on the card,
    then declare the goods: all through the scan station page."""
    for n, scanned in enumerate(pieces, start=1):
        station.evaluate("document.querySelector('#scan-result').dataset.outcome = 'stale'")
        station.fill("#scan-form .scan-input", scanned)
        station.press("#scan-form .scan-input", "Enter")
        station.wait_for_function(
            "['matched', 'piece'].includes(document.querySelector('#scan-result')?.dataset.outcome)"
        )
        assert depot.name in station.inner_text("#scan-result [data-testid=scan-destination]")
        section = station.locator(f"#scan-result [data-testid=station-card] [data-testid=parcel-{n}]")
        section.locator("[data-testid=weight-input]").fill(weights[n - 1])
        section.locator("form[id^=measure-] button[type=submit]").click()
        section.locator("[data-testid=weight-saved]").wait_for()
    declare = station.locator("#scan-result form[id^=declare-]")
    declare.locator("[name=goods_vi]").fill("Quần áo trẻ em")
    declare.locator("[name=goods_zh]").fill("童装")
    declare.locator("[name=quantity]").fill("10")
    declare.locator("[name=unit_value_cny]").fill("25")
    declare.locator("button[type=submit]").click()
    station.locator("#scan-result [data-testid=declare-saved]").wait_for()
    order = Consignment.objects.get(tracking_code=code)
    assert (order.destination_id, order.is_declared, order.parcels.count()) == (depot.pk, True, len(pieces))
    return order


def bag_for(station, depot, labels: list[str], weight_kg: str, refused: str | None = None) -> str:
    """Open a bag for a depot on the bags page, scan the parcels in (and one that belongs elsewhere,
    refused), close it with its weight; returns the bag's code."""
    station.goto("/staff/cn/bags/")
    station.select_option("#id_destination", str(depot.pk))
    post(station, "[data-testid=bag-open-form] button[type=submit]")
    for code in labels:
        scan_into(station, code, "#scan-result[data-bag-outcome=added] .scan-order")
    if refused:
        station.fill("#id_code", refused)
        station.press("#id_code", "Enter")
        station.locator("#scan-result[data-bag-outcome=refused]").wait_for()
        # "KG… goes to <its depot>, not to <this one>: put it in a bag for <its depot>."
        assert depot.name in station.inner_text("#scan-result")
    expect(station.locator("[data-testid=bag-items] [data-testid=bag-item]")).to_have_count(len(labels))
    station.fill("#id_weight_kg", weight_kg)
    post(station, "[data-testid=bag-close-form] button[type=submit]")
    assert station.locator("[data-testid=bag-closed]").count() == 1
    assert station.locator("[data-testid=bag-weight-warning]").count() == 0
    return re.search(r"B\d{7}", message(station)).group(0)


def test_two_customers_from_guangzhou_to_their_hands(celery_worker, page, cn_staff, vn_staff):
    # --- the world: two depots, provinces mapped to them, prices, two customers with money in the wallet
    hn = vn_staff.warehouse  # Kho phân phối Hà Nội (code HN)
    hn.phone, hn.opening_hours = "02437778888", "8:00–18:00, thứ Hai – thứ Bảy"
    hn.save(update_fields=["phone", "opening_hours"])
    sg = hcm_depot()
    sg_staff = VietnamStaffFactory(username="khosg", warehouse=sg)
    DepotProvinceFactory(province_code="01", depot=hn)
    DepotProvinceFactory(province_code="79", depot=sg)
    CustomerGroupFactory()
    ExchangeRateFactory()
    FeeScheduleFactory(depots=[hn, sg])
    lan = CustomerFactory(username="lanhn", customer_code="HN101", first_name="Lan")
    DeliveryAddressFactory(customer=lan, is_default=True, new_units=True, recipient_name="Phạm Thị Lan")
    minh = CustomerFactory(username="minhsg", customer_code="SG202", first_name="Minh")
    minh_address = DeliveryAddressFactory(
        customer=minh,
        is_default=True,
        recipient_name="Trần Văn Minh",
        phone="0903123456",
        street="12 Lê Thánh Tôn",
        province="Hồ Chí Minh",
        district="",
        ward="Phường Sài Gòn",
        province_code="79",
        ward_code="26740",
    )
    for who, code in ((lan, LAN_BOX), (lan, LAN_PAIR), (minh, MINH_BOX)):
        TrackingNumberFactory(customer=who, code=code, raw_code=code)  # registered on /tracking/ by them
    for who in (lan, minh):
        wallet_top_up(customer=who, amount_vnd=1_000_000, key=f"lastmile:{who.username}")

    # --- 1. China: scan, weigh, declare at the station; each order is bound for its customer's depot.
    # Driven through the station page (not warehouse.services): the scan is what makes each order and
    # picks its depot from the customer's address.
    station = open_tab(page, cn_staff, phone=False)
    assert station.url.endswith("/staff/cn/scan/"), station.url
    box = station_order(station, LAN_BOX, [LAN_BOX], hn, ["1.2"])
    pair = station_order(station, LAN_PAIR, [f"{LAN_PAIR}-1-2", f"{LAN_PAIR}-2-2"], hn, ["0.8", "1.5"])
    far = station_order(station, MINH_BOX, [MINH_BOX], sg, ["2"])
    pair_1, pair_2 = (parcel_code(p) for p in pair.parcels.order_by("piece_number"))
    box_label, far_label = parcel_code(box.parcels.get()), parcel_code(far.parcels.get())

    # --- 2. A bag per destination (Minh's parcel is refused from the Hà Nội bag), then one trip
    hn_bag = bag_for(station, hn, [box_label, pair_1, pair_2], "3.8", refused=far_label)
    snap(station, "01_cn_bag_closed")
    sg_bag = bag_for(station, sg, [far_label], "2.2")
    station.goto("/staff/cn/trips/")
    station.fill("#id_plate", "29C-123.45")
    station.fill("#id_driver", "Nguyễn Văn Tài")
    station.fill("#id_carrier", "Vận tải Hữu Nghị")
    station.fill("#id_route", "Quảng Châu → Bằng Tường → Hữu Nghị → Hà Nội → TP.HCM")
    post(station, "[data-testid=trip-create-form] button[type=submit]")
    trip = Trip.objects.get()
    for code in (hn_bag, sg_bag):
        scan_into(station, code, "#scan-result [data-testid=trip-load-loaded] .scan-order")
    expect(station.locator("[data-testid=trip-bags] [id^=trip-bag-]")).to_have_count(2)
    station.check("#depart-confirm")
    post(station, "[data-testid=trip-depart-form] button[type=submit]")
    with translation.override("vi"):
        told = ngettext(
            "Trip %(trip)s departed: %(orders)d order in international transit, %(customers)d customer notified.",
            "Trip %(trip)s departed: %(orders)d orders in international transit, %(customers)d customers notified.",
            3,
        ) % {"trip": trip.code, "orders": 3, "customers": 2}
    assert message(station) == told
    assert set(Consignment.objects.values_list("status", flat=True)) == {ConsignmentStatus.IN_TRANSIT}

    # Each customer is told once, not once per order: Lan's one notice names both her orders.
    (lan_left,) = notices(lan, NotificationKind.TRIP_DEPARTED, 1)
    (minh_left,) = notices(minh, NotificationKind.TRIP_DEPARTED, 1)
    assert (lan_left.data["orders"], sorted(lan_left.data["codes"])) == (2, sorted([box.code, pair.code]))
    assert (minh_left.data["orders"], minh_left.data["codes"]) == (1, [far.code])

    # --- 3. At the border: a checkpoint on the trip page, a step on both customers' timelines
    station.select_option("#id_kind", "border")
    station.fill("#id_place", "Pingxiang · 凭祥")
    station.fill("#id_note", "Xe đang chờ làm thủ tục hải quan.")
    post(station, "[data-testid=trip-checkpoint-form] button[type=submit]")
    snap(station, "02_cn_trip_checkpoint")
    lan_phone, minh_phone = page(lan), page(minh)
    for phone, order, name in ((lan_phone, box, "lan"), (minh_phone, far, "minh")):
        phone.goto(f"/orders/{order.code}/")
        step = phone.locator("[data-testid=timeline] li", has_text=vi("At the border"))
        expect(step).to_have_count(1)
        assert "Pingxiang" in step.inner_text() and "thủ tục hải quan" in step.inner_text()
        snap(phone, f"03_phone_{name}_order_at_border")

    # --- 4. The Hà Nội depot receives its bag: one parcel not there, one stranger's box flagged extra
    depot = open_tab(page, vn_staff, phone=False)
    depot.goto("/staff/vn/receiving/")
    with depot.expect_navigation():
        depot.click(f"[data-testid=receiving-trips] a:has-text('{trip.code}')")
    post(depot, "[data-testid=trip-open]")
    depot.fill("#id_code", hn_bag)
    with depot.expect_navigation(url=re.compile(r"/bags/\d+/$")):
        depot.press("#id_code", "Enter")
    scan_into(depot, box_label, "#scan-result[data-receiving-outcome=received] .scan-order")
    assert box.code in depot.inner_text("#scan-result [data-testid=receiving-ready]")
    scan_into(depot, pair_1, "#scan-result[data-receiving-outcome=received] .scan-order")
    assert depot.locator("#scan-result [data-testid=receiving-ready]").count() == 0  # its 2nd box is not here
    scan_into(depot, STRANGER, "#scan-result[data-receiving-outcome=extra] .scan-order")
    expect(depot.locator("[data-testid=bag-extras] li")).to_have_count(1)
    expect(depot.locator("[data-testid=bag-unscanned] li")).to_have_count(1)  # pair's box 2
    assert pair.code in depot.inner_text("[data-testid=bag-unscanned]")
    snap(depot, "04_hn_receiving_bag")
    bag_page = urlparse(depot.url).path
    with depot.expect_navigation():
        depot.click("[data-testid=bag-close-form] button[type=submit]")
    closed = vi(
        "Bag %(bag)s closed: %(received)d received, %(missing)d missing (recorded for investigation)."
    )
    assert message(depot, "warning") == closed % {"bag": hn_bag, "received": 2, "missing": 1}
    summary = depot.inner_text("[data-testid=trip-summary]")
    assert re.search(rf"{vi('missing')}\s*1", summary) and re.search(rf"{vi('extra')}\s*1", summary), summary
    assert STRANGER in depot.inner_text("[data-testid=trip-extras]")
    snap(depot, "05_hn_receiving_trip")
    missing = BagParcel.objects.get(missing=True)
    assert (missing.parcel.consignment_id, missing.parcel.piece_number) == (pair.pk, 2)
    assert ReceivingExtra.objects.get().raw_code == STRANGER
    box.refresh_from_db()
    pair.refresh_from_db()
    assert (box.status, pair.status) == (ConsignmentStatus.AWAITING_DELIVERY, ConsignmentStatus.IN_TRANSIT)

    # The TP.HCM depot receives its bag through the services (the pages are the ones driven above, at
    # another depot) and closes receiving of the trip: every bag of it is closed, the trip is received.
    trip.refresh_from_db()
    receiving_trip_open(trip=trip, depot=sg, by=sg_staff)
    received = receiving_parcel_scan(
        bag=Bag.objects.get(code=sg_bag), depot=sg, raw_code=far_label, by=sg_staff
    )
    assert received.ready is not None
    assert receiving_trip_close(trip=trip, depot=sg, by=sg_staff)["received"] == 1
    trip.refresh_from_db()
    assert trip.status == TripStatus.RECEIVED

    # --- 5. Chờ giao: Lan's order page and notification name the Hà Nội depot and its address
    lan_phone.goto(f"/orders/{box.code}/")
    assert lan_phone.inner_text("[data-testid=order-status]").strip() == label(
        ConsignmentStatus.AWAITING_DELIVERY
    )
    assert lan_phone.inner_text("[data-testid=pickup-address]").strip() == hn.address
    assert hn.name in lan_phone.inner_text("[data-testid=pickup-card]")
    snap(lan_phone, "06_phone_lan_order_awaiting")
    (awaiting,) = notices(lan, NotificationKind.AWAITING_DELIVERY, 1)
    lan_phone.goto("/notifications/")
    notice = lan_phone.locator("[data-testid=notification]", has_text=hn.address)
    expect(notice).to_have_count(1)
    assert box.code in notice.inner_text() and hn.phone in notice.inner_text(), notice.inner_text()
    snap(lan_phone, "07_phone_lan_notifications")
    lan_phone.goto(f"/orders/{pair.code}/")  # the two-box order waits, and says why
    assert lan_phone.inner_text("[data-testid=order-status]").strip() == label(ConsignmentStatus.IN_TRANSIT)
    looking = vi("Parcel %(n)s was not in its bag at the depot: we are looking for it") % {"n": 2}
    expect(lan_phone.locator("[data-testid=timeline] li", has_text=looking)).to_have_count(1)
    snap(lan_phone, "08_phone_lan_order_box_missing")

    # The depot's receiving pages on a phone.
    depot_phone = open_tab(page, vn_staff, phone=True)
    on_phone(depot_phone, "/staff/vn/receiving/", "09_phone_hn_receiving")
    on_phone(depot_phone, f"/staff/vn/receiving/{trip.pk}/", "10_phone_hn_receiving_trip")
    on_phone(depot_phone, bag_page, "11_phone_hn_receiving_bag")

    # --- 6. Lan collects at the counter with her pickup code, paying there from her wallet
    on_phone(lan_phone, "/pickup/", "12_phone_lan_pickup")
    assert hn.address in lan_phone.inner_text("[data-testid=pickup-depot-address]")
    assert lan_phone.locator("[data-testid=pickup-order]").count() == 1
    due = lan_phone.inner_text("[data-testid=pickup-due]").strip()
    pickup_code = lan_phone.inner_text("[data-testid=pickup-code]").strip()
    assert re.fullmatch(r"\d{6}", pickup_code), pickup_code
    on_phone(depot_phone, "/staff/vn/counter/", "13_phone_hn_counter")
    depot_phone.fill("#id_q", pickup_code)
    depot_phone.press("#id_q", "Enter")
    depot_phone.locator("[data-testid=handover-form]").wait_for()
    assert depot_phone.locator("[data-testid=counter-order]").count() == 1  # the two-box order is not here
    assert due in depot_phone.inner_text("[data-testid=counter-order]")
    depot_phone.fill("#id_receiver_name", "Phạm Văn Hùng")  # her brother collects
    depot_phone.fill("#id_receiver_phone", "0987654321")
    depot_phone.check("#id_pay_from_wallet")
    snap(depot_phone, "14_phone_hn_counter_found")
    depot_phone.click("[data-testid=handover-submit]")
    done = depot_phone.locator("[data-testid=counter-done]")
    done.wait_for()
    assert box.code in done.inner_text() and due in done.inner_text(), done.inner_text()
    snap(depot_phone, "15_phone_hn_counter_done")
    box.refresh_from_db()
    assert box.status == ConsignmentStatus.DELIVERED
    notices(lan, NotificationKind.HANDED_OVER, 1)

    # --- 7. Minh pays from the pickup page and asks for delivery to his address
    minh_phone.goto("/pickup/")
    post(minh_phone, "[data-testid=pickup-pay] button[type=submit]")
    assert minh_phone.locator("[data-testid=pickup-paid]").count() == 1
    assert sg.address in minh_phone.inner_text("[data-testid=pickup-depot-address]")
    with minh_phone.expect_navigation():
        minh_phone.click("[data-testid=pickup-request]")
    assert minh_phone.locator("[data-testid=request-order] input[name=orders]").is_checked()
    assert minh_phone.locator(f"input[name=address][value='{minh_address.pk}']").is_checked()
    minh_phone.select_option("#id_carrier", "ghn")
    minh_phone.fill("#id_note", "Gọi trước khi giao, sau 17 giờ.")
    snap(minh_phone, "16_phone_minh_request_new")
    post(minh_phone, "[data-testid=request-submit]")
    request = DeliveryRequest.objects.get()
    assert minh_phone.inner_text("[data-testid=request-status]").strip() == label(RequestStatus.NEW)
    assert "12 Lê Thánh Tôn" in minh_phone.inner_text("[data-testid=request-address]")
    snap(minh_phone, "17_phone_minh_request_sent")

    # --- 8. The TP.HCM depot: a release note, out for delivery, delivered
    desk = open_tab(page, sg_staff, phone=False)
    desk.goto("/staff/vn/deliveries/")
    with desk.expect_navigation():
        desk.click(f"[data-testid=depot-request-row] a:has-text('{request.code}')")
    post(desk, "[data-testid=release-start]")
    scan_into(desk, far_label, "[data-testid=release-scan-ok] .scan-order")
    desk.select_option("#id_carrier", "ghn")
    desk.fill("#id_tracking_number", "GHN8812345")
    desk.fill("#id_domestic_fee_vnd", "30.000")
    post(desk, "[data-testid=release-details] button[type=submit]")
    assert desk.inner_text("[data-testid=release-cod]").strip() == "30.000\u00a0₫"
    snap(desk, "18_sg_release_note")
    sg_phone = open_tab(page, sg_staff, phone=True)
    on_phone(sg_phone, "/staff/vn/deliveries/?tab=in_progress", "19_phone_sg_requests")
    assert request.code in sg_phone.inner_text("main")
    on_phone(sg_phone, f"/staff/vn/deliveries/{request.pk}/", "20_phone_sg_request")
    post(desk, "[data-testid=release-out]")
    far.refresh_from_db()
    assert far.status == ConsignmentStatus.DELIVERING
    post(desk, "[data-testid=release-delivered]")
    snap(desk, "21_sg_delivered")
    far.refresh_from_db()
    request.refresh_from_db()
    assert (far.status, request.status) == (ConsignmentStatus.DELIVERED, RequestStatus.DONE)
    (out,) = notices(minh, NotificationKind.DELIVERY_OUT, 1)
    assert "GHN8812345" in out.message and "30.000" in out.message, out.message
    notices(minh, NotificationKind.DELIVERED, 1)
    minh_phone.goto(f"/delivery/{request.pk}/")
    assert minh_phone.inner_text("[data-testid=request-status]").strip() == label(RequestStatus.DONE)
    assert "GHN8812345" in minh_phone.inner_text("[data-testid=request-carrier]")
    snap(minh_phone, "22_phone_minh_request_delivered")
    minh_phone.goto(f"/orders/{far.code}/")
    assert minh_phone.inner_text("[data-testid=order-status]").strip() == label(ConsignmentStatus.DELIVERED)
    snap(minh_phone, "23_phone_minh_order_delivered")

    # Nobody was told twice of the departure, whatever happened since.
    assert Notification.objects.filter(kind=NotificationKind.TRIP_DEPARTED).count() == 2
    assert awaiting.data["address"] == hn.address
