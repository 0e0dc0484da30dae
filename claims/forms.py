"""The claims forms: they validate what was typed; the services decide."""

import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.forms.fields import DecimalCommaField, VndField
from core.forms import StyledFormMixin
from warehouse.forms import MultipleFileInput

from .models import ClaimKind, Fault
from .services.common import MAX_PHOTOS_AT_ONCE, MAX_TEXT
from .services.opening import MAX_ASKED_VND

PHOTO_HELP = _("Up to 5 photos at a time (JPEG, PNG or WebP, at most 10 MB each).")
assert MAX_PHOTOS_AT_ONCE == 5  # the help text says so


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each (type, size, pixels) and names a bad one."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _photos_field(label):
    return MultipleFileField(
        label=label,
        required=False,
        help_text=PHOTO_HELP,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "class": "form-control"}
        ),
    )


def _text_field(label, *, required=True, rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT}),
    )


class NoNulMixin:
    """A zero byte typed or posted into a text field is a form error, never a 500 from the database."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("This text contains a character that is not allowed."))
        return cleaned


class ClaimForm(NoNulMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened?"), choices=ClaimKind.choices, widget=forms.RadioSelect)
    description = _text_field(_("Describe the problem"))
    amount_asked_vnd = VndField(
        label=_("Amount you ask for (₫)"),
        required=False,
        max_value=MAX_ASKED_VND,
        help_text=_("Leave empty if you do not ask for money (e.g. a wrong weight)."),
    )
    photos = _photos_field(_("Photos"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def clean_amount_asked_vnd(self):
        return self.cleaned_data.get("amount_asked_vnd") or 0


class ReplyForm(NoNulMixin, StyledFormMixin, forms.Form):
    text = _text_field(_("Message"), required=False, rows=3)
    photos = _photos_field(_("Photos"))


class ReasonForm(NoNulMixin, StyledFormMixin, forms.Form):
    reason = _text_field(_("Reason"), rows=2)


class NoteForm(NoNulMixin, StyledFormMixin, forms.Form):
    text = _text_field(_("Note to the customer (optional)"), required=False, rows=2)


class RefundForm(NoNulMixin, StyledFormMixin, forms.Form):
    amount_vnd = VndField(
        label=_("Refund (₫)"),
        min_value=1,
        max_value=MAX_ASKED_VND,
        error_messages={"min_value": _("Enter an amount above 0 ₫.")},  # 0 is not "negative"
    )
    reason = forms.CharField(label=_("Reason (on the customer's statement)"), max_length=255)
    fault = forms.ChoiceField(label=_("Who was at fault?"), choices=[("", "—"), *Fault.choices])


class ReweighForm(NoNulMixin, StyledFormMixin, forms.Form):
    parcel = forms.TypedChoiceField(label=_("Parcel"), coerce=int)
    weight_kg = DecimalCommaField(
        label=_("New weight (kg)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("500"),
        max_digits=7,
        decimal_places=3,
        error_messages={
            key: _("Enter a weight between 0.001 kg and 500 kg.")
            for key in ("min_value", "max_value", "invalid", "required", "max_digits", "max_decimal_places")
        },
    )
    text = _text_field(_("Note to the customer (optional)"), required=False, rows=2)

    def __init__(self, *args, parcels=(), **kwargs):
        if args and args[0] is not None and "weight_kg" in args[0]:  # １２．５ from a Chinese keyboard
            data = args[0].copy()
            data["weight_kg"] = unicodedata.normalize("NFKC", data["weight_kg"])
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.fields["parcel"].choices = [
            (p.pk, _("Parcel %(n)s (%(kg)s kg)") % {"n": p.piece_number, "kg": (p.weight_g or 0) / 1000})
            for p in parcels
        ]

    @property
    def weight_g(self) -> int:
        return int(self.cleaned_data["weight_kg"] * 1000)
