"""What a handheld scanner sends at the China warehouse, read into a waybill: `read_scan`.

A scan is not what a person types. The scanner may put an AIM symbology identifier (``]C0``, ``]Q1``…) and
control characters around the data; the symbol may be a QR code holding a dict, a query string or a link; JD
and Deppon print one label per piece (``JDAWX021335190001-1-2``); and a Chinese e-waybill (电子面单) carries
other symbols staff scan by mistake: the sorting code (三段码/大头笔), the consolidation code (集包地), the
order number, the receiver's phone, dates. Each is recognised and refused with what it is and what to scan
instead; the waybill found goes through the checks of `clean_tracking_code`, so a scan and a typed
registration of the same parcel compare equal.

>>> read_scan("]C0SF1234567890123\\r\\n")
ScanRead(code='SF1234567890123', piece=None, pieces=None, source='barcode')
>>> read_scan("JDVA01234567890-1-3-")
ScanRead(code='JDVA01234567890', piece=1, pieces=3, source='barcode')
>>> read_scan("MMM={'k1':'020W','k2':'','k4':'T4','k5':'SF7444400000001','k6':'','k7':'3c1a9e'}").code
'SF7444400000001'
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .couriers import CODE_WORD, NAME, possible_couriers
from .normalize import _LABEL, _PINDUODUO_ORDER, _check, _fold, clean_with_pieces, normalize_tracking_code

__all__ = ["ScanRead", "read_scan"]


@dataclass(frozen=True)
class ScanRead:
    """One scan understood: ``code`` normalised exactly as `clean_tracking_code` returns it; ``piece`` and
    ``pieces`` (1-based, piece ≤ pieces) when the symbol is one piece of a multi-piece shipment, else None;
    ``source`` what was read: ``barcode``, ``qr``, ``datamatrix``, ``pdf417``, ``aztec`` (from the AIM
    identifier, a plain waybill), ``url`` (a link holding the waybill) or ``qr`` (a QR's dict or query string).
    """

    code: str
    piece: int | None = None
    pieces: int | None = None
    source: str = "barcode"


# Control characters and spaces a scanner sends around the data: STX/ETX, GS, CR/LF, tab, NUL, BOM…
_EDGES = "".join(map(chr, range(0x20))) + "\x7f \u00a0\u3000\ufeff\u200b"
# AIM symbology identifier (ISO/IEC 15424): "]", the symbology letter, one modifier character.
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_SYMBOLOGIES = {"Q": "qr", "d": "datamatrix", "L": "pdf417", "z": "aztec"}
_PLAIN = re.compile(r"[0-9A-Z]{8,25}\Z")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)", re.IGNORECASE)
# key: value / key = value pairs of a JSON-ish dict: quotes single, double or none.
_PAIR = re.compile(
    r"""["']?([^\s"'{}\[\],:=&?]+)["']?\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'{}\[\],&;]+))"""
)
# Keys under which e-waybill QR codes, tracking links and courier APIs put the waybill (compared lower-case,
# without "_", "-", spaces): SF's QR ``k5``; Cainiao/Taobao ``mailNo``; J&T/ZTO ``billCode``; JD/YTO
# ``waybillNo``/``waybillCode``; kuaidi100 links ``nu``/``postid``; generic English and Chinese names.
_WAYBILL_KEYS = frozenset(
    (
        "k5",
        "mailno",
        "mailnos",
        "mailnumber",
        "mailcode",
        "waybill",
        "waybillno",
        "waybillcode",
        "waybillnumber",
        "waybillnum",
        "waybillid",
        "billcode",
        "billno",
        "billnum",
        "logisticsno",
        "logisticsnumber",
        "trackingno",
        "trackingnumber",
        "trackingcode",
        "tracking",
        "trackno",
        "tracknumber",
        "expressno",
        "expressnumber",
        "shipmentno",
        "awb",
        "awbno",
        "nu",
        "postid",
        "运单号",
        "运单号码",
        "运单编号",
        "快递单号",
        "物流单号",
        "单号",
    )
)
_KEY_NOISE = re.compile(r"[\s_\-]")
# Fields of a delimited QR payload, and a "key: value" field.
_FIELDS = re.compile(r"[|\r\n\t;]+")
_KEYED_FIELD = re.compile(r"\s*([^:：=]+?)\s*[:：=]\s*(.*)")

# Other symbols of a Chinese e-waybill, on folded text (upper-case, NFKC).
_PHONE = re.compile(r"(?:\+?86-?)?1[3-9]\d-?[\d*]{4}-?[\d*]{4}(?:(?:-|转|#|,|EXT\.?)\d{1,5})?\Z", re.ASCII)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE = re.compile(
    rf"(?:(?:(?:19|20)\d{{2}}[-/.年]\d{{1,2}}[-/.月]\d{{1,2}}日?|\d{{1,2}}[-/月]\d{{1,2}}日?)(?:[\sT]+{_TIME})?"
    rf"|{_TIME})\Z",
    re.ASCII,
)
_PHONE_DIGITS = re.compile(r"1[3-9]\d{9}\Z", re.ASCII)
# 三段码: three-digit area (sometimes with the hub's letters: 021W, 755WF), then 1–3 short segments.
_SORTING = re.compile(
    r"[0-9]{3}[A-Z]{0,2}(?:\s*-\s*|\s+)[0-9A-Z]{1,4}(?:(?:\s*-\s*|\s+)[0-9A-Z]{1,4}){0,2}\Z"
)
# 集包地 / transit hub: a hub's name, or its code alone (571, 0571, SF's 020W, 755WF).
_HUB_WORD = re.compile(r"集包|中转|转运|分拨|集散")
_CODE_LIKE = re.compile(r"[0-9A-Z]{8}")
_HUB_CODE = re.compile(r"\d{3}[A-Z]{1,3}\Z|\d{3,4}\Z", re.ASCII)


def _scan_refusal(kind: str):
    messages = {
        "sorting_code": _(
            "That is the sorting code (三段码) printed at the top of the label, not the waybill. "
            "Scan the barcode under 运单号."
        ),
        "hub_code": _(
            "That is the consolidation code (集包地) printed under the sorting code, not the waybill. "
            "Scan the barcode under 运单号."
        ),
        "phone": _(
            "That is a phone number printed on the label, not the waybill. Scan the barcode under 运单号."
        ),
        "date": _(
            "That is a date or time printed on the label, not the waybill. Scan the barcode under 运单号."
        ),
        "order_number": _(
            "That is the shop's order number (Taobao, 1688 or Pinduoduo), not the waybill. "
            "Scan the barcode under 运单号."
        ),
        "cainiao": _(
            "That is a Cainiao (菜鸟) logistics number, not the courier's waybill. Scan the barcode under 运单号."
        ),
        "link": _("This QR code is a link, not the waybill; scan the barcode under 运单号."),
        "qr": _("This QR code holds label data but not the waybill; scan the barcode under 运单号."),
        "empty": _("Nothing was read. Scan the barcode under 运单号 again."),
        "product": _(
            "That is a product barcode (EAN/UPC) on the goods or the box, not the waybill. Scan the barcode "
            "under 运单号."
        ),
    }
    return ValidationError(messages[kind], code=kind)


def _other_symbol(folded: str) -> str | None:
    """What non-waybill symbol this folded text is, as a refusal code, or None."""
    compact = folded.replace(" ", "")
    if _PHONE.match(compact):
        return "phone"
    if _DATE.match(folded):
        return "date"
    if match := _SORTING.match(folded):
        segments = re.split(r"[\s-]+", match.group(0))
        if any(ch.isalpha() for ch in folded) or all(len(s) <= 3 for s in segments):
            return "sorting_code"
    if (_HUB_WORD.search(folded) and not _CODE_LIKE.search(folded)) or _HUB_CODE.match(compact):
        return "hub_code"
    if _PINDUODUO_ORDER.match(compact):
        return "order_number"
    return None


def _checked(read, *args):
    """Clean's checks through ``read``, with the scan's own words for what a symbol is; and the phone."""
    try:
        result = read(*args)
    except ValidationError as error:
        if error.code in ("order_number", "cainiao"):
            raise _scan_refusal(error.code) from None
        raise
    if _PHONE_DIGITS.match(result[0] if isinstance(result, tuple) else result):
        raise _scan_refusal("phone")
    return result


def _plain(text: str, source: str) -> ScanRead:
    """A symbol holding text only: the waybill (maybe with its piece suffix) or another label symbol."""
    folded = _fold(text)
    if not folded:
        raise _scan_refusal("empty")
    if kind := _other_symbol(folded):
        raise _scan_refusal(kind)
    code, piece, pieces = _checked(clean_with_pieces, text)
    return ScanRead(code, piece, pieces, source)


def _pairs_of(text: str) -> list[tuple[str, str]]:
    """(key, value) pairs of a JSON or JSON-ish dict (nested too), or of a query string."""
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            found: list[tuple[str, str]] = []
            _walk(json.loads(stripped), found)
            return found
        except (ValueError, RecursionError):
            pass
    if "{" in text or "':" in text or '":' in text:
        return [
            (m.group(1), next(v for v in m.group(2, 3, 4) if v is not None)) for m in _PAIR.finditer(text)
        ]
    return parse_qsl(text.lstrip("?"), keep_blank_values=True)


def _walk(node, found: list) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict | list):
                _walk(value, found)
            elif value is not None:
                found.append((str(key), str(value)))
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)


def _is_waybill_key(key: str) -> bool:
    return _KEY_NOISE.sub("", key).lower() in _WAYBILL_KEYS


def _looks_shaped(value: str) -> bool:
    return bool(possible_couriers(normalize_tracking_code(value)))


def _pick(pairs, segments, source: str, refusal: str) -> ScanRead:
    """The waybill among a payload's values: first a value under a waybill key, then any value or path
    segment that has a known courier's shape. The first keyed value's refusal when none is a waybill."""
    first_error = None
    for key, value in pairs:
        if value.strip() and _is_waybill_key(key):
            try:
                return _plain(value, source)
            except ValidationError as error:
                first_error = first_error or error
    for value in [value for _key, value in pairs] + list(reversed(segments)):
        if value.strip() and _looks_shaped(value):
            try:
                return _plain(value, source)
            except ValidationError as error:
                first_error = first_error or error
    raise first_error or _scan_refusal(refusal)


def _from_url(text: str) -> ScanRead:
    parts = urlsplit(text if "://" in text else "http://" + text)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    fragment_path, _sep, fragment_query = parts.fragment.partition("?")
    if fragment_query:
        pairs += parse_qsl(fragment_query, keep_blank_values=True)
    elif "=" in fragment_path:
        pairs += parse_qsl(fragment_path, keep_blank_values=True)
        fragment_path = ""
    path = parts.path + "/" + fragment_path
    segments = [unquote(segment) for segment in path.split("/") if segment]
    # A path's last segment may carry an extension ("…/SF1234567890123.html").
    segments += [segment.rsplit(".", 1)[0] for segment in segments if "." in segment]
    return _pick(pairs, segments, "url", "link")


def scan_text(raw: str) -> str:
    """What a scanner sent, without its framing: the control characters and spaces around the data and an
    AIM symbology identifier in front (``]C1``…), full-width characters folded (NFKC). For the stations that
    read their own codes (bags, trips, depot receiving, the counter); waybills go through read_scan."""
    text = unicodedata.normalize("NFKC", raw or "").strip(_EDGES)
    if text[:1] == "]" and _AIM.match(text):
        text = text[3:].strip(_EDGES)
    return text


def read_scan(raw: str) -> ScanRead:
    """What a handheld scanner sent → the waybill: ``str → ScanRead``, or django ValidationError.

    Rules, in order (sources in brackets):

    1. Control characters, CR/LF, GS and spaces around the data, and an AIM symbology identifier (``]`` + a
       letter + one character: ``]C0``, ``]C1``, ``]E0``, ``]Q1``, ``]d2``, ``]A0``, ``]I0``, ``]e0``…) are
       taken off [ISO/IEC 15424; scanners' "transmit AIM ID" setting].
    2. A link (``https://…``, ``www.…``) is searched for the waybill: a query or fragment parameter under a
       waybill key (``mailNo``, ``waybillNo``, ``billCode``, ``nu``…), else any parameter or path segment of
       a known courier's shape; none → code ``link`` [Cainiao/kuaidi100/courier tracking links].
    3. A QR's dict (JSON, or JSON-ish with single quotes: SF's ``MMM={'k1':…,'k5':'SF…'}``, k5 being the
       waybill [SF's 丰密面单 QR specification]), query string (``mailno=…&…``) or delimited fields
       (``|``, ``;``, line breaks; ``key: value`` or bare) likewise; none → ``qr``.
    4. Other symbols of an e-waybill are refused as what they are: ``sorting_code`` (三段码/大头笔 such as
       ``571-A01-003``, ``755WF-012``), ``hub_code`` (集包地: a hub's name or code such as ``020W``),
       ``order_number`` (16+ digits: Taobao/1688; ``6 digits-digits``: Pinduoduo), ``cainiao`` (``LP`` + 14+
       digits), ``phone`` (11 digits 1[3-9]…, masked ``138****5678``, with +86 or an extension), ``date``
       (``2024-05-12 14:30``, ``14:30:05``).
    5. A waybill followed by ``-<piece>-<pieces>`` (optional trailing ``-``) is that piece of the shipment
       [JD's and Deppon's per-piece labels]; piece 0 or piece > pieces is a misread: ``piece``.
    6. The waybill goes through `clean_tracking_code`'s normalisation and checks, and is refused with its
       reason (``short``, ``characters``, ``shape``…) otherwise.

    The common case (a plain barcode such as ``SF1234567890123``) takes a few microseconds.
    """
    text = (raw or "").strip(_EDGES)
    source = "barcode"
    if text[:1] == "]" and _AIM.match(text):
        if text[1] == "E":  # the scanner says EAN/UPC: a product's barcode, never a courier's waybill
            raise _scan_refusal("product")
        source = _SYMBOLOGIES.get(text[1], "barcode")
        text = text[3:].strip(_EDGES)
    if _PLAIN.match(text) and (
        possible_couriers(text) or not (NAME.match(text) or _LABEL.match(text) or CODE_WORD.match(text))
    ):
        return ScanRead(_checked(_check, text, raw), None, None, source)
    if not text:
        raise _scan_refusal("empty")
    if _URL.match(text):
        return _from_url(text)
    if "=" in text or ("{" in text and ":" in text):
        return _pick(_pairs_of(text), [], "qr", "qr")
    fields = [field for field in _FIELDS.split(text) if field.strip()]
    if len(fields) > 1:  # "78123456789012|571-A01-003|杭州", "运单号:SF…\n收件人:…"
        return _pick([_field_pair(field) for field in fields], [], "qr", "qr")
    return _plain(text, source)


def _field_pair(field: str) -> tuple[str, str]:
    match = _KEYED_FIELD.match(field)
    return (match.group(1), match.group(2)) if match else ("", field)
