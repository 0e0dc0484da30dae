"""Issue 13, the clock: two beat processes by mistake run every scheduled task twice, at the same moment.

On PostgreSQL, each task of CELERY_BEAT_SCHEDULE runs twice at once in real threads, over work waiting for
each: a registration gone stale, an unidentified parcel whose code was registered without its matching task
(the rematch), and notifications waiting in the outbox. Every customer is told exactly once. (Two
auto-completions of the same deliveries at once: delivery/tests/test_races.py.)
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from conftest import need
from consignments.models import Consignment
from core.testing import run_threads
from notifications.models import Notification, NotificationKind, PendingNotification
from tracking.models import TrackingNumber
from tracking.tests.factories import TrackingNumberFactory
from warehouse.tests.factories import ParcelFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def twice_at_once(task_name: str) -> list:
    task = import_string(task_name)
    results, errors = run_threads(2, lambda i: task())
    assert errors == [], f"{task_name}: {errors}"
    return results


def test_every_beat_task_run_twice_at_once_tells_each_customer_once(customer, other_customer):
    need(connection.vendor == "postgresql", "concurrent transactions need PostgreSQL (DATABASE_URL)")
    stale = TrackingNumberFactory(customer=customer, code="SF6600000000001", raw_code="SF6600000000001")
    TrackingNumber.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=settings.TRACKING_STALE_DAYS + 1)
    )
    parcel = ParcelFactory(tracking_code="YT6600000000002")  # scanned before anyone registered it
    TrackingNumberFactory(customer=other_customer, code="YT6600000000002", raw_code="YT6600000000002")
    PendingNotification.objects.bulk_create(
        PendingNotification(user=other_customer, kind=NotificationKind.FEES_ANNOUNCED, data={"n": n})
        for n in range(40)
    )

    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "notifications.tasks.deliver_notifications" in names
    for name in names:  # in the schedule's order; delivery again at the end, for what the others queued
        twice_at_once(name)
    twice_at_once("notifications.tasks.deliver_notifications")

    assert not PendingNotification.objects.exists()
    told = Notification.objects.filter
    assert told(user=customer, kind=NotificationKind.TRACKING_STALE, tracking=stale).count() == 1
    order = Consignment.objects.get(parcels=parcel)
    assert order.customer == other_customer
    assert told(user=other_customer, kind=NotificationKind.ARRIVED_CHINA, consignment=order).count() == 1
    fees = told(user=other_customer, kind=NotificationKind.FEES_ANNOUNCED)
    assert sorted(fees.values_list("data__n", flat=True)) == list(range(40))  # each once

    # And once more, both beats again: nothing new.
    before = Notification.objects.count()
    for name in names:
        twice_at_once(name)
    assert Notification.objects.count() == before
