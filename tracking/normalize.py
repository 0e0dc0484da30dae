"""One set of rules for tracking numbers (mã vận đơn), used by the customer's forms, the spreadsheet import and
the scan station alike, so that what a customer typed and what a scanner read compare equal when they are the
same parcel. What a handheld scanner sends is read by `tracking.scanner.read_scan` (also importable from
here), which ends in the same checks; the couriers, their names and shapes are in `tracking.couriers`.

What customers paste is messy; normalisation undoes it:

>>> normalize_tracking_code(" sf 1234 5678 9012 3 ")
'SF1234567890123'
>>> normalize_tracking_code("ＹＴ１２３４５６７８９０１２３")          # full-width, from a Chinese input method
'YT1234567890123'
>>> normalize_tracking_code("7812\\u200b3456\\u00a07890 12,")          # zero-width and non-breaking spaces, a list comma
'78123456789012'
>>> normalize_tracking_code("运单号：78123456789012")                  # a label before the code
'78123456789012'
>>> normalize_tracking_code("中通快递 78123456789012")                 # a courier name before it
'78123456789012'
>>> normalize_tracking_code("Mã vận đơn: JT1234567890123;")
'JT1234567890123'
>>> normalize_tracking_code("ZTO: 78123456789012")                     # a courier word that is not part of the code
'78123456789012'
>>> normalize_tracking_code("Thuận Phong - SF1234567800021")           # the Hán-Việt name Vietnamese customers use
'SF1234567800021'
>>> normalize_tracking_code("SF 1234567890123")                        # SF, JT, JD, YT, DPK are part of the code
'SF1234567890123'
>>> normalize_tracking_code("SF SF1234567890123")                      # … unless a whole SF code follows
'SF1234567890123'
>>> normalize_tracking_code("JDAWX021335190001-1-2")                   # JD's piece 1 of 2: the waybill
'JDAWX021335190001'
>>> normalize_tracking_code("78123456780001.0")                        # a spreadsheet's number
'78123456780001'

Then `clean_tracking_code` refuses what cannot be a tracking number, with a reason a customer understands
(a Taobao order number, a Cainiao LP number, a number mangled by a spreadsheet, text stuck to an SF number,
too short, too long, odd characters), and `recognise_courier` names the courier where exactly one courier's
shapes match (never refusing an unknown shape):

>>> recognise_courier("SF1234567890123")
'sf'
>>> recognise_courier("78123456789012")
'zto'
>>> recognise_courier("ABCD12345678") is None
True
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .couriers import (
    CODE_WORD,
    NAME,
    NAME_GLUED,
    SEPARATORS,
    Courier,
    ascii_fold,
    courier_for_code_word,
    possible_couriers,
    prefix_courier,
    recognise_courier,
)

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "Courier",
    "clean_tracking_code",
    "clean_with_pieces",
    "normalize_tracking_code",
    "possible_couriers",
    "recognise_courier",
    "split_pieces",
]

from .pieces import MAX_PIECES, PIECE_ONLY, PIECES, PIECES_SLASH, pieces_make_sense, split_pieces

MIN_LENGTH = 8
MAX_LENGTH = 25

# Invisible characters that survive NFKC: zero-width space/joiners, direction marks, word joiner, BOM.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Control characters a misconfigured scanner sends around the code (STX, ETX, GS, CR…).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SEPARATORS = SEPARATORS
_LABELS = (
    "Mã vận đơn", "Mã vận chuyển", "Mã VĐ", "MVĐ", "Số vận đơn", "运单号码", "运单号", "运单编号", "运单",
    "快递单号", "快递号", "物流单号", "单号", "Tracking number", "Tracking No", "Tracking code", "Tracking",
    "Waybill number", "Waybill No", "Waybill", "AWB",
)  # fmt: skip
_LABEL = re.compile(
    "(?:"
    + "|".join(
        sorted(
            {
                f"[{_SEPARATORS}]*".join(map(re.escape, ascii_fold(label).upper().split()))
                for label in _LABELS
            },
            key=len,
            reverse=True,
        )
    )
    + r")(?:(?<![A-Z])|(?![A-Z]))"
)
_LEADING = re.compile(r"^[" + _SEPARATORS + r"]+")
_TRAILING = re.compile(r"[" + _SEPARATORS + r"]+$")
_NOISE = re.compile(r"[" + _SEPARATORS + r"]")
_SPACE = re.compile(r"\s+")
_CODE = re.compile(r"^[0-9A-Z]+$")
_PLAIN = re.compile(r"[0-9A-Z]{8,25}\Z")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?E[+-]?\d+$", re.ASCII)
_PINDUODUO_ORDER = re.compile(r"^\d{6}-\d{12,18}$", re.ASCII)
# A spreadsheet cell read back as a float: "78123456780001.0" is the number; "…0001.5" is not a code at all.
_WHOLE_DECIMAL = re.compile(r"(\d+)\.0+\Z", re.ASCII)
_DECIMAL = re.compile(r"\d+\.\d+\Z", re.ASCII)
_CAINIAO = re.compile(r"LP\d{14,}\Z", re.ASCII)


def _fold(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    return text.strip().upper()


def _compact(text: str) -> str:
    return _TRAILING.sub("", _SPACE.sub("", text))


def _core(text: str) -> str:
    """What a rest of text would be as a code: no separators, no piece suffix (for look-ahead decisions)."""
    compact = _compact(text)
    match = PIECES.match(compact)
    return _NOISE.sub("", match.group(1) if match else compact)


def _is_shaped(text: str) -> bool:
    return bool(possible_couriers(_core(text)))


def _strip_one(text: str) -> str:
    """Take one label or courier name off the front of folded text; the same text when there is none.

    A name or word followed by a separator always comes off (the code letters SF, JT, JD, YT, DPK only when a
    whole code of their courier follows). Glued to what follows, it comes off only when the whole text is not
    itself a code of a known shape ("JDCOM1234567890" is JD's), and a glued name only before a whole code.
    """
    folded = ascii_fold(text)
    for pattern in (_LABEL, NAME):
        match = pattern.match(folded)
        if match:
            rest = text[match.end() :]
            if _LEADING.match(rest) or not _is_shaped(text):
                return _LEADING.sub("", rest)
    match = NAME_GLUED.match(folded)
    if match and _is_shaped(text[match.end() :]) and not _is_shaped(text):
        return text[match.end() :]
    match = CODE_WORD.match(folded)
    if match:  # "SF SF1234567890123": the word goes only when a whole code of its courier follows
        rest = text[match.end() :]
        separated = match.end() > len(match.group(1))
        if courier_for_code_word(match.group(1)).pattern.match(_core(rest)) and (
            separated or not _is_shaped(text)
        ):
            return rest
    return text


def _strip_prefixes(text: str) -> str:
    for _round in range(6):  # "中通快递 运单号: 7812…" has two; stop when nothing more comes off
        stripped = _strip_one(text)
        if stripped == text or not stripped.strip():  # never strip the whole thing
            break
        text = stripped
    return text


def _prepare(text: str) -> str:
    """A spreadsheet's ``.0`` and a sensible piece suffix off folded text; anything else left as it is."""
    compact = _compact(text)
    if match := _WHOLE_DECIMAL.match(compact):
        return match.group(1)
    split = split_pieces(compact)
    if split and pieces_make_sense(split[1], split[2]):
        return split[0]
    return text


def _normalize_folded(text: str) -> str:
    text = _prepare(_strip_prefixes(text))
    for _round in range(10):  # removing a space can also let NFKC compose what it split ("E ̈" → "Ë")
        step = _fold(_NOISE.sub("", _strip_prefixes(text)))
        if step == text:
            break
        text = step
    return text


def normalize_tracking_code(raw: str) -> str:
    """Width-fold, upper-case, drop labels, courier names, spaces, invisible characters and separators.

    ``str → str``, never raises. Also takes a spreadsheet's ``.0`` off an integer (``"7812….0"``) and a
    sensible piece suffix off a waybill (``"JDAWX021335190001-1-2"``; see `split_pieces`). Courier names are
    those of `tracking.couriers.COURIERS` (English, pinyin, Chinese, Hán-Việt, with or without tone marks);
    the letters that begin a courier's own codes (SF, JT, JD, YT, DPK) are taken off only when a whole code
    of that courier follows, and nothing is taken off a whole code of a known shape.

    Idempotent: normalising a normalised code changes nothing. Removing separators can bring a courier word
    to the front ("Z TO123…"), so the steps repeat until nothing changes; each only removes characters.
    """
    return _normalize_folded(_fold(raw))


def _refuse(message, reason: str, /, **params):
    raise ValidationError(message, code=reason, params=params or None)


def _check(code: str, raw: str) -> str:
    """The checks every normalised code passes, typed or scanned; returns the code or raises."""
    if not code:
        _refuse(_("Enter a tracking number."), "empty")
    if not _CODE.match(code):
        # The characters as typed where they can be found (codes are upper-cased): "è", not "È".
        others = list(
            dict.fromkeys(
                ch if ch in raw or ch.lower() not in raw else ch.lower() for ch in code if not _CODE.match(ch)
            )
        )
        _refuse(
            _("A tracking number has only Latin letters and digits; this one also has %(chars)s."),
            "characters",
            chars=", ".join(f"“{ch}”" for ch in others[:5]) + (" …" if len(others) > 5 else ""),
        )
    if code.isdigit() and len(code) >= 16:
        _refuse(
            _(
                "“%(code)s” looks like a Taobao or 1688 order number (%(n)d digits), not a tracking number. "
                "Open the order, tap “查看物流” (view logistics) and copy the tracking number (运单号) shown there."
            ),
            "order_number",
            code=code,
            n=len(code),
        )
    if _CAINIAO.match(code):
        _refuse(
            _(
                "“%(code)s” is a Cainiao (菜鸟) logistics number, which Taobao and Tmall use inside their own "
                "system; the warehouse cannot find a parcel by it. Open the order, tap “查看物流” (view "
                "logistics) and copy the number shown after the courier's name (e.g. 中通快递 7812…)."
            ),
            "cainiao",
            code=code,
        )
    if len(code) < MIN_LENGTH:
        _refuse(
            _("“%(code)s” is too short for a tracking number (at least %(min)d characters)."),
            "short",
            code=code,
            min=MIN_LENGTH,
        )
    if len(code) > MAX_LENGTH:
        _refuse(
            _("This is too long for a tracking number (at most %(max)d characters)."), "long", max=MAX_LENGTH
        )
    info = prefix_courier(code)
    if info is not None and not info.pattern.match(code) and not possible_couriers(code):
        _refuse(
            _(
                "“%(code)s” begins with %(prefix)s as %(courier)s numbers do, but %(courier)s numbers are "
                "%(shape)s. Check for text stuck to the end (a note pasted with the code) or a digit too many or "
                "too few, and enter the number again."
            ),
            "shape",
            code=code,
            prefix=info.code_words[0],
            courier=info.short_name,
            shape=info.shape_text,
        )
    return code


def _refuse_pieces(raw: str, piece: int, pieces: int):
    _refuse(
        _(
            "“%(raw)s” ends in piece %(piece)d of %(pieces)d, which cannot be (a parcel is piece 1 to "
            "%(max)d of its shipment, never more than the total). Enter the tracking number without the "
            "numbers after it; at the scan station, scan the label again."
        ),
        "piece",
        raw=raw[:40],
        piece=piece,
        pieces=pieces,
        max=MAX_PIECES,
    )


def _piece_or_group(base: str, number: str) -> str | None:
    """For "<base>-<number>": "piece" when base is a known courier's waybill (and the number no zero-padded
    group), None when base and number together are one (digits typed in groups), "ask" otherwise."""
    if number[0] != "0" and possible_couriers(_normalize_folded(base)):
        return "piece"
    if possible_couriers(_normalize_folded(base + number)):
        return None
    return "ask"


def clean_with_pieces(raw: str) -> tuple[str, int | None, int | None]:
    """`clean_tracking_code`, also returning the piece suffix: ``(code, piece, pieces)``, the two None when
    the text has none. ``"JDAWX021335190001-2-2"`` → ``("JDAWX021335190001", 2, 2)``. Raises as
    `clean_tracking_code` does, and with code ``piece`` when the suffix cannot be (piece 0, piece > pieces).
    """
    folded = _fold(raw)
    if _PLAIN.match(folded) and possible_couriers(folded):
        # The common case (a spreadsheet of clean codes): a whole code of a known courier, which no rule
        # below would change (nothing is taken off a known-shape code), checked as every code is.
        return _check(folded, raw), None, None
    folded = _strip_prefixes(folded)
    compact = _SPACE.sub("", folded)
    trimmed = _TRAILING.sub("", compact)
    if _SCIENTIFIC.match(compact):
        _refuse(
            _(
                "“%(raw)s” was changed by a spreadsheet into a rounded number, so its last digits are lost. "
                "Format the column as Text in Excel and paste the codes again."
            ),
            "scientific",
            raw=compact[:30],
        )
    if _PINDUODUO_ORDER.match(trimmed):
        _refuse(
            _(
                "“%(raw)s” looks like a Pinduoduo order number, not a tracking number. Open the order, tap "
                "“查看物流” (view logistics) and copy the tracking number shown there."
            ),
            "order_number",
            raw=compact[:30],
        )
    piece = pieces = None
    if slashed := PIECES_SLASH.match(folded):
        folded, piece, pieces = slashed.group(1), int(slashed.group(2)), int(slashed.group(3))
        if not pieces_make_sense(piece, pieces):
            _refuse_pieces(trimmed, piece, pieces)
    elif match := _WHOLE_DECIMAL.match(trimmed):
        folded = match.group(1)
    elif _DECIMAL.match(trimmed):
        _refuse(
            _(
                "“%(raw)s” has a decimal point: a spreadsheet turned the tracking number into a number. Format "
                "the column as Text in Excel and paste the codes again, or copy the number from the order."
            ),
            "decimal",
            raw=trimmed[:30],
        )
    elif split := split_pieces(trimmed):
        if not pieces_make_sense(split[1], split[2]):
            _refuse_pieces(trimmed, split[1], split[2])
        folded, piece, pieces = split
    elif (single := PIECE_ONLY.match(trimmed)) and (reading := _piece_or_group(*single.groups())):
        # "JDAWX021335190001-2": never the digits glued on by a guess. A known courier's waybill before the
        # dash: that piece (count unknown); digits typed in groups ("7812 3456 789-012") that make a known
        # waybill together: the waybill; neither: ask.
        if reading == "ask":
            _refuse(
                _(
                    "“%(raw)s” ends in “-%(n)s”: is it a piece number? Enter the tracking number without it, "
                    "as it is printed under the barcode."
                ),
                "piece_suffix",
                raw=trimmed[:40],
                n=single.group(2),
            )
        folded, piece = single.group(1), int(single.group(2))
    return _check(_normalize_folded(folded), raw), piece, pieces


def clean_tracking_code(raw: str) -> str:
    """Normalise (`normalize_tracking_code`) and check; ``str → str``, or ValidationError with a message a
    customer can act on. Codes of the error:

    - ``empty``; ``characters`` (not Latin letters and digits); ``short`` / ``long`` (MIN_LENGTH, MAX_LENGTH);
    - ``order_number``: 16+ digits (Taobao/1688 order numbers are 16–19 digits) or ``6 digits-12–18 digits``
      (Pinduoduo's order number shape);
    - ``cainiao``: ``LP`` + 14 or more digits, Cainiao's logistics-order number shown by Taobao/Tmall;
    - ``scientific`` (``7.8123E+13``) and ``decimal`` (``78123456780001.5``): mangled by a spreadsheet; a
      whole ``.0`` is taken off instead (``78123456780001.0`` → ``78123456780001``);
    - ``shape``: begins with a courier's letters (SF, JT, JD, YT, DPK) but fits no shape of that courier (nor
      of any other), e.g. ``SF9606000000479OK``: shapes in `tracking.couriers`;
    - ``piece``: a piece suffix that cannot be (``…-3-2``, ``…-0-2``); a sensible one is dropped.
    """
    return clean_with_pieces(raw)[0]


def __getattr__(name: str):
    # read_scan lives in tracking.scanner, which imports this module; loaded on first use.
    if name in ("ScanRead", "read_scan"):
        from . import scanner

        return getattr(scanner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
