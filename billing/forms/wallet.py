"""Forms of the customer's wallet pages (order extras, statement filters) and of operations' wallet desk."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from ..models import CustomerGroup, EntryKind
from ..services.charges import MAX_DECLARED_VALUE_VND
from ..services.wallet import MAX_AMOUNT_VND
from .fields import VndField, at_most_vnd

CHECK = forms.CheckboxInput(attrs={"class": "form-check-input"})


class OrderExtrasForm(StyledFormMixin, forms.Form):
    """The optional services of one order, chosen while it is at the China warehouse."""

    wooden_crate = forms.BooleanField(label=_("Wooden crate"), required=False, widget=CHECK)
    bubble_wrap = forms.BooleanField(label=_("Bubble wrap"), required=False, widget=CHECK)
    insurance = forms.BooleanField(label=_("Insurance"), required=False, widget=CHECK)
    declared_value_vnd = VndField(
        label=_("Declared value (VND)"),
        required=False,
        max_value=MAX_DECLARED_VALUE_VND,
        help_text=_("For insurance. Empty: the value declared for customs."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "2.000.000", "maxlength": 30}
        ),
    )
    inspection = forms.BooleanField(label=_("Counting and inspection"), required=False, widget=CHECK)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatementFilterForm(StyledFormMixin, forms.Form):
    """Filters of the statement and its export: kind and a range of local (Asia/Ho_Chi_Minh) dates."""

    label_suffix = ""  # labels above the fields, as on every other form

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntryKind.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class CustomerFindForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Customer code or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class WalletEntryForm(StyledFormMixin, forms.Form):
    """Operations' adjustment (signed) or refund (positive) of one wallet. `key` is generated when the form is
    rendered: submitting the same form twice posts once."""

    KINDS = [(EntryKind.ADJUSTMENT, _("Adjustment (+ or −)")), (EntryKind.REFUND, _("Refund"))]
    PLUS, MINUS = "+", "-"

    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    # Phones' number pads have no minus key: the sign is a choice beside the amount, or typed ("-50.000").
    sign = forms.ChoiceField(
        label=_("Sign"),
        required=False,
        choices=[(PLUS, _("+ add to the wallet")), (MINUS, _("− take from the wallet"))],
        widget=forms.RadioSelect,
    )
    amount_vnd = VndField(
        label=_("Amount (VND)"),
        signed=True,
        min_value=-MAX_AMOUNT_VND,
        max_value=MAX_AMOUNT_VND,
        error_messages={
            "invalid": _("Enter a whole number of đồng, e.g. 50.000 (or -50.000 to take money back)."),
            "min_value": at_most_vnd(MAX_AMOUNT_VND),
        },
        help_text=_("An adjustment may take money back: choose − or type a minus. A refund is positive."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "50.000", "maxlength": 30}
        ),
    )
    order = forms.CharField(
        label=_("Order code (refund of an order, optional)"), max_length=20, required=False
    )
    reason = forms.CharField(
        label=_("Reason (the customer sees it)"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_amount_vnd(self):
        amount = self.cleaned_data["amount_vnd"]
        if amount == 0:
            raise forms.ValidationError(_("Enter an amount other than 0."))
        return amount

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why: the customer sees the reason on their statement."))
        return reason

    def clean(self):
        data = super().clean()
        amount = data.get("amount_vnd")
        if amount is not None and data.get("sign") == self.MINUS:
            data["amount_vnd"] = -abs(amount)  # "−" and "-50.000" say the same thing
        elif amount is not None and amount < 0 and data.get("sign") == self.PLUS:
            self.add_error("amount_vnd", _("The amount has a minus but “+” is chosen: choose one."))
        if data.get("kind") == EntryKind.REFUND and data.get("amount_vnd", 1) < 0:
            self.add_error("amount_vnd", _("A refund must be a positive amount."))
        if data.get("order") and data.get("kind") != EntryKind.REFUND:
            self.add_error("order", _("Only a refund names an order."))
        return data


class CustomerGroupForm(StyledFormMixin, forms.Form):
    group = forms.ModelChoiceField(
        label=_("Customer group"),
        queryset=CustomerGroup.objects.all(),
        required=False,
        empty_label=_("The default group"),
    )
