from celery import shared_task

from .services import notifications_deliver_pending


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=10)
def deliver_notifications(self) -> int:
    """Deliver the notifications waiting in the outbox (woken after commits, and every minute by beat)."""
    try:
        return notifications_deliver_pending()
    except Exception as exc:  # a passing database fault: try again later
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=360)
def send_notification_deliveries(self) -> dict:
    """Send the e-mail and Telegram copies that are due (woken after deliver_notifications creates some, and
    every minute by beat for retries). Safe to run twice at once: each row is claimed by one run."""
    from core.broker import publish

    from .channels.sending import deliveries_send_due
    from .channels.telegram import telegram_prune

    counts = deliveries_send_due()
    telegram_prune()
    if counts["more"]:
        publish(send_notification_deliveries)
    return counts
