"""Which channels each new notification goes to: decided in the transaction that creates it."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .groups import EMAIL, TELEGRAM, group_of
from .models import ChannelDelivery
from .preferences import channel_addresses, preferences_of_many
from .telegram import telegram_enabled


def deliveries_plan(notifications) -> int:
    """Create one ChannelDelivery per (notification, channel) its user chose and can be reached on.
    Call inside the transaction that creates the notifications; returns how many rows."""
    notifications = [n for n in notifications if n.pk is not None]
    if not notifications:
        return 0
    user_ids = {n.user_id for n in notifications}
    choices = preferences_of_many(user_ids)
    reachable = channel_addresses(user_ids)
    channels = [EMAIL, TELEGRAM] if telegram_enabled() else [EMAIL]
    now, wait = timezone.now(), timedelta(seconds=email_digest_wait())
    rows = []
    for n in notifications:
        group = group_of(n.kind)
        for channel in channels:
            if reachable.get(n.user_id, {}).get(channel) and group in choices[n.user_id][channel]:
                rows.append(
                    ChannelDelivery(
                        notification_id=n.pk,
                        channel=channel,
                        created_at=n.created_at,
                        next_attempt_at=now + wait if channel == EMAIL else now,
                    )
                )
    ChannelDelivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def email_digest_wait() -> int:
    """Seconds an e-mail waits for others to the same user, sent together as one digest. None in-process
    (CELERY_TASK_ALWAYS_EAGER: tests, `make run` without Redis), where no beat would come back for them."""
    return 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.NOTIFY_EMAIL_DIGEST_SECONDS
