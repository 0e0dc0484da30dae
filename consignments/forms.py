from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import ConsignmentStatus
from .selectors import destination_depots


class ConsignmentFilterForm(StyledFormMixin, forms.Form):
    """The orders list's filters: a status, a destination depot, a date range (created, local dates) and a
    search by order code or tracking number. Anything it cannot read is left out, never an error page."""

    label_suffix = ""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("Order code or tracking number"), "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ConsignmentStatus.choices]
    )
    depot = forms.ModelChoiceField(
        label=_("Depot"), required=False, queryset=destination_depots(), empty_label=_("All depots")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_q(self):
        # Codes are stored upper case without spaces; a pasted "kg 0001 23" still finds KG000123.
        return "".join(self.cleaned_data["q"].split()).upper()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            data["date_from"], data["date_to"] = data["date_to"], data["date_from"]
        return data
