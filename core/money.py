"""How an amount of đồng is written for people, in every language: 1234000 → "1.234.000 ₫".

Vietnamese grouping (dots) whatever the reader's language — it is an amount in đồng — and a no-break space
before the ₫, so that a line never breaks between the number and its currency."""

NBSP = "\u00a0"


def vnd(value) -> str:
    """Whole đồng: 1234000 → '1.234.000 ₫', −5000 → '−5.000 ₫'; None or '' → '—'; other text as it is."""
    if value is None or value == "":
        return "—"
    try:
        value = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{'−' if value < 0 else ''}{abs(value):,}{NBSP}₫".replace(",", ".")


def vnd_signed(value) -> str:
    """A ledger amount with its sign: '+200.000 ₫', '−51.000 ₫'."""
    if value is None or value == "":
        return "—"
    value = int(value)
    return f"{'−' if value < 0 else '+'}{abs(value):,}{NBSP}₫".replace(",", ".")


def vnd_rate(value) -> str:
    """An exchange rate in đồng per unit, written like money: Decimal('3650.00') → '3.650 ₫',
    Decimal('3650.50') → '3.650,5 ₫' (a decimal comma: a dot is the thousands separator here)."""
    if value is None or value == "":
        return "—"
    from decimal import Decimal

    number = Decimal(str(value)).quantize(Decimal("0.01"))
    whole, _dot, fraction = f"{number:.2f}".partition(".")
    fraction = fraction.rstrip("0")
    text = f"{int(whole):,}".replace(",", ".")
    return f"{text},{fraction}{NBSP}₫" if fraction else f"{text}{NBSP}₫"
