"""Two send tasks at once on PostgreSQL, with real threads: every e-mail goes out exactly once."""

import re

import pytest
from django.core import mail
from django.db import connection

from accounts.tests.factories import CustomerFactory
from conftest import need
from core.testing import run_threads
from notifications import services
from notifications.channels.models import ChannelDelivery, DeliveryStatus
from notifications.channels.sending import deliveries_send_due
from notifications.models import Notification, NotificationKind
from notifications.services import notification_send, notifications_deliver_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = 40


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


@pytest.fixture
def readers(postgres, settings, monkeypatch):
    """Twenty customers with an e-mail address, two notifications each (each pair one digest)."""
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.SlowBackend"
    # No task runs by itself here (eager Celery would run it at each commit): the threads run them.
    monkeypatch.setattr(services, "notifications_kick", lambda: None)
    monkeypatch.setattr(services, "_kick_sending", lambda: None)
    users = [CustomerFactory(email=f"khach{i}@example.vn") for i in range(N // 2)]
    for i in range(N):
        notification_send(
            user_id=users[i % len(users)].pk,
            kind=NotificationKind.WALLET_CREDITED,
            data={"amount_vnd": 1000 * (i + 1), "balance_vnd": 1000 * (i + 1), "why": "Bank top-up"},
        )
    return users


def notification_ids_mailed():
    """Every notification named in every e-mail (a digest names several)."""
    return [int(pk) for m in mail.outbox for pk in re.findall(r"/notifications/(\d+)/", m.body)]


def assert_each_sent_once():
    mailed = notification_ids_mailed()
    assert len(mailed) == N and set(mailed) == set(Notification.objects.values_list("pk", flat=True))
    assert list(ChannelDelivery.objects.values_list("status", "attempts").distinct()) == [
        (DeliveryStatus.SENT, 1)
    ]


def test_two_send_tasks_at_once_send_each_email_once(readers):
    notifications_deliver_pending()
    assert ChannelDelivery.objects.count() == N
    mail.outbox.clear()

    results, errors = run_threads(2, lambda i: deliveries_send_due(batch=3))

    assert errors == []
    assert sum(r["sent"] for r in results) == N
    assert min(r["sent"] for r in results) > 0  # both runs took a share: they did overlap
    assert_each_sent_once()


def test_four_runs_of_outbox_and_send_at_once_send_each_email_once(readers):
    mail.outbox.clear()

    def run(i):
        notifications_deliver_pending(batch=5)
        return deliveries_send_due(batch=2)

    results, errors = run_threads(4, run)
    assert errors == []
    deliveries_send_due()  # what the next beat finds: rows planned after a run's last claim
    assert Notification.objects.count() == N
    assert_each_sent_once()
