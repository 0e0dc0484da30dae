"""Billing's template tags: money as people read it (`vnd`), the labels of charge lines, and the order's
charges card (`order_charges`) shown on the customer's order page."""

from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import money

register = template.Library()

LINE_LABELS = {
    "freight": gettext_lazy("International freight"),
    "crate": gettext_lazy("Wooden crate"),
    "bubble": gettext_lazy("Bubble wrap"),
    "insurance": gettext_lazy("Insurance"),
    "inspection": gettext_lazy("Counting and inspection"),
    "handling": gettext_lazy("Handling"),
    "storage": gettext_lazy("Storage at the depot"),
}


# Amounts of đồng are written by core.money, everywhere (templates, messages, notifications).
register.filter("vnd", money.vnd)
register.filter("vnd_signed", money.vnd_signed)
register.filter("vnd_rate", money.vnd_rate)
vnd, vnd_signed = money.vnd, money.vnd_signed


@register.filter
def line_label(code: str) -> str:
    return str(LINE_LABELS.get(code, code))


@register.filter
def percent_bp(basis_points) -> str:
    """Basis points as a percentage: 500 → '5 %', 250 → '2.5 %'."""
    if basis_points is None:
        return "—"
    return f"{_plain(Decimal(int(basis_points)) / 100)} %"


def _kg(grams) -> str:  # as consignment_tags.kg
    if grams is None:
        return "—"
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".")


def _plain(number: Decimal) -> str:
    """A decimal without trailing zeros: 5 → '5', 10 → '10', 2.50 → '2.5'."""
    whole, _dot, fraction = f"{number:.2f}".partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _cny(fen) -> str:
    return _plain(Decimal(int(fen)) / 100)


def line_details(line: dict) -> list[str]:
    """What one line of a charge was computed from, in words, from the inputs the charge recorded."""
    code, i = line.get("code"), line.get("inputs") or {}
    out = []
    if code == "freight":
        if i.get("bracket_to_g") is None:
            bracket = _("above %(lo)s kg") % {"lo": _kg(i.get("bracket_from_g"))}
        else:
            bracket = _("%(lo)s–%(hi)s kg") % {
                "lo": _kg(i.get("bracket_from_g")),
                "hi": _kg(i["bracket_to_g"]),
            }
        out.append(
            _("%(kg)s kg chargeable × %(price)s per kg (bracket %(bracket)s)")
            % {"kg": _kg(i.get("chargeable_g")), "price": vnd(i.get("price_per_kg_vnd")), "bracket": bracket}
        )
        if i.get("lower_bracket_floor_vnd"):
            out.append(
                _("never less than the top of the lighter bracket: %(floor)s")
                % {"floor": vnd(i["lower_bracket_floor_vnd"])}
            )
        if i.get("by_volume"):
            out.append(
                _("bulky goods priced by volume: %(m3)s m³ × %(price)s per m³")
                % {"m3": f"{i['volume_mm3'] / 1e9:.3f}", "price": vnd(i.get("price_per_m3_vnd"))}
            )
        if i.get("discount_bp"):
            out.append(
                _("group discount %(pct)s (before discount %(before)s)")
                % {"pct": percent_bp(i["discount_bp"]), "before": vnd(i.get("before_discount_vnd"))}
            )
    elif code in ("crate", "bubble"):
        out.append(
            _(
                "%(first)s CNY first kg + %(n)s × %(extra)s CNY per further kg = %(total)s CNY × %(rate)s per CNY"
            )
            % {
                "first": _cny(i.get("first_kg_fen", 0)),
                "n": i.get("extra_kg", 0),
                "extra": _cny(i.get("extra_kg_fen", 0)),
                "total": _cny(i.get("total_fen", 0)),
                "rate": money.vnd_rate(i.get("vnd_per_cny")),
            }
        )
    elif code == "insurance":
        out.append(
            _("%(pct)s of the declared value %(value)s, at least %(min)s")
            % {
                "pct": percent_bp(i.get("rate_bp")),
                "value": vnd(i.get("declared_value_vnd")),
                "min": vnd(i.get("minimum_vnd")),
            }
        )
    elif code == "inspection":
        out.append(
            ngettext("%(n)s item × %(per)s", "%(n)s items × %(per)s", i.get("items", 0))
            % {"n": i.get("items", 0), "per": vnd(i.get("per_item_vnd"))}
        )
    elif code == "handling":
        out.append(
            ngettext("%(n)s parcel × %(per)s", "%(n)s parcels × %(per)s", i.get("parcels", 0))
            % {"n": i.get("parcels", 0), "per": vnd(i.get("per_parcel_vnd"))}
        )
    elif code == "storage":
        out.append(
            _(
                "%(days)s days at the depot, %(free)s free: %(billable)s days × %(kg)s kg × %(per)s per kg per day"
            )
            % {
                "days": i.get("days", 0),
                "free": i.get("free_days", 0),
                "billable": i.get("billable_days", 0),
                "kg": _kg(i.get("chargeable_g")),
                "per": vnd(i.get("per_kg_day_vnd")),
            }
        )
    return out


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another part of billing has not published yet
        return None


def _parcels_of(consignment) -> list:
    parcels = getattr(consignment, "current_parcels", None)
    if parcels is None:
        parcels = list(consignment.parcels.prefetch_related("photos").order_by("piece_number", "id"))
    return parcels


def _why_not_priced(consignment, parcels) -> str:
    from ..selectors import schedule_for

    if not any(p.weight_g for p in parcels):
        return _("Not priced yet: the order has not been weighed at the China warehouse.")
    if consignment.destination_id is None:
        return _("Not priced yet: choose the destination depot.")
    if schedule_for(consignment) is None:
        return _("Not priced yet: no fee schedule has been published.")
    return _("Not priced yet: the fee schedule has no price for this destination depot yet.")


def _missing(customer, amount_vnd: int) -> int:
    """How much more the wallet needs before `amount_vnd` can be paid (0: it can be paid now)."""
    from ..selectors import balance_of, group_of

    group = group_of(customer)
    available = balance_of(customer) + (group.credit_limit_vnd if group else 0)
    return max(0, amount_vnd - available)


@register.inclusion_tag("billing/_order_charges.html", takes_context=True)
def order_charges(context, consignment):
    """The charges card of an order: the current charge with every input it was priced from (per parcel
    weights, dimensions, volumetric weight, divisor, bracket, price, discount, rate, schedule version),
    the parcels' photos, whether it is paid, the earlier pricings, the extras form while the order is in
    China and the Pay button once it is Chờ giao."""
    from consignments.models import ConsignmentStatus

    from ..forms.wallet import OrderExtrasForm
    from ..models import Charge, ChargeStage, CustomerGroup, OrderExtras
    from ..services.charges import PRICEABLE

    charges = list(
        Charge.objects.filter(consignment=consignment).select_related("schedule").order_by("-id")[:21]
    )
    charge = next((c for c in charges if c.is_current), None)
    history = [{"charge": c, "reason": _(c.reason) if c.reason else ""} for c in charges if not c.is_current][
        :20
    ]
    parcels = _parcels_of(consignment)
    photos = {p.pk: list(p.photos.all()) for p in parcels}
    ctx = {
        "consignment": consignment,
        "charge": charge,
        "history": history,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "WALLET_BALANCE": context.get("WALLET_BALANCE"),
        "fees_url": _url_or_none("billing:fees"),
        "topup_url": _url_or_none("billing:topup"),
    }
    if charge is not None:
        lines = [
            {**line, "label": line_label(line.get("code")), "details": line_details(line)}
            for line in charge.lines
        ]
        freight = next((line for line in charge.lines if line.get("code") == "freight"), None)
        inputs = (freight or {}).get("inputs") or {}
        ctx.update(
            lines=lines,
            is_final=charge.stage == ChargeStage.FINAL,
            reason=_(charge.reason) if charge.reason else "",
            group_name=(
                CustomerGroup.objects.filter(code=charge.group_code).values_list("name", flat=True).first()
                if charge.discount_bp and charge.group_code
                else ""
            ),
            divisor=inputs.get("divisor"),
            bracket=inputs,
            evidence=[
                {**row, "photos": photos.get(row.get("parcel_id"), [])}
                for row in (charge.inputs or {}).get("parcels", [])
            ],
            payable=(  # an estimate of an order that is here is priced final by the payment itself
                charge.paid_at is None and consignment.status == ConsignmentStatus.AWAITING_DELIVERY
            ),
        )
        if ctx["payable"]:
            from ..selectors import dues_now

            due = dues_now([consignment]).get(consignment.pk)
            ctx["due"] = due
            ctx["due_vnd"] = due.total_vnd if due else charge.total_vnd
            ctx["missing_vnd"] = _missing(consignment.customer, ctx["due_vnd"])
    elif consignment.status in PRICEABLE:
        ctx["not_priced"] = _why_not_priced(consignment, parcels)
    if consignment.status == ConsignmentStatus.CN_RECEIVED:
        row = OrderExtras.objects.filter(consignment=consignment).first()
        initial = {name: getattr(row, name) for name in OrderExtrasForm.base_fields} if row else {}
        ctx["extras_form"] = OrderExtrasForm(initial=initial)
    return ctx
