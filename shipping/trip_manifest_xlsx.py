"""The trip manifest as xlsx (shipping.trip_manifest builds the data and the PDF): one sheet, a line per
order and bag, with totals per bag, per destination and for the trip; fixed bilingual captions."""

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tracking.imports.export import safe_cell_text

from .trip_manifest import Totals, TripManifest, trip_facts

# --- xlsx ------------------------------------------------------------------------------------------------

_XLSX_HEADER = (
    "Đến · 目的仓",
    "Bao · 麻袋",
    "Đơn · 订单",
    "Mã khách hàng · 客户编号",
    "Mã vận đơn · 快递单号",
    "Hàng hóa (VI) · 品名",
    "品名 (ZH)",
    "Số lượng · 数量",
    "Đơn giá (CNY) · 单价",
    "Giá trị (CNY) · 货值",
    "Kiện · 件数",
    "Cân nặng (kg) · 重量",
    "Khai báo ở bao · 申报于",
)
_XLSX_WIDTHS = (10, 11, 14, 14, 22, 36, 24, 10, 14, 14, 8, 12, 14)
_BOLD = Font(bold=True)
_BAND = PatternFill("solid", fgColor="DDDDDD")


def _kg(grams: int | None):
    return None if grams is None else Decimal(grams) / 1000


def _money(fen: int | None):
    return None if fen is None else Decimal(fen) / 100


def _totals_row(caption: str, totals: Totals) -> list:
    """A total under the order, value, parcels and weight columns."""
    counts = [totals.orders, *[None] * 6, _money(totals.value_fen), totals.parcels, _kg(totals.weight_g)]
    return [caption, None, *counts, None]


def trip_manifest_xlsx(manifest: TripManifest, stream) -> None:
    """The trip manifest as an .xlsx written to a binary stream: the trip's facts, then one row per order
    and bag, a total row after each bag and destination, the trip's total last. Text never becomes a
    formula; weights and values are numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = manifest.trip.code
    for index, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for caption, value in trip_facts(manifest.trip):
        sheet.append([caption, safe_cell_text(value)])
    sheet.append([])
    sheet.append(list(_XLSX_HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = _BOLD, _BAND
    bold_rows = []
    for destination in manifest.destinations:
        for bag in destination.bags:
            for line in bag.lines:
                continued = bool(line.declared_in)
                sheet.append(
                    [
                        safe_cell_text(destination.code),
                        safe_cell_text(bag.code),
                        safe_cell_text(line.order),
                        safe_cell_text(line.customer_code),
                        safe_cell_text(line.tracking_code),
                        None if continued else safe_cell_text(line.goods_vi),
                        None if continued else safe_cell_text(line.goods_zh),
                        None if continued else line.quantity,
                        None if continued else _money(line.unit_value_fen),
                        _money(line.value_fen),
                        line.parcels,
                        _kg(line.weight_g),
                        safe_cell_text(line.declared_in) or None,
                    ]
                )
            sheet.append(_totals_row(f"Cộng bao · 麻袋小计 {bag.code}", bag.totals))
            bold_rows.append(sheet.max_row)
        sheet.append(_totals_row(f"Cộng · 小计 {destination.code}", destination.totals))
        bold_rows.append(sheet.max_row)
    sheet.append(_totals_row("Tổng chuyến · 车次合计", manifest.totals))
    bold_rows.append(sheet.max_row)
    for row in bold_rows:
        for cell in sheet[row]:
            cell.font = _BOLD
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=9, max_col=12):
        row[0].number_format = row[1].number_format = "#,##0.00"
        row[3].number_format = "0.000"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    book.save(stream)
