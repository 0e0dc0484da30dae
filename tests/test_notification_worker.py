"""E-mail copies through a real Celery worker (PostgreSQL + Redis): three notifications to one customer
within the digest wait become one digest, sent by the worker after the wait, each row exactly once.

The worker uses the test settings (locmem e-mail, out of this process's sight), so the test reads the
delivery rows it leaves in the database and the task results in its log."""

import time

import pytest
from django.db import transaction

from accounts.tests.factories import CustomerFactory
from consignments.tests.factories import ConsignmentFactory
from notifications.channels.models import ChannelDelivery, DeliveryStatus
from notifications.models import Notification, NotificationKind
from notifications.services import notification_send

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

WAIT_S = 2


@pytest.fixture
def short_digest_wait(monkeypatch):
    """The worker reads it from its environment (copied from ours when it starts)."""
    monkeypatch.setenv("NOTIFY_EMAIL_DIGEST_SECONDS", str(WAIT_S))


def test_the_worker_sends_one_digest_after_the_wait(short_digest_wait, celery_worker):
    user = CustomerFactory(email="thu@example.vn", language="vi")
    orders = [ConsignmentFactory(customer=user) for _ in range(3)]

    with transaction.atomic():
        for order in orders:
            notification_send(user_id=user.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
    started = time.monotonic()

    deadline = started + 30
    while ChannelDelivery.objects.filter(status=DeliveryStatus.SENT).count() < 3:
        assert time.monotonic() < deadline, celery_worker.log()[-5000:]
        time.sleep(0.2)
    assert time.monotonic() - started >= WAIT_S - 0.5  # it waited for the others
    assert Notification.objects.filter(user=user).count() == 3
    rows = list(ChannelDelivery.objects.values_list("status", "attempts", "sent_at"))
    assert len(rows) == 3 and {(s, a) for s, a, _ in rows} == {(DeliveryStatus.SENT, 1)}
    assert len({sent_at for _, _, sent_at in rows}) == 1  # marked together: one e-mail
    celery_worker.wait_for_log(r"'messages': 1")
