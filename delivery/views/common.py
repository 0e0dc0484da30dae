"""Helpers the delivery views share."""


def number(value) -> int | None:
    """A positive id as posted ("12"), or None for anything else (text, negative, absurdly long)."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
