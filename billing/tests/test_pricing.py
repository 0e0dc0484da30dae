"""Property tests of billing.pricing.quote (no database): never negative, whole đồng, never cheaper for a
heavier parcel, bracket edges exact, one rounding rule (half up, once per line)."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from billing.pricing import Bracket, Extras, ParcelMeasure, PricingError, Terms, parcel_chargeable, quote

DEPOT = 1
RATE = Decimal("3650.00")
HN = (
    Bracket(0, 10_000, 24_000),
    Bracket(10_000, 30_000, 23_000),
    Bracket(30_000, 100_000, 22_000),
    Bracket(100_000, None, 21_000),
)
PROPERTY = settings(max_examples=300, deadline=None)


@st.composite
def brackets(draw):
    """1–5 brackets from 0 g, contiguous, open at the top, any prices above 0 (not only falling)."""
    edges = sorted(draw(st.sets(st.integers(1, 300_000), min_size=0, max_size=4)))
    starts = [0, *edges]
    ends = [*edges, None]
    prices = draw(st.lists(st.integers(1, 200_000), min_size=len(starts), max_size=len(starts)))
    return tuple(Bracket(lo, hi, p) for lo, hi, p in zip(starts, ends, prices, strict=True))


@st.composite
def terms(draw, *, volume: bool | None = None):
    """A schedule version as schedule_validate accepts it (volumetric counted whenever it is larger);
    with volume pricing on, the price per m³ obeys the rule: ≤ density threshold × cheapest price per kg."""
    rows = draw(brackets())
    volume_pricing = draw(st.booleans()) if volume is None else volume
    bulky = draw(st.integers(1, 1_000)) if volume_pricing else 0
    cheapest = min(b.price_per_kg_vnd for b in rows)
    per_m3 = draw(st.integers(1, bulky * cheapest)) if volume_pricing else 0
    return Terms(
        brackets={DEPOT: rows},
        volumetric_divisor=draw(st.sampled_from([5000, 6000, 7000, 8000, 1, 100_000])),
        min_billable_g=draw(st.integers(0, 2_000)),
        weight_step_g=draw(st.sampled_from([1, 10, 100, 500, 1000])),
        volume_pricing=volume_pricing,
        volume_price_per_m3_vnd=per_m3,
        bulky_below_kg_per_m3=bulky,
        crate_first_kg_fen=draw(st.integers(0, 10_000)),
        crate_extra_kg_fen=draw(st.integers(0, 1_000)),
        bubble_first_kg_fen=draw(st.integers(0, 10_000)),
        bubble_extra_kg_fen=draw(st.integers(0, 1_000)),
        insurance_rate_bp=draw(st.integers(0, 10_000)),
        insurance_min_vnd=draw(st.integers(0, 100_000)),
        inspection_per_item_vnd=draw(st.integers(0, 10_000)),
        handling_per_parcel_vnd=draw(st.integers(0, 10_000)),
        storage_free_days=draw(st.integers(0, 10)),
        storage_per_kg_day_vnd=draw(st.integers(0, 5_000)),
    )


dims = st.one_of(st.none(), st.tuples(*[st.integers(10, 3_000)] * 3))
extras = st.builds(
    Extras,
    wooden_crate=st.booleans(),
    bubble_wrap=st.booleans(),
    insurance=st.booleans(),
    declared_value_vnd=st.one_of(st.none(), st.integers(0, 10**10)),
    inspection=st.booleans(),
    items=st.integers(0, 10_000),
)
weights = st.integers(1, 500_000)
discounts = st.integers(0, 10_000)
others = st.lists(st.tuples(weights, dims), max_size=3)  # the order's other parcels


def _parcel(weight_g, size):
    return ParcelMeasure(weight_g, *(size or (None, None, None)))


def _price(t, weight_g, size, *, rest=(), discount=0, chosen=None, days=0):
    parcels = [_parcel(weight_g, size), *(_parcel(w, s) for w, s in rest)]
    return quote(
        parcels=parcels,
        depot_id=DEPOT,
        terms=t,
        discount_bp=discount,
        extras=chosen,
        vnd_per_cny=RATE,
        storage_days=days,
    )


@PROPERTY
@given(terms(), weights, dims, others, discounts, extras, st.integers(0, 60))
def test_never_negative_and_whole_dong(t, weight_g, size, rest, discount, chosen, days):
    q = _price(t, weight_g, size, rest=rest, discount=discount, chosen=chosen, days=days)
    for line in q.lines:
        assert type(line.amount_vnd) is int and line.amount_vnd >= 0, line
    assert type(q.total_vnd) is int and q.total_vnd == sum(line.amount_vnd for line in q.lines)
    assert q.lines[0].code == "freight"
    assert q.chargeable_g >= q.weight_g and q.chargeable_g % t.weight_step_g == 0


@PROPERTY
@given(terms(volume=False), weights, weights, others, discounts)
def test_heavier_never_cheaper_without_dimensions(t, a, b, rest, discount):
    light, heavy = sorted((a, b))
    assert (
        _price(t, light, None, rest=rest, discount=discount).total_vnd
        <= _price(t, heavy, None, rest=rest, discount=discount).total_vnd
    )


@PROPERTY
@given(terms(), weights, weights, dims, others, discounts, extras, st.integers(0, 60))
def test_heavier_never_cheaper_with_dimensions_discount_extras_and_volume_pricing(
    t, a, b, size, rest, discount, chosen, days
):
    light, heavy = sorted((a, b))
    cheap = _price(t, light, size, rest=rest, discount=discount, chosen=chosen, days=days)
    dear = _price(t, heavy, size, rest=rest, discount=discount, chosen=chosen, days=days)
    assert cheap.total_vnd <= dear.total_vnd
    assert cheap.lines[0].amount_vnd <= dear.lines[0].amount_vnd


@PROPERTY
@given(terms(volume=True), st.integers(1, 100_000), st.tuples(*[st.integers(100, 3_000)] * 3), discounts)
def test_crossing_the_density_threshold_never_lowers_the_price(t, weight_g, size, discount):
    """A bulky parcel pays by volume; one gram heavier it may stop being bulky: its weight freight is
    then at least the volume freight, because the schedule obeys the m³ rule."""
    volume_mm3 = size[0] * size[1] * size[2]
    threshold_g = -(-t.bulky_below_kg_per_m3 * volume_mm3 // 1_000_000)  # first weight that is not bulky
    assume(1 < threshold_g <= 500_000)
    below = _price(t, threshold_g - 1, size, discount=discount).lines[0].amount_vnd
    at = _price(t, threshold_g, size, discount=discount).lines[0].amount_vnd
    assert below <= at


@PROPERTY
@given(terms(), weights, dims)
def test_every_parcel_is_at_least_the_minimum_and_on_the_step(t, weight_g, size):
    figures = parcel_chargeable(_parcel(weight_g, size), t)
    assert figures["chargeable_g"] >= max(weight_g, t.min_billable_g)
    assert figures["chargeable_g"] % t.weight_step_g == 0
    if figures["volumetric_g"] is not None:
        assert figures["chargeable_g"] >= figures["volumetric_g"]


# --- examples -------------------------------------------------------------------------------------------------

TERMS = Terms(brackets={DEPOT: HN}, handling_per_parcel_vnd=0)


def test_ten_kg_exactly_is_in_the_first_bracket():
    freight = _price(TERMS, 10_000, None).line("freight")
    assert (freight.inputs["bracket_from_g"], freight.inputs["bracket_to_g"]) == (0, 10_000)
    assert freight.amount_vnd == 240_000


@pytest.mark.parametrize("step_g", [1, 100])
def test_just_over_ten_kg_never_costs_less_than_ten(step_g):
    t = Terms(brackets={DEPOT: HN}, handling_per_parcel_vnd=0, weight_step_g=step_g)
    over = _price(t, 10_001, None).line("freight")
    assert over.inputs["bracket_from_g"] == 10_000 and over.inputs["price_per_kg_vnd"] == 23_000
    # 10.001 kg × 23,000 = 230,023 ₫ (10.1 kg: 232,300 ₫) would undercut 10 kg: the top of the bracket below.
    assert over.amount_vnd == 240_000 and over.inputs["lower_bracket_floor_vnd"] == 240_000
    assert _price(t, 10_500, None).line("freight").amount_vnd == 241_500  # 10.5 × 23,000 is above it


def test_each_bracket_edge_belongs_to_the_bracket_below():
    for edge, price in ((30_000, 23_000), (100_000, 22_000)):
        freight = _price(TERMS, edge, None).line("freight")
        assert freight.inputs["price_per_kg_vnd"] == price and freight.amount_vnd == edge * price // 1000


def test_rounding_is_half_up_once_per_line():
    """The documented rule: each line is computed exactly and rounded once, half up, to a whole đồng."""
    t = Terms(brackets={DEPOT: (Bracket(0, None, 24_001),)}, handling_per_parcel_vnd=0, min_billable_g=500)
    assert _price(t, 500, None).line("freight").amount_vnd == 12_001  # 12,000.5 ₫ → up
    t = Terms(brackets={DEPOT: (Bracket(0, None, 24_003),)}, handling_per_parcel_vnd=0, weight_step_g=1)
    assert _price(t, 1_100, None).line("freight").amount_vnd == 26_403  # 26,403.3 ₫ → down
    crate = Terms(brackets={DEPOT: HN}, crate_first_kg_fen=1, crate_extra_kg_fen=0)
    assert (
        _price(crate, 1_000, None, chosen=Extras(wooden_crate=True)).line("crate").amount_vnd == 37
    )  # 36.5 ₫
    # The discount is applied to the exact freight, then rounded: 240,000 × (1 − 0.0333) = 232,008 ₫.
    assert _price(TERMS, 10_000, None, discount=333).line("freight").amount_vnd == 232_008
    # 24,000 × 0.5 kg × (1 − 0.0001) = 11,998.8 ₫ → 11,999 ₫, not 12,000 − 1.
    assert _price(TERMS, 500, None, discount=1).line("freight").amount_vnd == 11_999


def test_the_volumetric_weight_counts_when_larger():
    freight = _price(TERMS, 5_000, (500, 400, 300)).line("freight")  # 60,000,000 mm³ ÷ 6000 = 10 kg
    assert freight.inputs["chargeable_g"] == 10_000 and freight.amount_vnd == 240_000


def test_the_volumetric_allowance_is_free_excess_not_a_switch():
    """MONEY.md's "volumetric only when it exceeds the actual weight by ≥ 3 kg", made continuous: the first
    3 kg of excess are free. As an on/off switch 6.999 kg in a 10 kg box would pay for 10 kg and 7 kg for
    7 kg; continuous, a heavier box never pays for less."""
    t = Terms(brackets={DEPOT: HN}, handling_per_parcel_vnd=0, volumetric_min_excess_g=3_000, weight_step_g=1)
    box = (500, 400, 300)  # 10 kg volumetric
    assert _price(t, 2_000, box).chargeable_g == 7_000  # 10 kg volumetric less the 3 kg allowance
    assert _price(t, 6_999, box).chargeable_g == 7_000
    assert _price(t, 7_000, box).chargeable_g == 7_000
    assert _price(t, 7_001, box).chargeable_g == 7_001


@settings(max_examples=300, deadline=None)
@given(
    a=st.integers(1, 60_000),
    b=st.integers(1, 60_000),
    allowance=st.integers(0, 5_000),
    dims=st.tuples(st.integers(10, 1200), st.integers(10, 1200), st.integers(10, 1200)),
)
def test_heavier_never_cheaper_with_a_volumetric_allowance(a, b, allowance, dims):
    t = Terms(brackets={DEPOT: HN}, volumetric_min_excess_g=allowance)
    lo, hi = sorted((a, b))
    assert _price(t, lo, dims).total_vnd <= _price(t, hi, dims).total_vnd


def test_a_depot_without_brackets_cannot_be_priced():
    with pytest.raises(PricingError) as exc:
        quote(parcels=[ParcelMeasure(1_000)], depot_id=99, terms=TERMS)
    assert exc.value.code == "no_depot"


def test_cny_extras_need_a_rate():
    with pytest.raises(PricingError) as exc:
        quote(parcels=[ParcelMeasure(1_000)], depot_id=DEPOT, terms=TERMS, extras=Extras(bubble_wrap=True))
    assert exc.value.code == "no_rate"
