from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .models import TrackingStatus
from .normalize import Courier
from .selectors import STALE


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


class _PastedListField(forms.CharField):
    """A pasted list is judged line by line (tracking.services): a zero byte costs its own line, not the whole
    list, so the field does not refuse it (Django's CharField would, for the whole box)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class TrackingPasteForm(StyledFormMixin, forms.Form):
    text = _PastedListField(
        label=_("Tracking numbers"),
        help_text=_("One per line, or separated by commas, semicolons or tabs. Up to 5,000 at a time."),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "autocapitalize": "characters"}),
    )


class TrackingNoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note (what is inside, how many)"), max_length=255, required=False)


class _SeparatorField(forms.ChoiceField):
    """A CSV file's separator by name; the character itself (",", ";", a tab) is taken for its name."""

    def to_python(self, value):
        value = super().to_python(value)
        return {",": "comma", ";": "semicolon", "\t": "tab"}.get(value, value)


class TrackingImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_(
            "Up to 100,000 rows. A column of tracking numbers (header “Mã vận đơn” or the first column) and an "
            "optional note column (“Ghi chú”)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    separator = _SeparatorField(
        label=_("Separator (CSV files only)"),
        required=False,
        # The keys of tracking.imports.common.SEPARATORS (not imported here: it loads openpyxl).
        choices=[
            ("", _("Automatic")),
            ("comma", _("Comma ( , )")),
            ("semicolon", _("Semicolon ( ; )")),
            ("tab", _("Tab")),
        ],
        help_text=_(
            "The character between the columns of your CSV file. Leave it on “Automatic”: if we cannot be sure, "
            "we ask you to choose it and upload the file again."
        ),
    )


class TrackingFilterForm(StyledFormMixin, forms.Form):
    label_suffix = ""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("Part of a code"), "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *TrackingStatus.choices,
            (STALE, _("Not received for a long time")),
        ],
    )
    courier = forms.ChoiceField(
        label=_("Courier"), required=False, choices=[("", _("All couriers")), *Courier.choices]
    )
