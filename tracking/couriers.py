"""The couriers whose tracking numbers (mã vận đơn) reach the Guangzhou warehouse: one table of what each is
called and what its numbers look like. Everything else (name stripping, recognition, "starts like an SF
number but is not one") is read from this table, so a new courier or spelling is one row here.

Shapes (whole-code regular expressions over the normalised code, upper-case Latin letters and digits):

=========  ==============================================  ======================================================
courier    shapes                                          source
=========  ==============================================  ======================================================
SF         ``SF`` + 12–13 digits                           SF's waybill labels since 2019 (SF + 13 digits; older
                                                           12); the brief; public validators (BF-zh/Courier-
                                                           Validation ``SF[a-z0-9]\\d{12}``)
JD         ``JD`` + 0–3 letters + 10–13 digits             JD labels: JDVA/JDVB/JDVC + 11 digits, JDX/JDK + 12,
                                                           JDAWX + 12 (JDAWX021335190001), JDVA01234567890
J&T        ``JT`` + 13 digits                              J&T China labels (JT3…, JT0…); public validators
YTO        ``YT`` + 13–16 digits                           YTO labels (YT + 13 most often); the brief
Deppon     ``DPK`` + 12–13 digits                          Deppon express labels (DPK364112047425)
EMS/Post   UPU S10 ``LL123456789CN``; 13 digits beginning  UPU S10 standard (2 letters, 8 digits + check digit,
           10–12 (EMS), 50–52 (EMS economy), 95, 97–99     country); China Post/EMS domestic 13-digit numbers as
           (postal parcels)                                listed by kuaidi100-style validators
ZTO        12 or 14 digits beginning 73, 75, 76, 78, 79    ZTO's 14-digit numbers (7[3-68]… in public validators);
                                                           the older 12-digit ones
STO        12–13 digits beginning 55, 66, 77, 88; 12       STO's 15-digit 773… numbers and the older 12–13-digit
           digits beginning 268…968; 14–15 digits 77…      ones (public validators)
Yunda      13 digits beginning 31, 32, 43, 46; 15 digits   Yunda labels (4312345678901, 462598779470531)
           beginning 3 or 4
Best       14–15 digits beginning 5; A/B/D/E + 12 digits;  Best Express (百世, now part of J&T) as listed by
           BXA + 10 digits                                 public validators
=========  ==============================================  ======================================================

Names are English ("SF Express", "J&T", "China Post"), pinyin ("Shunfeng", "Zhongtong"), Chinese (顺丰, 中通)
and the Hán-Việt names Vietnamese customers use ("Thuận Phong", "Trung Thông", "Bưu chính Trung Quốc"),
matched with or without tone marks; generic words around them ("Express", "快递", "chuyển phát nhanh") are
part of the name. A few couriers are known by name only (天天, 优速, 丹鸟, 菜鸟): their names come off too.

Numeric shapes overlap between couriers (a 12-digit 768… is ZTO or STO); `recognise_courier` names a courier
only when exactly one courier's shapes match, so an overlap is answered with None, never with a wrong name.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    BEST = "best", "Best Express (百世)"


@dataclass(frozen=True)
class CourierInfo:
    """One courier: its names, the letters its codes begin with and the shapes of its codes.

    ``names`` are matched without regard to case, width, tone marks or the separators between words
    ("S.F. Express", "SF-Express", "SFExpress" are one name "S F Express"). ``code_words`` are the letters that
    begin the courier's own codes (SF, JT…): before a code they are stripped only when what follows is itself a
    whole code of this courier. ``short_name`` and ``shape_text`` go into messages.
    """

    courier: str | None
    short_name: str
    names: tuple[str, ...]
    code_words: tuple[str, ...] = ()
    shapes: tuple[str, ...] = ()
    shape_text: str = ""
    pattern: re.Pattern | None = field(default=None, compare=False)


def _info(courier, short_name, names, code_words=(), shapes=(), shape_text=""):
    pattern = re.compile("(?:" + "|".join(shapes) + r")\Z", re.ASCII) if shapes else None
    return CourierInfo(
        courier, short_name, tuple(names), tuple(code_words), tuple(shapes), shape_text, pattern
    )


COURIERS: tuple[CourierInfo, ...] = (
    _info(
        Courier.SF,
        "SF Express",
        (
            "S F Express",
            "S F Logistics",
            "Shunfeng",
            "Shun Feng",
            "顺丰",
            "顺风",
            "Thuận Phong",
            "Thuan Phong",
        ),
        code_words=("SF",),
        shapes=(r"SF\d{12,13}",),
        shape_text=_("SF followed by 12–13 digits"),
    ),
    _info(
        Courier.JD,
        "JD",
        ("JD Logistics", "JD Express", "JD com", "Jingdong", "Jing Dong", "京东", "Kinh Đông"),
        code_words=("JD",),
        shapes=(r"JD[A-Z]{0,3}\d{10,13}",),
        shape_text=_("JD, up to 3 letters, then 10–13 digits"),
    ),
    _info(
        Courier.JT,
        "J&T Express",
        ("J&T", "J & T", "J and T", "JNT", "Jitu", "Ji Tu", "极兔", "Cực Thố"),
        code_words=("JT",),
        shapes=(r"JT\d{13}",),
        shape_text=_("JT followed by 13 digits"),
    ),
    _info(
        Courier.YTO,
        "YTO Express",
        ("YTO", "Yuantong", "Yuan Tong", "圆通", "Viên Thông"),
        code_words=("YT",),
        shapes=(r"YT\d{13,16}",),
        shape_text=_("YT followed by 13–16 digits"),
    ),
    _info(
        Courier.DEPPON,
        "Deppon",
        ("Deppon", "Debang", "De Bang", "德邦", "Đức Bang"),
        code_words=("DPK",),
        shapes=(r"DPK\d{12,13}",),
        shape_text=_("DPK followed by 12–13 digits"),
    ),
    _info(
        Courier.EMS,
        "EMS / China Post",
        (
            "EMS",
            "China Post",
            "China EMS",
            "Youzheng",
            "You Zheng",
            "Zhongguo Youzheng",
            "中国邮政",
            "邮政",
            "Bưu chính Trung Quốc",
            "Bưu điện Trung Quốc",
        ),
        shapes=(r"[A-Z]{2}\d{9}CN", r"(?:1[0-2]|5[0-2]|9[5-9])\d{11}"),
    ),
    _info(
        Courier.ZTO,
        "ZTO Express",
        ("ZTO", "Zhongtong", "Zhong Tong", "中通", "Trung Thông"),
        shapes=(r"7[35689]\d{10}", r"7[35689]\d{12}"),
    ),
    _info(
        Courier.STO,
        "STO Express",
        ("STO", "Shentong", "Shen Tong", "申通", "Thân Thông"),
        shapes=(r"(?:55|66|77|88)\d{10,11}", r"[2-9]68\d{9}", r"77\d{12,13}"),
    ),
    _info(
        Courier.YUNDA,
        "Yunda",
        ("Yunda", "Yun Da", "韵达", "Vận Đạt"),
        shapes=(r"(?:31|32|43|46)\d{11}", r"[34]\d{14}"),
    ),
    _info(
        Courier.BEST,
        "Best Express",
        (
            "Best",
            "BestEx",
            "Baishi",
            "Bai Shi",
            "Huitong",
            "Baishi Huitong",
            "百世汇通",
            "百世",
            "汇通",
            "Bách Thế",
        ),
        shapes=(r"5\d{13,14}", r"[ABDE]\d{12}", r"BXA\d{10}"),
    ),
    # Couriers we know by name only (no shape, no Courier value): their names are still taken off a code.
    _info(None, "TTK Express", ("天天", "Tiantian", "Tian Tian", "Thiên Thiên")),
    _info(None, "Yousu Express", ("优速", "Yousu", "You Su", "Ưu Tốc")),
    _info(None, "Danniao", ("丹鸟", "Danniao")),
    _info(None, "Cainiao", ("菜鸟", "Cainiao")),
)

# Words around a courier's name that are not part of it: "顺丰速运", "ZTO Express", "CPN Trung Thông".
_GENERIC_AFTER = (
    "Express",
    "Logistics",
    "Logistic",
    "Delivery",
    "Courier",
    "Kuaidi",
    "Suyun",
    "Sudi",
    "Wuliu",
    "Kuaiyun",
    "Chuyển phát nhanh",
    "快递包裹",
    "快递",
    "速递",
    "速运",
    "物流",
    "快运",
    "包裹",
)
_GENERIC_BEFORE = ("Chuyển phát nhanh", "CPN", "Hãng", "Nhà xe")

# The separators customers put between words and after a name (same set as the normaliser's).
SEPARATORS = r"\s:：.,，;；、。#\-_/|'\"()（）\[\]【】"


@lru_cache(maxsize=4096)
def _base_letter(ch: str) -> str:
    if ch in "ĐđÐ":
        return "D"
    return unicodedata.normalize("NFD", ch)[0]


def ascii_fold(text: str) -> str:
    """Tone marks and diacritics off, one character for one ("Thuận Phong" → "Thuan Phong", "Đ" → "D"), so
    that a match on the result cuts the original at the same place."""
    if text.isascii():
        return text
    return "".join(_base_letter(ch) for ch in text)


def _word_pattern(name: str) -> str:
    """A name as a pattern: letters of each word in order, any separators (or none) between words."""
    words = re.findall(r"[0-9A-Z]+|[^\s0-9A-Z" + SEPARATORS + "]", ascii_fold(name).upper())
    return f"[{SEPARATORS}]*".join(re.escape(word) for word in words)


def _alternation(names) -> str:
    patterns = sorted({_word_pattern(name) for name in names}, key=len, reverse=True)
    return "|".join(patterns)


_AFTER = _alternation(_GENERIC_AFTER)
_CODE_WORDS = [word for info in COURIERS for word in info.code_words]
# A name: an optional generic word, a name (or a courier's code letters with a generic word after them, "SF
# Express"), more generic words; then not in the middle of a Latin word.
_NAME = (
    rf"(?:(?:{_alternation(_GENERIC_BEFORE)})[{SEPARATORS}]*)?"
    rf"(?:{_alternation(name for info in COURIERS for name in info.names)}"
    rf"|(?:{_alternation(_CODE_WORDS)})(?=[{SEPARATORS}]*(?:{_AFTER})))"
    rf"(?:[{SEPARATORS}]*(?:{_AFTER}))*"
)
NAME = re.compile(_NAME + r"(?:(?<![A-Z])|(?![A-Z]))")
# The same glued to what follows ("ShunfengSF1234567890123"): taken off only when a whole code follows.
NAME_GLUED = re.compile(_NAME)
# A courier's code letters on their own ("SF SF1234567890123"): group 1 is the word.
CODE_WORD = re.compile(rf"({_alternation(_CODE_WORDS)})[{SEPARATORS}]*")
_BY_CODE_WORD = {word: info for info in COURIERS for word in info.code_words}
_SHAPED = tuple(info for info in COURIERS if info.pattern is not None)
_PREFIXED = tuple(sorted(_BY_CODE_WORD.items(), key=lambda item: -len(item[0])))


def courier_for_code_word(word: str) -> CourierInfo:
    """The courier whose codes begin with these letters (a key of the table's ``code_words``)."""
    return _BY_CODE_WORD[word]


def possible_couriers(code: str) -> list[str]:
    """Every courier (Courier value) whose shapes match this normalised code, in table order.

    ``possible_couriers("78123456789012") == ["zto"]``; ``possible_couriers("768123456789") == ["zto", "sto"]``;
    an unknown shape gives ``[]``. Shapes and their sources: the table at the top of this module.
    """
    return [str(info.courier) for info in _SHAPED if info.pattern.match(code)]


def recognise_courier(code: str) -> str | None:
    """The courier whose codes have this shape (a Courier value), or None when no courier's shapes match or
    more than one courier's do: a code is never named for the wrong courier."""
    found = None
    for info in _SHAPED:
        if info.pattern.match(code):
            if found is not None:
                return None
            found = info.courier
    return None if found is None else str(found)


def prefix_courier(code: str) -> CourierInfo | None:
    """The courier whose code letters begin this code (SF, JT, JD, YT, DPK), or None."""
    for word, info in _PREFIXED:
        if code.startswith(word):
            return info
    return None
