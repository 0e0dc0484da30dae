"""The header row: which column holds the tracking numbers and which the notes, named the way customers and
the platforms' exports name them (Vietnamese, Chinese, English).

A cell is a column name only when all of it is one (after folding case, width, Vietnamese tone marks and
punctuation): a title such as "Danh sách mã vận đơn tháng 5" names nothing.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from .common import HEADER_SEARCH_ROWS

# The tracking number's column. Not the order number's (订单号, 订单编号, "order id"): that is what customers
# must not register, and exports from Taobao, 1688 and Pinduoduo carry both.
CODE_NAMES = (
    # Vietnamese, with and without tone marks (folded alike)
    "mã vận đơn",
    "mvđ",
    "mã vđ",
    "vận đơn",
    "số vận đơn",
    "mã vận chuyển",
    "mã vận đơn tq",
    "mã vận đơn trung quốc",
    "mã vận đơn nội địa",
    "mvđ tq",
    "mã vđ tq",
    "mã tracking",
    "mã theo dõi",
    "mã bill",
    "số bill",
    # Chinese (simplified, then traditional): Taobao, 1688, Pinduoduo, WeChat suppliers' sheets
    "运单号",
    "运单号码",
    "运单编号",
    "运单",
    "快递单号",
    "快递单号码",
    "快递单",
    "快递号",
    "快递编号",
    "快递运单号",
    "物流单号",
    "物流单号码",
    "物流编号",
    "物流号",
    "物流运单号",
    "国内运单号",
    "国内快递单号",
    "面单号",
    "单号",
    "追踪号",
    "跟踪号",
    "運單號",
    "運單號碼",
    "運單編號",
    "快遞單號",
    "物流單號",
    "物流編號",
    # English
    "code",
    "tracking",
    "tracking number",
    "tracking no",
    "tracking num",
    "tracking nr",
    "tracking code",
    "tracking id",
    "waybill",
    "way bill",
    "waybill number",
    "waybill no",
    "awb",
    "awb number",
    "awb no",
    "air waybill",
    "express number",
    "express no",
    "courier number",
    "logistics number",
    "logistics no",
)
# The note's column: what the customer wrote about the parcel, or else what the platform says is in it.
NOTE_NAMES = (
    "ghi chú",
    "chú thích",
    "ghi chú khách hàng",
    "备注",
    "备注信息",
    "买家备注",
    "備註",
    "note",
    "notes",
    "remark",
    "remarks",
    "comment",
    "comments",
    "memo",
)
GOODS_NAMES = (
    "tên hàng",
    "tên sản phẩm",
    "sản phẩm",
    "hàng hóa",
    "mô tả",
    "nội dung",
    "商品名称",
    "商品",
    "商品信息",
    "宝贝名称",
    "宝贝标题",
    "品名",
    "货物名称",
    "产品名称",
    "商品名稱",
    "description",
    "product",
    "product name",
    "item",
    "item name",
    "goods",
)

_PUNCTUATION = re.compile(r"[\s_\-.,:：;；#*№°'\"‘’“”`]+")
_BRACKETED = re.compile(r"\s*[(（\[【][^)）\]】]*[)）\]】]\s*")
_ALTERNATIVES = re.compile(r"\s*[/|、]\s*")
_LONGEST_NAME = 40  # longer cells are titles or data, not column names


def header_key(value) -> str:
    """A cell folded for comparing with column names: "MÃ VẬN ĐƠN:" and "ma van don" give the same."""
    if not isinstance(value, str) or len(value) > _LONGEST_NAME:
        return ""
    text = unicodedata.normalize("NFKD", value.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _keys(names) -> frozenset[str]:
    return frozenset(header_key(name) for name in names)


CODE_HEADERS = _keys(CODE_NAMES)
NOTE_HEADERS = _keys(NOTE_NAMES)
GOODS_HEADERS = _keys(GOODS_NAMES)


def _names(value, names: frozenset[str]) -> bool:
    """Whether this cell is one of names: as it is, without a remark in brackets ("Mã vận đơn (MVĐ)"), or
    as one of the alternatives it lists ("快递单号/运单号")."""
    key = header_key(value)
    if not key:
        return False
    if key in names:
        return True
    bare = header_key(_BRACKETED.sub(" ", value))
    if bare and bare in names:
        return True
    parts = [part for part in _ALTERNATIVES.split(value) if part.strip()]
    return len(parts) > 1 and all(header_key(part) in names for part in parts)


def find_header(values) -> tuple[int, int | None] | None:
    """(code column, note column or None) if this row names a code column; None if it does not."""
    code_col = next((i for i, value in enumerate(values) if _names(value, CODE_HEADERS)), None)
    if code_col is None:
        return None
    for names in (NOTE_HEADERS, GOODS_HEADERS):
        note_col = next((i for i, value in enumerate(values) if i != code_col and _names(value, names)), None)
        if note_col is not None:
            return code_col, note_col
    return code_col, None


def named_columns(values) -> int:
    """How many cells of this row are column names we know (a header's score)."""
    every = CODE_HEADERS | NOTE_HEADERS | GOODS_HEADERS
    return sum(1 for value in values if _names(value, every))


def is_empty(values) -> bool:
    """Whether a row has nothing in it but blanks."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


@dataclass
class Layout:
    """Where the data is: the header row (None without one), the columns, and how wide the header is."""

    header_row: int | None = None
    code_col: int = 0  # without a header: column A is the code…
    note_col: int | None = 1  # …and column B the note
    width: int = 0  # the header's cells, up to its last one that is not empty
    cells: tuple = ()  # the header row itself


def find_layout(rows) -> tuple[Layout, Iterator]:
    """Look for the header among the first HEADER_SEARCH_ROWS rows that are not empty.

    Returns the layout and the rows to read as data, in order: those after the header (the title rows above
    it, a shop's name, a date, are left out), or, without a header, all of them as if nothing was looked at.
    Rows that are empty are not yielded again.
    """
    seen = []
    layout = None
    try:
        for number, values in rows:
            if is_empty(values):
                continue
            header = find_header(values)
            if header is not None:
                width = _width(values)
                if layout is None and width == 1 and header[0] == 0:
                    # One cell naming the column ("MÃ VẬN ĐƠN") may be the sheet's title: a header
                    # just under it wins.
                    layout, seen = Layout(number, 0, None, 1, tuple(values)), []
                    continue
                return Layout(number, header[0], header[1], width, tuple(values)), rows
            if layout is not None:
                return layout, chain([(number, values)], rows)
            seen.append((number, values))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    except Exception as exc:  # a file broken in its first rows: the rows before the break are read first
        return layout or Layout(), _then_raise(seen, exc)
    return layout or Layout(), chain(seen, rows)


def _width(values) -> int:
    """How many cells a row has up to its last one that is not empty."""
    width = len(values)
    while width and (values[width - 1] is None or not str(values[width - 1]).strip()):
        width -= 1
    return width


def _then_raise(rows, exc: Exception):
    yield from rows
    raise exc
