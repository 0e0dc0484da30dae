"""The notification outbox: PendingNotification rows committed with the change, delivered by a debounced task."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction

from consignments.tests.factories import ConsignmentFactory
from core import broker
from notifications.models import Notification, NotificationKind, PendingNotification
from notifications.services import (
    KICK_DELAY_S,
    notification_send,
    notifications_deliver_pending,
    notifications_kick,
)
from notifications.tasks import deliver_notifications
from tracking.tests.factories import TrackingNumberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_debounce(monkeypatch):
    """Every test starts as a fresh process would: no kick published yet."""
    monkeypatch.setattr(notifications_kick, "_next", 0.0)


@pytest.fixture
def order(customer):
    return ConsignmentFactory(customer=customer)


def _send(order, kind=NotificationKind.ARRIVED_CHINA):
    notification_send(user_id=order.customer_id, kind=kind, consignment_id=order.pk)


class Undo(Exception):
    pass


def test_a_rolled_back_change_notifies_nobody(order, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        _send(order)
        assert PendingNotification.objects.count() == 1
        raise Undo
    assert callbacks == []
    assert not PendingNotification.objects.exists()
    assert not Notification.objects.exists()


def test_after_commit_the_notification_is_delivered_and_the_outbox_emptied(
    customer, order, django_capture_on_commit_callbacks
):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the test settings: the task runs in-process
    tracking = TrackingNumberFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(order)
        notification_send(user_id=customer.pk, kind=NotificationKind.TRACKING_STALE, tracking_id=tracking.pk)
        # Not before the commit.
        assert PendingNotification.objects.count() == 2
        assert not Notification.objects.exists()
    assert callbacks == [notifications_kick, notifications_kick]
    assert sorted(Notification.objects.values_list("user_id", "kind", "consignment_id", "tracking_id")) == [
        (customer.pk, NotificationKind.ARRIVED_CHINA, order.pk, None),
        (customer.pk, NotificationKind.TRACKING_STALE, None, tracking.pk),
    ]
    assert not PendingNotification.objects.exists()


def test_a_pending_row_is_delivered_once(customer, order):
    _send(order)
    assert notifications_deliver_pending() == 1
    assert notifications_deliver_pending() == 0  # the task again (a retry, beat): nothing new
    assert Notification.objects.filter(user=customer, consignment=order).count() == 1
    assert not PendingNotification.objects.exists()


def test_an_order_awaiting_delivery_again_after_a_failed_delivery_notifies_again(
    customer, vn_staff, django_capture_on_commit_callbacks, monkeypatch
):
    """Two events, two notifications (a uniqueness rule on user, kind and order used to swallow the second)."""
    from consignments import services as consignment_services
    from consignments.models import ConsignmentStatus
    from consignments.services import consignment_transition

    monkeypatch.setattr(
        consignment_services, "TRANSITION_GUARDS", []
    )  # payment is billing's test, not this one

    order = ConsignmentFactory(customer=customer, status=ConsignmentStatus.IN_TRANSIT)
    for status in (
        ConsignmentStatus.AWAITING_DELIVERY,
        ConsignmentStatus.DELIVERING,
        ConsignmentStatus.AWAITING_DELIVERY,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            order = consignment_transition(
                consignment=order, to=status, by=vn_staff, warehouse=vn_staff.warehouse
            )
    assert Notification.objects.filter(user=customer, kind=NotificationKind.AWAITING_DELIVERY).count() == 2


def test_an_empty_outbox_delivers_nothing():
    assert notifications_deliver_pending() == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("count", [5, 4])
def test_more_than_one_batch_is_delivered(customer, count):
    orders = ConsignmentFactory.create_batch(count, customer=customer)
    for order in orders:
        _send(order)
    assert notifications_deliver_pending(batch=2) == count
    assert sorted(Notification.objects.values_list("consignment_id", flat=True)) == sorted(
        o.pk for o in orders
    )
    assert not PendingNotification.objects.exists()


def test_the_task_delivers_the_outbox(order):
    _send(order)
    assert deliver_notifications.apply().get() == 1
    assert Notification.objects.get().consignment == order
    assert not PendingNotification.objects.exists()


# --- waking the task ----------------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(broker, "time", SimpleNamespace(monotonic=lambda: clock.now))
    return clock


@pytest.fixture
def published(monkeypatch):
    calls = []
    monkeypatch.setattr(deliver_notifications, "apply_async", lambda *a, **kw: calls.append(kw))
    return calls


LATER = {"args": (), "kwargs": None, "countdown": KICK_DELAY_S}
NOW = {"args": (), "kwargs": None}


def test_kicks_within_a_second_publish_the_task_once(settings, clock, published):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    notifications_kick()
    clock.now += 0.3
    notifications_kick()
    clock.now += 0.6
    notifications_kick()
    assert published == [LATER]

    clock.now += KICK_DELAY_S  # past the delay since the first kick
    notifications_kick()
    notifications_kick()
    assert published == [LATER] * 2


def test_a_kick_exactly_at_the_end_of_the_delay_publishes(settings, clock, published):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    notifications_kick()
    clock.now += KICK_DELAY_S - 0.001
    notifications_kick()
    assert len(published) == 1
    clock.now += 0.001
    notifications_kick()
    assert len(published) == 2


def test_in_process_every_kick_runs_the_task(settings, clock, published):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for _ in range(3):
        notifications_kick()
    assert published == [NOW] * 3


def test_beat_runs_the_delivery_every_minute():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == deliver_notifications.name]
    assert deliver_notifications.name == "notifications.tasks.deliver_notifications"
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 60


def test_a_broker_outage_never_fails_the_change_that_was_saved(settings, monkeypatch, customer, caplog):
    """Redis restarting: the notification waits in the outbox for beat's next run; nothing raises."""
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(deliver_notifications, "apply_async", down)
    order = ConsignmentFactory(customer=customer)
    with caplog.at_level("WARNING", logger="core.broker"):
        notification_send(user_id=customer.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
        notifications_kick()
    assert "not queued" in caplog.text
    assert PendingNotification.objects.count() == 1  # kept for the safety net
    assert notifications_deliver_pending() == 1  # what beat's run does
    assert Notification.objects.filter(user=customer, consignment=order).exists()


def test_a_pending_row_about_something_deleted_does_not_hold_up_the_others(customer, other_customer, caplog):
    """The outbox has no foreign keys: a row whose order or user was deleted meanwhile is dropped, and the
    rest of its batch is delivered (it used to fail the whole batch, every run)."""
    order = ConsignmentFactory(customer=customer)
    gone = ConsignmentFactory(customer=other_customer)
    PendingNotification.objects.create(user=customer, kind=NotificationKind.ARRIVED_CHINA, consignment=order)
    PendingNotification.objects.create(
        user=other_customer, kind=NotificationKind.ARRIVED_CHINA, consignment_id=gone.pk + 1000
    )
    PendingNotification.objects.create(
        user_id=other_customer.pk + 1000, kind=NotificationKind.TRACKING_WITHDRAWN, tracking_code="SF1"
    )
    with caplog.at_level("WARNING", logger="notifications.services"):
        assert notifications_deliver_pending() == 1
    assert caplog.text.count("dropped") == 2
    assert list(Notification.objects.values_list("user", "consignment")) == [(customer.pk, order.pk)]
    assert not PendingNotification.objects.exists()


def test_a_notification_keeps_the_time_of_the_event_not_of_its_delivery(customer):
    import datetime as dt

    from django.utils import timezone

    order = ConsignmentFactory(customer=customer)
    when = timezone.now() - dt.timedelta(minutes=42)  # e.g. the worker was down
    PendingNotification.objects.create(user=customer, kind=NotificationKind.ARRIVED_CHINA, consignment=order)
    PendingNotification.objects.update(created_at=when)
    notifications_deliver_pending()
    assert Notification.objects.get().created_at == when


def test_a_claim_notice_names_the_claim_its_order_and_status(customer):
    from django.utils import translation

    from consignments.tests.factories import ConsignmentFactory
    from notifications.models import Notification, NotificationKind

    order = ConsignmentFactory(customer=customer)
    notice = Notification(
        user=customer,
        kind=NotificationKind.CLAIM_UPDATED,
        consignment=order,
        data={"claim": "KN000007", "status": "review"},
    )
    with translation.override("en"):
        assert notice.message == f"Claim KN000007 (order {order.code}): Accepted for review."
        notice.data = {"claim": "KN000007", "status": "review", "reply": True}
        assert notice.message == f"Customer service wrote on claim KN000007 (order {order.code})."


def test_a_torn_down_connection_pool_is_an_outage_too(monkeypatch, customer, caplog):
    """kombu's "Acquire on closed pool" (a broker reset under a running process) fails the send like an
    outage: logged, the work left to its safety net, the saved change not failed; the next send gets a
    fresh pool. In-process (eager) a RuntimeError is the task's own and propagates."""
    from config.celery import app
    from core.broker import publish

    def closed(*args, **kwargs):
        raise RuntimeError("Acquire on closed pool")

    monkeypatch.setattr(deliver_notifications, "apply_async", closed)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with caplog.at_level("WARNING", logger="core.broker"):
        assert publish(deliver_notifications) is False
    assert "not queued" in caplog.text and app.amqp._producer_pool is None
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    with pytest.raises(RuntimeError):
        publish(deliver_notifications)
