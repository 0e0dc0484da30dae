"""Reading a bank transfer's content (nội dung chuyển khoản) for the customer code it names.

The top-up page asks for `NAP <customer code>` (TOPUP_PREFIX). What reaches us has been through a banking
app and the bank: accents dropped or kept (`NẠP`), case changed, spaces, dashes and dots added or removed,
the bank's own prefix and suffix glued around it (`MBVCB.3278907687.NAP YW532.CT tu 0123`,
`IBFT NAP YW532`), an emoji. So: fold to upper-case ASCII, then look for the prefix as a word of its own
(not the end of `SNAP` or `KHANAP`, not `N A P`) followed by a customer code whose characters may be
separated by spaces, dashes, dots or underscores.

A code without the prefix is never taken from the content: bank references (FT23082…) look like codes.
"""

import re
import unicodedata
from functools import lru_cache

from accounts.models import CUSTOMER_CODE_DIGITS, CUSTOMER_CODE_LETTERS

_SEP = r"[\s.\-_/,:;+*#|]*"
_LETTER = f"([{CUSTOMER_CODE_LETTERS}])"
_DIGIT = f"([{CUSTOMER_CODE_DIGITS}])"
# Two letters and three digits, each possibly separated; not followed by another digit (YW5321 is not YW532).
_CODE = _LETTER + _SEP + _LETTER + _SEP + _DIGIT + _SEP + _DIGIT + _SEP + _DIGIT + r"(?![0-9])"
# People write "nạp tiền YW532" (top up money): the word TIEN after the prefix is allowed.
_AFTER_PREFIX = f"{_SEP}(?:TIEN{_SEP})?"


def fold(text: str) -> str:
    """Upper-case ASCII: diacritics removed (NFKD), đ → D, anything else non-ASCII (emoji) → a space."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch if ord(ch) < 128 else " " for ch in decomposed if not unicodedata.combining(ch))
    return ascii_only.upper()


@lru_cache(maxsize=8)
def _pattern(prefix: str) -> re.Pattern:
    # The prefix as one word: its letters together ("N A P" is not it), and not the end of a longer word
    # ("SNAP", "KHANAP"). A digit may touch it: banks glue their references on ("…3278907687NAP YW532").
    word = re.escape(fold(prefix).strip())
    # A lookahead, so that codes next to each other ("NAP YW532 NAP KM748") are all found.
    return re.compile(f"(?<![A-Z])(?={word}{_AFTER_PREFIX}{_CODE})")


def codes_in(content: str, *, prefix: str) -> list[str]:
    """The customer codes named in `content` after `prefix`, in order, without repeats."""
    text = fold(content)
    pattern = _pattern(prefix)
    found: list[str] = []
    for match in pattern.finditer(text):
        code = "".join(match.groups())
        if code not in found:
            found.append(code)
    return found


_BARE_CODE = re.compile(f"{_SEP}{_CODE}{_SEP}")


def code_from_provider(code: str | None, *, prefix: str) -> list[str]:
    """A payment code the notification service extracted itself (SePay's `code`): either the whole content
    pattern (`NAPYW532`) or the bare customer code (`YW532`). Trusted without the prefix, as the service
    found it with the pattern the forwarder configured."""
    if not code or not isinstance(code, str):
        return []
    found = codes_in(code, prefix=prefix)
    if found:
        return found
    match = _BARE_CODE.fullmatch(fold(code))
    return ["".join(match.groups())] if match else []
