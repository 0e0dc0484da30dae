"""The "save anyway?" confirmations are where the worker looks (second review): after the htmx swap that
brings the station's "heavier than usual" box, or the bag's "far from its parcels" box, the checkbox is
scrolled to the middle of the window and has the focus, on a phone (390×844) and on a desk (1366×768).
Screenshots in /tmp/shots/r3weights/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from shipping.models import Bag, BagParcel, BagStatus
from shipping.tests.factories import BagFactory, ready_order
from tests.conftest import PASSWORD
from tracking.tests.factories import TrackingNumberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/r3weights")  # noqa: S108 (the brief's place for screenshots)
CODE = "SF1029384756013"
SIZES = {"phone": (390, 844), "desk": (1366, 768)}


def _station(browser, live_server, user, size):
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
    )
    context.set_default_timeout(8_000)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.fill("input[name=username]", user.username)
    tab.fill("input[name=password]", PASSWORD)
    with tab.expect_navigation():
        tab.click("main form button[type=submit]")
    return context, tab


def _assert_in_view(tab, selector, name):
    box = tab.locator(selector)
    expect(box).to_be_visible()
    tab.wait_for_timeout(400)  # htmx settles, app.js scrolls
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SHOTS / f"{name}.png")
    rect = box.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    height = tab.evaluate("window.innerHeight")
    assert rect[0] >= 0 and rect[1] <= height, f"the checkbox is at {rect}, the window {height} px high"
    assert box.evaluate("el => document.activeElement === el"), "the checkbox has not the focus"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_heavy_weight_confirmation_is_in_view(browser, live_server, cn_staff, customer, size):
    TrackingNumberFactory(customer=customer, code=CODE, raw_code=CODE)
    context, tab = _station(browser, live_server, cn_staff, size)
    try:
        tab.goto("/staff/cn/scan/")
        tab.fill("#scan-form .scan-input", CODE)
        tab.press("#scan-form .scan-input", "Enter")
        measure = tab.locator("#scan-result form[id^=measure-]")
        measure.wait_for()
        measure.locator("[data-testid=weight-input]").fill("140")
        button = measure.locator("button[type=submit]")
        button.tap() if size == "phone" else button.click()
        _assert_in_view(tab, "[data-testid=confirm-heavy]", f"station-heavy-{size}")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_bag_weight_confirmation_is_in_view(browser, live_server, cn_staff, customer, size):
    orders = [ready_order(customer, weight_g=1_250) for _ in range(10)]
    bag = BagFactory(origin=cn_staff.warehouse, destination=orders[0].destination, opened_by=cn_staff)
    BagParcel.objects.bulk_create(
        [BagParcel(bag=bag, parcel=order.parcels.get(), added_by=cn_staff) for order in orders]
    )
    Bag.objects.filter(pk=bag.pk).update(parcel_count=10, parcels_weight_g=12_500)
    context, tab = _station(browser, live_server, cn_staff, size)
    try:
        tab.goto(f"/staff/cn/bags/{bag.pk}/")
        weight = tab.locator("#id_weight_kg")
        weight.fill("125")
        button = tab.locator("[data-testid=bag-close-form] button[type=submit]")
        button.tap() if size == "phone" else button.click()
        _assert_in_view(tab, "[data-testid=bag-close-confirm]", f"bag-far-{size}")
        expect(tab.locator("[data-testid=bag-close-far]")).to_contain_text("125")
        expect(tab.locator("#id_weight_kg")).to_have_value("125")  # the typed value stays
        assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN

        tab.locator("[data-testid=bag-close-confirm]").check()
        with tab.expect_navigation():
            tab.locator("[data-testid=bag-close-form] button[type=submit]").click()
        expect(tab.locator("[data-testid=bag-closed]")).to_be_visible()
        expect(tab.locator("[data-testid=bag-weight-warning]")).to_be_visible()
        tab.screenshot(path=SHOTS / f"bag-closed-anyway-{size}.png")
        assert Bag.objects.get(pk=bag.pk).weight_g == 125_000
    finally:
        context.close()
