"""The delivery pages in Debian's Chromium: the customer's pickup page, delivery request and public tracking
at phone width; the counter (a refused scan, then the pickup code, then the handover, each with its sound
outcome) and the release desk at desk and phone width. Screenshots in artifacts/screens/delivery/.

It uses the session's one Chromium (tests/conftest.py `browser`): two Playwright instances in one session
cannot run (the sync API refuses to start inside the first one's loop)."""

import re
from pathlib import Path

import pytest

from consignments.models import Consignment, ConsignmentStatus
from delivery.services.pickup import pickup_code_for
from delivery.tests.conftest import _fresh_cache, at_depot, hcm, hcm_staff, hn, schedule  # noqa: F401 - fixtures
from warehouse.labels import parcel_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "delivery"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def browse(browser, live_server):
    """browse(user, phone=True) → a page logged in as `user` (None: anonymous), phone or desk sized."""
    contexts = []

    def open_as(user, *, phone):
        context = browser.new_context(
            base_url=live_server.url, viewport=PHONE if phone else DESK, is_mobile=phone, locale="vi-VN"
        )
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", "pw-for-tests-1")
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide, sideways scroll"


def test_customer_pages_on_a_phone(browse, customer, at_depot, hn, hcm_staff):
    first, _second = at_depot(customer), at_depot(customer, paid=True)
    at_depot(customer, staff=hcm_staff)
    page = browse(customer, phone=True)
    page.goto("/pickup/")
    assert page.locator("[data-testid=pickup-depot]").count() == 2
    code = pickup_code_for(customer=customer, depot=hn).code
    assert code in page.inner_text("main")
    shot(page, "01-customer-pickup")
    page.click("[data-testid=pickup-request] >> nth=0")
    page.wait_for_selector("[data-testid=request-form]")
    shot(page, "02-customer-request-new")
    with page.expect_navigation():
        page.click("[data-testid=request-submit]")
    assert page.locator("[data-testid=request-status]").count() == 1
    shot(page, "03-customer-request-detail")
    page.goto(f"/track/?q={first.tracking_code}")
    page.wait_for_selector("[data-testid=track-result]")
    shot(page, "04-public-track")


@pytest.mark.parametrize("phone", [False, True], ids=["desk", "phone"])
def test_the_counter(browse, customer, vn_staff, at_depot, hn, phone):
    orders = [at_depot(customer, paid=True), at_depot(customer, paid=True)]
    code = pickup_code_for(customer=customer, depot=hn)
    page = browse(vn_staff, phone=phone)
    page.goto("/staff/vn/counter/")
    page.fill("#id_q", "000000" if code.code != "000000" else "000001")
    page.press("#id_q", "Enter")
    page.wait_for_selector("[data-testid=counter-error]")
    assert page.get_attribute("body", "data-last-outcome") == "refused"
    page.fill("#id_q", code.qr_payload)
    page.press("#id_q", "Enter")
    page.wait_for_selector("[data-testid=handover-form]")
    assert page.get_attribute("body", "data-last-outcome") == "ok"
    assert page.locator("[data-testid=counter-order]").count() == 2
    shot(page, f"05-counter-{'phone' if phone else 'desk'}")
    page.fill("#id_receiver_name", "Nguyễn Thị B")
    page.fill("#id_receiver_phone", "0912345678")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=counter-done]")
    assert set(
        Consignment.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {ConsignmentStatus.DELIVERED}
    shot(page, f"06-counter-done-{'phone' if phone else 'desk'}")


@pytest.mark.parametrize("phone", [False, True], ids=["desk", "phone"])
def test_the_release_desk(browse, customer, vn_staff, at_depot, hn, phone):
    from delivery.services.requests import delivery_request_create

    orders = [at_depot(customer, paid=True), at_depot(customer, paid=True, pieces=2)]
    request = delivery_request_create(
        customer=customer,
        depot=hn,
        ids=[o.pk for o in orders],
        address=customer.addresses.get(),
        carrier="ghn",
    )
    page = browse(vn_staff, phone=phone)
    page.goto("/staff/vn/deliveries/")
    shot(page, f"07-depot-requests-{'phone' if phone else 'desk'}")
    page.click(f"text={request.code}")
    with page.expect_navigation():
        page.click("[data-testid=release-start]")
    page.fill("#id_code", "KG00000000")
    page.press("#id_code", "Enter")
    page.wait_for_selector("[data-testid=release-scan-error]")
    assert page.get_attribute("body", "data-last-outcome") == "refused"
    page.fill("#id_code", parcel_code(orders[0].parcels.get()))
    page.press("#id_code", "Enter")
    page.wait_for_selector("[data-testid=release-scan-ok]")
    assert page.get_attribute("body", "data-last-outcome") == "ok"
    assert re.search(r"\b1\b.*\b3\b", page.inner_text("[data-testid=release-progress]"))
    shot(page, f"08-release-note-{'phone' if phone else 'desk'}")


def test_the_counters_tick_all_box_follows_the_boxes(browse, customer, vn_staff, at_depot, hn):
    """Untick one order: "tick all" unticks; tick it again: "tick all" is ticked; "tick all" ticks every box."""
    first, second = at_depot(customer, paid=True), at_depot(customer, paid=True)
    code = pickup_code_for(customer=customer, depot=hn)
    page = browse(vn_staff, phone=False)
    page.goto("/staff/vn/counter/")
    page.fill("#id_q", code.qr_payload)
    page.press("#id_q", "Enter")
    page.wait_for_selector("[data-testid=handover-form]")
    all_box = page.locator("[data-check-all=orders]")
    assert all_box.is_checked()
    page.uncheck(f"#h{first.pk}")
    assert not all_box.is_checked()
    page.check(f"#h{first.pk}")
    assert all_box.is_checked()
    page.uncheck(f"#h{second.pk}")
    page.check("[data-check-all=orders]")
    assert page.is_checked(f"#h{first.pk}") and page.is_checked(f"#h{second.pk}")
    # A handover refused (an unpaid order ticked, not paid at the counter) draws the list again in place,
    # with the person's own ticks.
    unpaid = at_depot(customer)
    page.fill("#id_q", code.qr_payload)
    page.press("#id_q", "Enter")
    page.wait_for_selector(f"#h{unpaid.pk}")
    page.uncheck(f"#h{second.pk}")
    page.fill("#id_receiver_name", "Nguyễn Thị B")
    page.fill("#id_receiver_phone", "0912345678")
    if page.is_checked("#id_pay_from_wallet"):
        page.uncheck("#id_pay_from_wallet")
    page.click("[data-testid=handover-submit]")
    page.wait_for_selector("[data-testid=counter-error]")
    assert page.is_checked(f"#h{first.pk}") and not page.is_checked(f"#h{second.pk}")
    assert not page.locator("[data-check-all=orders]").is_checked()
