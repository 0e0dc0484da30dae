"""Hostile input in a real browser (issue 12): an import's refused rows on its page at 390 and 1366 px
(nothing sideways), a pasted list whose verdicts name the lines of the box, full-width numbers typed at the
weighing station, and a hostile `next` after saving an address."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tracking.imports import import_run, import_start
from tracking.imports.run import REFUSED_SHOWN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "hostile"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _shots_folder():
    SHOTS.mkdir(parents=True, exist_ok=True)


def _open(browser, live_server, user, size):
    phone = size == "phone"
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[size], is_mobile=phone, has_touch=phone, locale="vi-VN"
    )
    context.set_default_timeout(8_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return context, page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


@pytest.mark.parametrize("size", list(SIZES))
def test_an_imports_refused_rows_are_on_its_page(browser, live_server, settings, tmp_path, customer, size):
    settings.MEDIA_ROOT = str(tmp_path)
    lines = ["Mã vận đơn", "SF1234567890123", "SF1234567890123"]
    lines += ["1234567890123456789", "7.8123E+13", "中通快递 订单 " + "x" * 80, "=SUM(A1:A3)"] * 15
    imp = import_start(
        customer=customer, uploaded_file=SimpleUploadedFile("ma.csv", "\n".join(lines).encode())
    )
    import_run(import_id=imp.pk)
    context, page = _open(browser, live_server, customer, size)
    try:
        page.goto(f"/tracking/import/{imp.pk}/")
        page.locator("#import-progress[data-status=done]").wait_for()
        assert page.locator("[data-testid=refused-row]").count() == REFUSED_SHOWN
        assert page.locator("[data-testid=import-refused-more]").is_visible()
        assert page.inner_text("[data-testid=import-count-duplicate]").strip().endswith("1")
        assert page.inner_text("[data-testid=import-count-already]").strip().endswith("0")
        page.screenshot(path=SHOTS / f"{size}-import-refused-rows.png", full_page=True)
        _fits(page)
    finally:
        context.close()


def test_a_pasted_lists_verdicts_name_the_lines_of_the_box(browser, live_server, customer):
    context, page = _open(browser, live_server, customer, "phone")
    try:
        page.goto("/tracking/paste/")
        page.fill(
            "textarea[name=text]", "SF1000000000001\n\n\nabc?\n\nSF1000000000001, 订单\nSF1000000000002"
        )
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        rows = page.locator("[data-testid=verdict-row]")
        lines = {
            row.get_attribute("data-verdict") + ":" + row.locator("td").first.inner_text().strip()
            for row in rows.all()
        }
        assert lines == {"refused:4", "duplicate:6", "refused:6"}
        page.screenshot(path=SHOTS / "phone-paste-lines.png", full_page=True)
        _fits(page)
    finally:
        context.close()


def test_a_hostile_next_after_saving_an_address(browser, live_server, customer):
    context, page = _open(browser, live_server, customer, "desk")
    try:
        address = customer.addresses.get()
        page.goto(f"/addresses/{address.pk}/edit/?next={{{{7*7}}}}")
        page.select_option("select[name=ward_code]", index=1)  # the factory's address predates the 2025 units
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.screenshot(path=SHOTS / "desk-address-hostile-next.png", full_page=True)
        assert page.url.endswith("/addresses/")
    finally:
        context.close()
