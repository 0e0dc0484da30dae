"""VietQR (NAPAS's profile of the EMVCo merchant-presented QR): the payload a Vietnamese banking app reads to
fill in a transfer (bank, account, amount, content), and its picture as inline SVG (segno, pure Python).

A payload is a list of fields `ID (2 digits) + length (2 digits) + value`, ending with field 63, the
CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of everything before it including `6304`, in 4 upper-case hex
digits. See MONEY.md; the test vector there is checked in billing/tests/test_vietqr.py.
"""

import binascii
import re

NAPAS_AID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"  # transfer to an account (QRIBFTTC: to a card)
CURRENCY_VND = "704"
COUNTRY = "VN"
MAX_CONTENT = 25  # banks truncate longer contents; NAPAS allows 25 in field 62.08

_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_PRINTABLE_ASCII = re.compile(r"[ -~]*")


def _field(field_id: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {field_id} is longer than 99 characters")
    return f"{field_id}{len(value):02d}{value}"


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE of an ASCII string, as EMVCo writes it: 4 upper-case hex digits."""
    return f"{binascii.crc_hqx(data.encode('ascii'), 0xFFFF):04X}"


def check_content(content: str) -> str:
    """The transfer content as it may go into a QR code: printable ASCII, at most 25 characters."""
    if not _PRINTABLE_ASCII.fullmatch(content):
        raise ValueError("the transfer content must be printable ASCII (no accents, no emoji)")
    if len(content) > MAX_CONTENT:
        raise ValueError(f"the transfer content must be at most {MAX_CONTENT} characters")
    return content


def payload(
    *, bank_bin: str, account: str, amount_vnd: int | None = None, content: str = "", bill_number: str = ""
) -> str:
    """The VietQR payload for a transfer to `account` at the bank `bank_bin` (6 digits).

    With an amount (integer đồng) the code is dynamic (point of initiation 12: the banking app fills in the
    amount); without, static (11). `content` (nội dung chuyển khoản) goes in field 62.08, `bill_number` in
    62.01. Raises ValueError for anything a banking app would refuse."""
    if not _BIN.fullmatch(bank_bin or ""):
        raise ValueError("the bank BIN must be 6 digits")
    if not _ACCOUNT.fullmatch(account or ""):
        raise ValueError("the account number must be 1 to 19 letters or digits")
    if amount_vnd is not None and (
        isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or not 0 < amount_vnd < 10**13
    ):
        raise ValueError("the amount must be a positive whole number of đồng, at most 13 digits")
    check_content(content)
    check_content(bill_number)
    beneficiary = _field("00", bank_bin) + _field("01", account)
    merchant = _field("00", NAPAS_AID) + _field("01", beneficiary) + _field("02", SERVICE_TO_ACCOUNT)
    parts = [
        _field("00", "01"),
        _field("01", "12" if amount_vnd else "11"),
        _field("38", merchant),
        _field("53", CURRENCY_VND),
    ]
    if amount_vnd:
        parts.append(_field("54", str(amount_vnd)))
    parts.append(_field("58", COUNTRY))
    additional = (_field("01", bill_number) if bill_number else "") + (
        _field("08", content) if content else ""
    )
    if additional:
        parts.append(_field("62", additional))
    data = "".join(parts) + "6304"
    return data + crc16(data)


def svg(data: str, *, title: str = "VietQR") -> str:
    """The QR code of `data` as an inline <svg> that scales to its container (no fixed size)."""
    import segno

    return segno.make(data, error="m").svg_inline(
        scale=4, border=2, omitsize=True, title=title, svgclass="vietqr", lineclass="vietqr-line"
    )
