"""The whole journey in a real browser, with a real Celery worker (DOMAIN.md, "The journey").

A customer signs up on a phone, adds an address, copies the China address and registers tracking numbers;
China staff scan, weigh and dispatch; Vietnam staff mark the orders Chờ giao; the customer follows them.
Tasks (matching a code registered after its parcel arrived, notifications) run in the worker, so the
test polls the pages the customer would reload.
"""

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from accounts.models import User
from accounts.tests.factories import ChinaStaffFactory, VietnamStaffFactory
from addresses.models import DeliveryAddress
from consignments.models import Consignment, ConsignmentStatus
from warehouse.models import Parcel
from warehouse.tests.factories import DepotProvinceFactory, VietnamDepotFactory

ROOT = Path(settings.BASE_DIR)
VI_COMPILED = (ROOT / "locale/vi/LC_MESSAGES/django.mo").exists()
ZH_COMPILED = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()

USERNAME = "lanvy88"
PASSWORD = "Kygui-journey-2025!"
FIRST_CODE, FIRST_RAW = "SF123456789012", "  sf 1234 5678 9012 "
SECOND_CODE, SECOND_RAW = "YT9988776655000", "yt9988776655000"
ORDER_LINK = "a[href*='/orders/KG']"  # a tracking row's link to the order it became


def vi(vietnamese: str, english: str) -> str:
    """The text a Vietnamese reader sees: the translation once the catalogue is compiled, else the source."""
    return vietnamese if VI_COMPILED else english


def poll(page, check, *, timeout=20.0, every=0.5, what="the page to change"):
    """Reload until check(page) is truthy, as a customer waiting for the warehouse would."""
    deadline = time.monotonic() + timeout
    while True:
        value = check(page)
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}; the page says:\n{page.inner_text('main')}")
        time.sleep(every)
        page.reload()


def alert_text(page, kind="success"):
    return page.locator(f"#messages .alert-{kind}").first.inner_text()


def scan(staff, code):
    """Type a code and press Enter, as a USB barcode scanner does: into whatever has the focus.

    The station must keep the cursor in the scan input (or send stray keys there) between parcels.
    """
    staff.keyboard.type(code)
    typed = staff.input_value("#scan-form .scan-input")
    assert typed == code, f"the scanner's keys did not reach the scan input (it holds {typed!r})"
    staff.keyboard.press("Enter")


def label_response_is_pdf(staff, card) -> bool:
    """The label link answers a PDF (the browser's viewer is not something to assert on)."""
    href = card.locator("[data-testid=print-label]").get_attribute("href")
    response = staff.request.get(href)
    return (
        response.ok
        and response.headers["content-type"] == "application/pdf"
        and response.body()[:4] == b"%PDF"
    )


def declare(staff, goods_vi, goods_zh, quantity, unit_value):
    """Fill the customs declaration on the station card and wait until it is saved."""
    form = staff.locator("#scan-result form[id^=declare-]")
    form.locator("[name=goods_vi]").fill(goods_vi)
    form.locator("[name=goods_zh]").fill(goods_zh)
    form.locator("[name=quantity]").fill(quantity)
    form.locator("[name=unit_value_cny]").fill(unit_value)
    form.locator("button[type=submit]").click()
    staff.locator("[data-testid=declare-saved]").wait_for()


@pytest.mark.browser
@pytest.mark.worker
def test_customer_staff_and_worker_journey(celery_worker, page, shot):
    cn_staff = ChinaStaffFactory(username="khotq")  # also creates the Guangzhou warehouse
    vn_staff = VietnamStaffFactory(username="khohn")  # and the Hà Nội depot
    warehouse = cn_staff.warehouse
    # Hà Nội's orders go to the Hà Nội depot; without that map they would go to the first depot by code.
    VietnamDepotFactory(code="DN", name="Kho phân phối Đà Nẵng")
    DepotProvinceFactory(province_code="01", depot=vn_staff.warehouse)

    # 1. Sign up on a phone → the address form, with the customer code in the welcome message.
    customer = page("customer")
    customer.goto("/accounts/signup/")
    assert customer.evaluate("document.activeElement.name") == "username"
    customer.fill("#id_username", USERNAME)
    customer.fill("#id_password1", PASSWORD)
    customer.fill("#id_password2", PASSWORD)
    shot(customer, "customer-signup")
    with customer.expect_navigation():
        customer.click("main form button[type=submit]")
    assert customer.url.endswith("/addresses/new/"), customer.url
    welcome = alert_text(customer)
    shot(customer, "customer-welcome-address-form")

    customer.goto("/accounts/profile/")
    code = customer.inner_text("[data-testid=customer-code]").strip()
    assert re.fullmatch(r"[A-Z]{2}[0-9]{3}", code), code
    assert code in welcome
    label = f"{settings.BRAND_MARK} {USERNAME} {code}"
    assert customer.inner_text("[data-testid=label-mark]").strip() == label
    user = User.objects.get(username=USERNAME)
    assert user.customer_code == code and user.is_customer
    shot(customer, "customer-profile")

    # 2. No tracking numbers before an address (the list shows, and says so); the first address becomes the
    # default.
    customer.goto("/tracking/")
    assert customer.locator("[data-testid=address-needed]").count() == 1
    assert customer.locator("#id_code").count() == 0
    with customer.expect_navigation():
        customer.click("[data-testid=address-needed] + a")
    landed = urlsplit(customer.url)
    assert landed.path == "/addresses/new/" and parse_qs(landed.query).get("next") == ["/tracking/"], landed
    customer.fill("#id_recipient_name", "Nguyễn Thị Lan Vy")
    customer.fill("#id_phone", "0912345678")
    customer.select_option("#id_province_code", "01")  # Hà Nội: its wards load (htmx)
    customer.locator("#id_ward_code option[value='00004']").wait_for(state="attached")
    customer.select_option("#id_ward_code", "00004")  # Phường Ba Đình
    customer.fill("#id_street", "Số 12 ngõ 34 Láng Hạ")
    with customer.expect_navigation():
        customer.click("main form button[type=submit]")
    assert customer.url.endswith("/tracking/"), customer.url  # back where the customer was going
    address = DeliveryAddress.objects.get(customer=user)
    assert address.is_default and address.phone == "0912345678"
    assert (address.province_code, address.ward_code) == ("01", "00004")

    # 3. The China warehouse address, one block per platform, each field with its copy button.
    customer.context.grant_permissions(["clipboard-read", "clipboard-write"])
    customer.goto("/addresses/china/")
    blocks = customer.locator("[data-platform]")
    assert sorted(blocks.evaluate_all("els => els.map(e => e.dataset.platform)")) == sorted(
        ["wechat", "taobao_web", "pinduoduo", "taobao_app", "1688_app"]
    )
    wechat = customer.locator("[data-platform=wechat]")
    assert wechat.locator(".copy-value").first.inner_text().strip() == label
    pinduoduo = customer.locator("[data-platform=pinduoduo]")
    assert warehouse.postal_code not in pinduoduo.inner_text()
    assert pinduoduo.locator(".list-group-item").count() == 3  # receiver, address, phone
    assert f"{USERNAME} - {code}" in pinduoduo.inner_text()
    for block in blocks.all():
        assert block.locator("[data-copy]").count() == block.locator(".list-group-item").count()
    wechat.locator("[data-copy]").first.click()
    assert customer.evaluate("navigator.clipboard.readText()") == label
    shot(customer, "customer-china-address")

    # 4. Register a tracking number the way people paste it.
    customer.goto("/tracking/")
    customer.fill("#id_code", FIRST_RAW)
    customer.click("#tracking-content form button[type=submit]")
    first_row = customer.locator("[data-testid=tracking-row]", has_text=FIRST_CODE)
    first_row.wait_for()
    assert vi("Đã khởi tạo", "Registered") in first_row.inner_text()
    shot(customer, "customer-tracking-registered")

    # 5. China staff: the scanner types into the focused input; the result appears without a reload.
    staff = page(cn_staff)
    assert staff.url.endswith("/staff/cn/scan/"), staff.url
    assert staff.evaluate("document.activeElement.matches('#scan-form .scan-input[autofocus]')")
    staff.evaluate("window.__sameDocument = 'yes'")
    scan(staff, FIRST_CODE)
    matched = staff.locator("[data-testid=scan-matched]")
    matched.wait_for()
    assert staff.evaluate("window.__sameDocument") == "yes"
    first_order = matched.locator("[data-testid=scan-order-code]").inner_text().strip()
    assert re.fullmatch(r"KG[0-9]{8}", first_order), first_order
    assert matched.locator("[data-testid=scan-customer-code]").inner_text().strip() == code
    assert staff.input_value("#scan-form .scan-input") == ""  # cleared for the next parcel
    card = staff.locator("#scan-result [data-testid=station-card]")
    card.locator("[data-testid=weight-input]").fill("1.25")
    card.locator("[data-testid=length_cm-input]").fill("40")
    card.locator("[data-testid=width_cm-input]").fill("30")
    card.locator("[data-testid=height_cm-input]").fill("20")
    card.locator("form[id^=measure-] button[type=submit]").click()
    staff.locator("[data-testid=weight-saved]").wait_for()
    # The cursor goes back to the scan input, ready for the next parcel.
    staff.wait_for_function("document.activeElement.matches('#scan-form .scan-input')", timeout=2_000)
    # 40 × 30 × 20 cm / 6000 = 4 kg volumetric: the chargeable weight is the larger one.
    assert card.locator("[data-testid=chargeable-weight]").inner_text().strip() == "4 kg"
    measured = Consignment.objects.get(code=first_order)
    box = measured.parcels.get()
    assert (box.weight_g, box.volumetric_weight_g, box.chargeable_weight_g) == (1250, 4000, 4000)
    assert (measured.weight_g, measured.chargeable_weight_g) == (1250, 4000)
    assert measured.destination == vn_staff.warehouse  # the depot serving the customer's province
    declare(staff, "Giày thể thao", "运动鞋", "3", "45.5")
    assert Consignment.objects.get(code=first_order).goods_unit_value_fen == 4550
    with staff.expect_popup() as label_popup:
        card.locator("[data-testid=print-label]").click()
    label = label_popup.value
    label.wait_for_load_state()
    assert label.url.endswith("/label.pdf"), label.url
    assert label_response_is_pdf(staff, card)
    label.close()
    shot(staff, "cn-scan-matched-weighed")

    scan(staff, FIRST_CODE)
    staff.locator("[data-testid=scan-duplicate]").wait_for()
    assert staff.evaluate("window.__sameDocument") == "yes"
    assert Consignment.objects.filter(parcels__tracking_code=FIRST_CODE).count() == 1
    assert Parcel.objects.get(tracking_code=FIRST_CODE).scan_count == 2
    shot(staff, "cn-scan-duplicate")

    # 6. Scanned before registered: the worker makes the order when the owner registers the code.
    scan(staff, SECOND_CODE)
    staff.locator("[data-testid=scan-unidentified]").wait_for()
    shot(staff, "cn-scan-unidentified")
    customer.goto("/tracking/")
    customer.fill("#id_code", SECOND_RAW)
    customer.click("#tracking-content form button[type=submit]")
    customer.locator("[data-testid=tracking-row]", has_text=SECOND_CODE).wait_for()
    order_link = poll(
        customer,
        lambda p: p.locator("[data-testid=tracking-row]", has_text=SECOND_CODE).locator(ORDER_LINK).count(),
        what=f"the worker to match {SECOND_CODE}",
    )
    assert order_link == 1
    second = Consignment.objects.get(parcels__tracking_code=SECOND_CODE)
    assert second.customer_id == user.pk
    second_order = second.code
    # The worker made it, not this process: the matching task (match_codes) returned the new order's code.
    celery_worker.wait_for_log(
        rf"warehouse\.tasks\.match_\w+\[[^\]]+\] succeeded in [0-9.]+s: .*'{second_order}'"
    )
    row = customer.locator("[data-testid=tracking-row]", has_text=SECOND_CODE)
    assert row.locator(ORDER_LINK).inner_text().strip() == second_order
    shot(customer, "customer-tracking-matched-by-worker")

    # 7. Weigh the second order from the duplicate panel, then dispatch both.
    scan(staff, SECOND_CODE)
    staff.locator("[data-testid=scan-duplicate]").wait_for()
    card = staff.locator("#scan-result [data-testid=station-card]")
    card.locator("[data-testid=weight-input]").fill("0.8")
    card.locator("form[id^=measure-] button[type=submit]").click()
    staff.locator("[data-testid=weight-saved]").wait_for()
    declare(staff, "Áo", "衣服", "2", "30")
    staff.goto("/staff/cn/dispatch/")
    for order in (first_order, second_order):
        staff.check(f"input[name=ids][aria-label={order}]")
    shot(staff, "cn-dispatch-selected")
    with staff.expect_navigation():
        staff.click("[data-testid=dispatch-button]")
    assert "2" in alert_text(staff)
    assert set(Consignment.objects.values_list("status", flat=True)) == {ConsignmentStatus.IN_TRANSIT}
    shot(staff, "cn-dispatched")

    # 8. Vietnam depot: one order by its checkbox, the other by scanning its code.
    depot = page(vn_staff)
    assert depot.url.endswith("/staff/vn/"), depot.url
    shot(depot, "vn-depot-arrivals")
    depot.check(f"input[name=ids][aria-label={first_order}]")
    with depot.expect_navigation():
        depot.click("[data-testid=mark-ready-button]")
    assert first_order in alert_text(depot)
    depot.fill("input[name=code]", second_order)
    with depot.expect_navigation():
        depot.press("input[name=code]", "Enter")
    assert second_order in alert_text(depot)
    assert set(Consignment.objects.values_list("status", flat=True)) == {ConsignmentStatus.AWAITING_DELIVERY}
    shot(depot, "vn-depot-awaiting")

    # 9. The customer: four notifications (two arrivals, two Chờ giao) made by the worker; the timeline.
    bell = customer.locator("[data-testid=bell-count]:visible")
    poll(
        customer,
        lambda p: bell.count() and bell.inner_text().strip() == "4",
        what="the worker's four notifications",
    )
    celery_worker.wait_for_log(r"deliver_notifications\[[^\]]+\] succeeded")
    shot(customer, "customer-bell")
    customer.goto("/orders/")
    assert customer.locator("[data-testid=order-row]").count() == 2
    shot(customer, "customer-orders")
    customer.click(f"[data-testid=order-row] a:text-is('{first_order}')")
    customer.wait_for_url(f"**/orders/{first_order}/")
    assert customer.inner_text("[data-testid=order-status]").strip() == vi("Chờ giao", "Awaiting delivery")
    steps = customer.locator("[data-testid=timeline] li").all_inner_texts()
    assert len(steps) == 5, steps
    assert vi("Hàng về kho TQ", "Arrived at China warehouse") in steps[0]
    assert "1.25" in steps[1] and "40 × 30 × 20 cm" in steps[1]  # weighed and measured
    assert "Giày thể thao" in steps[2]  # declared for customs
    assert vi("Vận chuyển quốc tế", "International transit") in steps[3]
    assert vi("Chờ giao", "Awaiting delivery") in steps[4]
    shot(customer, "customer-order-timeline")


@pytest.mark.browser
def test_china_staff_switch_to_simplified_chinese(page, shot, cn_staff):
    staff = page(cn_staff)
    assert staff.url.endswith("/staff/cn/scan/"), staff.url
    assert staff.get_attribute("html", "lang") == "vi"
    with staff.expect_navigation():
        staff.select_option("#lang-select", "zh-hans")  # submits itself
    staff.wait_for_load_state()
    assert staff.url.endswith("/staff/cn/scan/"), staff.url
    assert staff.get_attribute("html", "lang") == "zh-hans"
    assert staff.input_value("#lang-select") == "zh-hans"
    if ZH_COMPILED:
        assert re.search(r"[\u4e00-\u9fff]", staff.inner_text("main h1")), staff.inner_text("main h1")
    staff.reload()  # the choice is kept
    assert staff.get_attribute("html", "lang") == "zh-hans"
    shot(staff, "cn-scan-zh-hans")
