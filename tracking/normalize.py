"""One set of rules for tracking numbers (mã vận đơn), used by the customer's forms, the spreadsheet import and
the scan station alike, so that what a customer typed and what a scanner read compare equal when they are the
same parcel.

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
>>> normalize_tracking_code("SF 1234567890123")                        # SF, JT, JD, YT, DPK are part of the code
'SF1234567890123'

Then `clean_tracking_code` refuses what cannot be a tracking number, with a reason a customer understands
(a Taobao order number, a number mangled by a spreadsheet, too short, too long, odd characters), and
`recognise_courier` names the courier where the shape is unambiguous (never refusing an unknown shape):

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
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 8
MAX_LENGTH = 25

# Invisible characters that survive NFKC: zero-width space/joiners, direction marks, word joiner, BOM.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Control characters a misconfigured scanner sends around the code (STX, ETX, GS, CR…).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SEPARATORS = r"\s:：.,，;；、。#\-_/|'\"()（）\[\]【】"
_LABEL = re.compile(
    r"^(?:MÃ\s*VẬN\s*ĐƠN|MÃ\s*VẬN\s*CHUYỂN|MVĐ|MVD|MÃ\s*VĐ|运单号码|运单号|运单|快递单号|快递号|物流单号|单号|"
    r"TRACKING\s*(?:NO|NUMBER|CODE)?|WAYBILL\s*(?:NO|NUMBER)?|AWB)"
    r"[" + _SEPARATORS + r"]*"
)
_CHINESE_COURIER = re.compile(
    r"^(?:中通快递|中通快运|中通|圆通速递|圆通快递|圆通|申通快递|申通|韵达快递|韵达速递|韵达|顺丰速运|顺丰快递|顺丰|"
    r"京东快递|京东物流|京东|极兔速递|极兔快递|极兔|中国邮政|邮政快递包裹|邮政快递|邮政|EMS快递|德邦快递|德邦物流|德邦|"
    r"百世快递|百世|天天快递|优速快递|优速|丹鸟|菜鸟)"
    r"[" + _SEPARATORS + r"]*"
)
# Latin courier words that are never the start of the code itself; SF, JT, JD, YT and DPK codes begin with
# their courier's letters, so those words are kept.
_LATIN_COURIER = re.compile(
    r"^(?:ZTO|STO|YTO|YUNDA|EMS|DEPPON|BEST|J&T|J\s*&\s*T|JNT|CHINA\s*POST)(?:\s*EXPRESS)?"
    r"(?:[" + _SEPARATORS + r"]+|(?=\d))"
)
_TRAILING = re.compile(r"[" + _SEPARATORS + r"]+$")
_NOISE = re.compile(r"[" + _SEPARATORS + r"]")
_CODE = re.compile(r"^[0-9A-Z]+$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?E[+-]?\d+$")
_PINDUODUO_ORDER = re.compile(r"^\d{6}-\d{12,18}$")


def _fold(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    return text.strip().upper()


def _strip_prefixes(text: str) -> str:
    for _round in range(4):  # "中通快递 运单号: 7812…" has two; stop when nothing more comes off
        before = text
        for pattern in (_LABEL, _CHINESE_COURIER, _LATIN_COURIER):
            stripped = pattern.sub("", text, count=1).lstrip()
            if stripped:  # never strip the whole thing
                text = stripped
        if text == before:
            break
    return text


def normalize_tracking_code(raw: str) -> str:
    """Width-fold, upper-case, drop labels, courier names, spaces, invisible characters and separators.

    Idempotent: normalising a normalised code changes nothing. Removing separators can bring a courier word
    to the front ("Z TO123…"), so the steps repeat until nothing changes; each only removes characters.
    """
    text = _fold(raw)
    for _round in range(10):  # removing a space can also let NFKC compose what it split ("E ̈" → "Ë")
        step = _fold(_NOISE.sub("", _strip_prefixes(text)))
        if step == text:
            break
        text = step
    return text


class Courier(models.TextChoices):
    SF = "sf", "SF Express (顺丰)"
    JD = "jd", "JD Logistics (京东)"
    JT = "jt", "J&T Express (极兔)"
    YTO = "yto", "YTO Express (圆通)"
    ZTO = "zto", "ZTO Express (中通)"
    STO = "sto", "STO Express (申通)"
    YUNDA = "yunda", "Yunda (韵达)"
    EMS = "ems", "EMS / China Post (邮政)"
    DEPPON = "deppon", "Deppon (德邦)"


# Shapes that name one courier only. Order matters: the first match wins.
_COURIER_SHAPES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^SF\d{12,13}$"), Courier.SF),
    (re.compile(r"^JD[A-Z]{0,2}\d{11,13}$"), Courier.JD),
    (re.compile(r"^JT\d{13}$"), Courier.JT),
    (re.compile(r"^YT\d{13,16}$"), Courier.YTO),
    (re.compile(r"^DPK\d{12,13}$"), Courier.DEPPON),
    (re.compile(r"^[A-Z]{2}\d{9}CN$"), Courier.EMS),  # UPU S10 international format
    (re.compile(r"^(?:73|75|76|78|79)\d{10,12}$"), Courier.ZTO),
    (re.compile(r"^(?:77|88|66|55)\d{10,11}$"), Courier.STO),
    (re.compile(r"^(?:43|46|31|32)\d{11}$"), Courier.YUNDA),
    (re.compile(r"^(?:10|11|98)\d{11}$"), Courier.EMS),
]


def recognise_courier(code: str) -> str | None:
    """The courier whose codes have this shape, or None when the shape is unknown or ambiguous."""
    for pattern, courier in _COURIER_SHAPES:
        if pattern.match(code):
            return str(courier)
    return None


def clean_tracking_code(raw: str) -> str:
    """Normalise and check; raise ValidationError with a message a customer can act on."""
    folded = _strip_prefixes(_fold(raw))
    compact = re.sub(r"\s", "", folded)
    if _SCIENTIFIC.match(compact):
        raise ValidationError(
            _(
                "“%(raw)s” was changed by a spreadsheet into a rounded number, so its last digits are lost. "
                "Format the column as Text in Excel and paste the codes again."
            ),
            code="scientific",
            params={"raw": compact[:30]},
        )
    if _PINDUODUO_ORDER.match(_TRAILING.sub("", compact)):
        raise ValidationError(
            _(
                "“%(raw)s” looks like a Pinduoduo order number, not a tracking number. Open the order, tap "
                "“查看物流” (view logistics) and copy the tracking number shown there."
            ),
            code="order_number",
            params={"raw": compact[:30]},
        )
    code = normalize_tracking_code(raw)
    if not code:
        raise ValidationError(_("Enter a tracking number."), code="empty")
    if not _CODE.match(code):
        # The characters as typed where they can be found (codes are upper-cased): "è", not "È".
        others = list(
            dict.fromkeys(
                ch if ch in raw or ch.lower() not in raw else ch.lower() for ch in code if not _CODE.match(ch)
            )
        )
        raise ValidationError(
            _("A tracking number has only Latin letters and digits; this one also has %(chars)s."),
            code="characters",
            params={"chars": ", ".join(f"“{ch}”" for ch in others[:5]) + (" …" if len(others) > 5 else "")},
        )
    if code.isdigit() and len(code) >= 16:
        raise ValidationError(
            _(
                "“%(code)s” looks like a Taobao or 1688 order number (%(n)d digits), not a tracking number. "
                "Open the order, tap “查看物流” (view logistics) and copy the tracking number (运单号) shown there."
            ),
            code="order_number",
            params={"code": code, "n": len(code)},
        )
    if len(code) < MIN_LENGTH:
        raise ValidationError(
            _("“%(code)s” is too short for a tracking number (at least %(min)d characters)."),
            code="short",
            params={"code": code, "min": MIN_LENGTH},
        )
    if len(code) > MAX_LENGTH:
        raise ValidationError(
            _("This is too long for a tracking number (at most %(max)d characters)."),
            code="long",
            params={"max": MAX_LENGTH},
        )
    return code
