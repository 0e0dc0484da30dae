"""Thermal labels (100 × 150 mm), one per parcel (kiện), printed at the China warehouse scan station.

``parcel_label_pdf(parcel)`` → the PDF bytes of one label; ``labels_pdf(parcels)`` → one page per parcel,
for a batch reprint. Each parcel's label carries its order's code, and for the second and later pieces of a
shipment `-N` after it (parcel_code): the code the bag and the depot scan.

The label is read by two crews: Chinese-speaking staff in Guangzhou and Vietnamese staff at the depot, so
its captions are fixed bilingual Vietnamese / Chinese text rather than the reader's interface language.
Everything is solid black on white (thermal printers have no greys), barcodes use whole printer dots of a
203 dpi head where they fit, and every barcode keeps a quiet zone of ten modules on each side.

Fonts, the pen and barcodes: warehouse.pdf.
"""

import io
import re
import unicodedata
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from .pdf import MARGIN, NONE, PAGE_HEIGHT, PAGE_WIDTH, Pen, draw_barcode, label_fonts

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


_PARCEL_CODE = re.compile(r"^(KG\d{8,})(?:-(\d{1,3}))?$")


def split_parcel_code(text: str) -> tuple[str, int] | None:
    """A parcel label's code → (order code, piece): "KG00001234-2" → ("KG00001234", 2), "KG00001234" →
    ("KG00001234", 1); None when the text is not one."""
    match = _PARCEL_CODE.match(re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).upper())
    if match is None:
        return None
    return match[1], int(match[2] or 1)


def parcel_code(parcel) -> str:
    """What a parcel's label says it is: its order's code (KG00001234), and for piece 2 and later of a
    shipment the piece after a dash (KG00001234-2). Piece 1 keeps the bare code, so that a label printed
    before the other pieces arrived stays right."""
    code = parcel.consignment.code
    return code if parcel.piece_number == 1 else f"{code}-{parcel.piece_number}"


def format_weight(grams: int | None) -> str:
    """1250 → "1.25 kg", 1234 → "1.234 kg", 1000 → "1.00 kg", None → "—"."""
    if not grams:
        return NONE
    text = f"{grams / 1000:.3f}"
    if text.endswith("0"):
        text = text[:-1]
    return f"{text} kg"


def _cm(millimetres: int) -> str:
    return f"{millimetres / 10:.1f}".removesuffix(".0")


def format_dimensions(parcel) -> str:
    """ "40 × 30 × 20.5 cm" from millimetres, or "—" when not measured."""
    sides = (parcel.length_mm, parcel.width_mm, parcel.height_mm)
    if not all(sides):
        return NONE
    return " × ".join(_cm(side) for side in sides) + " cm"


def _depot_lines(depot) -> tuple[str, str]:
    if depot is None:
        return NONE, ""
    return depot.code, depot.name


# --- the label -------------------------------------------------------------------------------------------


def _draw_label(c: pdf_canvas.Canvas, pen: Pen, parcel, arrived: int) -> None:
    W, H, M = PAGE_WIDTH, PAGE_HEIGHT, MARGIN
    consignment = parcel.consignment
    depot = consignment.destination
    inner = W - 2 * M
    customer = consignment.customer
    c.setFillColorRGB(0, 0, 0)
    c.setStrokeColorRGB(0, 0, 0)

    def rule(y, width=1.2):
        c.setLineWidth(width)
        c.line(M, y, W - M, y)

    def caption(x, y, text, align="left"):
        pen.text(x, y, text, 6.5, bold=True, align=align)

    # 1. Header band: brand mark, white on black; the intake date on the right.
    top = H - M
    band = 11 * mm
    c.rect(M, top - band, inner, band, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    size = pen.fit_size(brand, inner * 0.45, 20, 9)
    pen.text(M + 3 * mm, top - band / 2 - size * 0.35, brand, size, bold=True)
    when = consignment.created_at.astimezone(LOCAL_TZ) if consignment.created_at else None
    pen.text(W - M - 3 * mm, top - 4.6 * mm, "ĐƠN KÝ GỬI · 集运订单", 6.5, bold=True, align="right")
    pen.text(
        W - M - 3 * mm,
        top - 9 * mm,
        when.strftime("%d/%m/%Y %H:%M") if when else NONE,
        10,
        bold=True,
        align="right",
    )
    c.setFillColorRGB(0, 0, 0)

    # 2. The customer: code very large, username under it.
    y = top - band - 4.5 * mm
    caption(M, y, "MÃ KHÁCH HÀNG · 客户编号")
    code_text = customer.customer_code or NONE
    size = pen.fit_size(code_text, inner, 66, 24)
    y -= 1.8 * mm + size * 0.74
    pen.text(W / 2, y, code_text, size, bold=True, align="center")
    y -= 7.5 * mm
    username = customer.username or NONE
    size = pen.fit_size(username, inner, 17, 8)
    pen.text(W / 2, y, username, size, bold=True, align="center")
    y -= 3.5 * mm
    rule(y)

    # 3. Destination depot: its code in a black box, its name beside it.
    box_h = 13 * mm
    y -= 1.8 * mm
    caption(M, y - 2.2 * mm, "KHO ĐÍCH · 目的仓")
    depot_code, depot_name = _depot_lines(depot)
    code_size = pen.fit_size(depot_code, 26 * mm, 26, 10)
    box_w = max(18 * mm, pen.width(depot_code, code_size, bold=True) + 6 * mm)
    box_y = y - box_h
    c.rect(W - M - box_w, box_y, box_w, box_h - 0.6 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    pen.text(
        W - M - box_w / 2,
        box_y + (box_h - 0.6 * mm) / 2 - code_size * 0.36,
        depot_code,
        code_size,
        bold=True,
        align="center",
    )
    c.setFillColorRGB(0, 0, 0)
    name_width = inner - box_w - 3 * mm
    lines = pen.wrap(depot_name, 10.5, name_width, 2, bold=True) if depot_name else []
    line_y = box_y + (6.2 * mm if len(lines) > 1 else 3.6 * mm)
    for line in lines:
        pen.text(M, line_y, line, 10.5, bold=True)
        line_y -= 4.4 * mm
    y = box_y - 1.8 * mm
    rule(y)

    # 4. The parcel: a large Code128 of its code, the code in text under it, and which piece it is.
    code = parcel_code(parcel)
    pieces = max(parcel.piece_count or 0, arrived)
    bar_h = 22 * mm
    y -= 2.5 * mm + bar_h
    draw_barcode(c, code, W / 2, y, W - 2 * mm, bar_h, max_dots=4)
    y -= 6 * mm
    spacing = 2.2 * mm if pieces <= 1 else 1.2 * mm
    piece_text = f"KIỆN · 件 {parcel.piece_number}/{parcel.piece_count or '?'}" if pieces > 1 else ""
    room = inner - (pen.width(piece_text, 9, bold=True) + 3 * mm if piece_text else 0)
    size = pen.fit_size(code, room - spacing * len(code), 16, 8)
    pen.text(
        M if piece_text else W / 2,
        y,
        code,
        size,
        bold=True,
        align="left" if piece_text else "center",
        spacing=spacing,
    )
    if piece_text:
        pen.text(W - M, y, piece_text, 9, bold=True, align="right")
    y -= 3.5 * mm
    rule(y)

    # 5. Weight | dimensions.
    cell_top = y
    half = W / 2
    has_chargeable = parcel.chargeable_weight_g is not None
    caption(M, y - 3.2 * mm, "CÂN TÍNH PHÍ · 计费重量" if has_chargeable else "CÂN NẶNG · 重量")
    caption(half + 2.5 * mm, y - 3.2 * mm, "KÍCH THƯỚC · 尺寸")
    weight = format_weight(parcel.chargeable_weight_g if has_chargeable else parcel.weight_g)
    pen.text(M, y - 10.5 * mm, weight, pen.fit_size(weight, half - M - 3 * mm, 19, 9), bold=True)
    dims = format_dimensions(parcel)
    pen.text(half + 2.5 * mm, y - 10 * mm, dims, pen.fit_size(dims, half - M - 3 * mm, 13, 7), bold=True)
    y -= 13 * mm
    c.setLineWidth(1.2)
    c.line(half, cell_top, half, y)
    rule(y)

    # 6. Goods, small.
    caption(M, y - 3.2 * mm, "HÀNG HÓA · 品名")
    goods = " / ".join(part for part in (consignment.goods_zh, consignment.goods_vi) if part) or NONE
    if consignment.goods_quantity:
        goods += f" × {consignment.goods_quantity}"
    line_y = y - 7 * mm
    lines = pen.wrap(goods, 8, inner, 2)
    for line in lines:
        pen.text(M, line_y, line, 8)
        line_y -= 3.5 * mm
    y -= 6.3 * mm + 3.5 * mm * len(lines)
    rule(y)

    # 7. The supplier's tracking number: a smaller Code128 and its text.
    caption(M, y - 3.2 * mm, "MÃ VẬN ĐƠN · 快递单号")
    tracking = parcel.tracking_code
    bottom = M + 1 * mm
    small_h = min(14 * mm, y - 5 * mm - (bottom + 5 * mm))
    draw_barcode(c, tracking, W / 2, bottom + 5 * mm, W - 2 * mm, small_h, max_dots=3)
    pen.text(
        W / 2, bottom + 1 * mm, tracking, pen.fit_size(tracking, inner, 10, 6), bold=True, align="center"
    )


def labels_pdf(parcels: Iterable) -> bytes:
    """One 100 × 150 mm page per parcel, in the given order. Each parcel comes with its consignment, the
    consignment's customer and destination (select_related), and `arrived` (pieces of its order here) when
    known."""
    parcels = list(parcels)
    if not parcels:
        raise ValueError("labels_pdf needs at least one parcel")
    fonts = label_fonts()
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    c.setTitle(parcel_code(parcels[0]) if len(parcels) == 1 else f"{len(parcels)} labels")
    c.setAuthor(brand)
    c.setCreator(brand)
    pen = Pen(c, fonts)
    for parcel in parcels:
        _draw_label(c, pen, parcel, getattr(parcel, "arrived", 1))
        c.showPage()
    c.save()
    return buffer.getvalue()


def parcel_label_pdf(parcel) -> bytes:
    """The thermal label of one parcel: one 100 × 150 mm PDF page."""
    return labels_pdf([parcel])
