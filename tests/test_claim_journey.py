"""A claim from opening to refund in a real browser (issue 12, "Done means"), on the live server.

The customer opens a damaged-goods claim with a photo from the order page (phone, 390 px); operations accept it
and refund part of it to the wallet (desktop); the customer sees the refund on the claim and on the wallet
statement. The customer's claim pages are photographed at 390 px and 1366 px and must not scroll sideways.
Screenshots go to /tmp/shots/claims/.
"""

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from billing.models import WalletEntry
from billing.selectors import balance_of
from billing.tests.factories import (
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
    awaiting_order,
)
from claims.models import Claim, ClaimStatus
from consignments.models import Consignment
from core import money

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots")) / "claims"  # noqa: S108 (screenshots to look at)
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
REFUND = 350_000


@pytest.fixture
def browse(browser, live_server):
    """browse(user, phone=True) → a page logged in as `user` through the login form, phone or desk sized."""
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
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-for-tests-1")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/accounts/login/" not in page.url
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name):
    """A full-page screenshot from the top; the page must not be wider than the window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{name}: {width} px wide, scrolls sideways"


def test_claim_from_opening_to_refund(browse, tmp_path, customer, ops):
    CustomerGroupFactory()
    ExchangeRateFactory()
    FeeScheduleFactory()
    order = awaiting_order(customer)
    Consignment.objects.filter(pk=order.pk).update(
        goods_vi="Bộ cốc sứ", goods_quantity=6, goods_unit_value_fen=8_000
    )
    damage = tmp_path / "coc-vo.png"
    Image.new("RGB", (640, 480), "#b91c1c").save(damage, format="PNG")

    # 1. The customer, on a phone, opens a damaged-goods claim with a photo from the order page.
    phone = browse(customer, phone=True)
    phone.goto(f"/orders/{order.code}/")
    with phone.expect_navigation():
        phone.click("[data-testid=open-claim]")
    phone.check("input[name=kind][value=damaged]")
    phone.fill("textarea[name=description]", "Hộp bị móp, 2 trong 6 cốc vỡ khi nhận.")
    phone.fill("input[name=amount_asked_vnd]", "400.000")
    phone.set_input_files("input[name=photos]", str(damage))
    shot(phone, "01-phone-claim-new")
    with phone.expect_navigation():
        phone.click("[data-testid=claim-form] button[type=submit]")
    claim = Claim.objects.get()
    assert phone.url.endswith(f"/claims/{claim.pk}/")
    assert phone.locator("[data-testid=claim-status]").first.inner_text().strip()
    assert phone.locator("[data-testid=claim-photos] img").count() == 1
    assert phone.evaluate("document.querySelector('[data-testid=claim-photos] img').naturalWidth") > 0
    shot(phone, "02-phone-claim-detail")
    phone.goto("/claims/")
    assert phone.locator("[data-testid=claim-row]").count() == 1
    shot(phone, "03-phone-claim-list")

    # 2. Operations (desktop) find it in the open tab, accept it and refund part of what was asked.
    desk = browse(ops, phone=False)
    desk.goto("/staff/ops/claims/")
    assert re.search(r"\b1\b", desk.inner_text("[data-testid=tab-open]"))
    with desk.expect_navigation():
        desk.click(f"text={claim.code}")
    assert desk.locator("[data-testid=claim-photos] img").count() == 1
    with desk.expect_navigation():
        desk.click("[data-testid=ops-accept] button[type=submit]")
    assert Claim.objects.get().status == ClaimStatus.REVIEW
    desk.fill("[data-testid=ops-refund] input[name=amount_vnd]", "350.000")
    desk.fill("[data-testid=ops-refund] input[name=reason]", "2 cốc vỡ trên đường vận chuyển")
    desk.select_option("[data-testid=ops-refund] select[name=fault]", "carrier")
    shot(desk, "04-desk-ops-claim")
    with desk.expect_navigation():
        desk.click("[data-testid=ops-refund] button[type=submit]")
    assert Claim.objects.get().status == ClaimStatus.RESOLVED
    assert money.vnd(REFUND) in desk.inner_text("[data-testid=ops-claim-refund]")
    shot(desk, "05-desk-ops-claim-resolved")

    # 3. The customer sees the refund on the claim, its timeline, and on the wallet statement.
    assert balance_of(customer) == REFUND
    entry = WalletEntry.objects.get(idempotency_key=f"claim:{claim.pk}:refund")
    phone.goto(f"/claims/{claim.pk}/")
    assert money.vnd(REFUND) in phone.inner_text("[data-testid=claim-refund]")
    assert phone.locator("[data-testid=claim-event]").count() == 3  # opened, accepted, resolved
    shot(phone, "06-phone-claim-refunded")
    phone.fill("[data-testid=claim-reply] textarea[name=text]", "Cảm ơn, đã nhận tiền.")
    phone.click("[data-testid=claim-reply] button[type=submit]")  # htmx: the conversation is swapped in place
    phone.wait_for_selector("[data-testid=reply-sent]")
    assert phone.url.endswith(f"/claims/{claim.pk}/")
    assert phone.locator("[data-testid=claim-event]").count() == 4
    with phone.expect_navigation():
        phone.click("[data-testid=claim-refund] a")
    row = phone.locator(f"[data-testid=entry-row][data-id='{entry.pk}']")
    assert money.vnd(REFUND) in row.inner_text() and claim.code in row.inner_text()
    assert money.vnd(REFUND) in phone.inner_text("[data-testid=wallet-balance-page]")
    shot(phone, "07-phone-wallet")

    # 4. The same customer pages on a desktop.
    wide = browse(customer, phone=False)
    for path, name in (
        (f"/claims/new/{order.code}/", "08-desk-claim-new"),
        (f"/claims/{claim.pk}/", "09-desk-claim-detail"),
        ("/claims/", "10-desk-claim-list"),
    ):
        wide.goto(path)
        shot(wide, name)

    # 5. The customer's thanks on the resolved claim reach operations: counted on the dashboard, marked in the
    # default tab, the claim page says so (on a phone too); operations' reply answers it.
    desk.goto("/staff/ops/")
    assert desk.inner_text("[data-testid=count-claims-unanswered]").strip() == "1"
    shot(desk, "11-desk-dashboard-unanswered")
    with desk.expect_navigation():
        desk.click("[data-testid=count-claims-unanswered]")
    assert desk.locator("[data-testid=ops-claim-row]").count() == 1
    assert desk.locator("[data-testid=unanswered-mark]").count() == 1
    shot(desk, "12-desk-ops-unanswered-tab")
    ops_phone = browse(ops, phone=True)
    ops_phone.goto("/staff/ops/claims/")
    assert ops_phone.locator("[data-testid=unanswered-mark]").count() == 1
    shot(ops_phone, "13-phone-ops-claims")
    ops_phone.goto(f"/staff/ops/claims/{claim.pk}/")
    assert ops_phone.locator("[data-testid=ops-claim-unanswered]").count() == 1
    assert ops_phone.locator("[data-testid=ops-claim-order-history]").count() == 1
    shot(ops_phone, "14-phone-ops-claim-unanswered")
    ops_phone.fill("[data-testid=ops-reply] textarea[name=text]", "Cảm ơn anh/chị.")
    with ops_phone.expect_navigation():
        ops_phone.click("[data-testid=ops-reply] button[type=submit]")
    assert ops_phone.locator("[data-testid=ops-claim-unanswered]").count() == 0
    assert Claim.objects.get().customer_waiting_since is None
