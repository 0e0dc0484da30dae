"""Publishing a fee schedule draft: now, or from a date and time (Asia/Ho_Chi_Minh), as an explicit choice
(billing.services.schedules_publish.schedule_publish takes None for now)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

NOW, AT = "now", "at"


class PublishForm(StyledFormMixin, forms.Form):
    when = forms.ChoiceField(
        label=_("It takes effect"),
        choices=[(NOW, _("Now")), (AT, _("From a date and time"))],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    effective_from = forms.DateTimeField(
        label=_("In force from"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Vietnam time."),
        error_messages={"invalid": _("Enter a date and time, e.g. 01/07/2026 00:00.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == NOW:  # what the date box holds does not matter then
            self.errors.pop("effective_from", None)
            data["effective_from"] = None
        elif (
            data.get("when") == AT and not data.get("effective_from") and "effective_from" not in self.errors
        ):
            self.add_error("effective_from", _("Choose the date and time it takes effect."))
        return data

    def start(self):
        """The start for the service: None for now, else the date and time chosen."""
        if self.cleaned_data["when"] == NOW:
            return None
        return self.cleaned_data["effective_from"]

    def chosen_moment(self):
        """For the page's preview before publishing (not bound or not valid yet: None, i.e. now)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.start()
