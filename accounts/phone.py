"""Vietnamese phone numbers: one reading of what people type, stored in the national form (0xxxxxxxxx).

The numbering plan since the 2018 change (Bộ Thông tin và Truyền thông, Circular 22/2014 as amended):
- mobile: 10 digits, 0 + a network prefix starting 3, 5, 7, 8 or 9 (032…039, 052…059, 070…079, 081…089, 09x);
- landline: 11 digits, 02 + a 1–2 digit area code + the subscriber number (024 Hà Nội, 028 TP.HCM,
  0236 Đà Nẵng: always 11 digits in all).
People write them as 0912 345 678, 091.234.5678, +84 912 345 678, 84912345678 or 0084 912 345 678; a Chinese
keyboard may give full-width digits (０９１２…). All of these become 0912345678.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What may separate the groups of digits as people write them.
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")

INVALID_MESSAGE = _(
    "Enter a Vietnamese phone number: a mobile of 10 digits starting 03, 05, 07, 08 or 09 "
    "(e.g. 0912 345 678 or +84 912 345 678), or a landline of 11 digits starting 02."
)


def normalize_vn_phone(value: str) -> str:
    """The number in its national form (`0912345678`), or ValidationError with a message a person can act on.

    An empty value stays empty (the field is optional where it is used).
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("84"):
            raise ValidationError(_("Only Vietnamese numbers (+84) are accepted."), code="foreign_phone")
        digits = "0" + digits[2:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):  # the country code without + (84 912 345 678)
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # +84 0912… (the trunk 0 kept after the country code)
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
