"""Reading and saving a user's choices (which groups of notifications, by which channel)."""

from django.contrib.auth import get_user_model

from .groups import CHANNELS, DEFAULT_GROUPS, EMAIL, GROUPS, TELEGRAM
from .models import NotificationPreference


def preferences_of(*, user) -> dict[str, set[str]]:
    """{channel: groups} for one user (the defaults when they never chose)."""
    row = NotificationPreference.objects.filter(user=user).first()
    if row is None:
        return {channel: set(DEFAULT_GROUPS[channel]) for channel in CHANNELS}
    return {channel: set(row.groups_for(channel)) for channel in CHANNELS}


def preferences_of_many(user_ids) -> dict[int, dict[str, set[str]]]:
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids))
    chosen = {row.user_id: {channel: set(row.groups_for(channel)) for channel in CHANNELS} for row in rows}
    default = {channel: set(DEFAULT_GROUPS[channel]) for channel in CHANNELS}
    return {uid: chosen.get(uid, default) for uid in set(user_ids)}


def preference_save(*, user, email_groups, telegram_groups=None) -> NotificationPreference:
    """Save the choices; unknown group names are dropped. telegram_groups None keeps the saved ones."""
    known = list(GROUPS)
    current = preferences_of(user=user)
    email = [g for g in known if g in set(email_groups)]
    telegram = [
        g for g in known if g in set(current[TELEGRAM] if telegram_groups is None else telegram_groups)
    ]
    row, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_groups": email, "telegram_groups": telegram}
    )
    return row


def channel_addresses(user_ids) -> dict[int, dict[str, bool]]:
    """Which users can be reached at all: an active account with an e-mail; a linked Telegram chat."""
    from .models import TelegramLink

    users = get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", "email")
    linked = set(TelegramLink.objects.filter(user_id__in=set(user_ids)).values_list("user_id", flat=True))
    return {pk: {EMAIL: bool(email), TELEGRAM: pk in linked} for pk, email in users}
