from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification


def notification_send(
    *, user_id: int, kind: str, consignment_id: int | None = None, tracking_id: int | None = None
) -> None:
    """Queue a notification; it is created by a Celery task once the current transaction commits."""
    from .tasks import send_notification

    transaction.on_commit(lambda: send_notification.delay(user_id, kind, consignment_id, tracking_id))


def notification_create(
    *, user_id: int, kind: str, consignment_id: int | None = None, tracking_id: int | None = None
) -> Notification:
    """Idempotent: running it twice for the same event keeps one notification."""
    fields = {"user_id": user_id, "kind": kind, "consignment_id": consignment_id, "tracking_id": tracking_id}
    existing = Notification.objects.filter(**fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields)
    except IntegrityError:
        return Notification.objects.get(**fields)


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
