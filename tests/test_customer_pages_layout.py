"""Every customer page at a phone (390 px) and a laptop (1366 px) in Debian's Chromium: a screenshot of each
(artifacts/screens/layout/) and no sideways scroll (the document is never wider than the window).

The customer has what makes pages long and wide: long tracking numbers and notes, a conflicted code, orders
in China, at a depot (paid and unpaid), a delivery request, a spreadsheet import, notifications and money in
the wallet. Claims, notification settings and the password pages are checked by their own tests."""

from pathlib import Path

import pytest

from billing.services.wallet import wallet_top_up
from consignments.tests.factories import ConsignmentFactory
from delivery.services.requests import delivery_request_create
from delivery.tests.conftest import _fresh_cache, at_depot, hcm, hcm_staff, hn, schedule  # noqa: F401 - fixtures
from notifications.tests.factories import NotificationFactory
from tracking.tests.factories import TrackingImportFactory, TrackingNumberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "layout"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
PASSWORD = "pw-for-tests-1"

OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter(el => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed';
}).slice(0, 8).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: right ${Math.round(el.getBoundingClientRect().right)}`)"""
# A box that scrolls sideways inside the page (a .table-responsive) hides its right part without widening the
# document: that counts too. A row of tabs (.nav) scrolls sideways on purpose.
INNER_SCROLL = """() => [...document.querySelectorAll('main *:not(.nav)')].filter(el => {
  const overflow = getComputedStyle(el).overflowX;
  return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1;
}).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth} px`)"""


@pytest.fixture
def lived_in(customer, other_customer, at_depot, hn):  # noqa: F811 - the fixtures imported above
    """The customer after a few weeks of use; returns {name: path} of every customer page."""
    TrackingNumberFactory(
        customer=customer, code="SF" + "1234567890" * 3 + "12345678", note="Áo khoác mùa đông " * 6
    )
    TrackingNumberFactory(customer=customer, code="YT7654321098765", courier="yto")
    shared = TrackingNumberFactory(customer=customer, code="JT3009876543210")
    TrackingNumberFactory(customer=other_customer, code=shared.code)
    in_china = ConsignmentFactory(customer=customer)
    waiting = at_depot(customer)
    at_depot(customer, paid=True, pieces=2)
    wallet_top_up(customer=customer, amount_vnd=2_500_000, key="layout-topup")
    imported = TrackingImportFactory(customer=customer)
    for _ in range(3):
        NotificationFactory(user=customer)
    paid_later = at_depot(customer, paid=True)
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[paid_later.pk], address=customer.addresses.get(), carrier="ghn"
    )
    return {
        "dashboard": "/",
        "tracking-list": "/tracking/",
        "tracking-paste": "/tracking/paste/",
        "tracking-import": "/tracking/import/",
        "tracking-import-detail": f"/tracking/import/{imported.pk}/",
        "tracking-edit": f"/tracking/{shared.pk}/edit/",
        "addresses": "/addresses/",
        "address-new": "/addresses/new/",
        "china-address": "/addresses/china/",
        "orders": "/orders/",
        "order-in-china": f"/orders/{in_china.code}/",
        "order-waiting": f"/orders/{waiting.code}/",
        "wallet": "/wallet/",
        "top-up": "/wallet/top-up/",
        "pay": "/wallet/pay/",
        "notifications": "/notifications/",
        "pickup": "/pickup/",
        "delivery-new": "/delivery/new/",
        "delivery-list": "/delivery/",
        "delivery-detail": f"/delivery/{request.pk}/",
        "fees": "/fees/",
        "calculator": "/fees/calculator/",
        "profile": "/accounts/profile/",
        "track": f"/track/?q={waiting.tracking_code}",
    }


@pytest.mark.parametrize("size", list(SIZES))
def test_every_customer_page_fits(browser, live_server, customer, lived_in, size):
    phone = size == "phone"
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[size], is_mobile=phone, has_touch=phone, locale="vi-VN"
    )
    context.set_default_timeout(8_000)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", customer.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        SCREENS.mkdir(parents=True, exist_ok=True)
        too_wide = {}
        for n, (name, url) in enumerate(lived_in.items(), start=1):
            response = page.goto(url)
            assert response.status == 200, f"{name} ({url}): {response.status}"
            page.wait_for_load_state("load")
            page.screenshot(path=SCREENS / f"{size}-{n:02d}-{name}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > page.evaluate("window.innerWidth"):
                too_wide[name] = (width, page.evaluate(OVERFLOWING))
            elif inner := page.evaluate(INNER_SCROLL):
                too_wide[name] = ("cut off", inner)
        assert not too_wide, f"sideways scroll at {size}: {too_wide}"
    finally:
        context.close()


def test_after_registering_one_code_the_cursor_is_back_in_the_code_field(browser, live_server, customer):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES["desk"], locale="vi-VN")
    context.set_default_timeout(8_000)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", customer.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.goto("/tracking/")
        page.evaluate("window.__sameDocument = 'yes'")
        for code in ("SF1234567890123", "YT7654321098765"):
            page.fill("#id_code", code)
            page.fill("#id_note", "2 đôi giày")  # the cursor left the code field
            page.click("#tracking-content form[method=post] button[type=submit]")
            page.wait_for_selector(f"[data-testid=tracking-row] >> text={code}")
            page.wait_for_function("document.activeElement && document.activeElement.id === 'id_code'")
            assert page.input_value("#id_code") == ""
        assert page.evaluate("window.__sameDocument") == "yes"  # htmx, not a page load
    finally:
        context.close()
