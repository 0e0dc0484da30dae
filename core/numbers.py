"""Numbers as a Chinese or Vietnamese keyboard types them, read the same way by every numeric field.

A Chinese input method in full-width mode types "１２．５" (and "，", "。" for the marks); the warehouse in
Guangzhou and customers copying from Chinese pages send exactly that. Python's int() and Decimal() take any
script's digits ("٣" is 3) but not a full-width point, so before this module full-width numbers were refused
while Arabic-Indic digits went through. Here it is the other way round: full-width digits and marks become
ASCII, and a digit of any other script (Arabic-Indic, Devanagari, superscripts, circled numbers, fractions,
Roman numerals…) is refused with a message that says which character. Each field then applies its own rules
(which decimal mark, how many decimals, thousands separators) to the ASCII text.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

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


# One reading for every typed number (issue 12: "12,5" kg reached the server as 125 from an <input
# type=number> that dropped the comma). A decimal has at most one mark, "." or ",", and it is the decimal
# mark: "12,5", "12.5", "12。5", "１２，５" are 12.5, and "1.250" is 1.25 kg as a scale shows it. What could
# be read two ways is refused, never guessed: two marks ("1.250,5", "1,250.5"), a space between digits
# ("12 5"). A whole number may group thousands with one separator ("1.000", "1,000", "1 000" are 1000);
# a decimal part ("12.5", "12.0") is refused rather than cut off (Django's own field read "1.000" as 1).
_DECIMAL = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", re.ASCII)
_WHOLE = re.compile(r"[-+]?(?:\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*|\d+)", re.ASCII)
MAX_TYPED = 30


def parse_decimal(value) -> Decimal | None:
    """A decimal as people type it (see above), or None when it is not one or could mean two numbers."""
    try:
        text = keyboard_number_text(value).strip()
    except NumberScriptError:
        return None
    if len(text) > MAX_TYPED or not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


_NUMBER_LIKE = re.compile(r"[-+]?[\d.,\s]*\d[\d.,\s]*", re.ASCII)

AMBIGUOUS_MESSAGE = _(
    "“%(value)s” could be read as more than one number: type it with one decimal mark and no spaces, "
    "e.g. 12,5 or 12.5."
)


def ambiguous_decimal(value) -> bool:
    """Digits and marks that parse_decimal refuses because they could mean two numbers ("12 5",
    "1.250,5"), as opposed to text that is no number at all."""
    try:
        text = keyboard_number_text(value).strip()
    except NumberScriptError:
        return False
    if not _NUMBER_LIKE.fullmatch(text) or parse_decimal(text) is not None:
        return False
    return re.search(r"\d\s+\d", text) is not None or ("." in text and "," in text)


def parse_whole(value) -> int | None:
    """A whole number as people type it, thousands grouped or not (see above); None otherwise."""
    try:
        text = keyboard_number_text(value).strip()
    except NumberScriptError:
        return None
    if len(text) > MAX_TYPED or not _WHOLE.fullmatch(text):
        return None
    return int(re.sub(r"[.,\s]", "", text))


class _TypedNumberMixin(KeyboardNumberMixin):
    """A text input that opens the phone's number pad (an <input type=number> silently drops what the
    browser cannot read, such as the comma of "12,5", and sends 125), read on the server by the rules above."""

    widget = forms.TextInput
    inputmode = "decimal"

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden and not isinstance(widget, forms.NumberInput):
            attrs.setdefault("inputmode", widget.attrs.get("inputmode", self.inputmode))
            attrs.setdefault("autocomplete", widget.attrs.get("autocomplete", "off"))
        return attrs


class IntegerField(_TypedNumberMixin, forms.IntegerField):
    inputmode = "numeric"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = parse_whole(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DecimalField(_TypedNumberMixin, forms.DecimalField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        number = parse_decimal(value)
        if number is None and ambiguous_decimal(value):
            raise forms.ValidationError(AMBIGUOUS_MESSAGE, code="ambiguous", params={"value": value})
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class FloatField(_TypedNumberMixin, forms.FloatField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_decimal(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return float(number)


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


def shown_total(data, ids, *, prefix: str = "due_") -> int | None:
    """The sum of the amounts a page showed beside these rows and sent back (`due_<id>` hidden fields: a
    payment refuses to take more than the person saw); None when a row's amount is missing or unreadable."""
    amounts = [parse_int(data.get(f"{prefix}{pk}")) for pk in ids]
    return sum(amounts) if ids and None not in amounts else None
