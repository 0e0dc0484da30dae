"""One reading of what the stations' scanners send (tracking.scanner.scan_text, shipping.codes)."""

import pytest

from shipping.codes import BAG_CODE, TRIP_CODE, scanned_code
from tracking.scanner import scan_text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("\x02]C1B0000001\r\n", "B0000001"),  # STX, an AIM identifier, CR/LF
        (" ＫＧ００００１２３４－２ ", "KG00001234-2"),  # full-width, as some keyboards type it
        ("\ufeffKG00001234", "KG00001234"),
        ("KG0000]C11234", "KG0000]C11234"),  # an identifier only counts in front
        ("", ""),
    ],
)
def test_scan_text_takes_the_framing_off(raw, text):
    assert scan_text(raw) == text


def test_codes_are_read_without_spaces_and_in_upper_case():
    assert scanned_code("]C1 b 0000001 ") == "B0000001"
    assert BAG_CODE.fullmatch(scanned_code("b0000001")) and not BAG_CODE.fullmatch("B000001")
    assert TRIP_CODE.fullmatch(scanned_code("t000001")) and not TRIP_CODE.fullmatch("T000001X")
