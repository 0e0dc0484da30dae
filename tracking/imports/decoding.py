"""The text of a CSV file, whatever program and whichever Windows saved it."""

import re
import unicodedata

from django.utils.translation import gettext as _

from .common import ImportFileError

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A CSV without a BOM that is not UTF-8 was saved by Excel in the Windows code page of the computer:
# Vietnamese (cp1258: base letters, tone marks as combining characters), Chinese (GBK, read as gb18030) or,
# rarely, Western (cp1252). Nearly any bytes decode as cp1258 and as gb18030, so Vietnamese is chosen when
# every character outside ASCII is, once composed, a Vietnamese letter or a sign Vietnamese text uses
# (Chinese read as cp1258 gives "ï", "®", "¤"…) and those letters mostly sit in words with Latin letters
# (Chinese read as cp1258 gives runs like "ÀÁ" with none beside). Otherwise gb18030 where it decodes.
_VIETNAMESE_BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_CHARACTERS = frozenset(
    {unicodedata.normalize("NFC", base + tone) for base in _VIETNAMESE_BASES for tone in _TONES}
    | set("đĐ₫“”‘’–—…•°")
)
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
ASCII_LETTER = re.compile(r"[A-Za-z]")


def decode(data: bytes) -> str:
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    vietnamese = as_vietnamese(data)
    if vietnamese is not None and _reads_as_words(vietnamese):
        return vietnamese
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    if vietnamese is not None:  # Vietnamese letters only, though not in words: not Chinese at least
        return vietnamese
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise ImportFileError(
        _(
            "The letters in this CSV file could not be read. In Excel, save it again as “CSV UTF-8”, or as .xlsx."
        )
    )


def as_vietnamese(data: bytes) -> str | None:
    """data read as cp1258 and composed (as typed), if all of it is Vietnamese; otherwise None."""
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None
    if not all(ch.isascii() or ch in VIETNAMESE_CHARACTERS for ch in text):
        return None
    return text


def _reads_as_words(text: str) -> bool:
    """Whether text's letters outside ASCII mostly sit in words with Latin letters, as Vietnamese's do."""
    # Vietnamese letters sit in words with Latin letters ("khoác", "được"); Chinese read as cp1258 gives
    # runs of them with none beside ("ÀÁ"). Only a few Vietnamese words ("ở", "ừ") stand alone.
    attached = alone = 0
    for run in NON_ASCII_RUN.finditer(text):
        before, after = text[run.start() - 1 : run.start()], text[run.end() : run.end() + 1]
        if ASCII_LETTER.match(before) or ASCII_LETTER.match(after):
            attached += 1
        else:
            alone += 1
    return attached >= alone
