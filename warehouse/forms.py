from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from core.numbers import DecimalField, IntegerField


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


def _decimal_input() -> forms.TextInput:
    """A text box with the phone's decimal pad: an <input type=number> dropped the comma of "12,5"."""
    return forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control form-control-lg"}
    )


# A parcel heavier than this, or this many times its previous weight, is saved only when staff confirm it.
HEAVY_G = 30_000
HEAVY_FACTOR = 5


def _dimension_field(label) -> forms.DecimalField:
    """One side of the parcel, in cm with one decimal, 1–300 (stored in millimetres)."""
    return DecimalField(
        label=label,
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("300"),
        max_digits=4,
        decimal_places=1,
        widget=_decimal_input(),
    )


class WeightForm(StyledFormMixin, forms.Form):
    """Weight, and optionally the three dimensions (cm, one decimal), as staff read them off scale and tape."""

    weight_kg = DecimalField(
        label=_("Weight (kg)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("500"),
        error_messages={
            key: _("Enter a weight between 0.001 kg and 500 kg.")
            for key in ("min_value", "max_value", "invalid", "required", "max_digits", "max_decimal_places")
        },
        max_digits=7,
        decimal_places=3,
        widget=_decimal_input(),
    )
    length_cm = _dimension_field(_("Length (cm)"))
    width_cm = _dimension_field(_("Width (cm)"))
    height_cm = _dimension_field(_("Height (cm)"))
    confirm_heavy = forms.BooleanField(label=_("Yes, the weight is right: save it"), required=False)

    def __init__(self, *args, previous_g: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_g = previous_g
        self.heavy = False  # the weight needs the confirmation (the form shows the box)

    def clean(self):
        cleaned = super().clean()
        dims = [cleaned.get(f) for f in ("length_cm", "width_cm", "height_cm")]
        if any(d is not None for d in dims) and any(d is None for d in dims) and not self.errors:
            raise forms.ValidationError(_("Enter all three dimensions, or none."))
        weight = cleaned.get("weight_kg")
        if weight is not None and not cleaned.get("confirm_heavy"):
            grams = int(weight * 1000)
            if grams > HEAVY_G or (self.previous_g and grams > HEAVY_FACTOR * self.previous_g):
                self.heavy = True
                raise forms.ValidationError(
                    _("That is %(kg)s kg: heavier than usual. Save anyway?"),
                    code="heavy",
                    params={"kg": number_format(weight.normalize(), force_grouping=True)},
                )
        return cleaned

    @property
    def weight_g(self) -> int:
        return int(self.cleaned_data["weight_kg"] * 1000)

    def dimensions_mm(self) -> dict:
        return {
            f"{name}_mm": None
            if self.cleaned_data.get(f"{name}_cm") is None
            else int(self.cleaned_data[f"{name}_cm"] * 10)
            for name in ("length", "width", "height")
        }


class DeclarationForm(StyledFormMixin, forms.Form):
    goods_vi = forms.CharField(label=_("Goods (Vietnamese)"), max_length=255, required=False)
    goods_zh = forms.CharField(label=_("Goods (Chinese)"), max_length=255, required=False)
    quantity = IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)
    unit_value_cny = DecimalField(
        label=_("Unit value (CNY)"),
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("goods_vi") or cleaned.get("goods_zh")) and not self.errors:
            raise forms.ValidationError(_("Describe the goods, in Vietnamese or Chinese."))
        return cleaned

    @property
    def unit_value_fen(self) -> int:
        return int(self.cleaned_data["unit_value_cny"] * 100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoForm(forms.Form):
    photos = forms.FileField(
        label=_("Photos of the parcel"),
        widget=MultipleFileInput(
            attrs={"accept": "image/*", "capture": "environment", "class": "form-control"}
        ),
    )


class IdentifyForm(StyledFormMixin, forms.Form):
    label = forms.CharField(
        label=_("Customer code or receiver line from the label"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A receiver line as suppliers write it: this forwarder's mark, a username, a customer code.
        self.example = f"{settings.BRAND_MARK} nguyenvana YW510"
        self.fields["label"].widget.attrs["placeholder"] = self.example


class AssignForm(StyledFormMixin, forms.Form):
    customer = IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why is it theirs?"), max_length=255)


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
