from celery import shared_task

from .services import notification_create


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=10)
def send_notification(self, user_id: int, kind: str, consignment_id: int | None = None, tracking_id=None):
    try:
        notification_create(
            user_id=user_id, kind=kind, consignment_id=consignment_id, tracking_id=tracking_id
        )
    except Exception as exc:  # a passing database fault: try again later
        raise self.retry(exc=exc) from exc
