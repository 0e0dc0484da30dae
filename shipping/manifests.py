"""Manifests (bảng kê) as PDF and xlsx, in the shape customs brokers ask for: one line per parcel with its
order, customer code, tracking number, piece, weight and the order's declaration (goods, quantity, value).

Captions are fixed bilingual Vietnamese / Chinese text, like the labels: the paper travels with the goods.
"""

import io
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from tracking.imports.export import safe_cell_text
from warehouse.labels import format_weight, parcel_code
from warehouse.pdf import NONE, Pen, label_fonts

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# --- bags ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagManifestLine:
    number: int
    code: str  # the parcel's label code: KG00001234, KG00001234-2
    customer_code: str
    tracking_code: str
    piece: str
    weight_g: int | None
    goods: str  # "" on the second and later parcels of an order in this bag: its declaration is on the first
    quantity: int | None
    unit_value_fen: int | None
    same_order_as: str  # the first parcel's code, on the later parcels of one order

    @property
    def value_fen(self) -> int | None:
        if self.quantity is None or self.unit_value_fen is None:
            return None
        return self.quantity * self.unit_value_fen


def bag_manifest_lines(items) -> list[BagManifestLine]:
    """BagParcel rows (with parcel, its order and customer) → manifest lines; an order's declaration is
    counted once, on its first parcel in the bag."""
    lines, first_of = [], {}
    for number, item in enumerate(items, start=1):
        parcel = item.parcel
        order = parcel.consignment
        code = parcel_code(parcel)
        first = first_of.setdefault(order.pk, code)
        repeat = first != code
        goods = " / ".join(part for part in (order.goods_vi, order.goods_zh) if part)
        lines.append(
            BagManifestLine(
                number=number,
                code=code,
                customer_code=order.customer.customer_code or "",
                tracking_code=parcel.tracking_code,
                piece=parcel.piece_label,
                weight_g=parcel.weight_g,
                goods="" if repeat else goods,
                quantity=None if repeat else order.goods_quantity,
                unit_value_fen=None if repeat else order.goods_unit_value_fen,
                same_order_as=first if repeat else "",
            )
        )
    return lines


def _cny(fen: int | None) -> str:
    if fen is None:
        return NONE
    return f"{Decimal(fen) / 100:,.2f}"


def _when(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if moment else NONE


# PDF: A4 landscape, one line per parcel.
_COLUMNS = (  # caption (Vietnamese, Chinese), width (mm), align
    ("#", "", 9, "right"),
    ("MÃ KIỆN", "件号", 30, "left"),
    ("MÃ KH", "客户编号", 20, "left"),
    ("MÃ VẬN ĐƠN", "快递单号", 40, "left"),
    ("KIỆN", "件", 12, "right"),
    ("CÂN NẶNG", "重量", 20, "right"),
    ("HÀNG HÓA", "品名", 95, "left"),
    ("SỐ LƯỢNG", "数量", 14, "right"),
    ("ĐƠN GIÁ CNY", "单价", 20, "right"),
    ("GIÁ TRỊ CNY", "货值", 22, "right"),
)
_ROW = 6 * mm
_SIDE = 7.5 * mm


def _pdf_page_header(c, pen, bag, page, pages, width, height) -> float:
    y = height - 12 * mm
    pen.text(_SIDE, y, f"BẢNG KÊ BAO · 麻袋清单  {bag.code}", 14, bold=True)
    pen.text(width - _SIDE, y, f"{page}/{pages}", 9, align="right")
    y -= 6 * mm
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    route = f"{bag.origin.code} → {bag.destination.code} · {bag.destination.name}"
    summary = (
        f"{brand} · {route} · ĐÓNG · 封袋 {_when(bag.closed_at)} · {bag.parcel_count} KIỆN · 件 · "
        f"{format_weight(bag.weight_g)} (HÀNG · 货 {format_weight(bag.parcels_weight_g)})"
    )
    pen.text(_SIDE, y, summary, 9)
    y -= 7 * mm
    c.setFillColorRGB(0.88, 0.88, 0.88)
    c.rect(_SIDE, y - 4.8 * mm, width - 2 * _SIDE, _ROW + 3 * mm, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    x = _SIDE
    for vietnamese, chinese, col, align in _COLUMNS:
        at = x + col * mm - 1 * mm if align == "right" else x + 1 * mm
        for line_y, caption in ((y, vietnamese), (y - 3 * mm, chinese)):
            if caption:
                size = pen.fit_size(caption, col * mm - 2 * mm, 6.5, 4)
                pen.text(at, line_y, caption, size, bold=True, align=align)
        x += col * mm
    return y - 3 * mm - _ROW


def _pdf_cells(line: BagManifestLine) -> list[str]:
    goods = line.goods or (f"= {line.same_order_as}" if line.same_order_as else NONE)
    return [
        str(line.number),
        line.code,
        line.customer_code or NONE,
        line.tracking_code,
        line.piece,
        format_weight(line.weight_g),
        goods,
        str(line.quantity) if line.quantity is not None else "",
        _cny(line.unit_value_fen) if line.unit_value_fen is not None else "",
        _cny(line.value_fen) if line.value_fen is not None else "",
    ]


def _pdf_line(c, pen, line: BagManifestLine, y: float, shaded: bool, width: float) -> None:
    if shaded:
        c.setFillColorRGB(0.95, 0.95, 0.95)
        c.rect(_SIDE, y - 1.8 * mm, width - 2 * _SIDE, _ROW, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
    x = _SIDE
    for (_vi, _zh, col, align), text in zip(_COLUMNS, _pdf_cells(line), strict=True):
        text = pen.wrap(text, 8, col * mm - 2 * mm, 1)[0] if text else ""
        pen.text(x + col * mm - 1 * mm if align == "right" else x + 1 * mm, y, text, 8, align=align)
        x += col * mm


def bag_manifest_pdf(bag, lines: list[BagManifestLine]) -> bytes:
    """The bag's manifest: A4 landscape pages of one line per parcel ("page/pages" on each), the totals
    after the last line."""
    width, height = landscape(A4)
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"{bag.code} manifest")
    c.setAuthor(str(getattr(settings, "BRAND_MARK", "") or ""))
    pen = Pen(c, label_fonts())
    bottom = 14 * mm
    per_page = int((height - 28 * mm - _ROW - bottom) // _ROW) + 1  # lines under the page header
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    if not chunks or len(chunks[-1]) > per_page - 2:  # the totals need two lines' room
        chunks.append([])
    start = 0
    for page, chunk in enumerate(chunks, start=1):
        y = _pdf_page_header(c, pen, bag, page, len(chunks), width, height)
        for offset, line in enumerate(chunk):
            _pdf_line(c, pen, line, y, (start + offset) % 2 == 1, width)
            y -= _ROW
        start += len(chunk)
        if page < len(chunks):
            c.showPage()
    c.setLineWidth(0.8)
    c.line(_SIDE, y + _ROW - 1.8 * mm, width - _SIDE, y + _ROW - 1.8 * mm)
    weight = sum(line.weight_g or 0 for line in lines)
    value = sum(line.value_fen or 0 for line in lines)
    totals = (
        f"TỔNG · 合计: {len(lines)} KIỆN · 件 · {format_weight(weight)} · "
        f"GIÁ TRỊ KHAI BÁO · 申报货值 {_cny(value)} CNY"
    )
    pen.text(_SIDE + 1 * mm, y, totals, 9, bold=True)
    c.showPage()
    c.save()
    return buffer.getvalue()


_XLSX_HEADER = (
    "STT · 序号",
    "Mã kiện · 件号",
    "Mã khách hàng · 客户编号",
    "Mã vận đơn · 快递单号",
    "Kiện · 件",
    "Cân nặng (kg) · 重量",
    "Hàng hóa · 品名",
    "Số lượng · 数量",
    "Đơn giá (CNY) · 单价",
    "Giá trị (CNY) · 货值",
    "Cùng đơn với · 同一订单",
)
_XLSX_WIDTHS = (7, 16, 14, 22, 7, 12, 48, 10, 14, 14, 16)


def _kg(grams: int | None):
    return None if grams is None else Decimal(grams) / 1000


def _money(fen: int | None):
    return None if fen is None else Decimal(fen) / 100


def bag_manifest_xlsx(bag, lines: list[BagManifestLine], stream) -> None:
    """The bag's manifest as an .xlsx (a few lines about the bag, then one row per parcel) written to a
    binary stream. Text cells never become formulas; weights and values are numbers."""
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = bag.code
    for index, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(["Bao · 麻袋", bag.code])
    sheet.append(["Từ · 始发", bag.origin.code, safe_cell_text(bag.origin.name)])
    sheet.append(["Đến · 目的仓", bag.destination.code, safe_cell_text(bag.destination.name)])
    sheet.append(["Đóng bao · 封袋", _when(bag.closed_at)])
    sheet.append(["Số kiện · 件数", bag.parcel_count])
    sheet.append(["Cân bao (kg) · 袋重", _kg(bag.weight_g)])
    sheet.append(["Cân hàng (kg) · 货重", _kg(bag.parcels_weight_g)])
    sheet.append([])
    sheet.append(list(_XLSX_HEADER))
    header_row = sheet.max_row
    for line in lines:
        sheet.append(
            [
                line.number,
                safe_cell_text(line.code),
                safe_cell_text(line.customer_code),
                safe_cell_text(line.tracking_code),
                safe_cell_text(line.piece),
                _kg(line.weight_g),
                safe_cell_text(line.goods),
                line.quantity,
                _money(line.unit_value_fen),
                _money(line.value_fen),
                safe_cell_text(line.same_order_as),
            ]
        )
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=6, max_col=10):
        row[0].number_format = "0.000"
        row[3].number_format = row[4].number_format = "#,##0.00"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    book.save(stream)
