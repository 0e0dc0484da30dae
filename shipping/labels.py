"""A closed bag's 100 × 150 mm thermal label: a large Code128 of its code (what the truck and the depot
scan), the destination depot, how many parcels and what it weighs, the day it was closed.

Like the parcel label (warehouse.labels) it is read in Guangzhou and in Vietnam, so its captions are fixed
bilingual Vietnamese / Chinese text; solid black on white, barcodes on whole printer dots (warehouse.pdf).
"""

import io
from zoneinfo import ZoneInfo

from django.conf import settings
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from warehouse.labels import format_weight
from warehouse.pdf import MARGIN, NONE, PAGE_HEIGHT, PAGE_WIDTH, Pen, draw_barcode, label_fonts

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _draw(c: pdf_canvas.Canvas, pen: Pen, bag) -> None:
    W, H, M = PAGE_WIDTH, PAGE_HEIGHT, MARGIN
    inner = W - 2 * M
    c.setFillColorRGB(0, 0, 0)
    c.setStrokeColorRGB(0, 0, 0)

    def rule(y, width=1.2):
        c.setLineWidth(width)
        c.line(M, y, W - M, y)

    def caption(x, y, text, align="left"):
        pen.text(x, y, text, 6.5, bold=True, align=align)

    # 1. Header band, white on black: brand mark; "BAO · 麻袋" and the origin warehouse on the right.
    top = H - M
    band = 11 * mm
    c.rect(M, top - band, inner, band, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    size = pen.fit_size(brand, inner * 0.45, 20, 9)
    pen.text(M + 3 * mm, top - band / 2 - size * 0.35, brand, size, bold=True)
    pen.text(W - M - 3 * mm, top - 4.6 * mm, "BAO HÀNG · 麻袋", 6.5, bold=True, align="right")
    origin = bag.origin.code if bag.origin_id else NONE
    pen.text(W - M - 3 * mm, top - 9 * mm, f"{origin} → VN", 10, bold=True, align="right")
    c.setFillColorRGB(0, 0, 0)

    # 2. Destination depot: its code very large in a black box, its name under it.
    y = top - band - 4.5 * mm
    caption(M, y, "KHO ĐÍCH · 目的仓")
    depot = bag.destination
    box_h = 26 * mm
    box_y = y - 1.5 * mm - box_h
    c.rect(M, box_y, inner, box_h, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    code_size = pen.fit_size(depot.code, inner - 6 * mm, 64, 20)
    pen.text(W / 2, box_y + box_h / 2 - code_size * 0.36, depot.code, code_size, bold=True, align="center")
    c.setFillColorRGB(0, 0, 0)
    y = box_y - 5 * mm
    lines = pen.wrap(depot.name, 12, inner, 2, bold=True)
    for line in lines:
        pen.text(W / 2, y, line, 12, bold=True, align="center")
        y -= 5 * mm
    y += 1.5 * mm
    rule(y)

    # 3. The bag's code: a large Code128 and its text.
    bar_h = 24 * mm
    y -= 3 * mm + bar_h
    draw_barcode(c, bag.code, W / 2, y, W - 2 * mm, bar_h, max_dots=4)
    y -= 8 * mm
    pen.text(W / 2, y, bag.code, 22, bold=True, align="center", spacing=2.2 * mm)
    y -= 4 * mm
    rule(y)

    # 4. Parcels | weight.
    cell_top = y
    half = W / 2
    caption(M, y - 3.2 * mm, "SỐ KIỆN · 件数")
    caption(half + 2.5 * mm, y - 3.2 * mm, "CÂN NẶNG · 重量")
    count = str(bag.parcel_count)
    pen.text(M, y - 14 * mm, count, pen.fit_size(count, half - M - 3 * mm, 30, 12), bold=True)
    weight = format_weight(bag.weight_g)
    pen.text(half + 2.5 * mm, y - 14 * mm, weight, pen.fit_size(weight, half - M - 3 * mm, 22, 9), bold=True)
    y -= 18 * mm
    c.setLineWidth(1.2)
    c.line(half, cell_top, half, y)
    rule(y)

    # 5. Closed on (local time), and by whom.
    caption(M, y - 3.2 * mm, "NGÀY ĐÓNG BAO · 封袋日期")
    when = bag.closed_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if bag.closed_at else NONE
    pen.text(M, y - 10 * mm, when, 14, bold=True)
    closer = getattr(bag.closed_by, "username", "") if bag.closed_by_id else ""
    if closer:
        pen.text(W - M, y - 10 * mm, closer, pen.fit_size(closer, inner / 2 - 3 * mm, 10, 6), align="right")


def bag_label_pdf(bag) -> bytes:
    """One 100 × 150 mm page: the label of a closed bag (with its origin, destination and closed_by)."""
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    c.setTitle(bag.code)
    c.setAuthor(brand)
    c.setCreator(brand)
    _draw(c, Pen(c, label_fonts()), bag)
    c.showPage()
    c.save()
    return buffer.getvalue()
