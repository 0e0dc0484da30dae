"""Telegram: the one-time deep link, the webhook, and sending through the Bot API — against a fake Bot API
on 127.0.0.1 (fake_telegram.py), never the internet."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from consignments.tests.factories import ConsignmentFactory
from notifications.channels.models import ChannelDelivery, DeliveryStatus, TelegramLink, TelegramLinkToken
from notifications.channels.sending import deliveries_send_due
from notifications.channels.telegram import _api_url
from notifications.models import NotificationKind
from notifications.services import notification_send, notifications_deliver_pending
from notifications.tests.fake_telegram import FakeTelegram

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TOKEN = "123456:TEST-token"
SECRET = "webhook-secret-1"
CHAT = 777001


@pytest.fixture
def bot(settings):
    with FakeTelegram(token=TOKEN) as fake:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_BOT_NAME = "KyGuiTestBot"
        settings.TELEGRAM_API_BASE = fake.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        yield fake


def webhook(client, update, *, secret=SECRET, header=SECRET):
    return client.post(
        reverse("telegram_webhook", args=[secret]),
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": header},
    )


def start(update_id, text, chat=CHAT):
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "chat": {"id": chat, "type": "private", "first_name": "Thu", "last_name": "Bình"},
            "text": text,
        },
    }


def deep_link_token(client, user):
    client.force_login(user)
    response = client.post(reverse("notifications:telegram_link"))
    assert response.status_code == 200
    link = response.context["deep_link"]
    assert link.startswith("https://t.me/KyGuiTestBot?start=")
    assert link in response.text
    return parse_qs(urlsplit(link).query)["start"][0]


@pytest.fixture
def linked(bot, client, customer):
    token = deep_link_token(client, customer)
    assert webhook(client, start(1, f"/start {token}")).status_code == 200
    client.logout()
    return customer


# --- linking ---------------------------------------------------------------------------------------------


def test_the_deep_link_links_the_chat_once(bot, client, customer):
    token = deep_link_token(client, customer)
    assert len(token) >= 20 and TelegramLinkToken.objects.get().token_hash != token  # stored hashed
    client.logout()  # Telegram's servers, not the customer's browser, call the webhook

    response = webhook(client, start(10, f"/start {token}"))

    assert response.status_code == 200
    reply = response.json()
    assert reply["method"] == "sendMessage" and reply["chat_id"] == CHAT
    assert "thubin89x" in reply["text"]
    link = TelegramLink.objects.get(user=customer)
    assert (link.chat_id, link.chat_name) == (CHAT, "Thu Bình")

    # Telegram delivers the same update again: nothing happens, no second answer.
    again = webhook(client, start(10, f"/start {token}"))
    assert again.status_code == 200 and again.content == b""
    # The token is used up: someone else's chat cannot take the link with it.
    stolen = webhook(client, start(11, f"/start {token}", chat=999))
    assert "expired" in stolen.json()["text"] or "hết hạn" in stolen.json()["text"]
    assert TelegramLink.objects.get(user=customer).chat_id == CHAT


def test_an_expired_token_links_nothing(bot, client, customer):
    token = deep_link_token(client, customer)
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = webhook(client, start(20, f"/start {token}"))
    assert response.status_code == 200 and response.json()["chat_id"] == CHAT
    assert not TelegramLink.objects.exists()


def test_a_new_link_replaces_the_previous_unused_one(bot, client, customer):
    first = deep_link_token(client, customer)
    second = deep_link_token(client, customer)
    client.logout()
    webhook(client, start(30, f"/start {first}"))
    assert not TelegramLink.objects.exists()
    webhook(client, start(31, f"/start {second}"))
    assert TelegramLink.objects.filter(user=customer).exists()


def test_stop_unlinks_the_chat(linked, client):
    response = webhook(client, start(40, "/stop"))
    assert response.status_code == 200 and response.json()["chat_id"] == CHAT
    assert not TelegramLink.objects.exists()


def test_other_messages_get_a_hint_and_group_chats_are_ignored(bot, client):
    hint = webhook(client, start(50, "hello")).json()
    assert (hint["method"], hint["chat_id"]) == ("sendMessage", CHAT) and hint["text"]
    group = {"update_id": 51, "message": {"chat": {"id": -100, "type": "group"}, "text": "/start x"}}
    assert webhook(client, group).content == b""
    assert webhook(client, {"update_id": 52, "edited_message": {}}).content == b""


# --- the webhook refuses -----------------------------------------------------------------------------------


def test_the_webhook_needs_the_secret_in_the_path_and_the_header(bot, client, customer):
    token = deep_link_token(client, customer)
    client.logout()
    assert webhook(client, start(60, f"/start {token}"), secret="wrong").status_code == 404
    assert webhook(client, start(61, f"/start {token}"), header="wrong").status_code == 403
    assert webhook(client, start(62, f"/start {token}"), header="").status_code == 403
    assert not TelegramLink.objects.exists()


def test_the_webhook_refuses_what_is_not_an_update(bot, client):
    url = reverse("telegram_webhook", args=[SECRET])
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert (
        client.post(url, data="{not json", content_type="application/json", headers=headers).status_code
        == 400
    )
    assert client.post(url, data="[1]", content_type="application/json", headers=headers).status_code == 400
    assert client.get(url, headers=headers).status_code == 405


def test_the_webhook_is_not_there_without_a_bot(client, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    assert webhook(client, start(70, "/start x")).status_code == 404


def test_the_webhook_needs_no_csrf_token(bot, customer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert webhook(client, start(80, "hello")).status_code == 200


# --- sending ---------------------------------------------------------------------------------------------


def notify_arrival(user):
    order = ConsignmentFactory(customer=user, code="KG10000009", tracking_code="YT0000000009")
    notification_send(user_id=user.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=order.pk)
    notifications_deliver_pending()


def test_a_notification_goes_to_the_linked_chat_in_the_users_language(bot, linked):
    linked.language = "zh-hans"
    linked.save(update_fields=["language"])
    notify_arrival(linked)

    assert deliveries_send_due()["sent"] == 1
    (message,) = bot.sent(CHAT)
    assert message["text"].startswith("您的包裹 YT0000000009 已到达中国仓：订单 KG10000009。")
    assert "/notifications/" in message["text"]
    assert mail.outbox == []  # no e-mail address: Telegram only
    assert deliveries_send_due()["sent"] == 0 and len(bot.sent()) == 1  # once


def test_telegram_and_email_both_when_both_are_chosen(bot, linked):
    linked.email = "thubin89x@example.vn"
    linked.save(update_fields=["email"])
    notify_arrival(linked)
    deliveries_send_due()
    assert sorted(ChannelDelivery.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("telegram", "sent"),
    ]
    assert len(mail.outbox) == 1 and len(bot.sent(CHAT)) == 1


def test_a_blocked_bot_fails_the_message_for_good(bot, linked):
    bot.fail_chat[CHAT] = [(403, "Forbidden: bot was blocked by the user")]
    notify_arrival(linked)
    assert deliveries_send_due()["failed"] == 1
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "blocked" in delivery.last_error
    assert TOKEN not in delivery.last_error


def test_too_many_requests_waits_at_least_as_long_as_telegram_asks(bot, linked):
    bot.fail_chat[CHAT] = [(429, "Too Many Requests: retry after 3")]
    notify_arrival(linked)
    assert deliveries_send_due()["retry"] == 1
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)  # backoff(1) > retry_after

    bot.fail_chat.clear()
    ChannelDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send_due()["sent"] == 1


def test_an_unreachable_api_is_retried(bot, linked, settings):
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # nothing listens (discard port)
    notify_arrival(linked)
    assert deliveries_send_due()["retry"] == 1
    assert "unreachable" in ChannelDelivery.objects.get().last_error


def test_the_api_must_be_https_unless_it_is_this_machine(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_BASE = "http://api.telegram.org"
    with pytest.raises(ImproperlyConfigured):
        _api_url("sendMessage")
    settings.TELEGRAM_API_BASE = "https://api.telegram.org"
    assert _api_url("sendMessage") == f"https://api.telegram.org/bot{TOKEN}/sendMessage"


def test_without_a_bot_token_nothing_goes_to_telegram(bot, linked, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    notify_arrival(linked)
    assert not ChannelDelivery.objects.exists()
    assert bot.sent() == []


def test_old_update_ids_and_dead_tokens_are_forgotten(bot, client, customer):
    from notifications.channels.models import TelegramUpdate
    from notifications.channels.telegram import telegram_prune
    from notifications.tasks import send_notification_deliveries

    deep_link_token(client, customer)
    webhook(client, start(90, "hello"))
    assert telegram_prune() == 0
    TelegramUpdate.objects.update(received_at=timezone.now() - timedelta(days=8))
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(days=2))
    send_notification_deliveries.delay()  # the task every minute prunes too
    assert not TelegramUpdate.objects.exists() and not TelegramLinkToken.objects.exists()
