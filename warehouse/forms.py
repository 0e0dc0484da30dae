from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin


class ScanForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Scan or type the tracking number"),
        # no max_length: the service refuses long scans with its own message
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


class WeightForm(StyledFormMixin, forms.Form):
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("500"),
        max_digits=7,
        decimal_places=3,
        widget=forms.NumberInput(
            attrs={"step": "0.001", "inputmode": "decimal", "class": "form-control form-control-lg"}
        ),
    )

    @property
    def weight_g(self) -> int:
        return int(self.cleaned_data["weight_kg"] * 1000)


class DepotScanForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Scan the order code or the tracking number"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "form-control form-control-lg scan-input",
            }
        ),
    )
