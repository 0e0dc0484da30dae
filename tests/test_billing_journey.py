"""The money side end to end in a real browser (issue 10, "Done means"), on the live server.

Operations publish a new fee schedule version through its pages; an anonymous visitor reads the public fee
page and prices a parcel with the calculator; China staff weigh, photograph and declare the customer's order
at the scan station and dispatch it; the customer sees the estimate with its evidence; the Vietnam depot marks
it Chờ giao and the customer sees the final charge; the customer opens the top-up page (VietQR), SePay's
webhook (posted over HTTP, as SePay does) credits the wallet and the customer is notified; the customer pays
the order and reads both entries on the statement. Everything runs at desktop width (1280×800); the
customer's pages are also checked at phone width (390×844) for horizontal scrolling.

A real Celery worker (PostgreSQL and Redis: CI) delivers the notification outbox, as in production: the
customer's notification of the credit appears within seconds of the webhook.
Screenshots go to /tmp/shots/billing_*.png.
"""

import json
import os
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from billing.models import (
    BankTransfer,
    Charge,
    ChargeStage,
    EntryKind,
    FeeSchedule,
    WalletEntry,
)
from billing.selectors import wallets_out_of_balance
from billing.tests.factories import CustomerGroupFactory, ExchangeRateFactory, FeeScheduleFactory
from consignments.models import Consignment, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from core import money
from tests.conftest import PHONE, PageFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))  # noqa: S108 (screenshots to look at)
API_KEY = "sepay-journey-key-51c0"
NEW_NAME = "Biểu phí tháng 7"
# The version in force (FeeScheduleFactory: Hà Nội 24,000 / 23,000 / 22,000 / 21,000 ₫ per kg) gets
# 1,000 ₫ per kg dearer in the new one, written the way the form's help text says.
NEW_BRACKETS = "0 - 10 - 25000\n10 - 30 - 24000\n30 - 100 - 23000\n100 - - 22000"
# 12.5 kg, 40 × 30 × 20 cm: volumetric 24,000 cm³ / 6000 = 4 kg, so 12.5 kg is chargeable, in the
# 10–30 kg bracket at 24,000 ₫: freight 300,000 ₫, plus 3,000 ₫ handling for the one parcel.
FREIGHT, HANDLING = 12_500 * 24_000 // 1000, 3_000
TOTAL = FREIGHT + HANDLING  # 303,000 ₫
TOPUP = 500_000


def vnd(amount: int) -> str:
    """As the pages write money: 1.234.000 ₫ (core.money.vnd, the `vnd` filter: a no-break space)."""
    return money.vnd(amount)


def vi(message: str) -> str:
    """What a page in Vietnamese (the default language) says for a message of the code."""
    with translation.override("vi"):
        return gettext(message)


def desktop(pages: PageFactory, who=None):
    """A desktop browser (1280×800) on the live server, logged in as `who` through the login form, or
    anonymous. It joins the `page` fixture's contexts, so it is closed (and photographed on failure)."""
    context = pages.browser.new_context(
        base_url=pages.base_url, viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(8_000)
    pages.contexts.append(context)
    tab = context.new_page()
    if who is not None:
        PageFactory.login(tab, who.username)
    return tab


def snap(tab, name: str) -> None:
    """A full-page screenshot, scrolled to the top first (the sticky navbar would land mid-picture); the
    page must not be wider than the window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=SHOTS / f"billing_{name}.png", full_page=True)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"] + 1, f"{tab.url} scrolls sideways: {width} px wide"


def no_sideways_scroll(phone, path: str, name: str) -> None:
    phone.goto(path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{path} scrolls sideways on a phone: {width} px wide"
    snap(phone, f"phone_{name}")


def message(tab, kind="success") -> str:
    return tab.locator(f"#messages .alert-{kind}").first.inner_text()


def png(path: Path) -> Path:
    Image.new("RGB", (320, 240), "#c2410c").save(path, format="PNG")
    return path


def post_webhook(base_url: str, payload: dict, key: str = API_KEY) -> tuple[int, dict]:
    """What SePay's servers do: POST the transaction as JSON with `Authorization: Apikey <key>`."""
    request = urllib.request.Request(  # noqa: S310 (http://localhost:…, the live server)
        base_url + "/webhooks/bank/sepay/",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Apikey {key}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live server)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.worker
def test_fee_schedule_to_paid_order(
    celery_worker, page, live_server, settings, tmp_path, ops, cn_staff, vn_staff, customer
):
    settings.SEPAY_API_KEY, settings.SEPAY_HMAC_SECRET, settings.TOPUP_PREFIX = API_KEY, "", "NAP"
    hanoi = vn_staff.warehouse  # Kho phân phối Hà Nội, the only depot
    CustomerGroupFactory()  # "normal", no discount, the default group
    ExchangeRateFactory()
    FeeScheduleFactory(name="Biểu phí 2025", effective_from=timezone.now() - timedelta(days=30))

    # 1. Operations copy the version in force into a draft, raise the prices, publish it from now.
    desk = desktop(page, ops)
    desk.goto("/staff/billing/schedules/")
    with desk.expect_navigation():
        desk.click("[data-testid=schedule-new]")
    assert "/staff/billing/schedules/" in desk.url and desk.url.rstrip("/").split("/")[-1].isdigit(), desk.url
    brackets = desk.locator(f"[data-testid=brackets-brackets_{hanoi.pk}] textarea")
    copied = brackets.input_value()
    assert "24000" in copied and "21000" in copied, copied  # a copy of the version in force
    desk.fill("#id_name", NEW_NAME)
    desk.fill("#id_note", "Cước Hà Nội tăng 1.000\u00a0₫/kg.")
    brackets.fill(NEW_BRACKETS)
    with desk.expect_navigation():
        desk.click("[data-testid=schedule-form] button[type=submit]")
    assert desk.locator("#messages .alert-success").count() == 1, desk.inner_text("main")
    assert desk.locator("[data-testid=schedule-problem]").count() == 0
    snap(desk, "01_ops_draft_saved")
    with desk.expect_navigation():
        desk.click("[data-testid=to-publish]")
    assert desk.input_value("input[name=effective_from]") == ""  # empty: from now
    snap(desk, "02_ops_publish")
    with desk.expect_navigation():
        desk.click("[data-testid=publish]")
    assert desk.url.endswith("/staff/billing/schedules/"), desk.url
    assert NEW_NAME in message(desk)
    new = FeeSchedule.objects.get(name=NEW_NAME)
    assert new.is_published and timezone.now() - new.effective_from < timedelta(minutes=1)
    row = desk.locator("[data-testid=schedule-row]", has_text=NEW_NAME)
    assert row.locator(".badge").inner_text().strip() == vi("In force")
    snap(desk, "03_ops_published")

    # 2. Anyone: the public fee page (the new table, since when) and the calculator.
    visitor = desktop(page)
    visitor.goto("/fees/")
    current = visitor.locator("[data-testid=fees-current]")
    assert current.locator("h2").inner_text().strip() == NEW_NAME
    since = timezone.localtime(new.effective_from).strftime("%d/%m/%Y %H:%M")
    assert since in current.inner_text()
    freight = current.locator(f"[data-testid=freight-{hanoi.code}] tbody tr")
    assert freight.count() == 4
    assert [t.split("\t")[-1].strip() for t in freight.all_inner_texts()] == [
        vnd(25_000),
        vnd(24_000),
        vnd(23_000),
        vnd(22_000),
    ]
    snap(visitor, "04_public_fees")

    visitor.click("main a[href='/fees/calculator/']")
    visitor.wait_for_url("**/fees/calculator/")
    visitor.select_option("#id_depot", str(hanoi.pk))
    visitor.fill("#id_weight_kg", "12,5")  # a Vietnamese keyboard's decimal comma
    visitor.fill("#id_length_cm", "40")
    visitor.fill("#id_width_cm", "30")
    visitor.fill("#id_height_cm", "20")
    visitor.click("#calculator button[type=submit]")
    quote = visitor.locator("[data-testid=quote-current]")
    quote.wait_for()
    assert quote.locator("[data-testid=quote-total]").inner_text().strip() == vnd(TOTAL)
    freight_line = quote.locator("[data-testid=quote-line-freight]").inner_text()
    assert "12.5" in freight_line and vnd(24_000) in freight_line and vnd(FREIGHT) in freight_line
    visitor.wait_for_url(lambda url: "weight_kg=12" in url)  # the result can be shared (hx-push-url)
    snap(visitor, "05_public_calculator")

    # 3. The customer's order arrives in China after the new version: China staff weigh it, photograph it
    # and declare it through the scan station page, as a warehouse worker would (not through
    # warehouse.services.parcel_measure); then the customer reads the estimate and its evidence.
    order = ConsignmentFactory(customer=customer, destination=hanoi)
    station = desktop(page, cn_staff)
    assert station.url.endswith("/staff/cn/scan/"), station.url
    station.keyboard.type(order.tracking_code)  # a USB scanner types into the focused scan input
    station.keyboard.press("Enter")
    card = station.locator("#scan-result [data-testid=station-card]")
    card.locator("[data-testid=weight-input]").wait_for()
    card.locator("[data-testid=weight-input]").fill("12.5")
    card.locator("[data-testid=length_cm-input]").fill("40")
    card.locator("[data-testid=width_cm-input]").fill("30")
    card.locator("[data-testid=height_cm-input]").fill("20")
    card.locator("form[id^=measure-] button[type=submit]").click()
    card.locator("[data-testid=weight-saved]").wait_for()
    assert card.locator("[data-testid=chargeable-weight]").inner_text().strip() == "12.5 kg"
    photos = card.locator("form[id^=photos-]")
    photos.locator("input[name=photos]").set_input_files(png(tmp_path / "box.png"))
    photos.locator("button[type=submit]").click()
    station.wait_for_function(
        "document.querySelector('#scan-result [data-testid=photo-count]').textContent.trim() === '1'"
    )
    declare = card.locator("form[id^=declare-]")
    declare.locator("[name=goods_vi]").fill("Giày thể thao")
    declare.locator("[name=goods_zh]").fill("运动鞋")
    declare.locator("[name=quantity]").fill("6")
    declare.locator("[name=unit_value_cny]").fill("80")
    declare.locator("button[type=submit]").click()
    station.locator("[data-testid=declare-saved]").wait_for()
    snap(station, "06_station_weighed")
    estimate = Charge.objects.get(consignment=order, is_current=True)
    assert (estimate.stage, estimate.total_vnd, estimate.schedule_id) == (ChargeStage.ESTIMATE, TOTAL, new.pk)

    buyer = desktop(page, customer)
    buyer.goto(f"/orders/{order.code}/")
    charges = buyer.locator("[data-testid=order-charges]")
    assert charges.locator("[data-testid=charge-stage]").inner_text().strip() == vi("Estimate")
    assert charges.locator("[data-testid=charge-total]").inner_text().strip() == vnd(TOTAL)
    evidence = charges.locator("[data-testid=evidence-row]")
    assert evidence.count() == 1
    cells = [c.strip() for c in evidence.locator("td").all_inner_texts()]
    assert cells[1:5] == ["12.5 kg", "40 × 30 × 20", "4 kg", "12.5 kg"], cells
    freight_row = charges.locator("[data-testid=charge-line][data-code=freight]").inner_text()
    assert "12.5" in freight_row and vnd(24_000) in freight_row and "10–30 kg" in freight_row, freight_row
    assert vnd(FREIGHT) in freight_row
    assert charges.locator("[data-testid=charge-schedule]").inner_text().strip() == NEW_NAME
    assert "6000" in charges.inner_text()  # the divisor
    photo_link = charges.locator("[data-testid=charge-photo]")
    assert photo_link.count() == 1
    photo = buyer.request.get(photo_link.get_attribute("href"))  # the customer's own session
    assert photo.ok and photo.headers["content-type"].startswith("image/"), photo.status
    snap(buyer, "07_order_estimate")

    # 4. Dispatched from China, marked Chờ giao at the Hà Nội depot: the charge is final.
    station.goto("/staff/cn/dispatch/")
    station.check(f"input[name=ids][aria-label={order.code}]")
    with station.expect_navigation():
        station.click("[data-testid=dispatch-button]")
    assert station.locator("#messages .alert-danger").count() == 0, station.inner_text("#messages")
    depot = desktop(page, vn_staff)
    assert depot.url.endswith("/staff/vn/"), depot.url
    depot.check(f"input[name=ids][aria-label={order.code}]")
    with depot.expect_navigation():
        depot.click("[data-testid=mark-ready-button]")
    assert order.code in message(depot)
    snap(depot, "08_depot_awaiting")
    assert Consignment.objects.get(pk=order.pk).status == ConsignmentStatus.AWAITING_DELIVERY

    buyer.reload()
    assert charges.locator("[data-testid=charge-stage]").inner_text().strip() == vi("Final")
    assert charges.locator("[data-testid=charge-unpaid]").count() == 1
    assert charges.locator("[data-testid=charge-total]").inner_text().strip() == vnd(TOTAL)
    assert vnd(TOTAL) in charges.locator("[data-testid=pay-order]").inner_text()
    snap(buyer, "09_order_final")

    # 5. The top-up page: the VietQR code, the transfer content with copy buttons; an amount → a new QR.
    buyer.context.grant_permissions(["clipboard-read", "clipboard-write"])
    buyer.goto("/wallet/top-up/")
    qr = buyer.locator("[data-testid=topup-qr] svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 150
    content = f"NAP {customer.customer_code}"
    assert buyer.inner_text("[data-testid=topup-content]").strip() == content
    details = buyer.locator("[data-testid=topup-details]")
    assert details.locator("[data-copy]").count() == 4  # bank, account number, holder, content
    details.locator(f"[data-copy='{content}']").click()
    assert buyer.evaluate("navigator.clipboard.readText()") == content
    without_amount = qr.evaluate("svg => svg.outerHTML")
    snap(buyer, "10_topup")
    buyer.fill("#id_amount", "500.000")
    buyer.click("[data-testid=topup-form] button[type=submit]")
    amount = buyer.locator("[data-testid=topup-amount]")
    amount.get_by_text(vnd(TOPUP)).wait_for()
    assert amount.locator(f"[data-copy='{TOPUP}']").count() == 1
    assert qr.evaluate("svg => svg.outerHTML") != without_amount  # the amount is in the new code
    buyer.wait_for_url(lambda url: "amount=500" in url)
    snap(buyer, "11_topup_amount")

    # 6. The bank tells SePay, SePay tells us: the wallet is credited once, the customer is told.
    buyer.goto(f"/orders/{order.code}/")
    bell = buyer.locator("[data-testid=bell-count]:visible")
    unread_before = int(bell.inner_text()) if bell.count() else 0
    transfer = {
        "id": 7_310_442,
        "gateway": "Vietcombank",
        "transactionDate": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "accountNumber": settings.BANK_ACCOUNT_NUMBER,
        "code": None,
        "content": f"MBVCB.8812345.{content}.CT tu 0071000123456 NGUYEN THI THU",
        "transferType": "in",
        "transferAmount": TOPUP,
        "accumulated": 90_000_000,
        "subAccount": None,
        "referenceCode": "FT25188123456",
    }
    status, answer = post_webhook(live_server.url, transfer)
    assert (status, answer.get("success"), answer.get("outcome")) == (200, True, "credited"), answer
    status, answer = post_webhook(live_server.url, transfer)  # SePay retries: nothing more
    assert (status, answer.get("outcome")) == (200, "duplicate"), answer
    assert post_webhook(live_server.url, {**transfer, "id": 1}, key="wrong")[0] == 401
    assert BankTransfer.objects.count() == 1
    buyer.reload()
    assert buyer.inner_text("[data-testid=wallet-balance]").strip() == vnd(TOPUP)
    # The worker delivers the outbox a second or so after the commit: the bell then counts it.
    credited = None
    deadline = time.monotonic() + 20
    while credited is None:
        buyer.reload()
        if bell.count() and int(bell.inner_text()) > unread_before:
            with buyer.expect_navigation():
                buyer.locator("a.nav-bell:visible").click()
            found = buyer.locator("[data-testid=notification]", has_text=vnd(TOPUP))
            credited = found.first if found.count() else None
        assert credited is not None or time.monotonic() < deadline, "no notification of the credit"
        if credited is None:
            buyer.goto(f"/orders/{order.code}/")
            buyer.wait_for_timeout(500)
    snap(buyer, "12_notification")

    # 7. Pay the order from the wallet; the statement shows the top-up and the payment.
    buyer.goto("/wallet/pay/")
    assert buyer.locator("[data-testid=pay-row]").count() == 1
    assert buyer.inner_text("[data-testid=pay-total]").strip() == vnd(TOTAL)
    assert buyer.inner_text("[data-testid=pay-balance]").strip() == vnd(TOPUP)
    snap(buyer, "13_pay")
    with buyer.expect_navigation():
        buyer.click("[data-testid=pay-submit]")
    assert buyer.url.endswith("/wallet/"), buyer.url
    assert vnd(TOTAL) in message(buyer)
    left = TOPUP - TOTAL
    assert buyer.inner_text("[data-testid=wallet-balance-page]").strip() == vnd(left)
    assert buyer.inner_text("[data-testid=wallet-balance]").strip() == vnd(left)
    rows = buyer.locator("[data-testid=entry-row]")
    assert rows.count() == 2
    payment, topup = ([c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all())
    assert payment[1:5] == [vi("Payment"), f"−{vnd(TOTAL)}", vnd(left), order.code], payment
    assert topup[1:5] == [vi("Top-up"), f"+{vnd(TOPUP)}", vnd(TOPUP), "—"], topup
    snap(buyer, "14_statement")
    kinds = list(WalletEntry.objects.order_by("id").values_list("kind", "amount_vnd", "balance_after_vnd"))
    assert kinds == [(EntryKind.TOPUP, TOPUP, TOPUP), (EntryKind.PAYMENT, -TOTAL, left)]
    assert not list(wallets_out_of_balance())
    buyer.goto(f"/orders/{order.code}/")
    assert charges.locator("[data-testid=charge-paid]").count() == 1
    assert charges.locator("[data-testid=pay-order]").count() == 0
    snap(buyer, "15_order_paid")

    # The customer's pages on a phone: nothing wider than the screen.
    phone = page(customer)
    for path, name in (
        ("/fees/", "fees"),
        (
            f"/fees/calculator/?depot={hanoi.pk}&weight_kg=12.5&length_cm=40&width_cm=30&height_cm=20",
            "calc",
        ),
        ("/wallet/top-up/?amount=500000", "topup"),
        ("/wallet/", "wallet"),
        (f"/orders/{order.code}/", "order"),
    ):
        no_sideways_scroll(phone, path, name)
