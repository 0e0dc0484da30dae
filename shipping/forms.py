"""Shipping's forms, grouped by station (each helper keeps its own section)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.forms.fields import DecimalCommaField
from consignments.templatetags.consignment_tags import kg
from core.forms import StyledFormMixin
from warehouse.selectors import vietnam_depots

from .services.bags import weight_tolerance_g

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

    confirm_weight = forms.BooleanField(label=_("Yes, the weight is right: close the bag"), required=False)

    def __init__(self, *args, parcels_weight_g: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight_kg"].widget.attrs.update({"class": "form-control form-control-lg", "size": 8})
        self.parcels_weight_g = parcels_weight_g
        self.far = False  # the weight is far from the parcels': the form shows the confirmation box

    def clean(self):
        """A weight far from the parcels' total (a typo: "125" for 12.5 kg) is asked about before closing."""
        cleaned = super().clean()
        weight = cleaned.get("weight_kg")
        if weight is None or self.parcels_weight_g is None or cleaned.get("confirm_weight"):
            return cleaned
        grams = int(weight * 1000)
        if abs(grams - self.parcels_weight_g) > weight_tolerance_g(self.parcels_weight_g):
            self.far = True
            raise forms.ValidationError(
                _(
                    "The bag weighs %(kg)s kg but its parcels %(parcels)s kg: weigh it again, or close it anyway?"
                ),
                code="far",
                params={"kg": kg(grams), "parcels": kg(self.parcels_weight_g)},
            )
        return cleaned

    @property
    def weight_g(self) -> int:
        return int(self.cleaned_data["weight_kg"] * 1000)
