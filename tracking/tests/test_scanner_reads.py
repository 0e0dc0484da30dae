"""What a handheld scanner sends at the China warehouse, and what `read_scan` makes of it: AIM identifiers and
control characters, piece suffixes, e-waybill QR codes and links, the label's other symbols."""

import doctest
import re
import time

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tracking import couriers, scanner
from tracking.couriers import COURIERS
from tracking.normalize import ScanRead as ScanReadFromNormalize
from tracking.normalize import clean_tracking_code
from tracking.scanner import ScanRead, read_scan

PLAIN = {
    "sf": "SF1234567890123",
    "jd": "JDAWX021335190001",
    "jt": "JT3012345670001",
    "yto": "YT1234567890123",
    "zto": "78123456789012",
    "sto": "773123456789012",
    "yunda": "4312345678901",
    "ems": "EA123456789CN",
    "deppon": "DPK123456789012",
}

READS = [
    # Plain barcodes of each courier, as sent.
    *[(code, code, None, None, "barcode") for code in PLAIN.values()],
    ("JDVA01234567890", "JDVA01234567890", None, None, "barcode"),
    ("sf1234567890123", "SF1234567890123", None, None, "barcode"),  # caps lock on the scanner PC
    # AIM symbology identifiers (]<letter><modifier>) and control characters around the data.
    ("]C1JT3012345670001", "JT3012345670001", None, None, "barcode"),
    ("]C0SF1234567890123", "SF1234567890123", None, None, "barcode"),
    ("]A0YT1234567890123", "YT1234567890123", None, None, "barcode"),
    ("]A078123456789012", "78123456789012", None, None, "barcode"),
    ("]I04312345678901", "4312345678901", None, None, "barcode"),
    ("]e0773123456789012", "773123456789012", None, None, "barcode"),
    ("]Q1DPK123456789012", "DPK123456789012", None, None, "qr"),
    ("]d2EA123456789CN", "EA123456789CN", None, None, "datamatrix"),
    ("]L2JDVA01234567890", "JDVA01234567890", None, None, "pdf417"),
    ("\x02]C0SF1234567890123\x03", "SF1234567890123", None, None, "barcode"),
    ("SF1234567890123\r\n", "SF1234567890123", None, None, "barcode"),
    ("\x1dJT3012345670001\x1d\r", "JT3012345670001", None, None, "barcode"),
    ("  78123456789012\t", "78123456789012", None, None, "barcode"),
    # Piece suffixes: piece n of m; a trailing dash (JD); after an AIM identifier.
    ("JDAWX021335190001-1-2", "JDAWX021335190001", 1, 2, "barcode"),
    ("JDAWX021335190001-2-2", "JDAWX021335190001", 2, 2, "barcode"),
    ("JDVA01234567890-1-3-", "JDVA01234567890", 1, 3, "barcode"),
    ("JDVA01234567890-3-3-", "JDVA01234567890", 3, 3, "barcode"),
    ("]C0JDAWX021335190001-12-120", "JDAWX021335190001", 12, 120, "barcode"),
    ("DPK123456789012-2-5", "DPK123456789012", 2, 5, "barcode"),
    # A piece number alone after a known courier's waybill, and "n/m" as people write it.
    ("JDAWX021335190001-2", "JDAWX021335190001", 2, None, "barcode"),
    ("78123456789012-1", "78123456789012", 1, None, "barcode"),
    ("78123456789012 2/3", "78123456789012", 2, 3, "barcode"),
    ("SF1234567890123 - 12/15", "SF1234567890123", 12, 15, "barcode"),
    ("JDAWX021335190001-999-999\r\n", "JDAWX021335190001", 999, 999, "barcode"),
    # QR codes of e-waybills: dicts (JSON or JSON-ish) and query strings.
    (
        "MMM={'k1':'020W','k2':'','k4':'T4','k5':'SF7444400000001','k6':'','k7':'3c1a9e'}",
        "SF7444400000001",
        None,
        None,
        "qr",
    ),
    ("]Q1MMM={'k1':'755WF','k2':'755AB','k5':'SF1234567890123','k6':'A'}", "SF1234567890123", None, None, "qr"),
    ('{"mailNo":"78123456789012","cpCode":"ZTO"}', "78123456789012", None, None, "qr"),
    ('{"billCode": "JT3012345670001", "sortCode": "571-A01-003"}', "JT3012345670001", None, None, "qr"),
    ('{"data":{"waybillNo":"YT1234567890123"},"v":2}', "YT1234567890123", None, None, "qr"),
    ('{"waybill_no": 4312345678901}', "4312345678901", None, None, "qr"),
    ("{'logisticsNo':'773123456789012'}", "773123456789012", None, None, "qr"),
    ("{'trackingNo':'DPK123456789012','pieces':2}", "DPK123456789012", None, None, "qr"),
    ('{"运单号":"78123456789012","收件人":"张三"}', "78123456789012", None, None, "qr"),
    ('{"waybillCode":"JDVA01234567890-2-3-"}', "JDVA01234567890", 2, 3, "qr"),
    ('{"id":"a1b2","no":"SF1234567890123"}', "SF1234567890123", None, None, "qr"),  # no key: a known shape
    ("mailno=78123456789012&cp=ZTO", "78123456789012", None, None, "qr"),
    ("billcode=JT3012345670001&site=571", "JT3012345670001", None, None, "qr"),
    ("78123456789012|571-A01-003|杭州", "78123456789012", None, None, "qr"),  # delimited fields
    ("运单号:YT1234567890123\n收件人:张*\n电话:138****5678", "YT1234567890123", None, None, "qr"),
    # Links with the waybill in a parameter, in the fragment or at the end of the path.
    ("https://m.sf-express.com/waybill/list?waybillNo=SF1234567890123", "SF1234567890123", None, None, "url"),
    ("https://page.cainiao.com/express/detail.html?mailNo=78123456789012&cpCode=ZTO", "78123456789012", None, None, "url"),
    ("https://m.kuaidi100.com/result.jsp?nu=4312345678901", "4312345678901", None, None, "url"),
    ("http://example.cn/app/#/track?billCode=JT3012345670001", "JT3012345670001", None, None, "url"),
    ("https://www.jtexpress.cn/track/JT3012345670001", "JT3012345670001", None, None, "url"),
    ("https://www.yto.net.cn/query/YT1234567890123.html", "YT1234567890123", None, None, "url"),
    ("www.zto.com/?num=78123456789012", "78123456789012", None, None, "url"),
    ("]Q1HTTPS://M.SF-EXPRESS.COM/W?WAYBILLNO=SF1234567890123", "SF1234567890123", None, None, "url"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "code", "piece", "pieces", "source"), READS)
def test_reads(raw, code, piece, pieces, source):
    assert read_scan(raw) == ScanRead(code, piece, pieces, source)


REFUSALS = [
    # A product's barcode: the scanner's AIM identifier says EAN/UPC.
    ("]E06901234567892", "product"),
    ("]E3069012345678921", "product"),
    # "-2" after something that is no known waybill: a piece number or part of the code? Asked, not glued.
    ("ABCD12345678-2", "piece_suffix"),
    ("78123456789012 4/3", "piece"),
    # Damaged piece suffixes.
    ("JDAWX021335190001-3-2", "piece"),
    ("JDAWX021335190001-0-2", "piece"),
    ("JDVA01234567890-4-3-", "piece"),
    ("JDAWX021335190001-1-1000", "piece"),
    # Links and QR codes without a waybill.
    ("https://u.zto.com/q/7Gh3kLq9", "link"),
    ("https://weixin.qq.com/r/abcdefghij", "link"),
    ("http://m.yto.net.cn/?from=label&v=2", "link"),
    ("{'k1':'020W','k2':'','k4':'T4'}", "qr"),
    ("shop=12345&coupon=SPRING", "qr"),
    # The label's other symbols.
    ("571-A01-003", "sorting_code"),
    ("300-W03 12", "sorting_code"),
    ("021W-A12-01", "sorting_code"),
    ("755WF-012", "sorting_code"),
    ("510-300-001", "sorting_code"),
    ("]C0571-A01-003", "sorting_code"),
    ("020W", "hub_code"),
    ("571", "hub_code"),
    ("杭州中转包", "hub_code"),
    ("集包地 华东", "hub_code"),
    ("集包地：杭州转运中心", "hub_code"),
    ("1234567890123456789", "order_number"),  # Taobao
    ("3512345678901234", "order_number"),  # 1688, 16 digits
    ("231126-123456789012345", "order_number"),  # Pinduoduo
    ("LP00068400002473", "cainiao"),
    ("]C0LP00123456789012345", "cainiao"),
    ("13812345678", "phone"),
    ("138****5678", "phone"),
    ("138-1234-5678", "phone"),
    ("+86 13812345678", "phone"),
    ("19912345678-1234", "phone"),  # a privacy number with its extension
    ("2024-05-12", "date"),
    ("2024/5/12 14:30", "date"),
    ("2024年05月12日", "date"),
    ("14:30:05", "date"),
    # What clean_tracking_code refuses, with its reason.
    ("", "empty"),
    ("\r\n", "empty"),
    ("]C0", "empty"),
    ("SF9606000000479OK", "shape"),
    ("JT12345", "short"),
    ("A" * 40, "long"),
    ("包裹一二三四五六七八", "characters"),
    ("7.8123E+13", "scientific"),
]


@pytest.mark.parametrize(("raw", "reason"), REFUSALS)
def test_refusals(raw, reason):
    with pytest.raises(ValidationError) as exc:
        read_scan(raw)
    assert exc.value.code == reason
    assert exc.value.messages[0]


@pytest.mark.parametrize(
    "raw", ["571-A01-003", "020W", "13812345678", "2024-05-12", "1234567890123456789", "LP00068400002473"]
)
def test_other_symbols_say_what_to_scan_instead(raw):
    with pytest.raises(ValidationError) as exc:
        read_scan(raw)
    assert "运单号" in exc.value.messages[0]


def test_a_link_without_the_waybill_says_so():
    with pytest.raises(ValidationError) as exc:
        read_scan("https://u.zto.com/q/7Gh3kLq9")
    assert "link" in exc.value.messages[0] and "运单号" in exc.value.messages[0]


@pytest.mark.parametrize(
    "raw",
    [
        "SF1234567890123",
        " sf 1234 5678 9012 3",
        "运单号：78123456789012",
        "JDAWX021335190001-1-2",
        "中通快递 78123456789012",
        "Trung Thông 78123456789012",
        "78123456780001.0",
    ],
)
def test_a_scan_and_a_registration_compare_equal(raw):
    assert read_scan(raw).code == clean_tracking_code(raw)


def _shaped_codes():
    return st.one_of(
        *[
            st.from_regex(re.compile(shape + r"\Z", re.ASCII), fullmatch=True)
            for info in COURIERS
            for shape in info.shapes
        ]
    )


@given(_shaped_codes(), st.sampled_from(["", "]C0", "]C1", "]Q1", "]d2", "]A0", "]I0", "]e0"]))
def test_any_real_code_reads_as_itself_with_or_without_an_aim_identifier(code, aim):
    read = read_scan(f"\x02{aim}{code}\r\n")
    assert (read.code, read.piece, read.pieces) == (code, None, None)
    assert read.code == clean_tracking_code(code)


@given(_shaped_codes(), st.integers(1, 999), st.integers(0, 998), st.booleans())
def test_a_piece_suffix_is_never_glued_onto_the_code(code, piece, extra, dash):
    pieces = min(piece + extra, 999)
    read = read_scan(f"{code}-{piece}-{pieces}{'-' if dash else ''}")
    assert (read.code, read.piece, read.pieces) == (code, piece, pieces)


def test_documented_examples():
    for module in (scanner, couriers):
        failures, _tests = doctest.testmod(module)
        assert failures == 0


def test_read_scan_is_importable_beside_clean_tracking_code():
    assert ScanReadFromNormalize is ScanRead


def test_plain_reads_take_microseconds():
    """A sanity check of the scan station's hot path, not a benchmark: 10,000 plain reads well under 1 s."""
    codes = list(PLAIN.values())
    started = time.perf_counter()
    for i in range(10_000):
        read_scan(codes[i % len(codes)])
    assert time.perf_counter() - started < 1.0
