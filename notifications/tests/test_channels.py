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

    assert counts["sent"] == 2
    assert [m.to for m in mail.outbox] == [[reader.email], [reader.email]]
    assert "SF100000000001" in mail.outbox[0].body and "KG10000001" in mail.outbox[0].body
    assert "500.000" in mail.outbox[1].body  # money in VND, written as core.money writes it
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
    assert deliveries_send_due() == {"sent": 0, "failed": 0, "retry": 0, "more": False}


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
