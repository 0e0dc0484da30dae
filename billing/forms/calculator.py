"""The public fee calculator's form: where to, how heavy and big, the extras; in people's units."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from .fields import DecimalCommaField, kg_field, number_errors, vnd_field, whole_field

MAX_PARCEL_KG = Decimal(500)


def _cm(label) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(300),
        decimal_places=1,
        error_messages=number_errors(1, 300),
    )


class CalculatorForm(StyledFormMixin, forms.Form):
    """The public fee calculator: where to, how heavy and big (each parcel the same), the extras."""

    depot = forms.TypedChoiceField(
        label=_("Destination depot"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the depots in the list.")},
    )
    weight_kg = kg_field(_("Weight of each parcel (kg)"), low="0.001", high=str(MAX_PARCEL_KG))
    length_cm = _cm(_("Length (cm)"))
    width_cm = _cm(_("Width (cm)"))
    height_cm = _cm(_("Height (cm)"))
    parcels = whole_field(_("Number of parcels"), 1, 100, initial=1, required=False)
    wooden_crate = forms.BooleanField(label=_("Wooden crate"), required=False)
    bubble_wrap = forms.BooleanField(label=_("Bubble wrap"), required=False)
    insurance = forms.BooleanField(label=_("Insurance"), required=False)
    declared_value_vnd = vnd_field(_("Declared value (₫)"), high=10_000_000_000, required=False)
    inspection = forms.BooleanField(label=_("Counting and inspection"), required=False)
    items = whole_field(_("Number of items"), 1, 100_000, required=False)

    def __init__(self, *args, depots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.depots = {depot.pk: depot for depot in depots}
        self.fields["depot"].choices = [(pk, depot.name) for pk, depot in self.depots.items()]
        self.fields["weight_kg"].error_messages["max_value"] = _(
            "At most 500 kg per parcel: split heavier goods into several parcels."
        )

    def clean(self):
        cleaned = super().clean()
        dims = [cleaned.get(f"{side}_cm") for side in ("length", "width", "height")]
        if any(d is not None for d in dims) and any(d is None for d in dims):
            for side, value in zip(("length", "width", "height"), dims, strict=True):
                if value is None and f"{side}_cm" not in self.errors:
                    self.add_error(f"{side}_cm", _("Enter all three dimensions, or none."))
        no_value = cleaned.get("declared_value_vnd") in (None, 0) and "declared_value_vnd" not in self.errors
        if cleaned.get("insurance") and no_value:
            self.add_error("declared_value_vnd", _("Insurance needs the declared value of the goods."))
        if cleaned.get("inspection") and not cleaned.get("items") and "items" not in self.errors:
            self.add_error("items", _("Counting needs the number of items."))
        return cleaned

    def order(self) -> dict:
        """Cleaned input as billing.pricing wants it: depot, parcels (ParcelMeasure), extras."""
        from ..pricing import Extras, ParcelMeasure

        data = self.cleaned_data
        dims = {
            f"{side}_mm": None if data.get(f"{side}_cm") is None else int(data[f"{side}_cm"] * 10)
            for side in ("length", "width", "height")
        }
        count = data.get("parcels") or 1
        parcel = ParcelMeasure(weight_g=int(data["weight_kg"] * 1000), **dims)
        extras = Extras(
            wooden_crate=data.get("wooden_crate", False),
            bubble_wrap=data.get("bubble_wrap", False),
            insurance=data.get("insurance", False),
            declared_value_vnd=data.get("declared_value_vnd") if data.get("insurance") else None,
            inspection=data.get("inspection", False),
            items=(data.get("items") or 0) if data.get("inspection") else 0,
        )
        return {"depot": self.depots[data["depot"]], "parcels": (parcel,) * count, "extras": extras}
