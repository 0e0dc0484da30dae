"""What customers type when they register a tracking number: courier names in every spelling, Cainiao LP
numbers, overlapping courier shapes, spreadsheet leftovers, text glued to a code, piece suffixes."""

import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tracking.couriers import COURIERS, Courier
from tracking.normalize import (
    MAX_LENGTH,
    MIN_LENGTH,
    clean_tracking_code,
    clean_with_pieces,
    normalize_tracking_code,
    possible_couriers,
    recognise_courier,
)

SF, JD, JD2, JT, YTO = (
    "SF1234567800021",
    "JDAWX021335190001",
    "JDVA01234567890",
    "JT3012345670001",
    "YT1234567890123",
)
ZTO, STO, YUNDA, DEPPON = "78123456789012", "773123456789012", "4312345678901", "DPK123456789012"
EMS, POST, BEST = "EA123456789CN", "1012345678901", "51234567890123"

SPELLINGS = {
    SF: [
        "SF Express", "SF-Express", "S.F. Express", "SFExpress", "sf express", "SF EXPRESS:", "Shunfeng",
        "Shun Feng", "shunfeng express", "顺丰", "顺丰速运", "Thuận Phong", "thuan phong", "THUẬN PHONG -", "SF",
    ],
    JD: ["JD Logistics", "JD Express", "jd logistics:", "JD.com", "Jingdong", "京东物流", "Kinh Đông", "kinh dong", "JD"],
    JD2: ["JD Express", "Jing Dong", "京东", "Kinh Đông:", "JD"],
    JT: ["J&T Express", "J&T", "JT Express", "j&t express -", "J & T", "JNT", "Jitu", "极兔速递", "Cực Thố", "cuc tho", "JT"],
    YTO: ["YTO Express", "YTO", "Yuantong", "yuan tong", "圆通速递", "Viên Thông", "vien thong", "YT"],
    ZTO: ["ZTO Express", "ZTO", "Zhongtong", "中通快递", "Trung Thông", "trung thong", "TRUNG THÔNG:", "CPN Trung Thông"],
    STO: ["STO Express", "STO", "Shentong", "申通快递", "Thân Thông", "than thong"],
    YUNDA: ["Yunda Express", "Yunda", "yun da", "韵达快递", "Vận Đạt", "van dat", "VẬN ĐẠT -"],
    DEPPON: ["Deppon Express", "Deppon", "Debang", "德邦快递", "Đức Bang", "duc bang", "DPK"],
    EMS: ["EMS", "China Post", "China EMS", "Youzheng", "中国邮政", "Bưu chính Trung Quốc", "buu chinh trung quoc"],
    POST: ["China Post", "EMS", "Zhongguo Youzheng", "邮政快递包裹", "Bưu điện Trung Quốc"],
    BEST: ["Best Express", "Best", "Baishi", "百世快递", "Bách Thế"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "code"), [(f"{name} {code}", code) for code, names in SPELLINGS.items() for name in names]
)
def test_a_courier_name_before_the_code_is_taken_off(raw, code):
    assert clean_tracking_code(raw) == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SF 1234567890123", "SF1234567890123"),  # the courier's letters begin its code
        ("SF: 1234567890123", "SF1234567890123"),
        ("JT 3012345670001", "JT3012345670001"),
        ("JD VA01234567890", "JDVA01234567890"),
        ("YT 1234567890123", "YT1234567890123"),
        ("DPK 123456789012", "DPK123456789012"),
        ("SF SF1234567890123", "SF1234567890123"),  # … unless a whole code of that courier follows
        ("SFSF1234567890123", "SF1234567890123"),
        ("ShunfengSF1234567890123", "SF1234567890123"),  # a name glued to a whole code
        ("SF Express 1234567890123", "1234567890123"),  # a longer name is always a name
        ("中通快递 运单号：78123456789012", "78123456789012"),
        ("Mã vận đơn: CPN Trung Thông - 78123456789012", "78123456789012"),
        ("JDCOM1234567890", "JDCOM1234567890"),  # nothing comes off a whole code of a known shape
    ],
)
def test_courier_letters_are_part_of_the_code_unless_a_whole_code_follows(raw, expected):
    assert clean_tracking_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "reason"),
    [
        ("LP00068400002473", None, "cainiao"),
        ("lp 0006 8400 0024 73", None, "cainiao"),
        ("菜鸟 LP00068400002473", None, "cainiao"),
        ("78123456780001.0", "78123456780001", None),  # a spreadsheet's float: the number
        ("78123456780001.00", "78123456780001", None),
        ("4312345678901.0 ,", "4312345678901", None),
        ("78123456780001.5", None, "decimal"),
        ("1234567.89", None, "decimal"),
        ("7812.3456.7890", "781234567890", None),  # group separators are still dropped
        ("7812-3456-7890", "781234567890", None),  # … dashes too: not a piece suffix
        ("7812 3456 789-012", "78123456789012", None),
        ("SF9606000000479OK", None, "shape"),  # a CSV note glued onto the code
        ("SF96060000004790", None, "shape"),  # a digit too many
        ("JT301234567000", None, "shape"),  # a digit too few
        ("JDAWX021335190001OK", None, "shape"),
        ("YT1234567890123NOTE", None, "shape"),
        ("DPK1234567890", None, "shape"),
        ("SF1234567890123.0", None, "shape"),
        ("SF123456789CN", "SF123456789CN", None),  # a UPU S10 number is not an SF number
        ("JDAWX021335190001", "JDAWX021335190001", None),
        ("JDVA01234567890", "JDVA01234567890", None),
        ("JDAWX021335190001-1-2", "JDAWX021335190001", None),  # JD's piece 1 of 2 registers the waybill
        ("JDAWX021335190001-2-2", "JDAWX021335190001", None),
        ("JDVA01234567890-1-3-", "JDVA01234567890", None),
        ("京东 JDVA01234567890-2-3", "JDVA01234567890", None),
        ("DPK123456789012-1-2", "DPK123456789012", None),
        ("JDAWX021335190001-3-2", None, "piece"),
        ("JDAWX021335190001-0-2", None, "piece"),
        ("78123456789012-1-0", None, "piece"),
        ("231126-123456789012345", None, "order_number"),
        ("1234567890123456789", None, "order_number"),
    ],
)
def test_registration_rows(raw, expected, reason):
    if reason is None:
        assert clean_tracking_code(raw) == expected
        return
    with pytest.raises(ValidationError) as exc:
        clean_tracking_code(raw)
    assert exc.value.code == reason
    assert exc.value.messages[0]


def test_the_cainiao_refusal_says_where_the_real_number_is():
    with pytest.raises(ValidationError) as exc:
        clean_tracking_code("LP00068400002473")
    message = exc.value.messages[0]
    assert "菜鸟" in message and "查看物流" in message


def test_the_shape_refusal_names_the_courier_and_its_shape():
    with pytest.raises(ValidationError) as exc:
        clean_tracking_code("SF9606000000479OK")
    message = exc.value.messages[0]
    assert "SF Express" in message and "12–13" in message


def test_a_piece_suffix_is_returned_beside_the_code():
    assert clean_with_pieces("JDAWX021335190001-2-2") == ("JDAWX021335190001", 2, 2)
    assert clean_with_pieces("JDAWX021335190001") == ("JDAWX021335190001", None, None)
    assert normalize_tracking_code("JDAWX021335190001-1-2") == "JDAWX021335190001"


@pytest.mark.parametrize(
    ("code", "couriers"),
    [
        ("SF1234567890123", ["sf"]),
        ("SF123456789012", ["sf"]),
        ("JDAWX021335190001", ["jd"]),
        ("JDVA01234567890", ["jd"]),
        ("JT3012345670001", ["jt"]),
        ("YT1234567890123", ["yto"]),
        ("DPK123456789012", ["deppon"]),
        ("EA123456789CN", ["ems"]),
        ("9812345678901", ["ems"]),
        ("78123456789012", ["zto"]),
        ("773123456789012", ["sto"]),
        ("4312345678901", ["yunda"]),
        ("462598779470531", ["yunda"]),
        ("51234567890123", ["best"]),
        ("768123456789", ["zto", "sto"]),  # a 12-digit 768…: ZTO's or STO's
        ("ABCD12345678", []),
    ],
)
def test_possible_couriers_and_recognition(code, couriers):
    assert possible_couriers(code) == couriers
    assert recognise_courier(code) == (couriers[0] if len(couriers) == 1 else None)


def _shaped_codes():
    return st.one_of(
        *[
            st.from_regex(re.compile(shape + r"\Z", re.ASCII), fullmatch=True)
            for info in COURIERS
            for shape in info.shapes
        ]
    )


@given(st.one_of(_shaped_codes(), st.text("0123456789", min_size=MIN_LENGTH, max_size=16)))
def test_a_code_two_couriers_could_have_is_named_for_neither(code):
    found = possible_couriers(code)
    assert recognise_courier(code) == (found[0] if len(found) == 1 else None)
    assert len(set(found)) == len(found)


@given(_shaped_codes())
def test_every_real_shape_is_accepted_as_it_is(code):
    assert MIN_LENGTH <= len(code) <= MAX_LENGTH
    assert clean_tracking_code(code) == code


def _spellings(name: str) -> list[str]:
    plain = "".join(
        "D" if ch == "Đ" else "d" if ch == "đ" else unicodedata.normalize("NFD", ch)[0] for ch in name
    )
    return [name, name.lower(), name.upper(), plain, plain.lower()]


_NAMED = [
    (info, spelling)
    for info in COURIERS
    if info.courier
    for name in (*info.names, *info.code_words)
    for spelling in _spellings(name)
]


@given(st.data(), st.sampled_from(_NAMED), st.sampled_from([" ", ": ", " - ", ":", "-", "：", "　"]))
def test_any_name_of_the_code_s_courier_before_it_comes_off(data, named, separator):
    info, name = named
    shape = data.draw(st.sampled_from(info.shapes))
    code = data.draw(st.from_regex(re.compile(shape + r"\Z", re.ASCII), fullmatch=True))
    assert clean_tracking_code(f"{name}{separator}{code}") == code


def test_the_courier_table_covers_every_choice():
    assert {str(info.courier) for info in COURIERS if info.courier} == set(Courier.values)
    assert all(len(value) <= 8 for value in Courier.values)  # TrackingNumber.courier is max_length=8
