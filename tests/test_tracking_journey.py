"""Registering tracking numbers as a customer with hundreds of parcels does it, in a real browser: a pasted
list with a verdict per line, a spreadsheet imported by the real Celery worker with a progress bar that
moves by itself and a result file, the list's filters and search, the Excel export, editing and cancelling.
"""

import io
from pathlib import Path

import openpyxl
import pytest

from tracking.models import TrackingImport, TrackingNumber

pytestmark = [pytest.mark.browser]

PASTED = "\n".join(
    [
        "SF1000000000001",
        "sf 1000 0000 00002",  # spaces and lower case
        "ＳＦ１０００００００００００３",  # full width
        "1234567890123456789",  # a Taobao order number
        "SF1000000000001",  # again
        "7.8123E+13",  # mangled by Excel
        "中通快递 78123456789012",  # courier name in front
    ]
)


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã vận đơn", "Ghi chú"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(path) -> list[tuple]:
    """A downloaded workbook's rows (the browser saves downloads without the .xlsx name openpyxl wants)."""
    book = openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_paste_a_list_and_every_line_gets_its_verdict(page, shot, customer):
    browser_page = page(customer)
    browser_page.goto("/tracking/paste/")
    browser_page.fill("textarea[name=text]", PASTED)
    with browser_page.expect_navigation():
        browser_page.click("main form button[type=submit]")
    result = browser_page.locator("[data-testid=paste-result]")
    result.wait_for()
    shot(browser_page, "tracking-paste-result")
    assert result.locator("[data-testid=count-added]").inner_text().endswith("4")
    assert result.locator("[data-testid=count-refused]").inner_text().endswith("2")
    assert result.locator("[data-testid=count-duplicate]").inner_text().endswith("1")
    refused = result.locator("[data-testid=verdict-row][data-verdict=refused]").all_inner_texts()
    assert any("1234567890123456789" in row for row in refused)
    assert any("7.8123E+13" in row for row in refused)
    assert set(TrackingNumber.objects.filter(customer=customer).values_list("code", flat=True)) == {
        "SF1000000000001",
        "SF1000000000002",
        "SF1000000000003",
        "78123456789012",
    }
    # the refused lines are back in the box as typed, to be corrected; the added ones are not
    assert browser_page.input_value("textarea[name=text]") == "1234567890123456789\n7.8123E+13"


@pytest.mark.worker
def test_a_spreadsheet_is_imported_by_the_worker_with_progress_and_a_result_file(
    celery_worker, page, shot, customer, other_customer, tmp_path
):
    TrackingNumber.objects.create(customer=other_customer, code="JT2000000000007")
    rows = [(f"SF2{n:012d}", f"hàng {n}") for n in range(1500)]
    rows += [("1234567890123456789", "order number"), ("JT2000000000007", "someone else's too")]
    path = tmp_path / "ma-van-don.xlsx"
    path.write_bytes(_xlsx(rows))

    browser_page = page(customer)
    browser_page.goto("/tracking/import/")
    browser_page.set_input_files("input[name=file]", str(path))
    with browser_page.expect_navigation():
        browser_page.click("main form button[type=submit]")
    assert "/tracking/import/" in browser_page.url
    browser_page.evaluate("window.__sameDocument = 'yes'")
    # The progress region polls by itself: no reload until the worker is done.
    browser_page.locator("#import-progress[data-status=done]").wait_for(timeout=30_000)
    assert browser_page.evaluate("window.__sameDocument") == "yes"
    assert browser_page.inner_text("[data-testid=import-percent]").strip() == "100%"
    shot(browser_page, "tracking-import-done")
    celery_worker.wait_for_log(r"tracking\.tasks\.run_import\[[^\]]+\] succeeded")

    imp = TrackingImport.objects.get(customer=customer)
    assert (imp.added, imp.conflicts, imp.refused) == (1500, 1, 1)
    assert TrackingNumber.objects.get(customer=customer, code="SF2000000000042").note == "hàng 42"

    with browser_page.expect_download() as download:
        browser_page.click("[data-testid=import-result]")
    result_rows = _rows(download.value.path())
    assert len(result_rows) == 1 + len(rows)  # a header, then one verdict per data row
    assert "1234567890123456789" in result_rows[-2]


def test_the_list_filters_searches_exports_edits_and_cancels(page, shot, customer):
    for code, courier in [("SF3000000000001", "sf"), ("SF3000000000002", "sf"), ("78123400000001", "zto")]:
        TrackingNumber.objects.create(customer=customer, code=code, courier=courier, note="giày")
    browser_page = page(customer)
    browser_page.goto("/tracking/")
    assert browser_page.locator("[data-testid=tracking-row]").count() == 3

    browser_page.select_option("select[name=courier]", "zto")
    with browser_page.expect_navigation():
        browser_page.click("form[role=search] button[type=submit]")
    assert (
        browser_page.locator("[data-testid=tracking-row]").all_inner_texts()[0].startswith("78123400000001")
    )
    assert browser_page.locator("[data-testid=tracking-row]").count() == 1

    browser_page.goto("/tracking/?q=sf 3000 0000 00002")  # searched as typed, normalised
    assert browser_page.locator("[data-testid=tracking-row]").count() == 1
    shot(browser_page, "tracking-list-search")

    browser_page.goto("/tracking/")
    with browser_page.expect_download() as download:
        browser_page.click("a[href*='export.xlsx']")
    exported = _rows(download.value.path())
    assert {row[0] for row in exported[1:]} == {"SF3000000000001", "SF3000000000002", "78123400000001"}

    row = browser_page.locator("[data-testid=tracking-row]", has_text="SF3000000000001")
    row.get_by_role("link").last.click()
    browser_page.fill("input[name=note]", "5 đôi giày")
    with browser_page.expect_navigation():
        browser_page.click("main form button[type=submit] >> nth=0")
    assert TrackingNumber.objects.get(code="SF3000000000001").note == "5 đôi giày"

    row = browser_page.locator("[data-testid=tracking-row]", has_text="SF3000000000002")
    row.get_by_role("link").last.click()
    browser_page.once("dialog", lambda dialog: dialog.accept())
    with browser_page.expect_navigation():
        browser_page.click("[data-testid=cancel-registration]")
    assert not TrackingNumber.objects.filter(code="SF3000000000002").exists()
    assert browser_page.locator("[data-testid=tracking-row]").count() == 2
