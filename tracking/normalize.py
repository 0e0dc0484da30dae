"""One set of rules for tracking numbers (mã vận đơn), used by the customer's form and the scanner alike.

>>> normalize_tracking_code(" sf 1234 5678 9012 ")
'SF123456789012'
>>> normalize_tracking_code("ＹＴ１２３４５６７８９０")   # full-width, typed with a Chinese input method
'YT1234567890'
>>> normalize_tracking_code("78123\u200b456-789,")      # zero-width space, separators, list punctuation
'78123456789'
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 6
MAX_LENGTH = 30
_NOT_CODE = re.compile(r"[^0-9A-Z]")
_ALLOWED_NOISE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\-_.,;:/#|'\"]")


def normalize_tracking_code(raw: str) -> str:
    """Width-fold (NFKC), upper-case, and drop spaces, invisible characters and separators."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return _ALLOWED_NOISE.sub("", text)


def clean_tracking_code(raw: str) -> str:
    """Normalise and check; raise ValidationError with a message a customer can act on."""
    code = normalize_tracking_code(raw)
    if not code:
        raise ValidationError(_("Enter a tracking number."), code="empty")
    if _NOT_CODE.search(code):
        raise ValidationError(
            _("A tracking number has only Latin letters and digits; “%(code)s” has other characters."),
            code="characters",
            params={"code": code[:40]},
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
