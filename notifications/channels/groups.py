"""Kinds of notification grouped the way a person chooses them on the settings page.

Kinds are written as strings (not NotificationKind) so this module imports nothing from the app; a kind
not listed here (one added later) belongs to "orders"."""

from django.utils.translation import gettext_lazy as _

GROUPS = {
    "orders": (_("Parcels and orders on the way"), ("arrived_cn", "trip_departed", "awaiting_delivery")),
    "delivery": (_("Pickup and delivery"), ("handed_over", "delivery_out", "delivered", "delivery_refused")),
    "money": (_("Charges and wallet"), ("charge_changed", "wallet_credited", "wallet_debited")),
    "tracking": (_("Tracking numbers needing attention"), ("tracking_stale", "tracking_withdrawn")),
    "claims": (_("Claims"), ("claim_updated",)),
    "news": (_("Fee schedule announcements"), ("fees_announced",)),
}
FALLBACK_GROUP = "orders"
_GROUP_OF = {kind: group for group, (_label, kinds) in GROUPS.items() for kind in kinds}

EMAIL, TELEGRAM = "email", "telegram"
CHANNELS = (EMAIL, TELEGRAM)
# E-mail on for money and arrivals; Telegram, once linked, for everything but announcements.
DEFAULT_GROUPS = {
    EMAIL: ["orders", "money"],
    TELEGRAM: ["orders", "delivery", "money", "tracking", "claims"],
}


def group_of(kind: str) -> str:
    if kind in _GROUP_OF:
        return _GROUP_OF[kind]
    if kind.startswith("claim"):
        return "claims"
    return FALLBACK_GROUP


def default_email_groups() -> list[str]:
    return list(DEFAULT_GROUPS[EMAIL])


def default_telegram_groups() -> list[str]:
    return list(DEFAULT_GROUPS[TELEGRAM])
