"""The VietQR payload builder against MONEY.md's test vector, and the QR picture."""

import binascii

import pytest

from billing import vietqr

VECTOR = (
    "00020101021238530010A0000007270123000697041601092245284790208QRIBFTTA53037045405100005802VN"
    "62340107NPS68690819TRANSFER TO SOMEONE6304AC13"
)


def test_the_published_test_vector_is_built_exactly():
    payload = vietqr.payload(
        bank_bin="970416",
        account="224528479",
        amount_vnd=10000,
        bill_number="NPS6869",
        content="TRANSFER TO SOMEONE",
    )
    assert payload == VECTOR


def test_crc_is_ccitt_false_over_everything_before_it_including_6304():
    body = VECTOR[:-4]
    assert body.endswith("6304")
    assert vietqr.crc16(body) == "AC13"
    assert vietqr.crc16("123456789") == "29B1"  # the CRC-16/CCITT-FALSE check value
    assert vietqr.crc16(body) == f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"


def _fields(payload: str) -> dict:
    out, i = {}, 0
    while i < len(payload):
        fid, length = payload[i : i + 2], int(payload[i + 2 : i + 4])
        out[fid] = payload[i + 4 : i + 4 + length]
        i += 4 + length
    return out


def test_a_top_up_code_is_dynamic_with_the_amount_and_content():
    payload = vietqr.payload(
        bank_bin="970436", account="0123499999", amount_vnd=1_500_000, content="NAP YW532"
    )
    fields = _fields(payload)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert fields["38"] == "0010A000000727" + "0124" + "0006970436" + "01100123499999" + "0208QRIBFTTA"
    assert fields["53"] == "704"
    assert fields["54"] == "1500000"
    assert fields["58"] == "VN"
    assert fields["62"] == "0809NAP YW532"
    assert fields["63"] == vietqr.crc16(payload[:-4])


def test_without_an_amount_the_code_is_static_and_has_no_amount_field():
    fields = _fields(vietqr.payload(bank_bin="970436", account="0123499999", content="NAP YW532"))
    assert fields["01"] == "11"
    assert "54" not in fields
    assert fields["62"] == "0809NAP YW532"


def test_without_content_there_is_no_additional_data():
    fields = _fields(vietqr.payload(bank_bin="970422", account="12345", amount_vnd=10000))
    assert "62" not in fields


@pytest.mark.parametrize(
    "kwargs",
    [
        {"content": "NẠP YW532"},  # not ASCII
        {"content": "NAP YW532 🎉"},
        {"content": "X" * 26},  # longer than 25
        {"content": "NAP\nYW532"},  # not printable
        {"bank_bin": "97043"},
        {"bank_bin": "97043A"},
        {"account": ""},
        {"account": "0123 4999"},
        {"amount_vnd": 0},
        {"amount_vnd": -10000},
        {"amount_vnd": 1000.5},
        {"amount_vnd": True},
        {"amount_vnd": "10000"},
        {"amount_vnd": 10**13},
    ],
)
def test_what_a_banking_app_would_refuse_is_refused(kwargs):
    args = {"bank_bin": "970436", "account": "0123499999", "amount_vnd": 10000, "content": "NAP YW532"}
    with pytest.raises(ValueError):
        vietqr.payload(**{**args, **kwargs})


def test_content_of_exactly_25_ascii_characters_is_fine():
    assert vietqr.check_content("A" * 25) == "A" * 25


def test_svg_is_an_inline_scalable_picture_with_an_escaped_title():
    svg = vietqr.svg(VECTOR, title='Vietcombank <0123> & "co"')
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "viewBox" in svg and "width=" not in svg.split(">")[0]
    assert "&lt;0123&gt; &amp;" in svg
    assert "<path" in svg
