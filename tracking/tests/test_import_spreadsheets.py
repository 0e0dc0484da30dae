"""Spreadsheets as customers make them: what an Excel cell shows, title rows above the header, the CSV
separator, and row numbers as Excel shows them. Each case is a whole file, built here, and what the import
must make of it."""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tracking import imports
from tracking.imports.number_formats import WithDecimals, compile_format, compile_text_format
from tracking.imports.xlsx import _openpyxl_rows
from tracking.models import TrackingImport, TrackingNumber
from tracking.services import Verdict

pytestmark = pytest.mark.django_db

ADDED, REFUSED = Verdict.ADDED, Verdict.REFUSED
ASK = "ask"  # the import stops and asks which separator the file uses


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield


@dataclass(frozen=True)
class Shown:
    """A cell holding value, shown through an Excel number format."""

    value: object
    number_format: str


def xlsx_upload(rows, *, merged=(), name="ma-van-don.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, Shown):
                cell = sheet.cell(number, column, value.value)
                cell.number_format = value.number_format
            elif value is not None:
                sheet.cell(number, column, value)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(text, encoding="utf-8", name="ma-van-don.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def run(customer, upload, separator="") -> TrackingImport:
    imp = imports.import_start(customer=customer, uploaded_file=upload, separator=separator)
    imports.import_run(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


def outcome(imp) -> list[tuple]:
    """(row, verdict, registered code or the refusal's reason) for each row of the result file."""
    assert imp.status == TrackingImport.Status.DONE, imp.error
    with imp.result_file.open("rb") as handle:
        rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    verdict_of_label = {str(label): verdict for verdict, label in Verdict.LABELS.items()}
    found = []
    for row, _written, code, result, why in rows[1:]:
        verdict = verdict_of_label[result]
        found.append((row, verdict, why if verdict == REFUSED else code))
    return found


def notes(customer) -> dict[str, str]:
    return dict(TrackingNumber.objects.filter(customer=customer).values_list("code", "note"))


def assert_outcome(imp, expected) -> None:
    """expected: (row, verdict, code) rows; for a refusal, a part of the reason instead of the code."""
    got = outcome(imp)
    assert [(row, verdict) for row, verdict, _ in got] == [(row, verdict) for row, verdict, _ in expected]
    for (row, verdict, value), (_row, _verdict, wanted) in zip(got, expected, strict=True):
        if verdict == REFUSED:
            assert wanted in (value or ""), (row, value)
        else:
            assert value == wanted, row


# --- 1. An .xlsx cell is what it shows ----------------------------------------------------------------------

# (what the customer has, the cell, what is registered or why it is refused)
SHOWN_CELLS = [
    ("zeros pad a 12-digit code", Shown(49842770000, "000000000000"), (ADDED, "049842770000")),
    ("zeros pad a 13-digit code", Shown(96060000479, "0000000000000"), (ADDED, "0096060000479")),
    ("zeros with a locale", Shown(49842770000, "[$-409]000000000000"), (ADDED, "049842770000")),
    ("zeros in a colour", Shown(49842770000, "[Blue]000000000000"), (ADDED, "049842770000")),
    ("SF in quotes before the digits", Shown(9606000000479, '"SF"0000000000000'), (ADDED, "SF9606000000479")),
    ("JT escaped before the digits", Shown(1234567890123, r"\J\T0000000000000"), (ADDED, "JT1234567890123")),
    ("YT before General", Shown(1234567890123, '"YT"General'), (ADDED, "YT1234567890123")),
    ("text format on a number typed before it", Shown(78123456789012, "@"), (ADDED, "78123456789012")),
    ("General, an integer", 78123456789012, (ADDED, "78123456789012")),
    ("General, a whole float", 78123456789012.0, (ADDED, "78123456789012")),
    ("General, 12 digits", 431234567890.0, (ADDED, "431234567890")),
    ("a number format without decimals", Shown(78123456789012.0, "0"), (ADDED, "78123456789012")),
    (
        "thousands separators are not part of a code",
        Shown(78123456789012, "#,##0"),
        (ADDED, "78123456789012"),
    ),
    ("zero decimals shown", Shown(78123456789012, "0.00"), (ADDED, "78123456789012")),
    (
        "accounting format",
        Shown(78123456789012, r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)'),
        (ADDED, "78123456789012"),
    ),
    ("text stored as a number's digits", "049842770000", (ADDED, "049842770000")),
    ("number stored as text, text format", Shown("049842770000", "@"), (ADDED, "049842770000")),
    ("text with SF shown before it", Shown("9606000000479", '"SF"@'), (ADDED, "SF9606000000479")),
    ("scientific format", Shown(78123456789012, "0.00E+00"), (REFUSED, "rounded number")),
    ("engineering format", Shown(78123456789012, "##0.0E+0"), (REFUSED, "rounded number")),
    ("scientific format on zeros", Shown(49842770000, "0E+00"), (REFUSED, "rounded number")),
    ("past 15 digits, zeros", Shown(7.812345678901234e17, "000000000000000000"), (REFUSED, "rounded number")),
    ("past 15 digits, General", 7.812345678901234e17, (REFUSED, "rounded number")),
    ("decimals, General", 78123456789012.5, (REFUSED, "number with decimals")),
    ("decimals shown", Shown(78123456789012.25, "0.0"), (REFUSED, "number with decimals")),
    ("text as the customer typed the rounding", "7.8123E+13", (REFUSED, "rounded number")),
]


@pytest.mark.parametrize(
    ("cell", "expected"), [case[1:] for case in SHOWN_CELLS], ids=[c[0] for c in SHOWN_CELLS]
)
def test_an_xlsx_cell_is_read_as_it_shows(customer, cell, expected):
    imp = run(customer, xlsx_upload([["Mã vận đơn", "Ghi chú"], [cell, "2 đôi giày"]]))
    assert_outcome(imp, [(2, *expected)])
    if expected[0] == ADDED:
        assert notes(customer) == {expected[1]: "2 đôi giày"}
    else:
        assert not TrackingNumber.objects.exists()


# (format code, number, what Excel shows — with the two choices made for codes: no thousands separators,
# zero decimals left out; None: shown as General)
FORMATS = [
    ("000000000000", 49842770000, "049842770000"),
    ('"SF"0000000000000', 9606000000479, "SF9606000000479"),
    ('"SF"0000000000000" (TQ)"', 9606000000479, "SF9606000000479 (TQ)"),
    ("000-0000-0000", 12345678901, "123-4567-8901"),
    ("#,##0", 1234567, "1234567"),
    ("0.00", 12, "12"),
    ("0.00", 12.345, "12.35"),
    ("0.0#", 1.5, "1.5"),
    ("0%", 12, "1200%"),
    ("0,", 12345678, "12346"),
    ("0;(0)", -5, "(5)"),
    ("00000;-00000", -5, "-00005"),
    ('0;-0;"none"', 0, "none"),
    ("[$€-407]0", 5, "€5"),
    ("0.00E+00", 78123456789012, "7.81E+13"),
    ("0.00E+00", 0, "0.00E+00"),
    ("General", 5, None),
    ("@", 5, None),
    ("# ?/?", 5, None),  # a fraction: shown as General
    ("[>100]0;0", 5, None),  # a condition: shown as General
    (".00", 5, None),
]


@pytest.mark.parametrize(("code", "number", "shown"), FORMATS)
def test_number_formats_show_what_excel_shows(code, number, shown):
    compiled = compile_format(code)
    assert (compiled(number) if compiled else None) == shown


def test_decimals_that_are_shown_are_marked():
    assert isinstance(compile_format("0.00")(12.345), WithDecimals)
    assert not isinstance(compile_format("0.00")(12.0), WithDecimals)


@pytest.mark.parametrize(
    ("code", "shown"),
    [('"SF"@', "SF123"), ('0;0;0;"JT"@', "JT123"), ('@" TQ"', "123 TQ"), ("@", None), ('"SF"0', None)],
)
def test_text_formats_show_their_texts(code, shown):
    compiled = compile_text_format(code)
    assert (compiled("123") if compiled else None) == shown


def test_the_fast_reader_shows_cells_as_openpyxl_cells_would():
    """The same workbook read by the fast reader and, cell by cell, through openpyxl's own cells."""
    cells = [case[1] for case in SHOWN_CELLS]
    upload = xlsx_upload([["Mã vận đơn"], *[[cell] for cell in cells]])
    workbook = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    sheet = workbook.active
    sheet.reset_dimensions()
    fast = list(imports.xlsx_rows(sheet, shown=True))
    slow = list(_openpyxl_rows(sheet, True))
    workbook.close()
    assert fast == slow
    assert fast[1] == (2, ("049842770000",))


# --- 2. and 4. Title rows above the header, and row numbers as Excel shows them -----------------------------

# (the sheet, the cells to merge, what each row becomes: (row, verdict, code), notes registered)
TITLED_SHEETS = [
    (
        "a shop's title, merged, and a date above the header",
        [
            ["CỬA HÀNG THỜI TRANG HOA MAI"],
            ["Ngày xuất: 05/06/2025", None, "Người lập: Thu"],
            [None],
            ["STT", "Mã vận đơn", "Ghi chú"],
            [1, "SF1234567890123", "áo khoác"],
            [2, "JT1234567890123", "giày"],
        ],
        ["A1:C1"],
        [(5, ADDED, "SF1234567890123"), (6, ADDED, "JT1234567890123")],
        {"SF1234567890123": "áo khoác", "JT1234567890123": "giày"},
    ),
    (
        "a Taobao export: the order number beside the tracking number",
        [
            ["已买到的宝贝 导出 2025-06-05"],
            ["订单号", "物流公司", "物流单号", "商品名称", "备注"],
            ["3912345678901234567", "中通快递", "78123456789012", "女装 连衣裙", "红色 M"],
        ],
        [],
        [(3, ADDED, "78123456789012")],
        {"78123456789012": "红色 M"},
    ),
    (
        "a 1688 export",
        [["采购单"], ["订单编号", "运单编号", "商品"], ["1688123456789", "YT1234567890123", "手机壳 x10"]],
        [],
        [(3, ADDED, "YT1234567890123")],
        {"YT1234567890123": "手机壳 x10"},
    ),
    (
        "a Pinduoduo sheet",
        [["拼多多 订单"], ["日期", "快递单号", "商品名称"], ["6/5", "SF1234567890123", "拖鞋"]],
        [],
        [(3, ADDED, "SF1234567890123")],
        {"SF1234567890123": "拖鞋"},
    ),
    (
        "a WeChat supplier's list",
        [["微信 供应商 发货单"], ["物流编号", "备注"], ["JT1234567890123", "两箱"]],
        [],
        [(3, ADDED, "JT1234567890123")],
        {"JT1234567890123": "两箱"},
    ),
    (
        "English names, with punctuation",
        [
            ["Shipping list", None, "June 2025"],
            ["#", "Tracking No.", "Remark"],
            [1, "SF1234567890123", "shoes"],
        ],
        [],
        [(3, ADDED, "SF1234567890123")],
        {"SF1234567890123": "shoes"},
    ),
    (
        "AWB and Note",
        [["Consignee: thubin89x YW532"], ["AWB", "Note"], ["SF1234567890123", "bag"]],
        [],
        [(3, ADDED, "SF1234567890123")],
        {"SF1234567890123": "bag"},
    ),
    (
        "MVĐ in capitals, after blank rows",
        [
            [None],
            [None],
            ["Danh sách mã vận đơn tháng 6"],
            [None],
            ["MVĐ", "GHI CHÚ"],
            ["YT1234567890123", "túi"],
        ],
        [],
        [(6, ADDED, "YT1234567890123")],
        {"YT1234567890123": "túi"},
    ),
    (
        "mã vận chuyển and a name with a remark in brackets",
        [["Đơn hàng"], ["Tên hàng", "Mã vận chuyển (TQ)"], ["bàn phím", "JT1234567890123"]],
        [],
        [(3, ADDED, "JT1234567890123")],
        {"JT1234567890123": "bàn phím"},
    ),
    (
        "two names for one column",
        [["发货"], ["快递单号/运单号", "备注"], ["78123456789012", "鞋子"]],
        [],
        [(3, ADDED, "78123456789012")],
        {"78123456789012": "鞋子"},
    ),
    (
        "số vận đơn and chú thích",
        [["Tổng hợp"], ["Số vận đơn", "Chú thích"], ["SF1234567890123", "a"]],
        [],
        [(3, ADDED, "SF1234567890123")],
        {"SF1234567890123": "a"},
    ),
    (
        "a title that is the column's name, above the header",
        [["MÃ VẬN ĐƠN"], ["STT", "Mã vận đơn", "Ghi chú"], [1, "SF1234567890123", "áo"]],
        ["A1:C1"],
        [(3, ADDED, "SF1234567890123")],
        {"SF1234567890123": "áo"},
    ),
    (
        "a header of one column",
        [["Mã vận đơn"], ["SF1234567890123"], ["JT1234567890123"]],
        [],
        [(2, ADDED, "SF1234567890123"), (3, ADDED, "JT1234567890123")],
        {"SF1234567890123": "", "JT1234567890123": ""},
    ),
    (
        "without a header: column A, then B, from the first row",
        [["SF1234567890123", "áo"], [None], ["JT1234567890123"]],
        [],
        [(1, ADDED, "SF1234567890123"), (3, ADDED, "JT1234567890123")],
        {"SF1234567890123": "áo", "JT1234567890123": ""},
    ),
    (
        "a title but no header: every row is read, the title refused as before",
        [["Danh sách hàng"], ["SF1234567890123", "áo"]],
        [],
        [(1, REFUSED, ""), (2, ADDED, "SF1234567890123")],
        {"SF1234567890123": "áo"},
    ),
]


@pytest.mark.parametrize(
    ("rows", "merged", "expected", "registered"),
    [case[1:] for case in TITLED_SHEETS],
    ids=[case[0] for case in TITLED_SHEETS],
)
def test_the_header_is_found_under_title_rows(customer, rows, merged, expected, registered):
    imp = run(customer, xlsx_upload(rows, merged=merged))
    assert_outcome(imp, expected)
    assert notes(customer) == registered
    assert imp.processed_rows == len(expected)  # the title rows are not rows of the result


@pytest.mark.parametrize(
    "name",
    ["mã vận đơn", "Mã Vận Đơn", "ma van don", "MVĐ", "mã vđ", "Mã vận chuyển", "Số vận đơn", "运单号", "运单编号",
     "快递单号", "物流单号", "物流编号", "快递单号码", "運單號", "Tracking number", "TRACKING NO.", "Tracking #",
     "Waybill", "Waybill No", "AWB", "code"],
)  # fmt: skip
def test_names_of_the_tracking_number_column(customer, name):
    imp = run(customer, xlsx_upload([["Báo cáo"], ["STT", name], [1, "SF1234567890123"]]))
    assert_outcome(imp, [(3, ADDED, "SF1234567890123")])


@pytest.mark.parametrize(
    "name",
    [
        "Ghi chú",
        "ghi chu",
        "备注",
        "Note",
        "Notes",
        "Remark",
        "Remarks",
        "商品名称",
        "Tên hàng",
        "Description",
    ],
)
def test_names_of_the_note_column(customer, name):
    imp = run(customer, xlsx_upload([["Mã vận đơn", "Ngày", name], ["SF1234567890123", "5/6", "áo"]]))
    assert notes(customer) == {"SF1234567890123": "áo"}
    assert imp.processed_rows == 1


def test_a_note_column_is_preferred_to_the_goods_name():
    from tracking.imports.headers import find_header

    assert find_header(["商品名称", "运单号", "备注"]) == (1, 2)
    assert find_header(["商品名称", "运单号"]) == (1, 0)
    assert find_header(["订单号", "物流公司"]) is None  # an order number is not a tracking number
    assert find_header(["Danh sách mã vận đơn tháng 6"]) is None
    assert find_header(["/", "Ghi chú"]) is None


# --- 3. The CSV separator: sure, or asked -------------------------------------------------------------------

# (the file, the separator the customer chose, what each row becomes, notes registered; ASK: it stops)
CSV_FILES = [
    (
        "a header with commas, semicolons in the notes",
        "Mã vận đơn,Ghi chú\nSF9606000000479,áo; size M; 2 cái\nJT1234567890123,quần; L\n",
        "",
        [(2, ADDED, "SF9606000000479"), (3, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo; size M; 2 cái", "JT1234567890123": "quần; L"},
    ),
    (
        "a header with semicolons, commas in the notes",
        "Mã vận đơn;Ghi chú\nSF9606000000479;áo, size M, 2 cái\nJT1234567890123;quần, L\n",
        "",
        [(2, ADDED, "SF9606000000479"), (3, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo, size M, 2 cái", "JT1234567890123": "quần, L"},
    ),
    (
        "a header with tabs",
        "STT\t运单号\t备注\n1\tYT1234567890123\t鞋子, 2 双; 红色\n",
        "",
        [(2, ADDED, "YT1234567890123")],
        {"YT1234567890123": "鞋子, 2 双; 红色"},
    ),
    (
        "quoted notes keep their commas",
        'Mã vận đơn,Ghi chú\nSF9606000000479,"áo, size M"\n"JT1234567890123","quần; L, đen"\n',
        "",
        [(2, ADDED, "SF9606000000479"), (3, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo, size M", "JT1234567890123": "quần; L, đen"},
    ),
    (
        "a note with unquoted commas in the header's last column",
        "Mã vận đơn,Ghi chú\nSF9606000000479,áo, size M, 2 cái\n",
        "",
        [(2, ADDED, "SF9606000000479")],
        {"SF9606000000479": "áo, size M, 2 cái"},
    ),
    (
        "title rows above the header",
        "Shop Hoa Mai, Hà Nội\nNgày 05/06/2025\n\nMã vận đơn;Ghi chú\nSF9606000000479;áo, M\n",
        "",
        [(5, ADDED, "SF9606000000479")],
        {"SF9606000000479": "áo, M"},
    ),
    (
        "a title that is the column's name, then the header",
        "MÃ VẬN ĐƠN\nSTT;Mã vận đơn;Ghi chú\n1;SF9606000000479;áo, M\n",
        "",
        [(3, ADDED, "SF9606000000479")],
        {"SF9606000000479": "áo, M"},
    ),
    (
        "a quoted note over two lines is one row, as in Excel",
        'Mã vận đơn,Ghi chú\nSF9606000000479,"áo\nkhoác"\nJT1234567890123,quần\n',
        "",
        [(2, ADDED, "SF9606000000479"), (3, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo\nkhoác", "JT1234567890123": "quần"},
    ),
    (
        "no header, only semicolons, in every row",
        "SF9606000000479;áo\nJT1234567890123;quần\n",
        "",
        [(1, ADDED, "SF9606000000479"), (2, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo", "JT1234567890123": "quần"},
    ),
    (
        "no header, one column",
        "SF9606000000479\n\nJT1234567890123\n",
        "",
        [(1, ADDED, "SF9606000000479"), (3, ADDED, "JT1234567890123")],
        {"SF9606000000479": "", "JT1234567890123": ""},
    ),
    (
        "no header, commas and semicolons: asked",
        "SF9606000000479,áo; size M; 2 cái\nJT1234567890123,quần; L\n",
        "",
        ASK,
        {},
    ),
    (
        "no header, a separator in some rows only: asked",
        "SF9606000000479,áo\nJT1234567890123\n",
        "",
        ASK,
        {},
    ),
    (
        "a header of one column, then both in the rows: asked",
        "Mã vận đơn\nSF9606000000479,áo; M\nJT1234567890123,quần; L\n",
        "",
        ASK,
        {},
    ),
    (
        "the customer's answer: comma",
        "SF9606000000479,áo; size M; 2 cái\nJT1234567890123,quần; L\n",
        "comma",
        [(1, ADDED, "SF9606000000479"), (2, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo; size M; 2 cái", "JT1234567890123": "quần; L"},
    ),
    (
        "the customer's answer: semicolon",
        "SF9606000000479;áo, size M\nJT1234567890123\n",
        "semicolon",
        [(1, ADDED, "SF9606000000479"), (2, ADDED, "JT1234567890123")],
        {"SF9606000000479": "áo, size M", "JT1234567890123": ""},
    ),
    (
        "the customer's answer: tab",
        "SF9606000000479\táo, size M; 2\n",
        "tab",
        [(1, ADDED, "SF9606000000479")],
        {"SF9606000000479": "áo, size M; 2"},
    ),
    # These two need clean_tracking_code's changes (a spreadsheet's ".0"; text stuck to an SF number).
    (
        "a number Excel saved with .0",
        "Mã vận đơn,Ghi chú\n78123456780001.0,giày\n",
        "",
        [(2, ADDED, "78123456780001")],
        {"78123456780001": "giày"},
    ),
    (
        "a wrong answer glues the note onto the code: refused, not registered",
        "SF9606000000479;OK\nJT1234567890123;x\n",
        "comma",
        [(1, REFUSED, ""), (2, REFUSED, "")],
        {},
    ),
]


@pytest.mark.parametrize(
    ("text", "separator", "expected", "registered"),
    [case[1:] for case in CSV_FILES],
    ids=[case[0] for case in CSV_FILES],
)
def test_the_csv_separator_is_sure_or_asked(customer, text, separator, expected, registered):
    imp = run(customer, csv_upload(text), separator=separator)
    if expected == ASK:
        assert imp.status == TrackingImport.Status.FAILED
        assert "choose its separator" in imp.error and "“Separator”" in imp.error
        assert not imp.result_file
    else:
        assert_outcome(imp, expected)
    assert notes(customer) == registered


def test_the_question_is_asked_in_the_sites_language(customer, settings):
    settings.LANGUAGE_CODE = "vi"
    imp = run(customer, csv_upload("SF9606000000479,áo; M\nJT1234567890123,quần; L\n"))
    assert imp.status == TrackingImport.Status.FAILED
    with translation.override("vi"):
        from tracking.imports.delimited import _ask

        assert imp.error == str(_ask([",", ";"]))


def test_the_chosen_separator_survives_a_queued_again_task(customer):
    imp = imports.import_start(
        customer=customer, uploaded_file=csv_upload("SF9606000000479;áo, M\nJT1\n"), separator="semicolon"
    )
    assert imp.file.name.endswith(".csv")
    assert imp.csv_separator == ";"
    imports.imports_sweep(now=imp.created_at + imports.REQUEUE_AFTER * 2)  # runs it (Celery is eager here)
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.DONE
    assert notes(customer)["SF9606000000479"] == "áo, M"


def test_an_unknown_separator_is_refused_at_upload(customer):
    from core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        imports.import_start(customer=customer, uploaded_file=csv_upload("SF9606000000479\n"), separator="|")
    assert caught.value.code == "separator"


def test_a_gb18030_file_with_a_title_and_a_chinese_header(customer):
    text = "供应商：广州某某服饰\r\n运单编号,商品名称\r\n中通 78123456789012,女装; 连衣裙\r\n"
    imp = run(customer, csv_upload(text, encoding="gb18030"))
    assert_outcome(imp, [(3, ADDED, "78123456789012")])
    assert notes(customer) == {"78123456789012": "女装; 连衣裙"}


# --- the form ------------------------------------------------------------------------------------------------


@pytest.fixture
def uploads(client_of, customer, django_capture_on_commit_callbacks):
    client = client_of(customer)

    def post(text, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("tracking:import"), {"file": csv_upload(text), **data})

    return client, post


def test_the_import_form_offers_the_separator(uploads):
    client, _post = uploads
    page = client.get(reverse("tracking:import")).text
    assert 'name="separator"' in page
    for value in ('value=""', 'value="comma"', 'value="semicolon"', 'value="tab"'):
        assert value in page


def test_asked_then_answered_on_the_form(uploads, customer):
    client, post = uploads
    text = "SF9606000000479,áo; size M\nJT1234567890123,quần; L\n"
    asked = post(text)
    first = TrackingImport.objects.get()
    assert first.status == TrackingImport.Status.FAILED
    assert "“Separator”" in client.get(asked.url).text

    answered = post(text, separator="comma")
    assert answered.status_code == 302
    second = TrackingImport.objects.exclude(pk=first.pk).get()
    assert second.status == TrackingImport.Status.DONE
    assert notes(customer) == {"SF9606000000479": "áo; size M", "JT1234567890123": "quần; L"}


def test_a_separator_not_in_the_list_is_a_form_error(uploads):
    _client, post = uploads
    response = post("SF9606000000479\n", separator="pipe")
    assert response.status_code == 200
    assert "separator" in response.context["form"].errors
    assert not TrackingImport.objects.exists()
