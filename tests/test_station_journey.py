"""The China intake station in a real browser, as a warehouse worker uses it (no Celery worker needed).

* A parcel nobody registered is identified from the receiver line on its label, and becomes an order.
* Photos on the station card: real PNGs are kept and shown (to staff and to the customer); a fake one is
  refused with a clear message and saves nothing.
* Bad input (an empty scan, a 10 KB scan, a weight of 0 or 9999 kg) gets a message and leaves the station
  working; each outcome colours #scan-result (data-outcome); the last scans survive a reload.
* Operations find an unidentified parcel, see it flagged after 30 days, and assign it with a reason.
* China staff switch the station to Simplified Chinese.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

from consignments.models import Consignment, ConsignmentEvent, EventKind
from tests.conftest import PHONE
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import parcel_assign
from warehouse.models import Parcel, ParcelPhoto

pytestmark = pytest.mark.browser

ROOT = Path(settings.BASE_DIR)
ZH_PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
ZH_COMPILED = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()

UNKNOWN_CODE = "YT7700112233445"  # nobody registers it: identified from its label
REGISTERED_CODE = "SF1029384756012"
SECOND_REGISTERED_CODE = "JT5566778899001"
SHELF_CODE = "ZT78123400001111"  # waits on the unidentified shelf for operations
OLD_SHELF_CODE = "78123499992222"  # … for more than 30 days
MULTI_PIECE_CODE = "JDVA01234567890"  # a JD shipment of two boxes: JDVA01234567890-1-2 and -2-2


def in_vietnamese(message: str) -> str:
    """What the station (in its default language, Vietnamese) says for a message of the code."""
    with translation.override("vi"):
        return gettext(message)


def zh_msgstr(msgid: str) -> str:
    """The Simplified Chinese translation of a one-line msgid, read from the .po file itself."""
    match = re.search(
        r'^msgid "' + re.escape(msgid) + r'"\nmsgstr "(.+)"$', ZH_PO.read_text(encoding="utf-8"), re.M
    )
    assert match, f"{msgid!r} has no one-line translation in {ZH_PO}"
    return match.group(1)


def scan(staff, code):
    """Type a code and press Enter, as a USB barcode scanner does: into whatever has the focus."""
    staff.keyboard.type(code)
    typed = staff.input_value("#scan-form .scan-input")
    assert typed == code, f"the scanner's keys did not reach the scan input (it holds {typed!r})"
    staff.keyboard.press("Enter")


def outcome(staff) -> str:
    return staff.get_attribute("#scan-result", "data-outcome")


def wait_for_outcome(staff, expected: str):
    """Wait until the swapped-in #scan-result reports this outcome (its colour and sound)."""
    staff.wait_for_function(
        "o => document.querySelector('#scan-result')?.dataset.outcome === o", arg=expected
    )


def recent_scans(staff) -> list[str]:
    return [
        " ".join(text.split()) for text in staff.locator("#recent-scans > .list-group-item").all_inner_texts()
    ]


def png(path: Path, colour: str) -> Path:
    Image.new("RGB", (160, 120), colour).save(path, format="PNG")
    return path


def wait_for_images(page, selector: str, count: int):
    """`count` images under `selector`, all loaded (complete, with a real width): they render."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_function(
        """([selector, count]) => {
            const images = [...document.querySelectorAll(selector)];
            images.forEach(img => { img.loading = "eager"; });
            return images.length === count && images.every(img => img.complete && img.naturalWidth > 0);
        }""",
        arg=[selector, count],
    )


def top(page):
    """Scroll back up before a full-page screenshot (a scrolled sticky navbar lands mid-picture)."""
    page.evaluate("window.scrollTo(0, 0)")
    return page


def submit_without_browser_checks(form):
    """Send a form the browser would refuse (min/max/required), to see what the server says."""
    form.evaluate("f => { f.noValidate = true; }")
    form.locator("button[type=submit]").click()


# --- 1 + 2. Identified from the label, then photographed --------------------------------------------------


def test_unidentified_parcel_identified_from_label_then_photographed(
    page, shot, cn_staff, customer, tmp_path
):
    staff = page(cn_staff)
    assert staff.url.endswith("/staff/cn/scan/"), staff.url
    staff.evaluate("window.__sameDocument = 'yes'")
    assert outcome(staff) == ""  # nothing scanned yet: no colour

    # A code nobody registered: the parcel is kept, and the identify panel asks whose it is.
    scan(staff, UNKNOWN_CODE)
    staff.locator("[data-testid=scan-unidentified]").wait_for()
    assert outcome(staff) == "unidentified"
    parcel = Parcel.objects.get(tracking_code=UNKNOWN_CODE)
    assert not Consignment.objects.filter(parcels=parcel).exists()
    identify = staff.locator(f"#identify-{parcel.pk}")
    assert identify.locator("[data-testid=photo-count]").inner_text().strip() == "0"

    # The worker reads the receiver line off the label and types it in.
    label = f"{settings.BRAND_MARK} {customer.username} {customer.customer_code}"
    identify.locator("input[name=label]").fill(label)
    identify.locator("input[name=label]").press("Enter")
    candidate = staff.locator("[data-testid=candidate]")
    candidate.wait_for()
    assert candidate.count() == 1
    assert customer.customer_code in candidate.inner_text()
    assert customer.username in candidate.inner_text()
    assert Parcel.objects.get(pk=parcel.pk).label_text == label
    shot(staff, "station-identify-candidate")

    candidate.locator("button[type=submit]").click()  # "Yes, create the order"
    matched = staff.locator("[data-testid=scan-matched]")
    matched.wait_for()
    assert outcome(staff) == "matched"
    assert matched.locator("[data-testid=scan-customer-code]").inner_text().strip() == customer.customer_code
    order_code = matched.locator("[data-testid=scan-order-code]").inner_text().strip()
    consignment = Consignment.objects.get(parcels=parcel)
    assert (consignment.code, consignment.customer_id) == (order_code, customer.pk)
    owner = ConsignmentEvent.objects.get(consignment=consignment, kind=EventKind.OWNER)
    assert label in owner.data["reason"], owner.data
    assert owner.data["customer_code"] == customer.customer_code
    assert staff.evaluate("window.__sameDocument") == "yes"  # all of it without a reload

    # 2. Photos on the station card: two real PNGs…
    photos = staff.locator("#scan-result [data-testid=station-card] form[id^=photos-]")
    photos.locator("input[name=photos]").set_input_files(
        [png(tmp_path / "top.png", "#d9480f"), png(tmp_path / "side.png", "#1971c2")]
    )
    photos.locator("button[type=submit]").click()
    staff.wait_for_function(
        "document.querySelector('#scan-result [data-testid=photo-count]').textContent.trim() === '2'",
    )
    wait_for_images(staff, "#scan-result form[id^=photos-] img.parcel-photo", 2)
    assert ParcelPhoto.objects.filter(parcel=parcel).count() == 2
    assert ConsignmentEvent.objects.filter(consignment=consignment, kind=EventKind.PHOTO).count() == 1
    shot(top(staff), "station-card-two-photos")

    # … then a text file named .jpg: refused, by name, and nothing more is saved.
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"this is not a photo, just text " * 10)
    photos = staff.locator("#scan-result form[id^=photos-]")
    photos.locator("input[name=photos]").set_input_files(fake)
    photos.locator("button[type=submit]").click()
    error = staff.locator("#scan-result [data-testid=photo-error]")
    error.wait_for()
    with translation.override("vi"):
        not_a_photo = gettext("That file is not a photo (JPEG, PNG or WebP).")
    assert error.inner_text().strip() == f"fake.jpg: {not_a_photo}"
    assert staff.inner_text("#scan-result [data-testid=photo-count]").strip() == "2"
    assert ParcelPhoto.objects.filter(parcel=parcel).count() == 2
    assert staff.evaluate("window.__sameDocument") == "yes"
    shot(top(staff), "station-card-fake-photo-refused")

    # The card as it would look on a phone (staff photograph parcels with their phone's camera).
    staff.set_viewport_size(PHONE)
    shot(top(staff), "station-card-phone-width")

    # The customer sees both photos on the order page.
    phone = page(customer)
    phone.goto(f"/orders/{order_code}/")
    assert phone.locator("[data-testid=photos] img").count() == 2
    wait_for_images(phone, "[data-testid=photos] img", 2)
    shot(top(phone), "customer-order-photos")


# --- 3 + 4. Bad input, outcomes, and the recent scans ------------------------------------------------------


def test_bad_input_keeps_the_station_working(page, shot, cn_staff, customer):
    TrackingNumberFactory(customer=customer, code=REGISTERED_CODE, raw_code=REGISTERED_CODE)
    TrackingNumberFactory(customer=customer, code=SECOND_REGISTERED_CODE, raw_code=SECOND_REGISTERED_CODE)
    staff = page(cn_staff)
    staff.evaluate("window.__sameDocument = 'yes'")
    scan_input = staff.locator("#scan-form .scan-input")
    scan_form = staff.locator("#scan-form")
    error = staff.locator("#scan-result [data-testid=scan-error]")

    # Enter on an empty input: the input is `required`, so the browser itself sends nothing.
    assert scan_input.get_attribute("required") is not None
    scan_input.press("Enter")
    assert scan_input.evaluate("i => i.validity.valueMissing")
    assert outcome(staff) == "" and error.count() == 0

    # Spaces pass the browser's check; the server answers in words.
    scan_input.fill("   ")
    scan_input.press("Enter")
    error.wait_for()
    wait_for_outcome(staff, "error")
    assert error.inner_text().strip() == "✗ " + in_vietnamese(
        "Nothing was read. Scan the barcode under 运单号 again."
    )
    assert scan_input.input_value() == ""  # cleared, and…
    assert staff.evaluate("document.activeElement.matches('#scan-form .scan-input')")  # …ready again

    # A truly empty scan (a scanner that sends only Enter, with the browser's check out of the way).
    scan_form.evaluate("f => { f.noValidate = true; }")
    staff.evaluate("document.querySelector('#scan-result').dataset.outcome = 'stale'")
    scan_input.press("Enter")
    wait_for_outcome(staff, "error")
    assert error.inner_text().strip() == "✗ " + in_vietnamese(
        "Nothing was read. Scan the barcode under 运单号 again."
    )

    # A scanner gone wild: 10 KB in one "scan".
    scan_input.fill("A" * 10_240)
    staff.evaluate("document.querySelector('#scan-result').dataset.outcome = 'stale'")
    scan_input.press("Enter")
    wait_for_outcome(staff, "error")
    assert error.inner_text().strip() == "✗ " + in_vietnamese(
        "That scan is far too long to be a tracking number; scan again."
    )
    shot(staff, "station-scan-error-too-long")
    assert not Parcel.objects.exists()
    assert recent_scans(staff) == []  # errors are not parcels: the list stays empty

    # Right after: a correct scan works.
    scan(staff, REGISTERED_CODE)
    staff.locator("[data-testid=scan-matched]").wait_for()
    assert outcome(staff) == "matched"
    consignment = Consignment.objects.get(parcels__tracking_code=REGISTERED_CODE)
    assert consignment.customer_id == customer.pk

    # A weight of 0 or 9999 kg: the box is text (a scale's "12,5" must survive the browser), the server refuses.
    for weight in ("0", "9999"):
        measure = staff.locator("#scan-result form[id^=measure-]")
        measure.locator("[data-testid=weight-input]").fill(weight)
        submit_without_browser_checks(measure)
        weight_error = staff.locator("#scan-result [data-testid=weight-error]")
        weight_error.wait_for()
        assert weight_error.inner_text().strip(), f"an empty message for a weight of {weight}"
        # htmx gives a swapped-in element with a known id its old class first and the new one after its
        # settle delay (20 ms), so the class is waited for, not read at once.
        expect(staff.locator("#scan-result [data-testid=weight-input]")).to_have_class(
            re.compile(r"\bis-invalid\b")
        )
        # The refused value stays in the input, to be corrected.
        assert staff.input_value("#scan-result [data-testid=weight-input]") == weight
        consignment.refresh_from_db()
        assert consignment.weight_g is None, f"a weight of {weight} kg was saved"
        assert not consignment.parcels.filter(weight_g__isnull=False).exists()
        assert not ConsignmentEvent.objects.filter(consignment=consignment, kind=EventKind.MEASURED).exists()
        if weight == "0":  # drop the message, so that the next round waits for its own
            staff.evaluate("document.querySelector('#scan-result [data-testid=weight-error]').remove()")
    shot(staff, "station-weight-error")
    # Corrected, it saves.
    staff.locator("#scan-result [data-testid=weight-input]").fill("1.5")
    staff.locator("#scan-result form[id^=measure-] button[type=submit]").click()
    staff.locator("#scan-result [data-testid=weight-saved]").wait_for()
    consignment.refresh_from_db()
    assert consignment.weight_g == consignment.parcels.get().weight_g == 1500

    # The station still works: the same parcel again, a parcel nobody registered, another registered one.
    staff.locator("body").click(position={"x": 5, "y": 5})  # the scanner types while nothing is focused
    scan(staff, REGISTERED_CODE)
    staff.locator("[data-testid=scan-duplicate]").wait_for()
    assert outcome(staff) == "duplicate"
    scan(staff, SHELF_CODE)
    staff.locator("[data-testid=scan-unidentified]").wait_for()
    assert outcome(staff) == "unidentified"
    scan(staff, SECOND_REGISTERED_CODE)
    staff.locator("[data-testid=scan-matched]").wait_for()
    assert outcome(staff) == "matched"
    assert staff.evaluate("window.__sameDocument") == "yes"
    assert Consignment.objects.count() == 2
    assert Parcel.objects.get(tracking_code=REGISTERED_CODE).scan_count == 2

    # The last scans, newest first, each coloured by its outcome; they survive a reload.
    before = recent_scans(staff)
    assert len(before) == 4, before
    assert [SECOND_REGISTERED_CODE in before[0], SHELF_CODE in before[1], REGISTERED_CODE in before[2]] == [
        True
    ] * 3
    assert all(customer.customer_code in before[i] for i in (0, 2, 3))
    # the repeat says so in words, not only by its colour: the same order appears twice
    again = in_vietnamese("already scanned")
    assert [again in entry for entry in before] == [False, False, True, False]
    classes = staff.locator("#recent-scans > .list-group-item").evaluate_all(
        "items => items.map(i => [...i.classList].find(c => c.startsWith('recent-')))"
    )
    assert classes == ["recent-matched", "recent-unidentified", "recent-duplicate", "recent-matched"]
    shot(staff, "station-recent-scans")
    staff.reload()
    assert recent_scans(staff) == before
    assert outcome(staff) == ""  # a fresh page has no result yet
    shot(staff, "station-recent-scans-after-reload")


# --- 4b. A shipment of several boxes (kiện): each scanned, each weighed ------------------------------------


def test_a_shipment_of_two_boxes_is_one_order_weighed_box_by_box(page, shot, cn_staff, customer):
    from consignments.templatetags.consignment_tags import pieces
    from warehouse.tests.factories import VietnamDepotFactory

    depot = VietnamDepotFactory()
    TrackingNumberFactory(customer=customer, code=MULTI_PIECE_CODE, raw_code=MULTI_PIECE_CODE)
    staff = page(cn_staff)
    staff.evaluate("window.__sameDocument = 'yes'")

    # The first box: a new order, bound for the customer's depot; the label says there are two boxes.
    scan(staff, f"{MULTI_PIECE_CODE}-1-2")
    result = staff.locator("[data-testid=scan-matched]")
    result.wait_for()
    with translation.override("vi"):
        one_of_two, two_of_two = pieces(1, 2), pieces(2, 2)
    assert result.locator("[data-testid=scan-pieces]").inner_text().strip() == one_of_two
    assert depot.name in result.locator("[data-testid=scan-destination]").inner_text()
    order_code = result.locator("[data-testid=scan-order-code]").inner_text().strip()

    # The second box joins the same order; the card shows both, the one just scanned marked.
    staff.locator("body").click(position={"x": 5, "y": 5})
    scan(staff, f"{MULTI_PIECE_CODE}-2-2")
    result = staff.locator("[data-testid=scan-piece]")
    result.wait_for()
    assert outcome(staff) == "piece"
    assert result.locator("[data-testid=scan-order-code]").inner_text().strip() == order_code
    assert result.locator("[data-testid=scan-pieces]").inner_text().strip() == two_of_two
    card = staff.locator("#scan-result [data-testid=station-card]")
    card.wait_for()
    first, second = card.locator("[data-testid=parcel-1]"), card.locator("[data-testid=parcel-2]")
    assert "station-parcel-focus" in second.get_attribute("class")
    assert "station-parcel-focus" not in first.get_attribute("class")
    order = Consignment.objects.get(code=order_code)
    parcel_1, parcel_2 = order.parcels.order_by("piece_number")
    assert (
        first.locator("[data-testid=print-label]")
        .get_attribute("href")
        .endswith(f"/staff/cn/parcels/{parcel_1.pk}/label.pdf")
    )
    assert (
        second.locator("[data-testid=print-label]")
        .get_attribute("href")
        .endswith(f"/staff/cn/parcels/{parcel_2.pk}/label.pdf")
    )

    # Each box on the scale: a small one (charged the 0.5 kg minimum), then a 3 kg one.
    for section, kilograms in ((first, "0.2"), (second, "3")):
        section.locator("[data-testid=weight-input]").fill(kilograms)
        section.locator("form[id^=measure-] button[type=submit]").click()
        section.locator("[data-testid=weight-saved]").wait_for()
    assert first.locator("[data-testid=chargeable-weight]").inner_text().strip() == "0.5 kg"
    assert second.locator("[data-testid=chargeable-weight]").inner_text().strip() == "3 kg"
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (3200, 3500)
    assert staff.evaluate("window.__sameDocument") == "yes"
    shot(top(staff), "station-two-boxes-weighed")


# --- 5. Operations: the unidentified shelf ---------------------------------------------------------------


def test_operations_assign_an_unidentified_parcel(page, shot, cn_staff, customer, ops):
    staff = page(cn_staff)
    for code in (SHELF_CODE, OLD_SHELF_CODE):
        scan(staff, code)
        staff.locator(f"[data-testid=scan-unidentified]:has-text('{code}')").wait_for()
    Parcel.objects.filter(tracking_code=OLD_SHELF_CODE).update(
        scanned_at=timezone.now() - timezone.timedelta(days=31)
    )

    desk = page(ops)
    desk.goto("/staff/ops/unidentified/")
    rows = desk.locator("[data-testid=unidentified-parcel]")
    assert rows.count() == 2
    old_row = rows.filter(has_text=OLD_SHELF_CODE)
    new_row = rows.filter(has_text=SHELF_CODE)
    assert old_row.locator("[data-testid=flag-30]").count() == 1
    assert new_row.locator("[data-testid=flag-30]").count() == 0
    shot(desk, "ops-unidentified-list")

    # Part of the code, as someone reads it off a photo of the label (lower case, a space).
    desk.fill("input[name=q]", "9999 22")
    with desk.expect_navigation():
        desk.press("input[name=q]", "Enter")
    assert rows.count() == 1
    assert OLD_SHELF_CODE in rows.first.inner_text()
    desk.fill("input[name=q]", "zt7812")
    with desk.expect_navigation():
        desk.press("input[name=q]", "Enter")
    assert rows.count() == 1 and SHELF_CODE in rows.first.inner_text()
    desk.fill("input[name=q]", "99")
    with desk.expect_navigation():
        desk.press("input[name=q]", "Enter")
    assert rows.count() == 1 and OLD_SHELF_CODE in rows.first.inner_text()

    # Assign it: the order is created for the customer, with the reason in its history.
    reason = "Khách gửi hoá đơn của shop"
    old_row = rows.filter(has_text=OLD_SHELF_CODE)
    old_row.locator("input[name=customer]").fill(customer.customer_code.lower())
    old_row.locator("input[name=reason]").fill(reason)
    with desk.expect_navigation():
        old_row.locator("button[type=submit]").click()
    success = desk.locator("#messages .alert-success")
    assert success.count() == 1
    consignment = Consignment.objects.get(parcels__tracking_code=OLD_SHELF_CODE)
    assert consignment.customer_id == customer.pk
    assert consignment.code in success.inner_text() and OLD_SHELF_CODE in success.inner_text()
    owner = ConsignmentEvent.objects.get(consignment=consignment, kind=EventKind.OWNER)
    assert owner.data["reason"] == reason and owner.by_id == ops.pk
    assert "q=99" in desk.url  # back on the same search
    assert rows.count() == 0
    shot(desk, "ops-unidentified-assigned")
    desk.goto("/staff/ops/unidentified/")
    assert rows.count() == 1 and SHELF_CODE in rows.first.inner_text()


# --- 6. The station in Simplified Chinese ----------------------------------------------------------------


@pytest.mark.skipif(not ZH_COMPILED, reason="the Simplified Chinese catalogue is not compiled")
def test_station_card_in_simplified_chinese(page, shot, cn_staff, customer):
    TrackingNumberFactory(customer=customer, code=REGISTERED_CODE, raw_code=REGISTERED_CODE)
    staff = page(cn_staff)
    scan(staff, SHELF_CODE)
    staff.locator("[data-testid=scan-unidentified]").wait_for()
    assert len(recent_scans(staff)) == 1

    with staff.expect_navigation():
        staff.select_option("#lang-select", "zh-hans")  # submits itself
    assert staff.url.endswith("/staff/cn/scan/"), staff.url
    assert staff.get_attribute("html", "lang") == "zh-hans"
    assert staff.inner_text("main h1").strip() == zh_msgstr("Scan station")
    kept = recent_scans(staff)
    assert len(kept) == 1  # the last scans survive the language switch, in the page's language
    assert SHELF_CODE in kept[0] and zh_msgstr("unidentified") in kept[0], kept

    scan(staff, REGISTERED_CODE)
    card = staff.locator("#scan-result [data-testid=station-card]")
    card.wait_for()
    titles = card.locator(".panel-title").all_inner_texts()
    for msgid in ("Weight and size", "Customs declaration", "Photos"):
        chinese = zh_msgstr(msgid)
        assert re.search(r"[\u4e00-\u9fff]", chinese), chinese
        assert any(title.strip().startswith(chinese) for title in titles), (chinese, titles)
    assert zh_msgstr("Print label") in card.locator("[data-testid=print-label]").inner_text()
    shot(staff, "station-card-zh-hans")


# --- Regressions: bugs these tests found ------------------------------------------------------------------


def test_station_loads_the_camera_script(page, cn_staff):
    staff = page(cn_staff)
    assert "<script" not in staff.title(), staff.title()
    assert staff.evaluate("typeof window.KyGuiCamera") == "object"


def test_refused_assignment_keeps_the_station_working(page, cn_staff, customer, ops):
    staff = page(cn_staff)
    scan(staff, UNKNOWN_CODE)
    staff.locator("[data-testid=scan-unidentified]").wait_for()
    parcel = Parcel.objects.get(tracking_code=UNKNOWN_CODE)
    # Enter submits the label form through htmx once htmx has taken the swapped-in form over (a real user is
    # never this fast; without the wait the browser could post it as a plain form and leave the station).
    staff.wait_for_function(
        "sel => { const f = document.querySelector(sel); return !!(f && f['htmx-internal-data']); }",
        arg=f"#identify-{parcel.pk} form",
    )
    staff.fill(f"#identify-{parcel.pk} input[name=label]", customer.customer_code)
    staff.press(f"#identify-{parcel.pk} input[name=label]", "Enter")
    staff.locator("[data-testid=candidate]").wait_for()
    # Meanwhile operations (or the matching task, as the owner registers the code) give it its order.
    parcel_assign(parcel=parcel, customer=customer, by=ops, reason="decided by operations")
    staff.locator("[data-testid=candidate] button[type=submit]").click()
    staff.locator("#scan-result [data-testid=identify-error]").wait_for()  # "this parcel already has order …"
    assert staff.locator("#scan-result").count() == 1, "the scan result area is gone"
    assert staff.locator("#scan-result [data-testid=photo-error]").count() == 0, "the message shows twice"
    staff.locator("body").click(position={"x": 5, "y": 5})
    scan(staff, SHELF_CODE)
    staff.locator("[data-testid=scan-unidentified]", has_text=SHELF_CODE).wait_for(timeout=3_000)
