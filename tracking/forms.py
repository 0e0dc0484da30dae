from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin


class TrackingRegisterForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking number"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": _("e.g. SF1234567890123"),
            }
        ),
    )
    note = forms.CharField(
        label=_("Note (what is inside, how many)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 3 pairs of shoes")}),
    )
