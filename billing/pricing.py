"""Pricing an order: one pure function, `quote`, used for every charge, the fee calculator and the bench.

No database, no clock: everything it needs comes in its arguments, so a charge can be re-computed from the
inputs it recorded. Units: grams, millimetres, VND (đồng), CNY fen (1 CNY = 100 fen), basis points
(1 % = 100 bp).

Rules (the fee schedule's, billing.models.FeeSchedule; numbers from MONEY.md):
- A parcel's chargeable weight is the largest of its actual weight, its volumetric weight
  (⌈L×W×H mm³ / divisor⌉ g) less the version's allowance `volumetric_min_excess_g`, and the minimum
  billable weight, then rounded up to the weight step. The allowance is MONEY.md's "volumetric only when it
  exceeds the actual weight by 3 kg" made continuous: the first 3 kg of excess are free, so a box one gram
  heavier never pays for less (with the rule as an on/off switch, 6.999 kg in a 10 kg box would pay for
  10 kg and 7 kg for 7 kg).
- Freight: the order's chargeable weight (sum of its parcels') falls in one bracket of its destination
  depot (`from_g` < w ≤ `to_g`) and pays that bracket's price per kg. Brackets get cheaper per kg as they go
  up, which would make 10.1 kg cheaper than 10 kg; so an order never pays less than the most a lighter
  order pays (the top of each lower bracket): freight is monotonic in weight.
- Bulky goods (when the version prices by volume): an order lighter than the density threshold pays the
  larger of its weight freight and volume × price per m³.
- The customer group's discount applies to freight only.
- Extras: wooden crate and bubble wrap (CNY first kg + CNY per started further kg of chargeable weight,
  at the exchange rate), insurance (basis points of the declared value, at least the minimum),
  counting/inspection per item, handling per parcel; storage per kg per day after the free days.
- Rounding: each line is computed exactly and rounded once, half up, to a whole đồng; the total is the sum
  of the lines. No line is ever negative.
"""

from dataclasses import dataclass, field
from decimal import Decimal


class PricingError(ValueError):
    """The order cannot be priced with these terms (no freight for its depot, no exchange rate for a
    CNY-priced extra). The message says what is missing."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Bracket:
    from_g: int
    to_g: int | None  # None: no upper end
    price_per_kg_vnd: int


@dataclass(frozen=True)
class Terms:
    """A fee schedule version, as the pricing function reads it (billing.selectors.terms_for builds it)."""

    brackets: dict  # depot id → tuple[Bracket, …], ordered by from_g
    schedule_id: int | None = None
    volumetric_divisor: int = 6000
    volumetric_min_excess_g: int = 0
    min_billable_g: int = 500
    weight_step_g: int = 100
    volume_pricing: bool = False
    volume_price_per_m3_vnd: int = 0
    bulky_below_kg_per_m3: int = 0
    crate_first_kg_fen: int = 2500
    crate_extra_kg_fen: int = 200
    bubble_first_kg_fen: int = 1000
    bubble_extra_kg_fen: int = 150
    insurance_rate_bp: int = 500
    insurance_min_vnd: int = 20000
    inspection_per_item_vnd: int = 1000
    handling_per_parcel_vnd: int = 3000
    storage_free_days: int = 5
    storage_per_kg_day_vnd: int = 2000


@dataclass(frozen=True, slots=True)
class ParcelMeasure:
    weight_g: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    parcel_id: int | None = None
    piece: str = ""


@dataclass(frozen=True, slots=True)
class Extras:
    wooden_crate: bool = False
    bubble_wrap: bool = False
    insurance: bool = False
    declared_value_vnd: int | None = None  # None: `declared_value_fen` (customs declaration) converted
    declared_value_fen: int | None = None
    inspection: bool = False
    items: int = 0


@dataclass(frozen=True)
class Line:
    code: str  # freight, crate, bubble, insurance, inspection, handling, storage
    amount_vnd: int
    inputs: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "amount_vnd": self.amount_vnd, "inputs": self.inputs}


@dataclass(frozen=True)
class Quote:
    lines: tuple
    total_vnd: int
    chargeable_g: int
    weight_g: int
    parcels: tuple  # per parcel: {"weight_g", "volumetric_g", "chargeable_g", dims…}

    def line(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.code == code), None)


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both ≥ 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def parcel_chargeable(parcel: ParcelMeasure, terms: Terms) -> dict:
    """One parcel's figures: {"weight_g", "volumetric_g" (None without dimensions), "chargeable_g", …}."""
    volumetric = None
    counted = parcel.weight_g
    if parcel.length_mm and parcel.width_mm and parcel.height_mm:
        volumetric = _ceil_div(
            parcel.length_mm * parcel.width_mm * parcel.height_mm, terms.volumetric_divisor
        )
        counted = max(counted, volumetric - terms.volumetric_min_excess_g)
    chargeable = max(counted, terms.min_billable_g)
    step = terms.weight_step_g or 1
    chargeable = _ceil_div(chargeable, step) * step
    return {
        "parcel_id": parcel.parcel_id,
        "piece": parcel.piece,
        "weight_g": parcel.weight_g,
        "length_mm": parcel.length_mm,
        "width_mm": parcel.width_mm,
        "height_mm": parcel.height_mm,
        "volumetric_g": volumetric,
        "chargeable_g": chargeable,
    }


def _freight(chargeable_g: int, brackets: tuple) -> tuple[int, Bracket, int]:
    """(freight × 1000 in exact units of 1/1000 đồng, the bracket, the floor applied in the same unit)."""
    floor = 0
    chosen = None
    for bracket in brackets:
        if bracket.to_g is not None and bracket.to_g < chargeable_g:
            floor = max(floor, bracket.price_per_kg_vnd * bracket.to_g)
            continue
        if bracket.from_g < chargeable_g:
            chosen = bracket
        break
    if chosen is None:
        chosen = brackets[0]  # below the first bracket's start cannot happen with from_g == 0
    exact = chosen.price_per_kg_vnd * chargeable_g
    return max(exact, floor), chosen, floor


def _cny(fen: int, rate_cents: int) -> int:
    """fen × (rate in VND per CNY) → whole đồng: fen/100 × rate_cents/100."""
    return _half_up(fen * rate_cents, 10_000)


def storage_line(*, chargeable_g: int, storage_days: int, terms: Terms) -> Line | None:
    """Storage at the depot: chargeable kg × price per kg per day × the days beyond the free ones (None when
    nothing is due). Also used to show what an order awaiting delivery owes today (billing.selectors)."""
    billable_days = max(0, storage_days - terms.storage_free_days)
    if not billable_days or not terms.storage_per_kg_day_vnd:
        return None
    return Line(
        "storage",
        _half_up(chargeable_g * terms.storage_per_kg_day_vnd * billable_days, 1000),
        {
            "days": storage_days,
            "free_days": terms.storage_free_days,
            "billable_days": billable_days,
            "chargeable_g": chargeable_g,
            "per_kg_day_vnd": terms.storage_per_kg_day_vnd,
        },
    )


def quote(
    *,
    parcels,
    depot_id: int,
    terms: Terms,
    discount_bp: int = 0,
    extras: Extras | None = None,
    vnd_per_cny: Decimal | None = None,
    storage_days: int = 0,
) -> Quote:
    """Price an order: its weighed parcels, the depot it goes to, the schedule version, the customer
    group's freight discount, the extras chosen, the CNY→VND rate, the days stored at the depot.

    Returns a Quote of lines (freight first) with every input each line used; raises PricingError when the
    schedule has no freight for the depot or a CNY-priced extra is chosen without an exchange rate.
    """
    extras = extras or Extras()
    brackets = terms.brackets.get(depot_id)
    if not brackets:
        raise PricingError("This fee schedule has no freight price for that depot.", code="no_depot")
    figures = tuple(parcel_chargeable(p, terms) for p in parcels)
    chargeable_g = sum(f["chargeable_g"] for f in figures)
    weight_g = sum(f["weight_g"] for f in figures)
    rate_cents = int((vnd_per_cny * 100).to_integral_value()) if vnd_per_cny is not None else None

    # Freight, in units of 1/1000 đồng (price per kg × grams), then the volume alternative, then discount.
    by_weight, bracket, floor = _freight(chargeable_g, brackets)
    freight_inputs = {
        "chargeable_g": chargeable_g,
        "bracket_from_g": bracket.from_g,
        "bracket_to_g": bracket.to_g,
        "price_per_kg_vnd": bracket.price_per_kg_vnd,
        "divisor": terms.volumetric_divisor,
        "min_billable_g": terms.min_billable_g,
        "step_g": terms.weight_step_g,
    }
    if floor and floor >= bracket.price_per_kg_vnd * chargeable_g:
        freight_inputs["lower_bracket_floor_vnd"] = _half_up(floor, 1000)
    exact = by_weight * 1_000_000  # now in units of 1e-9 đồng (so that m³ prices stay exact)
    if terms.volume_pricing and terms.volume_price_per_m3_vnd:
        volume_mm3 = sum(
            (f["length_mm"] or 0) * (f["width_mm"] or 0) * (f["height_mm"] or 0) for f in figures
        )
        if volume_mm3 and weight_g * 1_000_000 < terms.bulky_below_kg_per_m3 * volume_mm3:
            by_volume = terms.volume_price_per_m3_vnd * volume_mm3  # price per m³ × mm³ = 1e-9 đồng
            freight_inputs.update(
                volume_mm3=volume_mm3,
                price_per_m3_vnd=terms.volume_price_per_m3_vnd,
                bulky_below_kg_per_m3=terms.bulky_below_kg_per_m3,
            )
            if by_volume > exact:
                exact = by_volume
                freight_inputs["by_volume"] = True
    if discount_bp:
        freight_inputs["before_discount_vnd"] = _half_up(exact, 1_000_000_000)
        freight_inputs["discount_bp"] = discount_bp
    freight = _half_up(exact * (10_000 - discount_bp), 10_000 * 1_000_000_000)
    lines = [Line("freight", freight, freight_inputs)]

    extra_kg = _ceil_div(max(0, chargeable_g - 1000), 1000)
    for chosen, code, first, further in (
        (extras.wooden_crate, "crate", terms.crate_first_kg_fen, terms.crate_extra_kg_fen),
        (extras.bubble_wrap, "bubble", terms.bubble_first_kg_fen, terms.bubble_extra_kg_fen),
    ):
        if not chosen:
            continue
        if rate_cents is None:
            raise PricingError("No CNY exchange rate is set.", code="no_rate")
        fen = first + extra_kg * further
        lines.append(
            Line(
                code,
                _cny(fen, rate_cents),
                {
                    "first_kg_fen": first,
                    "extra_kg": extra_kg,
                    "extra_kg_fen": further,
                    "total_fen": fen,
                    "vnd_per_cny": str(vnd_per_cny),
                },
            )
        )
    if extras.insurance:
        value = extras.declared_value_vnd
        inputs = {"rate_bp": terms.insurance_rate_bp, "minimum_vnd": terms.insurance_min_vnd}
        if value is None and extras.declared_value_fen is not None and rate_cents is not None:
            value = _cny(extras.declared_value_fen, rate_cents)
            inputs.update(declared_value_fen=extras.declared_value_fen, vnd_per_cny=str(vnd_per_cny))
        value = value or 0
        inputs["declared_value_vnd"] = value
        amount = max(terms.insurance_min_vnd, _half_up(value * terms.insurance_rate_bp, 10_000))
        lines.append(Line("insurance", amount, inputs))
    if extras.inspection:
        lines.append(
            Line(
                "inspection",
                terms.inspection_per_item_vnd * max(0, extras.items),
                {"items": max(0, extras.items), "per_item_vnd": terms.inspection_per_item_vnd},
            )
        )
    if terms.handling_per_parcel_vnd:
        lines.append(
            Line(
                "handling",
                terms.handling_per_parcel_vnd * len(figures),
                {"parcels": len(figures), "per_parcel_vnd": terms.handling_per_parcel_vnd},
            )
        )
    storage = storage_line(chargeable_g=chargeable_g, storage_days=storage_days, terms=terms)
    if storage is not None:
        lines.append(storage)
    lines = tuple(lines)
    return Quote(
        lines=lines,
        total_vnd=sum(line.amount_vnd for line in lines),
        chargeable_g=chargeable_g,
        weight_g=weight_g,
        parcels=figures,
    )
