"""Public pages, no login: the fee schedule in force (and the one announced to come), and the fee
calculator, which prices with the very function every charge uses (billing.pricing.quote)."""

from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consignments.selectors import destination_depots

from ..forms.calculator import CalculatorForm
from ..models import CustomerGroup, FreightBracket
from ..pricing import PricingError, quote
from ..selectors import (
    default_group,
    exchange_rate_at,
    group_of,
    schedule_in_force,
    schedule_upcoming,
    terms_for,
)
from ..templatetags.billing_tags import line_details, line_label, percent_bp, vnd


def schedule_tables(schedule, *, at=None) -> dict | None:
    """A version as the pages show it: its freight table per depot and the exchange rate for its CNY
    extras (the rate in force when it starts, or now)."""
    if schedule is None:
        return None
    depots: dict[int, dict] = {}
    for b in (
        FreightBracket.objects.filter(schedule=schedule)
        .select_related("depot")
        .order_by("depot__code", "from_g")
    ):
        depots.setdefault(b.depot_id, {"depot": b.depot, "brackets": []})["brackets"].append(b)
    moment = max(filter(None, (schedule.effective_from, at or timezone.now())))
    rate = exchange_rate_at(moment)
    return {
        "schedule": schedule,
        "depots": list(depots.values()),
        "rate": rate,
        "extras": _extras(schedule, rate),
    }


def _cny(fen: int, rate) -> str:
    text = f"{Decimal(fen) / 100:.2f}".rstrip("0").rstrip(".") + " CNY"
    if rate is not None and fen:
        text += f" (≈ {vnd(_half_up(fen * rate.vnd_per_cny / 100))})"
    return text


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _extras(s, rate) -> list[tuple[str, str]]:
    """The extras of a version in words: (what, price). Handling is not one: every order pays it per
    parcel, so the pages show it beside freight."""
    per_kg = _("%(first)s for the first kg + %(extra)s per further kg started")
    return [
        (
            _("Wooden crate"),
            per_kg % {"first": _cny(s.crate_first_kg_fen, rate), "extra": _cny(s.crate_extra_kg_fen, rate)},
        ),
        (
            _("Bubble wrap"),
            per_kg % {"first": _cny(s.bubble_first_kg_fen, rate), "extra": _cny(s.bubble_extra_kg_fen, rate)},
        ),
        (
            _("Insurance"),
            _("%(pct)s of the declared value, at least %(min)s")
            % {"pct": percent_bp(s.insurance_rate_bp), "min": vnd(s.insurance_min_vnd)},
        ),
        (_("Counting and inspection"), _("%(price)s per item") % {"price": vnd(s.inspection_per_item_vnd)}),
    ]


@require_GET
def fees(request):
    """The fee schedule in force: the date it took effect, freight per depot, the chargeable weight rule,
    extras, storage and group discounts; a version published to start later is announced above it."""
    now = timezone.now()
    current, upcoming = schedule_in_force(now), schedule_upcoming(now)
    return render(
        request,
        "billing/fees.html",
        {
            "current": schedule_tables(current, at=now),
            "upcoming": schedule_tables(upcoming, at=now),
            "groups": CustomerGroup.objects.order_by("freight_discount_bp", "code"),
        },
    )


def _discount_for(user):
    """The group whose discount the calculator applies: a signed-in customer's own, else the default."""
    group = group_of(user) if user.is_authenticated and user.is_customer else default_group()
    return group


def _price(form, schedule, *, group, upcoming: bool) -> dict | None:
    """One version's price for the form's order, or None after naming the field that stops it."""
    order = form.order()
    rate = exchange_rate_at(max(schedule.effective_from, timezone.now()))
    try:
        result = quote(
            parcels=order["parcels"],
            depot_id=order["depot"].pk,
            terms=terms_for(schedule),
            discount_bp=group.freight_discount_bp if group else 0,
            extras=order["extras"],
            vnd_per_cny=rate.vnd_per_cny if rate else None,
        )
    except PricingError as exc:
        if upcoming:
            return {"schedule": schedule, "error": _("This version has no price for that depot.")}
        if exc.code == "no_rate":
            field = "wooden_crate" if order["extras"].wooden_crate else "bubble_wrap"
            form.add_error(field, _("No CNY exchange rate is set yet: this extra cannot be priced now."))
        else:
            form.add_error("depot", _("The fee schedule has no freight price to this depot yet."))
        return None
    lines = [
        {**line.as_dict(), "label": line_label(line.code), "details": line_details(line.as_dict())}
        for line in result.lines
    ]
    freight = result.line("freight").inputs
    return {
        "schedule": schedule,
        "total_vnd": result.total_vnd,
        "lines": lines,
        "chargeable_g": result.chargeable_g,
        "weight_g": result.weight_g,
        "parcel": result.parcels[0],
        "count": len(result.parcels),
        "freight": freight,
        "rate": rate,
    }


@require_GET
def calculator(request):
    """Weight, size, destination and extras → the price with every line and its inputs, by the version in
    force (and the announced one, to compare). GET, so a result can be shared; htmx swaps the form and
    result, and without JavaScript the page reloads with them."""
    now = timezone.now()
    current, upcoming = schedule_in_force(now), schedule_upcoming(now)
    depots = list(destination_depots())
    submitted = "weight_kg" in request.GET
    form = CalculatorForm(request.GET if submitted else None, depots=depots, initial={"parcels": 1})
    group = _discount_for(request.user)
    results = []
    if submitted and current is not None and form.is_valid():
        now_price = _price(form, current, group=group, upcoming=False)
        if now_price is not None:
            results.append(now_price)
            if upcoming is not None:
                later = _price(form, upcoming, group=group, upcoming=True)
                if later.get("total_vnd") is not None:
                    later["difference_vnd"] = later["total_vnd"] - now_price["total_vnd"]
                    later["difference_abs_vnd"] = abs(later["difference_vnd"])
                results.append(later)
    context = {
        "form": form,
        "current": current,
        "upcoming": upcoming,
        "results": results,
        "group": group,
        "signed_in_customer": request.user.is_authenticated and request.user.is_customer,
    }
    template = "billing/calculator.html#calculator" if request.htmx else "billing/calculator.html"
    return render(request, template, context)


urlpatterns = [
    path("fees/", fees, name="fees"),
    path("fees/calculator/", calculator, name="calculator"),
]
