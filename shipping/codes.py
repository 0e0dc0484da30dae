"""The codes shipping's stations scan, read one way everywhere: bag labels (`B` + 7 digits), trip codes
(`T` + 6 digits), and what a scanner sends around them (tracking.scanner.scan_text)."""

import re

from tracking.scanner import scan_text

MAX_SCAN_LENGTH = 200  # a label code or a waybill is far shorter: refused before any database work
BAG_CODE = re.compile(r"B\d{7,}")  # fullmatch
TRIP_CODE = re.compile(r"T\d{6,}")  # fullmatch


def scanned_code(raw: str) -> str:
    """A scan as a code: the scanner's framing off, no spaces inside, upper case."""
    return re.sub(r"\s", "", scan_text(raw)).upper()
