"""Piece suffixes: how a label or a customer says "box 2 of 3 of this waybill" (kiện 2/3).

JD and Deppon print one label per piece, the waybill followed by ``-<piece>-<pieces>`` (JD with a trailing
``-``); customers and some couriers write ``<waybill> 2/3`` or ``<waybill>-2``. `tracking.normalize` reads
them for registrations and `tracking.scanner` for scans, so that the digits are never glued onto the code.
"""

import re

MAX_PIECES = 999

# A piece suffix: the waybill, then "-<piece>-<pieces>", maybe a trailing "-" (JD prints
# "JDVA01234567890-1-3-"); the waybill itself of 8+ characters without separators, so that a code typed in
# groups ("7812-3456-7890", "7812-3456-789-012") stays a code. 4-digit numbers are read so that "-1-1000" is
# refused (pieces go up to 999) rather than glued onto the code.
PIECES = re.compile(r"([0-9A-Z]{8,})-(\d{1,4})-(\d{1,4})-?\Z", re.ASCII)
# A waybill, then "-2" (a piece number without the count), or " 2/3" / "-2/3" (piece 2 of 3), as customers
# and some couriers write it. Read on folded text before spaces go, so "…9012 12/15" splits where it should.
PIECE_ONLY = re.compile(r"([0-9A-Z]{8,})-(\d{1,3})-?\Z", re.ASCII)
PIECES_SLASH = re.compile(r"(.*[0-9A-Z]{8,})[\s\-]+(\d{1,3})\s*/\s*(\d{1,3})\s*\Z", re.ASCII)


def split_pieces(text: str) -> tuple[str, int, int] | None:
    """``"JDAWX021335190001-1-2"`` → ``("JDAWX021335190001", 1, 2)``; None when there is no piece suffix.

    The rule (JD and Deppon print one label per piece, the waybill followed by ``-<piece>-<pieces>``, JD with a
    trailing ``-``): 8 or more letters and digits, ``-``, 1–4 digits, ``-``, 1–4 digits, optionally ``-``.
    The numbers are returned as read; whether they make sense (1 ≤ piece ≤ pieces ≤ 999) is the caller's
    check.
    Expects folded text (upper-case, no spaces).
    """
    match = PIECES.match(text)
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def pieces_make_sense(piece: int, pieces: int) -> bool:
    return 1 <= piece <= pieces <= MAX_PIECES
