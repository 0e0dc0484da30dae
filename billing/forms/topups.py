"""Forms of the top-up page (the amount the customer will transfer) and of operations' transfers desk
(assigning an unmatched transfer to a customer)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.forms import StyledFormMixin

from ..models import TransferStatus
from ..transfer_content import fold

TOPUP_MIN_VND = 10_000
TOPUP_MAX_VND = 500_000_000

# 1000000, 1.000.000, 1,000,000, 1 000 000 (a currency sign or "đ"/"VND" after it is dropped first).
_GROUPED = re.compile(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*|\d+", re.ASCII)
_CURRENCY = re.compile(r"(?:₫|đ|Đ|vnđ|vnd|dong|đồng)\.?$", re.IGNORECASE)


def parse_vnd(text: str) -> int | None:
    """A whole number of đồng as people type it; None when it is not one (1.000,5 or 10.5 or 1e6)."""
    text = _CURRENCY.sub("", (text or "").strip()).strip()
    if not _GROUPED.fullmatch(text):
        return None
    return int(re.sub(r"[.,\s]", "", text))


class AmountField(forms.Field):
    """An amount of đồng typed by a person (see parse_vnd), between the top-up limits."""

    widget = forms.TextInput

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        amount = parse_vnd(value) if len(value) <= 30 else None
        if amount is None:
            raise forms.ValidationError(_("Enter a whole number of đồng, e.g. 1.000.000."), code="invalid")
        return amount

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < TOPUP_MIN_VND:
            raise forms.ValidationError(_("At least 10.000 ₫."), code="min_value")
        if value > TOPUP_MAX_VND:
            raise forms.ValidationError(
                _("At most 500.000.000 ₫ in one transfer: split larger amounts."), code="max_value"
            )


class TopUpForm(StyledFormMixin, forms.Form):
    """How much the customer means to transfer (optional: the QR code works without an amount)."""

    amount = AmountField(
        label=_("Amount to top up (₫)"),
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1.000.000"}
        ),
        help_text=_("From 10.000 ₫ to 500.000.000 ₫."),
    )


class TransferFilterForm(StyledFormMixin, forms.Form):
    ALL = "all"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Unmatched")), (ALL, _("All"))]
        + [(value, label) for value, label in TransferStatus.choices if value != TransferStatus.UNMATCHED],
    )


class TransferAssignForm(StyledFormMixin, forms.Form):
    """Operations name the customer an unmatched transfer belongs to, and why."""

    customer = forms.CharField(
        label=_("Customer code or username"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "YW532"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. customer sent the bank receipt by Zalo")}),
        help_text=_("Kept with the transfer and shown on the customer's statement."),
    )

    def clean_customer(self):
        text = self.cleaned_data["customer"].strip()
        code = re.sub(r"[\s.\-_]", "", fold(text))
        customers = User.objects.filter(role=Role.CUSTOMER, is_active=True)
        customer = (
            customers.filter(customer_code=code).first() or customers.filter(username__iexact=text).first()
        )
        if customer is None:
            raise forms.ValidationError(
                _("No active customer has the code or username “%(text)s”."),
                params={"text": text},
                code="unknown",
            )
        return customer

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why this transfer is this customer's."), code="required")
        return reason
