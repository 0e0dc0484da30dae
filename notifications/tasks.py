from celery import shared_task

from .services import notifications_deliver_pending


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=10)
def deliver_notifications(self) -> int:
    """Deliver the notifications waiting in the outbox (woken after commits, and every minute by beat)."""
    try:
        return notifications_deliver_pending()
    except Exception as exc:  # a passing database fault: try again later
        raise self.retry(exc=exc) from exc
