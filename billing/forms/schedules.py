"""Forms of the fee schedule pages (the public calculator's: billing.forms.calculator). People type kg, CNY, percent and đồng with
their own separators ("1,5" kg, "24.000" ₫); the forms turn them into grams, fen, basis points and whole
đồng for billing.services.schedules and billing.pricing, and name the field (and the row) that is wrong."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

from ..services.schedules import ScheduleError, brackets_check

OPEN_END = {"", "-", "–", "—", "∞", "+", "...", "…"}


def to_decimal(text) -> Decimal | None:
    """'1,5', '1.5', ' 1.5 ' → Decimal('1.5'); None when it is not a plain number."""
    text = str(text).strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def to_whole_vnd(text) -> int | None:
    """'24000', '24.000', '24,000', '24 000 ₫' → 24000; a leading minus is kept (refused later); None for
    anything else (decimals of a đồng, letters)."""
    text = str(text).strip().replace("₫", "").replace("đ", "").replace(" ", "").replace("\u00a0", "")
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("-+")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    return sign * int(text) if re.fullmatch(r"\d{1,15}", text) else None


class DecimalCommaField(forms.DecimalField):
    """A decimal that accepts a comma as the decimal mark (Vietnamese keyboards: "1,5")."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = to_decimal(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VndField(forms.IntegerField):
    """Whole đồng, with or without thousands separators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = to_whole_vnd(value)
        if number is None:
            raise forms.ValidationError(_("Enter a whole number of đồng, e.g. 24.000."), code="invalid")
        return number


def _errors(low=None, high=None) -> dict:
    messages = {"invalid": _("Enter a number."), "required": _("This field is required.")}
    if low is not None:
        messages["min_value"] = _("At least %(limit_value)s.")
        if low == 0:
            messages["min_value"] = _("Cannot be negative.")
    if high is not None:
        messages["max_value"] = _("At most %(limit_value)s.")
    messages["max_decimal_places"] = _("At most %(max)s decimals.")
    return messages


def _kg(label, *, low="0", high="100", required=True, help_text="") -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        min_value=Decimal(low),
        max_value=Decimal(high),
        decimal_places=3,
        required=required,
        help_text=help_text,
        error_messages=_errors(Decimal(low), Decimal(high)),
    )


def _cny(label) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        decimal_places=2,
        error_messages=_errors(0, 10_000),
    )


def _vnd(label, high=100_000_000, **kwargs) -> VndField:
    return VndField(label=label, max_value=high, error_messages=_errors(0, high), **kwargs)


def _whole(label, low, high, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, error_messages=_errors(low, high), **kwargs
    )


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
        lo, hi, price = (to_decimal(cells[0]), cells[1], to_whole_vnd(cells[2]))
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
    volumetric_divisor = _whole(
        _("Volumetric divisor"), 1, 100_000, help_text=_("L×W×H in cm ÷ divisor = kg.")
    )
    volumetric_min_excess_kg = _kg(
        _("Volumetric allowance (kg)"),
        help_text=_(
            "The first kilograms of volumetric weight above the actual weight that are free. 0: none."
        ),
    )
    min_billable_kg = _kg(_("Minimum billable weight per parcel (kg)"))
    weight_step_kg = _kg(_("Round up to (kg)"), low="0.001")
    volume_pricing = forms.BooleanField(label=_("Price bulky goods by volume"), required=False)
    volume_price_per_m3_vnd = _vnd(_("Price per m³ (₫)"), high=1_000_000_000)
    bulky_below_kg_per_m3 = _whole(_("Bulky below (kg per m³)"), 0, 10_000)
    crate_first_kg_cny = _cny(_("Wooden crate, first kg (CNY)"))
    crate_extra_kg_cny = _cny(_("Wooden crate, each further kg (CNY)"))
    bubble_first_kg_cny = _cny(_("Bubble wrap, first kg (CNY)"))
    bubble_extra_kg_cny = _cny(_("Bubble wrap, each further kg (CNY)"))
    insurance_rate_percent = DecimalCommaField(
        label=_("Insurance (percent of declared value)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages=_errors(0, 100),
    )
    insurance_min_vnd = _vnd(_("Insurance minimum (₫)"))
    inspection_per_item_vnd = _vnd(_("Counting/inspection per item (₫)"), high=10_000_000)
    handling_per_parcel_vnd = _vnd(_("Handling per parcel (₫)"), high=10_000_000)
    storage_free_days = _whole(_("Free storage days"), 0, 365)
    storage_per_kg_day_vnd = _vnd(_("Storage per kg per day (₫)"), high=1_000_000)

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
    """When a version or a rate takes effect, in Asia/Ho_Chi_Minh; empty: now."""

    effective_from = forms.DateTimeField(
        label=_("In force from"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Vietnam time. Empty: now."),
        error_messages={"invalid": _("Enter a date and time, e.g. 01/07/2026 00:00.")},
    )


class PublishForm(StartForm):
    """Publishing a draft: only when it takes effect."""


class ExchangeRateForm(StartForm):
    vnd_per_cny = forms.CharField(
        label=_("VND per CNY"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "3650.00"}
        ),
    )
