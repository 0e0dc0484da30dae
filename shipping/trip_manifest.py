"""The trip manifest (bảng kê chuyến xe) as PDF and xlsx, in the shape customs brokers ask for: per
destination depot, per bag, one line per order (order, customer code, tracking number, goods in Vietnamese
and Chinese, quantity, unit value CNY, parcels and weight in this bag), with totals per bag, per destination
and for the trip.

An order whose parcels are spread over several bags has a line in each; its declaration (goods, quantity,
value) is on its first bag's line and counted once, the later lines say which bag carries it.

The xlsx is written by shipping.trip_manifest_xlsx. Captions are fixed bilingual Vietnamese / Chinese text, like the labels and the bag manifests
(shipping.manifests): the paper travels with the goods and is read on both sides of the border.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from warehouse.labels import LOCAL_TZ, format_weight
from warehouse.pdf import NONE, Pen, label_fonts

from .models import BagParcel
from .selectors import trip_bags, trip_orders

# --- the data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripManifestLine:
    order: str
    customer_code: str | None
    tracking_code: str
    goods_vi: str
    goods_zh: str
    quantity: int | None
    unit_value_fen: int | None
    parcels: int  # of this order in this bag
    weight_g: int  # of those parcels
    declared_in: str = ""  # the bag whose line carries the declaration, on an order's later bags

    @property
    def value_fen(self) -> int | None:
        if self.declared_in or self.quantity is None or self.unit_value_fen is None:
            return None
        return self.quantity * self.unit_value_fen


@dataclass
class Totals:
    orders: int = 0  # each order once, where its declaration is
    parcels: int = 0
    weight_g: int = 0
    value_fen: int = 0

    def add(self, other) -> None:
        self.orders += other.orders
        self.parcels += other.parcels
        self.weight_g += other.weight_g
        self.value_fen += other.value_fen


@dataclass
class BagBlock:
    code: str
    weight_g: int | None  # on the scale
    lines: list[TripManifestLine] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class DestinationBlock:
    code: str
    name: str
    bags: list[BagBlock] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class TripManifest:
    trip: object
    destinations: list[DestinationBlock]
    totals: Totals
    bags: int


_ORDER_FIELDS = (  # in TripManifestLine's order, after the id
    "pk",
    "code",
    "customer__customer_code",
    "tracking_code",
    "goods_vi",
    "goods_zh",
    "goods_quantity",
    "goods_unit_value_fen",
)


def trip_manifest(trip) -> TripManifest:
    """What the trip carries, grouped for the manifest (three queries whatever its size)."""
    orders = {row[0]: row[1:] for row in trip_orders(trip=trip).values_list(*_ORDER_FIELDS)}
    per_bag: dict[int, dict[int, list[int]]] = {}
    items = (
        BagParcel.objects.filter(bag__trip=trip)
        .order_by()
        .values_list("bag_id", "parcel__consignment_id", "parcel__weight_g")
    )
    for bag_id, order_id, weight in items.iterator(chunk_size=5000):
        counts = per_bag.setdefault(bag_id, {}).setdefault(order_id, [0, 0])
        counts[0] += 1
        counts[1] += weight or 0
    declared_in: dict[int, str] = {}
    destinations: dict[int, DestinationBlock] = {}
    total = Totals()
    bags = list(trip_bags(trip=trip))
    for bag in bags:
        destination = destinations.setdefault(
            bag.destination_id, DestinationBlock(bag.destination.code, bag.destination.name)
        )
        block = BagBlock(bag.code, bag.weight_g)
        in_bag = per_bag.get(bag.pk, {})
        for order_id in sorted(in_bag, key=lambda pk: orders[pk][0]):
            parcels, weight = in_bag[order_id]
            first = declared_in.setdefault(order_id, bag.code)
            line = TripManifestLine(
                *orders[order_id], parcels, weight, declared_in="" if first == bag.code else first
            )
            block.lines.append(line)
            block.totals.add(Totals(0 if line.declared_in else 1, parcels, weight, line.value_fen or 0))
        destination.bags.append(block)
        destination.totals.add(block.totals)
    for destination in destinations.values():
        total.add(destination.totals)
    return TripManifest(trip, list(destinations.values()), total, len(bags))


def _cny(fen: int | None) -> str:
    return "" if fen is None else f"{Decimal(fen) / 100:,.2f}"


def _when(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if moment else NONE


def trip_facts(trip) -> list[tuple[str, str]]:
    return [
        ("Chuyến · 车次", trip.code),
        ("Từ · 始发", f"{trip.origin.code} · {trip.origin.name}"),
        ("Biển số · 车牌", trip.plate),
        ("Tài xế · 司机", trip.driver or NONE),
        ("Nhà xe · 承运商", trip.carrier or NONE),
        ("Lộ trình · 路线", trip.route or NONE),
        ("Xuất phát · 发车", _when(trip.departed_at)),
    ]


def _summary(totals: Totals, bags: int | None = None) -> str:
    parts = [] if bags is None else [f"{bags} BAO · 麻袋"]
    parts += [
        f"{totals.orders} ĐƠN · 单",
        f"{totals.parcels} KIỆN · 件",
        format_weight(totals.weight_g),
        f"{_cny(totals.value_fen)} CNY",
    ]
    return " · ".join(parts)


# --- PDF -------------------------------------------------------------------------------------------------

_COLUMNS = (  # caption (Vietnamese, Chinese), width (mm), align
    ("#", "", 9, "right"),
    ("ĐƠN", "订单", 26, "left"),
    ("MÃ KH", "客户", 18, "left"),
    ("MÃ VẬN ĐƠN", "快递单号", 36, "left"),
    ("HÀNG HÓA", "品名 (VI)", 58, "left"),
    ("", "品名 (ZH)", 45, "left"),
    ("SL", "数量", 14, "right"),
    ("ĐƠN GIÁ CNY", "单价", 21, "right"),
    ("GIÁ TRỊ CNY", "货值", 22, "right"),
    ("KIỆN", "件", 13, "right"),
    ("CÂN NẶNG", "重量", 20, "right"),
)
_ROW = 5.6 * mm
_SIDE = 7.5 * mm
_BOTTOM = 12 * mm
_HEADER = 35 * mm + 5.2 * mm + _ROW  # title, facts, totals, the column captions


def _rows(manifest: TripManifest):
    """The PDF's rows in order: ("destination"|"bag"|"line"|"bag_total"|"destination_total", payload)."""
    for destination in manifest.destinations:
        yield "destination", destination
        for bag in destination.bags:
            yield "bag", bag
            for number, line in enumerate(bag.lines, start=1):
                yield "line", (number, line)
            yield "bag_total", bag
        yield "destination_total", destination


def _cells(number: int, line: TripManifestLine) -> list[str]:
    if line.declared_in:
        goods_vi, goods_zh = f"= {line.declared_in}", ""
    else:
        goods_vi, goods_zh = line.goods_vi or NONE, line.goods_zh
    return [
        str(number),
        line.order,
        line.customer_code or NONE,
        line.tracking_code,
        goods_vi,
        goods_zh,
        "" if line.declared_in or line.quantity is None else str(line.quantity),
        "" if line.declared_in else _cny(line.unit_value_fen),
        _cny(line.value_fen),
        str(line.parcels),
        format_weight(line.weight_g),
    ]


class _Pages:
    def __init__(self, manifest: TripManifest):
        self.manifest, self.trip = manifest, manifest.trip
        self.width, self.height = landscape(A4)
        self.buffer = io.BytesIO()
        self.c = pdf_canvas.Canvas(self.buffer, pagesize=(self.width, self.height), pageCompression=1)
        self.c.setTitle(f"{self.trip.code} manifest")
        self.c.setAuthor(str(getattr(settings, "BRAND_MARK", "") or ""))
        self.pen = Pen(self.c, label_fonts())
        self.top = self.height - _HEADER  # the first row's baseline on every page
        self.per_page = int((self.top - _BOTTOM) // _ROW) + 1
        self.page, self.y = 0, 0.0

    def header(self, pages: int) -> None:
        pen, width = self.pen, self.width
        self.page += 1
        y = self.height - 12 * mm
        pen.text(_SIDE, y, f"BẢNG KÊ CHUYẾN XE · 车次清单  {self.trip.code}", 14, bold=True)
        pen.text(width - _SIDE, y, f"{self.page}/{pages}", 9, align="right")
        facts = " · ".join(f"{caption}: {value}" for caption, value in trip_facts(self.trip)[1:])
        for line in pen.wrap(facts, 8, width - 2 * _SIDE, 2):
            y -= 4 * mm
            pen.text(_SIDE, y, line, 8)
        y = self.height - 29 * mm
        pen.text(_SIDE, y, "TỔNG · 合计: " + _summary(self.manifest.totals, self.manifest.bags), 8, bold=True)
        y -= 6 * mm
        self.c.setFillColorRGB(0.85, 0.85, 0.85)
        self.c.rect(_SIDE, y - 5.2 * mm, width - 2 * _SIDE, 9 * mm, stroke=0, fill=1)
        self.c.setFillColorRGB(0, 0, 0)
        x = _SIDE
        for vi, zh, col, align in _COLUMNS:
            left = x + col * mm - 1 * mm if align == "right" else x + 1 * mm
            pen.text(left, y, vi, 6.5, bold=True, align=align)
            pen.text(left, y - 3.4 * mm, zh, 6.5, bold=True, align=align)
            x += col * mm
        self.y = self.top

    def band(self, y: float, grey: float) -> None:
        self.c.setFillColorRGB(grey, grey, grey)
        self.c.rect(_SIDE, y - 1.6 * mm, self.width - 2 * _SIDE, _ROW, stroke=0, fill=1)
        self.c.setFillColorRGB(0, 0, 0)

    def line(self, cells: list[str]) -> None:
        x = _SIDE
        for (_vi, _zh, col, align), text in zip(_COLUMNS, cells, strict=True):
            room = col * mm - 2 * mm
            if text and self.pen.width(text, 7.5) > room:
                text = self.pen.wrap(text, 7.5, room, 1)[0]
            if text:
                self.pen.text(
                    x + col * mm - 1 * mm if align == "right" else x + 1 * mm, self.y, text, 7.5, align=align
                )
            x += col * mm

    def text_row(self, text: str, *, grey: float | None = None) -> None:
        if grey is not None:
            self.band(self.y, grey)
        self.pen.text(
            _SIDE + 1 * mm, self.y, self.pen.wrap(text, 8, self.width - 2 * _SIDE, 1)[0], 8, bold=True
        )


def trip_manifest_pdf(manifest: TripManifest) -> bytes:
    """A4 landscape pages: per destination, per bag, one line per order; totals per bag, destination, trip."""
    out = _Pages(manifest)
    rows = list(_rows(manifest))
    pages = max(1, -(-(len(rows) + 1) // out.per_page))  # +1: the trip's total
    out.header(pages)
    for kind, payload in rows:
        if out.y < _BOTTOM:
            out.c.showPage()
            out.header(pages)
        if kind == "destination":
            out.text_row(f"ĐẾN · 目的仓 {payload.code} · {payload.name}", grey=0.75)
        elif kind == "bag":
            out.text_row(f"BAO · 麻袋 {payload.code} · {format_weight(payload.weight_g)}", grey=0.92)
        elif kind == "line":
            out.line(_cells(*payload))
        elif kind == "bag_total":
            out.text_row(f"CỘNG BAO · 麻麻袋小计 {payload.code}: {_summary(payload.totals)}")
        else:
            out.text_row(
                f"CỘNG ĐẾN · 目的仓小计 {payload.code}: {_summary(payload.totals, len(payload.bags))}"
            )
        out.y -= _ROW
    if out.y < _BOTTOM:
        out.c.showPage()
        out.header(pages)
    out.text_row("TỔNG CHUYẾN · 车次合计: " + _summary(manifest.totals, manifest.bags), grey=0.75)
    out.c.showPage()
    out.c.save()
    return out.buffer.getvalue()
