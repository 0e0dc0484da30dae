"""Sending the due channel deliveries, each exactly once but for one window (channels/__init__.py)."""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .email import send_email
from .errors import PermanentFailure, TemporaryFailure
from .groups import EMAIL, TELEGRAM
from .models import ChannelDelivery, DeliveryStatus
from .telegram import send_telegram, telegram_enabled

logger = logging.getLogger(__name__)

BATCH = 10
RUN_FOR_S = 45  # claim no new batch after this: the task's time limit leaves room for the batch in hand
# A row "sending" longer than this was held by a worker that died (well past the task's hard time limit):
# taken as not sent and retried. If that worker died after the message left, the message goes out twice.
SENDING_STALE_AFTER = timedelta(minutes=10)
BACKOFF_MAX = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliveries_release_stale(*, now=None) -> int:
    now = now or timezone.now()
    return ChannelDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER
    ).update(status=DeliveryStatus.PENDING, claim="", next_attempt_at=now)


def _claim(batch: int) -> list[ChannelDelivery]:
    """Take up to `batch` due rows: SKIP LOCKED leaves rows another run is claiming, and the
    compare-and-set pending → sending (under this run's claim id) makes each row this run's alone."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    channels = [EMAIL, TELEGRAM] if telegram_enabled() else [EMAIL]
    with transaction.atomic():
        ids = list(
            ChannelDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, channel__in=channels)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return []
        ChannelDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        ChannelDelivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING)
        .select_related("notification__user", "notification__consignment", "notification__tracking")
        .order_by("id")
    )


def _finish(delivery: ChannelDelivery, **fields) -> bool:
    """Compare-and-set from this run's "sending"; False if the row was taken from it meanwhile."""
    done = ChannelDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claim=delivery.claim
    ).update(claim="", **fields)
    if not done:
        logger.warning("delivery %s was released while this run sent it", delivery.pk)
    return bool(done)


def _send(delivery: ChannelDelivery, connection) -> None:
    if delivery.channel == EMAIL:
        send_email(delivery, connection=connection)
    elif delivery.channel == TELEGRAM:
        send_telegram(delivery)
    else:
        raise PermanentFailure(f"unknown channel {delivery.channel}")


def _send_one(delivery: ChannelDelivery, connection) -> str:
    max_attempts = settings.NOTIFY_MAX_ATTEMPTS
    try:
        _send(delivery, connection)
    except PermanentFailure as exc:
        _finish(delivery, status=DeliveryStatus.FAILED, last_error=str(exc)[:300])
        logger.warning("delivery %s (%s) failed for good: %s", delivery.pk, delivery.channel, exc)
        return DeliveryStatus.FAILED
    except Exception as exc:  # noqa: BLE001 — anything else is taken as passing: retry with backoff
        error = str(exc)[:300] if isinstance(exc, TemporaryFailure) else f"{type(exc).__name__}: {exc}"[:300]
        if delivery.attempts >= max_attempts:
            _finish(delivery, status=DeliveryStatus.FAILED, last_error=error)
            logger.warning(
                "delivery %s (%s) failed %d times: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                error,
            )
            return DeliveryStatus.FAILED
        wait = backoff(delivery.attempts)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, int) and retry_after > 0:
            wait = max(wait, timedelta(seconds=retry_after))
        _finish(
            delivery,
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now() + wait,
            last_error=error,
        )
        logger.info("delivery %s (%s) will be retried: %s", delivery.pk, delivery.channel, error)
        if connection is not None and delivery.channel == EMAIL:
            connection.close()  # a broken SMTP session is opened afresh for the next message
        return DeliveryStatus.PENDING
    _finish(delivery, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return DeliveryStatus.SENT


def deliveries_send_due(*, batch: int = BATCH, run_for_s: float = RUN_FOR_S) -> dict:
    """Send what is due; returns counts by outcome and whether rows are left (`more`)."""
    started = time.monotonic()
    counts = {"sent": 0, "failed": 0, "retry": 0, "more": False}
    deliveries_release_stale()
    connection = get_connection()
    try:
        while True:
            claimed = _claim(batch)
            for delivery in claimed:
                outcome = _send_one(delivery, connection)
                key = {"sent": "sent", "failed": "failed"}.get(outcome, "retry")
                counts[key] += 1
            if len(claimed) < batch:
                return counts
            if time.monotonic() - started > run_for_s:
                counts["more"] = True
                return counts
    finally:
        connection.close()
