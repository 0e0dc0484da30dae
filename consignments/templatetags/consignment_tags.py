from django import template

register = template.Library()

_STATUS_CLASS = {
    "cn_received": "text-bg-secondary",
    "in_transit": "text-bg-primary",
    "awaiting_delivery": "text-bg-success",
    "delivering": "text-bg-info",
    "delivered": "text-bg-dark",
    "lost": "text-bg-danger",
    "refused": "text-bg-warning",
    "cancelled": "text-bg-light border",
    # tracking numbers
    "registered": "text-bg-light border",
    "received": "text-bg-warning",
    "matched": "text-bg-success",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "text-bg-light")


@register.filter
def cm(millimetres) -> str:
    """Millimetres to a cm figure for people: 455 → '45.5'."""
    if millimetres is None:
        return "—"
    return f"{millimetres / 10:.1f}".rstrip("0").rstrip(".")


@register.filter
def kg(grams) -> str:
    """Grams to a kg figure for people: 1250 → '1.25'."""
    if grams is None:
        return "—"
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".")


@register.filter
def age_days(moment) -> int:
    """Whole days since a moment (for "waiting 31 days")."""
    from django.utils import timezone

    return (timezone.now() - moment).days if moment else 0


@register.simple_tag
def pieces(arrived, expected=None) -> str:
    """How many parcels (kiện) of an order are here: "2 / 3 parcels arrived" when the labels say how many
    there are, "2 parcels" otherwise, "1 parcel" for the usual one-box order."""
    from django.utils.translation import ngettext

    arrived = arrived or 0
    if expected and expected > arrived:
        return ngettext(
            "%(arrived)d / %(expected)d parcel arrived",
            "%(arrived)d / %(expected)d parcels arrived",
            expected,
        ) % {"arrived": arrived, "expected": expected}
    if expected and expected > 1:
        return ngettext(
            "%(arrived)d / %(expected)d parcel, all here",
            "%(arrived)d / %(expected)d parcels, all here",
            expected,
        ) % {"arrived": arrived, "expected": expected}
    return ngettext("%(n)d parcel", "%(n)d parcels", arrived) % {"n": arrived}
