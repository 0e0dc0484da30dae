"""The China station on a phone (a touch screen, no keyboard): saving a weight leaves the page where it was
(on the panel just saved, not at the top) and opens no keyboard over the panels; on a desk the cursor goes
back to the scan input for the scanner, also without scrolling. Screenshots in artifacts/screens/edges/."""

from pathlib import Path

import pytest

from tests.conftest import DESKTOP, PASSWORD, PHONE
from tracking.tests.factories import TrackingNumberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "edges"
CODE = "SF1029384756012"


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desk"])
def test_saving_a_weight_keeps_the_place_and_the_keyboard_closed(
    browser, live_server, cn_staff, customer, phone
):
    TrackingNumberFactory(customer=customer, code=CODE, raw_code=CODE)
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        locale="vi-VN",
    )
    context.set_default_timeout(8_000)
    try:
        staff = context.new_page()
        staff.goto("/accounts/login/")
        staff.fill("input[name=username]", cn_staff.username)
        staff.fill("input[name=password]", PASSWORD)
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        staff.goto("/staff/cn/scan/")
        staff.fill("#scan-form .scan-input", CODE)
        staff.press("#scan-form .scan-input", "Enter")
        measure = staff.locator("#scan-result form[id^=measure-]")
        measure.wait_for()
        # Make room below, so that the panel can sit at the top of the window whatever the card's height.
        staff.evaluate("document.querySelector('footer').style.paddingBottom = '2000px'")
        measure.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
        before = staff.evaluate("window.scrollY")
        assert before > 100, staff.evaluate(
            "[document.documentElement.scrollHeight, window.innerHeight, document.querySelector('#scan-result form[id^=measure-]').getBoundingClientRect().top]"
        )
        measure.locator("[data-testid=weight-input]").fill("1.25")
        if phone:
            measure.locator("button[type=submit]").tap()
        else:
            measure.locator("button[type=submit]").click()
        staff.locator("#scan-result [data-testid=weight-saved]").wait_for()
        staff.wait_for_timeout(300)  # htmx settles, app.js runs its focus
        after = staff.evaluate("window.scrollY")
        focused = staff.evaluate(
            "document.activeElement ? document.activeElement.tagName + '.' + document.activeElement.className : ''"
        )
        SCREENS.mkdir(parents=True, exist_ok=True)
        staff.screenshot(path=SCREENS / f"station-weight-saved-{'phone' if phone else 'desk'}.png")
        # Still on the panel just saved (the button press may nudge it into view), not back at the top.
        panel_top = staff.evaluate(
            "document.querySelector('#scan-result form[id^=measure-]').getBoundingClientRect().top"
        )
        assert after > before - 60, f"the page jumped from {before} to {after} px"
        assert -60 < panel_top < staff.evaluate("window.innerHeight") / 2, (
            f"the saved panel is at {panel_top} px"
        )
        if phone:
            assert not focused.startswith(("INPUT", "TEXTAREA")), f"a text field has the focus: {focused}"
        else:
            assert "scan-input" in focused, f"the scanner's input should have the focus: {focused}"
    finally:
        context.close()


SCAN_PAGES = {
    "vn_staff": ["/staff/vn/", "/staff/vn/receiving/", "/staff/vn/counter/"],
    "cn_staff": ["/staff/cn/scan/", "/staff/cn/dispatch/"],
}


SIZES = {
    "phone": PHONE,
    "phone-landscape": {"width": 844, "height": 390},
    "desk": {"width": 1024, "height": 768},
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("who", list(SCAN_PAGES))
def test_scan_fields_are_wide_enough_for_a_code(request, browser, live_server, who, size):
    """A scan field is where a 15-character code is typed or read: on a 390 px phone it gets most of the
    width (the buttons wrap below it); elsewhere it is never squeezed beside its buttons (at least 14 rem);
    the page does not scroll sideways."""
    user = request.getfixturevalue(who)
    viewport, phone = SIZES[size], size != "desk"
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone, locale="vi-VN"
    )
    context.set_default_timeout(8_000)
    try:
        staff = context.new_page()
        staff.goto("/accounts/login/")
        staff.fill("input[name=username]", user.username)
        staff.fill("input[name=password]", PASSWORD)
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        SCREENS.mkdir(parents=True, exist_ok=True)
        for path in SCAN_PAGES[who]:
            staff.goto(path)
            staff.screenshot(
                path=SCREENS / f"scan-field-{size}{path.replace('/', '-').rstrip('-')}.png", full_page=True
            )
            widths = staff.eval_on_selector_all(
                "main input.scan-input, main input[name=code], main input[name=q], main input[name=tick]",
                "els => els.filter(e => e.type !== 'hidden').map(e => Math.round(e.getBoundingClientRect().width))",
            )
            assert widths, f"{path}: no scan field"
            least = 0.6 * viewport["width"] if size == "phone" else 14 * 16
            assert min(widths) >= least, f"{path}: scan fields {widths} px wide"
            assert staff.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
    finally:
        context.close()


def test_the_dispatch_list_on_a_phone_ticks_a_scanned_label(browser, live_server, cn_staff, customer):
    from consignments.tests.factories import ConsignmentFactory
    from warehouse.models import Parcel

    declared = {"goods_vi": "giày", "goods_quantity": 3, "goods_unit_value_fen": 5000, "weight_g": 1250}
    orders = [
        ConsignmentFactory(
            customer=customer, code=f"KG1000000{n}", tracking_code=f"YT555000000{n}", **declared
        )
        for n in range(1, 4)
    ]
    Parcel.objects.filter(consignment__in=orders).update(weight_g=1250, chargeable_weight_g=1250)
    ConsignmentFactory(customer=customer, code="KG10000009")  # not weighed, not declared
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    context.set_default_timeout(8_000)
    try:
        staff = context.new_page()
        staff.goto("/accounts/login/")
        staff.fill("input[name=username]", cn_staff.username)
        staff.fill("input[name=password]", PASSWORD)
        with staff.expect_navigation():
            staff.click("main form button[type=submit]")
        staff.goto("/staff/cn/dispatch/")
        staff.evaluate("window.__sameDocument = 'yes'")
        for scanned in ("KG10000002", "]C1YT5550000003"):
            staff.fill("#id_tick", scanned)
            staff.press("#id_tick", "Enter")
        staff.fill("#id_tick", "KG99999999")
        staff.press("#id_tick", "Enter")
        status = staff.inner_text("[data-testid=dispatch-scan-status]")
        assert "KG99999999" in status
        ticked = staff.eval_on_selector_all(
            "#dispatch-form input[name=ids]:checked", "boxes => boxes.map(b => b.getAttribute('aria-label'))"
        )
        assert sorted(ticked) == ["KG10000002", "KG10000003"]
        assert staff.evaluate("window.__sameDocument") == "yes"  # ticked in place, nothing dispatched
        assert staff.locator("[data-testid=not-declared]").count() == 1
        assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        SCREENS.mkdir(parents=True, exist_ok=True)
        staff.screenshot(path=SCREENS / "dispatch-phone.png", full_page=True)
        staff.click("[data-testid=dispatch-button]")
        staff.wait_for_load_state("load")
        staff.wait_for_selector(".alert-success")
        shipped = sorted(o.code for o in type(orders[0]).objects.filter(status="in_transit"))
        assert shipped == ["KG10000002", "KG10000003"]
    finally:
        context.close()
