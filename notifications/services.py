import logging

from django.db import transaction
from django.utils import timezone

from core.broker import Kick, publish

from .channels.planning import deliveries_plan
from .models import Notification, PendingNotification

logger = logging.getLogger(__name__)


def notification_send(
    *,
    user_id: int,
    kind: str,
    consignment_id: int | None = None,
    tracking_id: int | None = None,
    tracking_code: str = "",
    data: dict | None = None,
) -> None:
    """Notify a user of a change made in the current transaction.

    The notification waits in the outbox (PendingNotification), committed or rolled back with the change;
    once the transaction commits, the Celery task that delivers it is woken (notifications_kick)."""
    PendingNotification.objects.create(
        user_id=user_id,
        kind=kind,
        consignment_id=consignment_id,
        tracking_id=tracking_id,
        tracking_code=tracking_code,
        data=data or {},
    )
    transaction.on_commit(notifications_kick)


def notifications_send_many(*, user_ids, kind: str, data: dict | None = None) -> int:
    """The same notice to many users (a fee schedule announced to every customer), in one INSERT."""
    rows = [PendingNotification(user_id=uid, kind=kind, data=data or {}) for uid in user_ids]
    PendingNotification.objects.bulk_create(rows, batch_size=1000)
    if rows:
        transaction.on_commit(notifications_kick)
    return len(rows)


KICK_DELAY_S = 1.0
# Wakes the delivery task once the notifications are committed, at most once a second per process
# (core.broker.Kick); beat runs it every minute as well.
notifications_kick = Kick("notifications.tasks.deliver_notifications", delay=KICK_DELAY_S)


def notifications_deliver_pending(*, batch: int = 500) -> int:
    """Turn pending notifications into notifications, batch by batch; returns how many were delivered.

    Each pending row becomes one notification, in the transaction that deletes it; two runs at once share
    the work (SKIP LOCKED), so none is delivered twice. (An order awaiting delivery a second time, after
    a failed delivery, is a second event and a second notification.) A
    pending row whose user, order or tracking number was deleted meanwhile (the outbox has no foreign keys)
    is dropped with a log line: it must not hold up everyone else's notifications.
    """
    delivered = 0
    while True:
        with transaction.atomic():
            pending = list(
                PendingNotification.objects.select_for_update(skip_locked=True).order_by("id")[:batch]
            )
            if not pending:
                return delivered
            deliverable = _with_existing_targets(pending)
            created = Notification.objects.bulk_create(
                [
                    Notification(
                        user_id=p.user_id,
                        kind=p.kind,
                        consignment_id=p.consignment_id,
                        tracking_id=p.tracking_id,
                        tracking_code=p.tracking_code,
                        data=p.data,
                        created_at=p.created_at,
                    )
                    for p in deliverable
                ]
            )
            PendingNotification.objects.filter(pk__in=[p.pk for p in pending]).delete()
            # E-mail and Telegram copies: planned with the notifications, sent after the commit.
            if deliveries_plan(created):
                transaction.on_commit(_kick_sending)
        delivered += len(deliverable)
        if len(pending) < batch:
            return delivered


def _kick_sending() -> None:
    """Send now what is due now (Telegram), and again once the e-mails have waited for their digest."""
    from .channels.planning import email_digest_wait
    from .tasks import send_notification_deliveries

    publish(send_notification_deliveries)
    if wait := email_digest_wait():
        publish(send_notification_deliveries, countdown=wait + 1)


def _with_existing_targets(pending: list[PendingNotification]) -> list[PendingNotification]:
    from django.contrib.auth import get_user_model

    from consignments.models import Consignment
    from tracking.models import TrackingNumber

    def existing(model, ids):
        ids = {i for i in ids if i is not None}
        return set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()

    users = existing(get_user_model(), (p.user_id for p in pending))
    consignments = existing(Consignment, (p.consignment_id for p in pending))
    trackings = existing(TrackingNumber, (p.tracking_id for p in pending))
    kept = []
    for p in pending:
        if (
            p.user_id in users
            and (p.consignment_id is None or p.consignment_id in consignments)
            and (p.tracking_id is None or p.tracking_id in trackings)
        ):
            kept.append(p)
        else:
            logger.warning(
                "notification %s for user %s dropped: what it is about was deleted", p.kind, p.user_id
            )
    return kept


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
