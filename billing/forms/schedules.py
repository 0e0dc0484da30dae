"""Forms of the fee schedule pages (the public calculator's: billing.forms.calculator). People type kg, CNY, percent and đồng with
their own separators ("1,5" kg, "24.000" ₫); the forms turn them into grams, fen, basis points and whole
đồng for billing.services.schedules and billing.pricing, and name the field (and the row) that is wrong."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from ..services.rates import rate_check
from ..services.schedules import ScheduleError, brackets_check
from .fields import (
    DecimalCommaField,
    cny_field,
    kg_field,
    number_errors,
    parse_vnd,
    to_decimal,
    vnd_field,
    whole_field,
)

OPEN_END = {"", "-", "–", "—", "∞", "+", "...", "…"}


# form field → (FeeSchedule field, people's unit → stored unit, stored → people's unit)
_G = (lambda kg: int(kg * 1000), lambda g: Decimal(g) / 1000)
_FEN = (lambda cny: int(cny * 100), lambda fen: Decimal(fen) / 100)
_BP = (lambda pct: int(pct * 100), lambda bp: Decimal(bp) / 100)
_SAME = (lambda v: v, lambda v: v)
FIELD_MAP = {
    "name": ("name", _SAME),
    "note": ("note", _SAME),
    "volumetric_divisor": ("volumetric_divisor", _SAME),
    "volumetric_min_excess_kg": ("volumetric_min_excess_g", _G),
    "min_billable_kg": ("min_billable_g", _G),
    "weight_step_kg": ("weight_step_g", _G),
    "volume_pricing": ("volume_pricing", _SAME),
    "volume_price_per_m3_vnd": ("volume_price_per_m3_vnd", _SAME),
    "bulky_below_kg_per_m3": ("bulky_below_kg_per_m3", _SAME),
    "crate_first_kg_cny": ("crate_first_kg_fen", _FEN),
    "crate_extra_kg_cny": ("crate_extra_kg_fen", _FEN),
    "bubble_first_kg_cny": ("bubble_first_kg_fen", _FEN),
    "bubble_extra_kg_cny": ("bubble_extra_kg_fen", _FEN),
    "insurance_rate_percent": ("insurance_rate_bp", _BP),
    "insurance_min_vnd": ("insurance_min_vnd", _SAME),
    "inspection_per_item_vnd": ("inspection_per_item_vnd", _SAME),
    "handling_per_parcel_vnd": ("handling_per_parcel_vnd", _SAME),
    "storage_free_days": ("storage_free_days", _SAME),
    "storage_per_kg_day_vnd": ("storage_per_kg_day_vnd", _SAME),
}
FORM_FIELD_OF = {model: form for form, (model, _conv) in FIELD_MAP.items()}


def _number_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def bracket_lines(brackets) -> str:
    """A depot's brackets as the lines people edit: 'from kg - to kg - price per kg'."""
    return "\n".join(
        f"{_number_text(Decimal(b.from_g) / 1000)} - "
        f"{'∞' if b.to_g is None else _number_text(Decimal(b.to_g) / 1000)} - {b.price_per_kg_vnd}"
        for b in brackets
    )


def _cells(line: str) -> list[str]:
    if re.search(r"[\t;|]", line):
        return [cell.strip() for cell in re.split(r"[\t;|]", line)]
    line = re.sub(r"(?<=[0-9∞])\s*[-–—]\s*", " ", line)  # a dash after a number separates
    line = re.sub(r"\s*[–—]\s*", " ", line)
    return line.split()


def parse_bracket_lines(text: str) -> list[tuple[int, int | None, int]]:
    """'0 - 10 - 24000' per line (also tabs pasted from a spreadsheet, or ';'); 'to' empty, '-' or '∞': no
    upper end. Returns (from_g, to_g, price) rows; ValidationError names the row (blank lines not counted)."""
    rows = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        cells = _cells(line)
        if len(cells) != 3:
            raise forms.ValidationError(
                _("Row %(row)d: write three values, “from kg – to kg – price per kg” (e.g. 0 - 10 - 24000).")
                % {"row": n}
            )
        lo, hi, price = (to_decimal(cells[0]), cells[1], parse_vnd(cells[2], signed=True))
        if lo is None:
            raise forms.ValidationError(_("Row %(row)d: “from” is not a weight in kg.") % {"row": n})
        if hi in OPEN_END:
            hi = None
        else:
            hi = to_decimal(hi)
            if hi is None:
                raise forms.ValidationError(
                    _("Row %(row)d: “to” is not a weight in kg (leave it “-” for no upper end).") % {"row": n}
                )
        if price is None:
            raise forms.ValidationError(
                _("Row %(row)d: the price per kg must be a whole number of đồng.") % {"row": n}
            )
        for kg in (lo, hi):
            if kg is not None and kg != kg.quantize(Decimal("0.001")):
                raise forms.ValidationError(_("Row %(row)d: weights to the gram (3 decimals).") % {"row": n})
        grams = [None if kg is None else int(kg * 1000) for kg in (lo, hi)]
        rows.append((grams[0], grams[1], price))
    return rows


class BracketsField(forms.CharField):
    """A depot's freight table as lines; cleans to (from_g, to_g, price) rows, checked by the service's
    rules (start at 0, no gap, no overlap, open at the top, prices above 0)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "class": "form-control font-monospace"}),
        )
        super().__init__(*args, strip=False, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return brackets_check(parse_bracket_lines(text))
        except ScheduleError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class ScheduleForm(StyledFormMixin, forms.Form):
    """A draft's figures in people's units, and one freight table per Vietnam depot (`depots`)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(
        label=_("What changes (shown to customers)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    volumetric_divisor = whole_field(
        _("Volumetric divisor"), 1, 100_000, help_text=_("L×W×H in cm ÷ divisor = kg.")
    )
    volumetric_min_excess_kg = kg_field(
        _("Volumetric allowance (kg)"),
        help_text=_(
            "The first kilograms of volumetric weight above the actual weight that are free. 0: none."
        ),
    )
    min_billable_kg = kg_field(_("Minimum billable weight per parcel (kg)"))
    weight_step_kg = kg_field(_("Round up to (kg)"), low="0.001")
    volume_pricing = forms.BooleanField(label=_("Price bulky goods by volume"), required=False)
    volume_price_per_m3_vnd = vnd_field(_("Price per m³ (₫)"), high=1_000_000_000)
    bulky_below_kg_per_m3 = whole_field(_("Bulky below (kg per m³)"), 0, 10_000)
    crate_first_kg_cny = cny_field(_("Wooden crate, first kg (CNY)"))
    crate_extra_kg_cny = cny_field(_("Wooden crate, each further kg (CNY)"))
    bubble_first_kg_cny = cny_field(_("Bubble wrap, first kg (CNY)"))
    bubble_extra_kg_cny = cny_field(_("Bubble wrap, each further kg (CNY)"))
    insurance_rate_percent = DecimalCommaField(
        label=_("Insurance (percent of declared value)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages=number_errors(0, 100),
    )
    insurance_min_vnd = vnd_field(_("Insurance minimum (₫)"))
    inspection_per_item_vnd = vnd_field(_("Counting/inspection per item (₫)"), high=10_000_000)
    handling_per_parcel_vnd = vnd_field(_("Handling per parcel (₫)"), high=10_000_000)
    storage_free_days = whole_field(_("Free storage days"), 0, 365)
    storage_per_kg_day_vnd = vnd_field(_("Storage per kg per day (₫)"), high=1_000_000)

    def __init__(self, *args, depots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.depots = list(depots)
        for depot in self.depots:
            self.fields[f"brackets_{depot.pk}"] = BracketsField(
                label=_("Freight to %(depot)s") % {"depot": depot.name},
                help_text=_(
                    "One bracket per line: from kg - to kg - price per kg (₫). Last line: “to” is -."
                ),
            )

    @classmethod
    def initial_for(cls, schedule, brackets_by_depot: dict) -> dict:
        initial = {form: back(getattr(schedule, model)) for form, (model, (_to, back)) in FIELD_MAP.items()}
        for depot_id, rows in brackets_by_depot.items():
            initial[f"brackets_{depot_id}"] = bracket_lines(rows)
        return initial

    def schedule_values(self) -> dict:
        """The cleaned figures as FeeSchedule fields (grams, fen, basis points, đồng)."""
        return {model: to(self.cleaned_data[form]) for form, (model, (to, _back)) in FIELD_MAP.items()}

    def bracket_rows(self) -> list[tuple]:
        """[(depot, rows), …] for every depot of the form."""
        return [(depot, self.cleaned_data[f"brackets_{depot.pk}"]) for depot in self.depots]

    def add_service_error(self, exc: ScheduleError) -> None:
        field = FORM_FIELD_OF.get(exc.field, exc.field)
        self.add_error(field if field in self.fields else None, exc.message)

    def bracket_fields(self):
        return [self[f"brackets_{depot.pk}"] for depot in self.depots]

    def figure_groups(self):
        """The figures in cards: (title, bound fields)."""
        return [(title, [self[name] for name in names]) for title, names in FIGURE_GROUPS]


FIGURE_GROUPS = (
    (
        _("Chargeable weight"),
        ("volumetric_divisor", "volumetric_min_excess_kg", "min_billable_kg", "weight_step_kg"),
    ),
    (_("Bulky goods"), ("volume_pricing", "volume_price_per_m3_vnd", "bulky_below_kg_per_m3")),
    (
        _("Extras"),
        (
            "crate_first_kg_cny",
            "crate_extra_kg_cny",
            "bubble_first_kg_cny",
            "bubble_extra_kg_cny",
            "insurance_rate_percent",
            "insurance_min_vnd",
            "inspection_per_item_vnd",
            "handling_per_parcel_vnd",
        ),
    ),
    (_("Storage at the Vietnam depot"), ("storage_free_days", "storage_per_kg_day_vnd")),
)


class StartForm(StyledFormMixin, forms.Form):
    """When a rate takes effect, in Asia/Ho_Chi_Minh; empty: now."""

    effective_from = forms.DateTimeField(
        label=_("In force from"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Vietnam time. Empty: now."),
        error_messages={"invalid": _("Enter a date and time, e.g. 01/07/2026 00:00.")},
    )


class ExchangeRateForm(StartForm):
    """A new CNY→VND rate. Read by billing.services.rates.rate_check ("3.650" is refused: 3650 or 3.65?).
    `confirm_large_change` is shown once the service refused a rate far from the one in force."""

    vnd_per_cny = forms.CharField(
        label=_("VND per CNY"),
        max_length=20,
        help_text=_("E.g. 3650 or 3650,50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "3650"}),
    )
    confirm_large_change = forms.BooleanField(
        label=_("Yes, the rate changes this much"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_vnd_per_cny(self):
        try:
            return rate_check(self.cleaned_data["vnd_per_cny"])
        except ScheduleError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
