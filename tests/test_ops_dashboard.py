"""The operations dashboard in Debian's Chromium (issue 12, Done means): an operations person opens it,
each count equals the database, and two counts lead to lists with as many rows. Screenshots at 1366 px and
390 px (no sideways scroll on the phone) in /tmp/shots/backoffice/."""

from pathlib import Path

import pytest

from accounts.tests.factories import OperationsFactory
from backoffice.tests.world import build_world
from billing.models import BankTransfer, TransferStatus
from consignments.models import Consignment, ConsignmentStatus
from shipping.models import Trip, TripStatus
from warehouse.models import Parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/backoffice")  # noqa: S108 - where the brief asks for them
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def browse(browser, live_server):
    contexts = []

    def open_as(user, *, phone):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESK,
            is_mobile=phone,
            has_touch=phone,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
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
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide, sideways scroll"


def count(page, testid) -> int:
    return int(page.get_by_test_id(testid).inner_text().strip())


def test_the_dashboard_counts_what_the_database_holds(browse):
    world = build_world()
    office = OperationsFactory(username="vanphong", is_staff=False, is_superuser=False)

    page = browse(office, phone=False)
    page.get_by_test_id("nav-office").click()
    page.wait_for_selector("[data-testid=dashboard]")

    # Each count against the database, read here without the dashboard's code.
    unidentified = Parcel.objects.filter(consignment__isnull=True, retired_at__isnull=True).count()
    awaiting = Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY)
    assert count(page, "count-unidentified") == unidentified == world["unidentified"]
    assert count(page, "count-conflicts") == world["conflicts"]
    assert count(page, "count-awaiting") == awaiting.count()
    assert count(page, "count-trips") == Trip.objects.filter(status=TripStatus.DEPARTED).count()
    assert (
        count(page, "count-transfers") == BankTransfer.objects.filter(status=TransferStatus.UNMATCHED).count()
    )
    assert count(page, "count-unpaid") == world["unpaid"]
    for code, n in world["intake"].items():
        assert page.get_by_test_id(f"intake-{code}").inner_text().endswith(str(n))
    for code, n in world["awaiting"].items():
        assert page.get_by_test_id(f"awaiting-{code}").inner_text().endswith(str(n))
        assert awaiting.filter(current_warehouse__code=code).count() == n
    shot(page, "dashboard-1366")

    # Click through: unpaid orders, then the orders awaiting at Hà Nội past their free days.
    page.get_by_test_id("count-unpaid").click()
    page.wait_for_url("**/staff/ops/orders/?unpaid=on")
    assert page.get_by_test_id("order-row").count() == world["unpaid"]
    shot(page, "orders-unpaid-1366")
    page.go_back()
    page.get_by_test_id("past-free-HN").click()
    page.wait_for_url("**past_free=on")
    assert page.get_by_test_id("order-row").count() == world["past_free"]["HN"]
    page.go_back()
    page.get_by_test_id("awaiting-HN").click()
    page.wait_for_url("**status=awaiting_delivery**")
    assert page.get_by_test_id("order-row").count() == world["awaiting"]["HN"]

    phone = browse(office, phone=True)
    phone.goto("/staff/ops/")
    assert count(phone, "count-unpaid") == world["unpaid"]
    shot(phone, "dashboard-390")
    phone.goto("/staff/ops/orders/?status=awaiting_delivery")
    shot(phone, "orders-390")
    table = phone.locator(".table-responsive").first
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth"), "the orders table is cut off on a phone"


def test_the_other_portal_pages_fit_a_desk_and_a_phone(browse):
    world = build_world()
    office = OperationsFactory(username="vanphong", is_staff=False, is_superuser=False)
    order = Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY).order_by("id").first()
    pages = {
        "customer": f"/staff/ops/customers/{order.customer_id}/",
        "order": f"/staff/ops/orders/{order.pk}/",
        "parcels": f"/staff/ops/parcels/?warehouse={world['gz'].pk}",
        "staff": "/staff/ops/staff/",
        "staff-new": "/staff/ops/staff/new/",
        "warehouses": "/staff/ops/warehouses/",
        "depot": f"/staff/ops/warehouses/{world['hn'].pk}/",
        "audit": "/staff/ops/audit/",
    }
    for phone in (False, True):
        page = browse(office, phone=phone)
        for name, url in pages.items():
            page.goto(url)
            shot(page, f"{name}-{390 if phone else 1366}")
            for box in page.locator(".table-responsive").all():
                assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), (
                    f"{name}: a table is cut off"
                )
