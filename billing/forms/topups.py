"""Forms of the top-up page (the amount the customer will transfer) and of operations' transfers desk
(assigning an unmatched transfer to a customer)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.forms import StyledFormMixin

from ..models import TransferStatus
from ..transfer_content import fold
from .fields import VndField

TOPUP_MIN_VND = 10_000
TOPUP_MAX_VND = 500_000_000


class TopUpForm(StyledFormMixin, forms.Form):
    """How much the customer means to transfer (optional: the QR code works without an amount)."""

    amount = VndField(
        label=_("Amount to top up (₫)"),
        required=False,
        min_value=TOPUP_MIN_VND,
        max_value=TOPUP_MAX_VND,
        error_messages={
            "invalid": _("Enter a whole number of đồng, e.g. 1.000.000."),
            "min_value": _("At least 10.000 ₫."),
            "max_value": _("At most 500.000.000 ₫ in one transfer: split larger amounts."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1.000.000", "maxlength": 30}
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
