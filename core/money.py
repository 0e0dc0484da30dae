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
