"""Shipping's forms, grouped by station (each helper keeps its own section)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.forms.fields import DecimalCommaField
from core.forms import StyledFormMixin
from warehouse.selectors import vietnam_depots

# --- bags ------------------------------------------------------------------------------------------------


class BagScanForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Scan the parcel's label or its tracking number"),
        # no max_length: the service refuses a long scan with its own message
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "form-control form-control-lg scan-input",
            }
        ),
    )


class BagOpenForm(StyledFormMixin, forms.Form):
    destination = forms.ModelChoiceField(
        label=_("Destination depot"),
        queryset=vietnam_depots().order_by("code"),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
        error_messages={"invalid_choice": _("Choose one of our Vietnam depots.")},
    )


class BagCloseForm(StyledFormMixin, forms.Form):
    """The bag's weight on the scale, in kg as staff read it ("12,5" or "12.5"); kept in grams."""

    weight_kg = DecimalCommaField(
        label=_("Bag weight (kg)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("2000"),
        decimal_places=3,
        error_messages={
            key: _("Enter the bag's weight, between 0.001 kg and 2,000 kg.")
            for key in ("min_value", "max_value", "invalid", "required", "max_decimal_places", "max_digits")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight_kg"].widget.attrs.update({"class": "form-control form-control-lg", "size": 8})

    @property
    def weight_g(self) -> int:
        return int(self.cleaned_data["weight_kg"] * 1000)
