"""The thermal label: one 100 × 150 mm page per parcel, readable text, never stopped by a font."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from accounts.tests.factories import CustomerFactory
from consignments.models import Consignment
from consignments.tests.factories import ConsignmentFactory
from warehouse import pdf as label_pdf
from warehouse.labels import (
    format_dimensions,
    format_weight,
    labels_pdf,
    parcel_code,
    parcel_label_pdf,
    split_parcel_code,
)
from warehouse.models import Parcel
from warehouse.tests.factories import ParcelFactory, VietnamDepotFactory

WIDTH_PT, HEIGHT_PT = 283.46, 425.20  # 100 × 150 mm


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def depot(db):
    return VietnamDepotFactory(code="HN", name="Kho phân phối Hà Nội")


@pytest.fixture
def measured(customer, depot):
    """A weighed and measured parcel, the only one of its declared order."""
    parcel = ParcelFactory(
        tracking_code="YT2512345678901",
        weight_g=1180,
        chargeable_weight_g=1250,
        length_mm=400,
        width_mm=300,
        height_mm=205,
    )
    ConsignmentFactory(
        customer=customer,
        code="KG25051234",
        parcel=parcel,
        destination=depot,
        weight_g=1180,
        chargeable_weight_g=1250,
        goods_zh="女士连衣裙",
        goods_vi="Váy liền nữ mùa hè",
        goods_quantity=3,
    )
    return parcel


def test_one_page_of_100_by_150_mm(measured):
    pdf = parcel_label_pdf(measured)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(WIDTH_PT, abs=0.05)
    assert float(box.height) == pytest.approx(HEIGHT_PT, abs=0.05)


def test_shows_what_the_depot_and_the_warehouse_read(measured, settings):
    settings.BRAND_MARK = "123PO"
    [text] = pages_text(parcel_label_pdf(measured))

    for expected in (
        "KG25051234",  # under the big barcode, as one word for copy and search
        "YW532",
        "thubin89x",
        "YT2512345678901",
        "HN",
        "Kho phân phối Hà Nội",
        "1.25 kg",  # the chargeable weight, not the 1.18 kg on the scale
        "40 × 30 × 20.5 cm",
        "女士连衣裙",
        "Váy liền nữ mùa hè",
        "123PO",
    ):
        assert expected in text, f"{expected!r} is not on the label:\n{text}"
    assert "1.18 kg" not in text


def test_the_date_is_vietnam_local_time(measured):
    Consignment.objects.filter(pk=measured.consignment.pk).update(
        created_at=dt.datetime(2025, 5, 1, 20, 30, tzinfo=dt.UTC)
    )
    measured.consignment.refresh_from_db()

    [text] = pages_text(parcel_label_pdf(measured))

    assert "02/05/2025 03:30" in text


def test_not_weighed_nor_measured_nor_declared_and_no_depot(db):
    consignment = ConsignmentFactory(code="KG00000777", destination=None)

    pdf = parcel_label_pdf(consignment.parcels.get())

    [text] = pages_text(pdf)
    assert "KG00000777" in text
    assert consignment.customer.customer_code in text
    assert "kg" not in text and " cm" not in text
    assert "—" in text


def test_actual_weight_when_no_chargeable_weight(depot):
    parcel = ParcelFactory(weight_g=2000, length_mm=100, width_mm=None, height_mm=None)
    ConsignmentFactory(parcel=parcel, weight_g=2000)

    [text] = pages_text(parcel_label_pdf(parcel))

    assert "2.00 kg" in text
    assert " cm" not in text  # a box half measured shows no dimensions


def test_long_chinese_and_vietnamese_text_stays_on_one_page(depot):
    parcel = ParcelFactory(tracking_code="SF1234567890123456789012345678901234AB", weight_g=123456)
    ConsignmentFactory(
        customer=CustomerFactory(username="nguyenthithuytrang99", customer_code="QWERTYZ2"),
        parcel=parcel,
        goods_zh="儿童玩具塑料积木拼装益智玩具套装大颗粒男孩女孩生日礼物" * 3,
        goods_vi="Đồ chơi trẻ em, bộ xếp hình lắp ráp bằng nhựa, quà sinh nhật cho bé trai và bé gái" * 2,
        goods_quantity=120,
        weight_g=123456,
    )

    pdf = parcel_label_pdf(parcel)

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    [text] = pages_text(pdf)
    assert "QWERTYZ2" in text
    assert "SF1234567890123456789012345678901234AB" in text
    assert "儿童玩具塑料积木" in text
    assert "…" in text  # the goods are cut after two lines
    assert "123.456 kg" in text


def test_batch_reprint_one_page_each_in_order(depot):
    consignments = [ConsignmentFactory(code=f"KG0000010{n}") for n in range(3)]
    parcels = [consignment.parcels.get() for consignment in consignments]

    pdf = labels_pdf(parcels)

    texts = pages_text(pdf)
    assert len(texts) == 3
    for consignment, text in zip(consignments, texts, strict=True):
        assert consignment.code in text
        assert consignment.tracking_code in text
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(WIDTH_PT, abs=0.05)


def test_batch_of_nothing_is_refused():
    with pytest.raises(ValueError):
        labels_pdf([])


def test_media_box_in_the_raw_bytes(measured):
    """The same check without pypdf: what a printer driver reads."""
    pdf = parcel_label_pdf(measured)

    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1
    width, height = (float(n) for n in boxes[0])
    assert width == pytest.approx(WIDTH_PT, abs=0.05)
    assert height == pytest.approx(HEIGHT_PT, abs=0.05)


def test_no_font_on_the_machine_still_prints(measured, monkeypatch):
    """Without any TrueType font: Helvetica for Latin, reportlab's STSong-Light for Chinese."""
    monkeypatch.setattr(
        label_pdf, "LATIN_CANDIDATES", [("/nonexistent/Sans.ttf", "/nonexistent/Sans-Bold.ttf")]
    )
    monkeypatch.setattr(label_pdf, "CJK_CANDIDATES", ["/nonexistent/cjk.ttc"])
    monkeypatch.setattr(label_pdf, "_fc_list", lambda query: [])
    label_pdf.label_fonts.cache_clear()
    try:
        fonts = label_pdf.label_fonts()
        assert (fonts.regular, fonts.cjk) == ("Helvetica", "STSong-Light")

        pdf = parcel_label_pdf(measured)
    finally:
        label_pdf.label_fonts.cache_clear()

    [text] = pages_text(pdf)
    assert "KG25051234" in text
    assert "YW532" in text


def test_a_postscript_outline_font_is_skipped_not_fatal(tmp_path):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"OTTO" + b"\0" * 64)

    assert label_pdf._load_ttf("Broken", str(not_a_font), "A") is None
    assert label_pdf._load_ttf("Missing", str(tmp_path / "missing.ttf"), "A") is None


def test_barcode_bars_are_whole_printer_dots_and_fit():
    symbol = label_pdf.barcode("KG25051234", 98 * mm, 20 * mm, max_dots=4)
    dots = symbol.barWidth / label_pdf.DOT
    assert dots == pytest.approx(round(dots)) and 2 <= round(dots) <= 4
    assert symbol.width + 2 * label_pdf.QUIET_MODULES * symbol.barWidth <= 98 * mm

    long = label_pdf.barcode("SF" + "1234567890AB" * 4, 98 * mm, 10 * mm, max_dots=3)
    assert long.width + 2 * label_pdf.QUIET_MODULES * long.barWidth <= 98 * mm + 0.01


@pytest.mark.parametrize(
    ("grams", "text"),
    [(1250, "1.25 kg"), (1234, "1.234 kg"), (1000, "1.00 kg"), (500, "0.50 kg"), (None, "—"), (0, "—")],
)
def test_format_weight(grams, text):
    assert format_weight(grams) == text


def test_format_dimensions():
    box = Parcel(length_mm=400, width_mm=305, height_mm=100)
    assert format_dimensions(box) == "40 × 30.5 × 10 cm"
    assert format_dimensions(Parcel(length_mm=400)) == "—"


def test_every_piece_of_a_shipment_has_its_own_label(depot):
    consignment = ConsignmentFactory(code="KG00000900", pieces=3)
    parcels = list(consignment.parcels.order_by("piece_number"))

    texts = pages_text(labels_pdf(parcels))

    assert len(texts) == 3
    assert [parcel_code(p) for p in parcels] == ["KG00000900", "KG00000900-2", "KG00000900-3"]
    for parcel, text in zip(parcels, texts, strict=True):
        assert parcel_code(parcel) in text
        assert f"{parcel.piece_number}/3" in text
        assert consignment.tracking_code in text
    assert "KG00000900-" not in texts[0]  # piece 1 keeps the bare code


def test_pieces_arrived_when_the_shipment_size_is_not_printed(depot):
    consignment = ConsignmentFactory(code="KG00000901", pieces=2)
    consignment.parcels.update(piece_count=None)
    second = consignment.parcels.get(piece_number=2)
    second.arrived = 2

    [text] = pages_text(labels_pdf([second]))

    assert "KG00000901-2" in text and "2/?" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KG00001234", ("KG00001234", 1)),
        ("KG00001234-2", ("KG00001234", 2)),
        (" kg00001234-12 ", ("KG00001234", 12)),
        ("ＫＧ００００１２３４－２", ("KG00001234", 2)),
        ("YT2512345678901", None),
        ("KG1234", None),
        ("", None),
    ],
)
def test_split_parcel_code(text, expected):
    assert split_parcel_code(text) == expected
