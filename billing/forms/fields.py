"""Numbers as people type them into billing's forms: đồng with Vietnamese, English or spaced thousands
("1.500.000", "1,500,000", "1 500 000 ₫"), kg and CNY with a decimal comma ("1,5"). One reading for
every form: what could mean two things ("1.5" đồng, "12,34" đồng) is refused with a message, never
guessed. Also the field builders the fee schedule and calculator forms share."""

import re
from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import vnd
from core.numbers import (
    DecimalField,
    IntegerField,
    KeyboardNumberMixin,
    NumberScriptError,
    keyboard_number_text,
    parse_decimal,
)

# 1000000, 1.000.000, 1,000,000, 1 000 000: one separator, the same between every group of three digits.
_GROUPED = re.compile(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*|\d+", re.ASCII)
_CURRENCY = re.compile(r"(?:₫|đ|Đ|vnđ|vnd|dong|đồng)\.?$", re.IGNORECASE)
_MINUS = ("-", "−", "–")  # a hyphen, the minus sign amounts are shown with, an en dash (word processors)
MAX_TYPED = 30


def parse_vnd(text, *, signed: bool = False) -> int | None:
    """A whole number of đồng as people type it: '1.500.000', '1,500,000', '1 500 000 ₫', '20.000đ'.
    With `signed`, a leading minus or plus ('-50.000' → -50000). None when it is not one: decimals
    ('1.5', '12,34', '1.000,5'), mixed separators, letters, a sign when not `signed`."""
    try:  # full-width digits and marks as ASCII (core.numbers); other scripts' digits are not a number
        text = keyboard_number_text(text).strip()
    except NumberScriptError:
        return None
    text = _CURRENCY.sub("", text).strip()
    sign = 1
    if signed and text[:1] in (*_MINUS, "+"):
        sign = -1 if text[0] in _MINUS else 1
        text = text[1:].lstrip()
    if len(text) > MAX_TYPED or not _GROUPED.fullmatch(text):
        return None
    return sign * int(re.sub(r"[.,\s]", "", text))


def to_decimal(text) -> Decimal | None:
    """'1,5', '1.5', ' 1.5 ', '１，５' → Decimal('1.5'); None when it is not a plain number or could be read
    two ways ('12 5', '1.250,5'): core.numbers.parse_decimal, the reading of every decimal field."""
    return parse_decimal(text)


def _at_most(limit) -> str:
    return gettext("At most %(max)s.") % {"max": vnd(limit)}


at_most_vnd = lazy(_at_most, str)  # "At most 10.000.000.000 ₫.", in the language of the page


class VndField(KeyboardNumberMixin, forms.IntegerField):
    """Whole đồng, with or without thousands separators (see parse_vnd), in a text input that opens the
    phone's number pad. `signed`: a minus is allowed (it is refused by min_value otherwise, with a
    message, rather than as "not a number")."""

    default_error_messages = {
        "invalid": _("Enter a whole number of đồng, e.g. 24.000."),
        "min_value": _("Cannot be negative."),
    }

    def __init__(self, *, signed: bool = False, **kwargs):
        self.signed = signed
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": MAX_TYPED}),
        )
        if not signed:
            kwargs.setdefault("min_value", 0)
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        if self.max_value is not None and "max_value" not in given:
            self.error_messages["max_value"] = at_most_vnd(self.max_value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = parse_vnd(value, signed=True)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class DecimalCommaField(DecimalField):
    """A decimal that accepts a comma as the decimal mark (Vietnamese keyboards: "1,5"): core.numbers'
    DecimalField, whose reading every decimal field of the project shares."""


# --- Field builders of the fee schedule and calculator forms ---------------------------------------------


def number_errors(low=None, high=None) -> dict:
    """The messages of a number field with these limits."""
    messages = {"invalid": _("Enter a number."), "required": _("This field is required.")}
    if low is not None:
        messages["min_value"] = _("At least %(limit_value)s.")
        if low == 0:
            messages["min_value"] = _("Cannot be negative.")
    if high is not None:
        messages["max_value"] = _("At most %(limit_value)s.")
    messages["max_decimal_places"] = _("At most %(max)s decimals.")
    return messages


def kg_field(label, *, low="0", high="100", required=True, help_text="") -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        min_value=Decimal(low),
        max_value=Decimal(high),
        decimal_places=3,
        required=required,
        help_text=help_text,
        error_messages=number_errors(Decimal(low), Decimal(high)),
    )


def cny_field(label) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        decimal_places=2,
        error_messages=number_errors(0, 10_000),
    )


def vnd_field(label, high=100_000_000, **kwargs) -> VndField:
    errors = number_errors(0, high)
    del errors["invalid"], errors["max_value"]  # VndField's own: "a whole number of đồng", the limit in ₫
    return VndField(label=label, max_value=high, error_messages=errors, **kwargs)


def whole_field(label, low, high, **kwargs) -> forms.IntegerField:
    return IntegerField(
        label=label, min_value=low, max_value=high, error_messages=number_errors(low, high), **kwargs
    )
