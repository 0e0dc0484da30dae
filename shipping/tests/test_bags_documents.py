"""A closed bag's papers: the 100 × 150 mm label (Code128 of the bag code, depot, count, weight, date) and
the manifest (PDF pages and an .xlsx) that open in pypdf and openpyxl, through the views."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from consignments.models import Consignment
from shipping.manifests import bag_manifest_lines
from shipping.selectors import bag_items
from shipping.services.bags import bag_close, bag_scan
from shipping.tests import test_bags_services as base

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

hn, bag, ready_order = base.hn, base.bag, base.ready_order  # fixtures and the order helper

WIDTH_PT, HEIGHT_PT = 283.46, 425.20  # 100 × 150 mm


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def filled(bag, customer, other_customer, cn_staff):
    """A closed bag: an order of two pieces (both in it) and a one-piece order of another customer."""
    two = ready_order(customer, cn_staff, pieces=2, weight_g=1_200, tracking_code="SF1234567890123")
    one = ready_order(other_customer, cn_staff, weight_g=2_345)
    Consignment.objects.filter(pk=one.pk).update(goods_vi="=HYPERLINK(1)", goods_zh="", goods_quantity=10)
    for code in (two.code, f"{two.code}-2", one.code):
        bag_scan(bag=bag, raw_code=code, by=cn_staff)
    closed = bag_close(bag=bag, weight_g=5_000, by=cn_staff)
    return closed, two, one


def test_the_bag_label_is_one_100_by_150_mm_page_with_code_depot_count_weight(client_of, cn_staff, filled):
    closed, _two, _one = filled
    response = client_of(cn_staff).get(reverse("shipping:bag_label", args=[closed.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    [page] = reader.pages
    assert float(page.mediabox.width) == pytest.approx(WIDTH_PT, abs=0.1)
    assert float(page.mediabox.height) == pytest.approx(HEIGHT_PT, abs=0.1)
    text = re.sub(r"\s+", " ", page.extract_text())
    assert closed.code in text.replace(" ", "")
    assert "HN" in text and "Kho phân phối Hà Nội" in text
    assert "3" in text and "5.00 kg" in text
    assert closed.closed_at.astimezone(base_tz()).strftime("%d/%m/%Y") in text
    assert reader.metadata.title == closed.code


def base_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_manifest_pdf_lists_every_parcel_with_its_declaration(client_of, cn_staff, filled):
    closed, two, one = filled
    response = client_of(cn_staff).get(reverse("shipping:bag_manifest_pdf", args=[closed.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(pages_text(response.content))
    for code in (two.code, f"{two.code}-2", one.code, "SF1234567890123", "YW532", "KM748", closed.code):
        assert code in text
    assert "Váy liền nữ /" in text and "女士连衣裙" in text
    assert f"= {two.code}" in text  # the second piece points at the first, its declaration counted once
    assert "1.20 kg" in text and "2.345 kg" in text
    assert "3 KIỆN" in text  # the totals line
    # 3 × 45.50 CNY for the two-piece order, 10 × 45.50 for the other: 591.50 CNY in all
    assert "591.50 CNY" in text


def test_a_long_manifest_runs_over_several_pages(bag, customer, cn_staff):
    orders = [ready_order(customer, cn_staff) for _ in range(45)]
    for order in orders:
        bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    closed = bag_close(bag=bag, weight_g=56_250, by=cn_staff)
    from shipping.manifests import bag_manifest_pdf

    pages = pages_text(bag_manifest_pdf(closed, bag_manifest_lines(bag_items(bag=closed))))

    assert len(pages) >= 2
    assert all(f"{n}/{len(pages)}" in page for n, page in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert all(order.code in text for order in orders)


def test_the_manifest_xlsx_opens_with_one_row_per_parcel(client_of, cn_staff, filled):
    closed, two, one = filled
    response = client_of(cn_staff).get(reverse("shipping:bag_manifest_xlsx", args=[closed.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="manifest-{closed.code}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ("Bao · 麻袋", closed.code)
    header = next(i for i, row in enumerate(rows) if row[0] == "STT · 序号")
    lines = [row for row in rows[header + 1 :] if row[0] is not None]
    assert [row[1] for row in lines] == [two.code, f"{two.code}-2", one.code]
    first, second, third = lines
    assert first[2:5] == ("YW532", "SF1234567890123", "1/2")
    assert float(first[5]) == 1.2 and first[6] == "Váy liền nữ / 女士连衣裙" and first[7] == 3
    assert float(first[8]) == 45.5 and float(first[9]) == 136.5
    assert second[6] is None and second[7] is None and second[10] == two.code
    assert third[2] == "KM748" and float(third[5]) == 2.345
    assert third[6] == "'=HYPERLINK(1)"  # never a formula


@pytest.mark.parametrize("count", [0, 1, 25, 26, 27, 28, 53, 54, 55])
def test_every_line_is_on_a_page_and_the_totals_on_the_last(count):
    """Around the page breaks (27 lines a page, the totals need two lines' room): no line lost or doubled."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from shipping.manifests import BagManifestLine, bag_manifest_pdf

    depot = SimpleNamespace(code="HN", name="Kho phân phối Hà Nội")
    paper_bag = SimpleNamespace(
        code="B0000009",
        origin=SimpleNamespace(code="GZ"),
        destination=depot,
        closed_at=datetime.now(UTC),
        parcel_count=count,
        weight_g=1_000 * count + 300,
        parcels_weight_g=1_000 * count,
    )
    lines = [
        BagManifestLine(n, f"KG{n:08d}", "YW532", f"SF{n:013d}", "1", 1_000, "Giày / 鞋", 1, 100, "")
        for n in range(1, count + 1)
    ]
    pages = pages_text(bag_manifest_pdf(paper_bag, lines))
    text = "\n".join(pages)
    assert [text.count(f"KG{n:08d}") for n in range(1, count + 1)] == [1] * count
    assert "TỔNG" in pages[-1] and all("TỔNG" not in page for page in pages[:-1])
    assert all(f"{n}/{len(pages)}" in page for n, page in enumerate(pages, start=1))
