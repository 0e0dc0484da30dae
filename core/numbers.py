"""Numbers as a Chinese or Vietnamese keyboard types them, read the same way by every numeric field.

A Chinese input method in full-width mode types "１２．５" (and "，", "。" for the marks); the warehouse in
Guangzhou and customers copying from Chinese pages send exactly that. Python's int() and Decimal() take any
script's digits ("٣" is 3) but not a full-width point, so before this module full-width numbers were refused
while Arabic-Indic digits went through. Here it is the other way round: full-width digits and marks become
ASCII, and a digit of any other script (Arabic-Indic, Devanagari, superscripts, circled numbers, fractions,
Roman numerals…) is refused with a message that says which character. Each field then applies its own rules
(which decimal mark, how many decimals, thousands separators) to the ASCII text.
"""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

# Full-width digits and signs (U+FF10…), and the marks a Chinese input method types for "." and ",".
_KEYBOARD = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    ord("．"): ".",
    ord("。"): ".",  # a Chinese input method's "." in Chinese punctuation mode
    ord("｡"): ".",
    ord("，"): ",",
    ord("､"): ",",
    ord("－"): "-",
    ord("＋"): "+",
    ord("\u3000"): " ",  # the ideographic (full-width) space
    ord("\u00a0"): " ",
    ord("\u202f"): " ",
}


class NumberScriptError(ValueError):
    """A character that is a number in some script, but not 0–9."""

    def __init__(self, character: str):
        super().__init__(character)
        self.character = character


def keyboard_number_text(value) -> str:
    """The text of a typed number with full-width digits and marks made ASCII; NumberScriptError for a
    numeric character of another script. Other characters (letters, currency signs) are left for the
    field's own rules to accept or refuse."""
    text = str(value if value is not None else "").translate(_KEYBOARD)
    for character in text:
        if not character.isascii() and (
            character.isnumeric() or unicodedata.category(character) in ("Nd", "Nl", "No")
        ):
            raise NumberScriptError(character)
    return text


DIGITS_MESSAGE = _("Type the number with the digits 0–9: “%(character)s” is not one of them.")


def digits_error(exc: NumberScriptError) -> forms.ValidationError:
    return forms.ValidationError(DIGITS_MESSAGE, code="digits", params={"character": exc.character})


class KeyboardNumberMixin:
    """For a form field of numbers: full-width input is read as ASCII before the field's own parsing, and
    another script's digits are refused with DIGITS_MESSAGE (not the field's "enter a number")."""

    def clean(self, value):  # before to_python, which some fields (billing.forms.fields) define themselves
        if isinstance(value, str):
            try:
                value = keyboard_number_text(value)
            except NumberScriptError as exc:
                raise digits_error(exc) from exc
        return super().clean(value)


class IntegerField(KeyboardNumberMixin, forms.IntegerField):
    pass


class DecimalField(KeyboardNumberMixin, forms.DecimalField):
    pass


class FloatField(KeyboardNumberMixin, forms.FloatField):
    pass


def parse_int(value, *, low: int | None = 0, high: int | None = None) -> int | None:
    """A whole number from a request value read without a form (an id, a count, a total a page sent back):
    ASCII or full-width digits only, optionally signed; None for anything else or outside [low, high]."""
    try:
        text = keyboard_number_text(value).strip()
    except NumberScriptError:
        return None
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit() or len(body) > 18:
        return None
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number
