"""E-mail copies of notifications: per-user choices, the user's language, exactly once, retries and failures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from consignments.tests.factories import ConsignmentFactory
from notifications.channels.models import ChannelDelivery, DeliveryStatus
from notifications.channels.preferences import preference_save
from notifications.channels.sending import SENDING_STALE_AFTER, backoff, deliveries_send_due
from notifications.models import Notification, NotificationKind
from notifications.services import notification_send, notifications_deliver_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(customer):
    customer.email = "thubin89x@example.vn"
    customer.language = "vi"
    customer.save(update_fields=["email", "language"])
    return customer


@pytest.fixture
def order(reader):
    return ConsignmentFactory(customer=reader, code="KG10000001", tracking_code="SF100000000001")


def notify(user, kind, order=None, data=None):
    notification_send(user_id=user.pk, kind=kind, consignment_id=order.pk if order else None, data=data)
    notifications_deliver_pending()
    return Notification.objects.filter(user=user).latest("id")


MONEY = {"amount_vnd": 500_000, "balance_vnd": 700_000, "why": "Bank top-up"}


# --- choices ---------------------------------------------------------------------------------------------


def test_by_default_arrivals_and_money_are_emailed_and_the_rest_is_not(reader, order):
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    notify(reader, NotificationKind.WALLET_CREDITED, data=MONEY)
    notify(reader, NotificationKind.DELIVERED, data={"codes": ["KG10000001"], "request": "GH0001"})
    notify(reader, NotificationKind.FEES_ANNOUNCED, data={"name": "2027", "effective_from": "01/01/2027"})

    counts = deliveries_send_due()

    assert (counts["sent"], counts["messages"]) == (2, 1)  # due together: one digest
    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert "SF100000000001" in message.body and "KG10000001" in message.body
    assert "500.000" in message.body  # money in VND, written as core.money writes it
    assert "GH0001" not in message.body and "2027" not in message.body
    # In the app: all four, whatever the e-mail choices.
    assert Notification.objects.filter(user=reader).count() == 4


def test_a_users_choices_are_followed_per_group(reader, order):
    preference_save(user=reader, email_groups=["delivery", "no-such-group"])

    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    notify(reader, NotificationKind.WALLET_DEBITED, data=MONEY)
    delivered = notify(
        reader, NotificationKind.DELIVERED, data={"codes": ["KG10000001"], "request": "GH0001"}
    )
    deliveries_send_due()

    assert list(ChannelDelivery.objects.values_list("notification_id", "channel")) == [
        (delivered.pk, "email")
    ]
    assert len(mail.outbox) == 1 and "GH0001" in mail.outbox[0].body
    assert reader.notification_preference.email_groups == ["delivery"]  # the unknown group was dropped


def test_no_email_at_all_when_every_group_is_off(reader, order):
    preference_save(user=reader, email_groups=[])
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    deliveries_send_due()
    assert mail.outbox == [] and not ChannelDelivery.objects.exists()
    assert Notification.objects.filter(user=reader).count() == 1


def test_a_user_without_an_email_address_gets_in_app_notifications_only(customer):
    order = ConsignmentFactory(customer=customer)
    notify(customer, NotificationKind.ARRIVED_CHINA, order)
    deliveries_send_due()
    assert mail.outbox == [] and not ChannelDelivery.objects.exists()


# --- language --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,words",
    [
        ("vi", "Kiện hàng SF100000000001 của bạn đã về kho Trung Quốc: đơn ký gửi KG10000001."),
        ("zh-hans", "您的包裹 SF100000000001 已到达中国仓：订单 KG10000001。"),
        ("en", "Your parcel SF100000000001 arrived at the China warehouse: order KG10000001."),
    ],
)
def test_the_email_is_written_in_the_users_language(reader, order, language, words):
    reader.language = language
    reader.save(update_fields=["language"])
    with translation.override("en"):  # whatever language the sending process runs in
        notify(reader, NotificationKind.ARRIVED_CHINA, order)
        deliveries_send_due()

    (message,) = mail.outbox
    assert message.body.startswith(words)
    with translation.override(language):
        assert gettext("Parcel arrived at the China warehouse") in message.subject
        assert "/notifications/settings/" in message.body


def test_no_language_chosen_means_vietnamese(reader, order):
    reader.language = ""
    reader.save(update_fields=["language"])
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    deliveries_send_due()
    assert mail.outbox[0].body.startswith("Kiện hàng SF100000000001")


# --- exactly once ----------------------------------------------------------------------------------------


def test_running_the_send_task_again_sends_nothing_again(reader, order):
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    assert deliveries_send_due()["sent"] == 1
    assert deliveries_send_due()["sent"] == 0
    notifications_deliver_pending()  # the outbox task again: no new notification, no new delivery
    assert deliveries_send_due()["sent"] == 0
    assert len(mail.outbox) == 1
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.claim) == (DeliveryStatus.SENT, 1, "")


def test_after_commit_the_email_goes_out_through_the_tasks(reader, order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user_id=reader.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert ChannelDelivery.objects.get().status == DeliveryStatus.SENT


# --- digests --------------------------------------------------------------------------------------------


def test_notifications_due_together_go_out_as_one_digest_in_the_users_language(reader, customer):
    reader.language = "en"
    reader.save(update_fields=["language"])
    orders = [ConsignmentFactory(customer=reader, code=f"KG2000000{i}") for i in range(3)]
    notifications = [notify(reader, NotificationKind.ARRIVED_CHINA, o) for o in orders]

    assert deliveries_send_due()["messages"] == 1
    (message,) = mail.outbox
    assert message.subject == "123PO: 3 notifications"
    for n, order in zip(notifications, orders, strict=True):
        assert order.code in message.body and f"/notifications/{n.pk}/" in message.body
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_one_notification_alone_is_a_plain_email(reader, order):
    reader.language = "en"
    reader.save(update_fields=["language"])
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    deliveries_send_due()
    assert mail.outbox[0].subject == "123PO: Parcel arrived at the China warehouse"


def test_with_a_worker_emails_wait_for_their_digest_and_telegram_does_not(reader, order, settings):
    from notifications.channels.models import TelegramLink

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with Redis and a worker (nothing is published here)
    settings.NOTIFY_EMAIL_DIGEST_SECONDS = 60
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_BOT_NAME = "1:x", "KyGuiTestBot"
    TelegramLink.objects.create(user=reader, chat_id=1)
    notification_send(user_id=reader.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
    before = timezone.now()
    notifications_deliver_pending()
    waits = {d.channel: d.next_attempt_at - before for d in ChannelDelivery.objects.all()}
    assert timedelta(seconds=59) < waits["email"] <= timedelta(seconds=61)
    assert waits["telegram"] <= timedelta(seconds=1)


def test_a_digest_fails_and_is_retried_as_a_whole(reader, settings):
    orders = [ConsignmentFactory(customer=reader) for _ in range(2)]
    for o in orders:
        notify(reader, NotificationKind.ARRIVED_CHINA, o)
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.DownBackend"
    assert deliveries_send_due() == {"sent": 0, "failed": 0, "retry": 2, "messages": 1, "more": False}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ChannelDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send_due()["messages"] == 1 and len(mail.outbox) == 1


# --- failures --------------------------------------------------------------------------------------------


def test_a_passing_failure_is_retried_later_with_backoff(reader, order, settings):
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.DownBackend"
    before = timezone.now()

    assert deliveries_send_due()["retry"] == 1
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.next_attempt_at >= before + backoff(1)
    assert deliveries_send_due()["retry"] == 0  # not due yet

    delivery.next_attempt_at = timezone.now() - timedelta(seconds=1)
    delivery.save()
    assert deliveries_send_due()["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at >= timezone.now() + backoff(2) - timedelta(
        seconds=5
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ChannelDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send_due()["sent"] == 1
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=6)


def test_a_refused_address_is_marked_failed_and_not_retried(reader, order, settings):
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.RefusingBackend"
    assert deliveries_send_due()["failed"] == 1
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "User unknown" in delivery.last_error
    ChannelDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(days=1))
    assert deliveries_send_due() == {"sent": 0, "failed": 0, "retry": 0, "messages": 0, "more": False}


def test_a_message_failing_every_time_is_given_up_after_the_last_attempt(reader, order, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.DownBackend"
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    for _ in range(5):
        ChannelDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        deliveries_send_due()
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)


def test_an_address_removed_before_sending_fails_that_message(reader, order):
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    reader.email = ""
    reader.save(update_fields=["email"])
    assert deliveries_send_due()["failed"] == 1
    assert ChannelDelivery.objects.get().last_error == "no e-mail address"


def test_a_row_left_sending_by_a_dead_worker_is_sent_after_the_stale_delay(reader, order):
    """The documented window: claimed, then the worker died. Nothing is lost; it is sent later."""
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    ChannelDelivery.objects.update(
        status=DeliveryStatus.SENDING, claim="dead", claimed_at=timezone.now(), attempts=1
    )
    assert deliveries_send_due()["sent"] == 0  # maybe still being sent: left alone

    ChannelDelivery.objects.update(claimed_at=timezone.now() - SENDING_STALE_AFTER - timedelta(seconds=1))
    assert deliveries_send_due()["sent"] == 1
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_late_finish_does_not_overwrite_a_row_another_run_took(reader, order):
    from notifications.channels.sending import _claim, _finish

    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    (mine,) = _claim(10)
    ChannelDelivery.objects.update(claim="someone-else")  # released as stale and claimed again meanwhile
    assert _finish(mine, status=DeliveryStatus.SENT) is False
    assert ChannelDelivery.objects.get().status == DeliveryStatus.SENDING


def test_an_unreachable_smtp_server_is_retried(reader, order, settings):
    """Django's SMTP backend as production configures it, pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notify(reader, NotificationKind.ARRIVED_CHINA, order)
    assert deliveries_send_due()["retry"] == 1
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "ConnectionRefused" in delivery.last_error
