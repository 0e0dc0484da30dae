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
DIGEST_MAX = 50  # notifications in one e-mail at most


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def deliveries_release_stale(*, now=None) -> int:
    now = now or timezone.now()
    return ChannelDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER
    ).update(status=DeliveryStatus.PENDING, claim="", next_attempt_at=now)


def _claim(batch: int) -> list[ChannelDelivery]:
    """Take up to `batch` due rows, and every other due e-mail of the same users (one digest each):
    SKIP LOCKED leaves rows another run is claiming, and the compare-and-set pending → sending (under
    this run's claim id) makes each row this run's alone."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    channels = [EMAIL, TELEGRAM] if telegram_enabled() else [EMAIL]
    due = ChannelDelivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    with transaction.atomic():
        first = list(
            due.filter(channel__in=channels)
            .order_by("next_attempt_at", "id")
            .values_list("id", "channel", "notification__user_id")[:batch]
        )
        if not first:
            return []
        ids = [pk for pk, _channel, _user in first]
        mailed = {user for _pk, channel, user in first if channel == EMAIL}
        if mailed:
            ids += list(
                due.filter(channel=EMAIL, notification__user_id__in=mailed)
                .exclude(pk__in=ids)
                .order_by("id")
                .values_list("id", flat=True)[: DIGEST_MAX * len(mailed)]
            )
        ChannelDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        ChannelDelivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING)
        .select_related("notification__user", "notification__consignment", "notification__tracking")
        .order_by("notification__created_at", "id")
    )


def _groups(claimed: list[ChannelDelivery]) -> list[list[ChannelDelivery]]:
    """One group per message to send: a user's e-mails together (a digest), each Telegram row alone."""
    emails: dict[int, list[ChannelDelivery]] = {}
    groups = []
    for delivery in claimed:
        if delivery.channel == EMAIL:
            if delivery.notification.user_id not in emails:
                emails[delivery.notification.user_id] = []
                groups.append(emails[delivery.notification.user_id])
            emails[delivery.notification.user_id].append(delivery)
        else:
            groups.append([delivery])
    return groups


def _finish(delivery: ChannelDelivery, **fields) -> bool:
    """Compare-and-set from this run's "sending"; False if the row was taken from it meanwhile."""
    done = ChannelDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claim=delivery.claim
    ).update(claim="", **fields)
    if not done:
        logger.warning("delivery %s was released while this run sent it", delivery.pk)
    return bool(done)


def _send(group: list[ChannelDelivery], connection) -> None:
    channel = group[0].channel
    if channel == EMAIL:
        send_email(group, connection=connection)
    elif channel == TELEGRAM:
        send_telegram(group[0])
    else:
        raise PermanentFailure(f"unknown channel {channel}")


def _send_group(group: list[ChannelDelivery], connection) -> str:
    """Send one message (one notification, or a user's e-mail digest) and record the outcome on each row."""
    channel = group[0].channel
    try:
        _send(group, connection)
    except PermanentFailure as exc:
        for delivery in group:
            _finish(delivery, status=DeliveryStatus.FAILED, last_error=str(exc)[:300])
        logger.warning("%d %s deliveries failed for good: %s", len(group), channel, exc)
        return DeliveryStatus.FAILED
    except Exception as exc:  # noqa: BLE001 — anything else is taken as passing: retry with backoff
        error = str(exc)[:300] if isinstance(exc, TemporaryFailure) else f"{type(exc).__name__}: {exc}"[:300]
        retry_after = getattr(exc, "retry_after", None)
        outcome = DeliveryStatus.FAILED
        for delivery in group:
            if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                _finish(delivery, status=DeliveryStatus.FAILED, last_error=error)
                continue
            wait = backoff(delivery.attempts)
            if isinstance(retry_after, int) and retry_after > 0:
                wait = max(wait, timedelta(seconds=retry_after))
            _finish(
                delivery,
                status=DeliveryStatus.PENDING,
                next_attempt_at=timezone.now() + wait,
                last_error=error,
            )
            outcome = DeliveryStatus.PENDING
        logger.info("%d %s deliveries: %s (%s)", len(group), channel, error, outcome)
        if connection is not None and channel == EMAIL:
            connection.close()  # a broken SMTP session is opened afresh for the next message
        return outcome
    sent_at = timezone.now()
    for delivery in group:
        _finish(delivery, status=DeliveryStatus.SENT, sent_at=sent_at, last_error="")
    return DeliveryStatus.SENT


def deliveries_send_due(*, batch: int = BATCH, run_for_s: float = RUN_FOR_S) -> dict:
    """Send what is due; returns counts of rows by outcome, of messages sent or tried (a digest is one),
    and whether rows are left (`more`)."""
    started = time.monotonic()
    counts = {"sent": 0, "failed": 0, "retry": 0, "messages": 0, "more": False}
    deliveries_release_stale()
    connection = get_connection()
    try:
        while True:
            claimed = _claim(batch)
            groups = _groups(claimed)
            for group in groups:
                outcome = _send_group(group, connection)
                counts[{"sent": "sent", "failed": "failed"}.get(outcome, "retry")] += len(group)
            counts["messages"] += len(groups)
            if len(claimed) < batch:
                return counts
            if time.monotonic() - started > run_for_s:
                counts["more"] = True
                return counts
    finally:
        connection.close()
