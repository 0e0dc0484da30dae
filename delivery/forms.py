from django import forms
from django.utils.translation import gettext_lazy as _

from addresses.models import DeliveryAddress, vn_phone_validator
from billing.forms.fields import VndField
from core.forms import StyledFormMixin

from .models import Carrier
from .services.release import MAX_FEE_VND

SCAN_ATTRS = {
    "autofocus": True,
    "autocomplete": "off",
    "autocapitalize": "characters",
    "spellcheck": "false",
    "enterkeyhint": "go",
    "class": "form-control form-control-lg scan-input",
}


class CounterFindForm(StyledFormMixin, forms.Form):
    # No max_length: the service refuses a long scan with its own message (and the counter's sound).
    q = forms.CharField(
        label=_("Scan the pickup code, or type its 6 digits, a customer code, username or phone"),
        widget=forms.TextInput(attrs=SCAN_ATTRS),
    )


class HandoverForm(StyledFormMixin, forms.Form):
    receiver_name = forms.CharField(label=_("Collected by (name)"), max_length=100)
    receiver_phone = forms.CharField(
        label=_("Their phone"),
        max_length=16,
        validators=[vn_phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    pay_from_wallet = forms.BooleanField(
        label=_("The customer pays the unpaid ones from the wallet now"), required=False
    )


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.recipient_name} · {obj.phone} — {obj}"


class DeliveryRequestForm(StyledFormMixin, forms.Form):
    address = AddressChoiceField(
        label=_("Deliver to"),
        queryset=DeliveryAddress.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your delivery addresses.")},
    )
    carrier = forms.ChoiceField(label=_("Preferred carrier"), choices=Carrier.choices, initial=Carrier.GHN)
    note = forms.CharField(
        label=_("Note for the depot"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. call before delivering, deliver after 5 pm."),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        addresses = DeliveryAddress.objects.filter(customer=customer)
        self.fields["address"].queryset = addresses
        self.fields["address"].widget.attrs["class"] = "form-check-input"
        default = addresses.filter(is_default=True).first() or addresses.first()
        if default is not None and not self.is_bound:
            self.initial.setdefault("address", default.pk)


class ReleaseScanForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Scan each parcel's label (KG…) or its tracking number"),
        widget=forms.TextInput(attrs=SCAN_ATTRS),
    )


class ReleaseDetailsForm(StyledFormMixin, forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    tracking_number = forms.CharField(
        label=_("Carrier's tracking number"),
        max_length=40,
        required=False,
        help_text=_("Not needed for the depot's own shipper."),
    )
    domestic_fee_vnd = VndField(label=_("Domestic fee"), max_value=MAX_FEE_VND)


class PublicTrackForm(forms.Form):
    q = forms.CharField(
        label=_("Order code or tracking number"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "search",
                "maxlength": 100,
            }
        ),
    )
