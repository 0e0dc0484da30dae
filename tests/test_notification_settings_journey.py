"""Notifications by e-mail and Telegram, as a customer meets them (issue 12, Accounts): the settings page on a
phone and a desktop, e-mail choices saved, Telegram linked through the deep link (the bot's webhook called as
Telegram would), then one event reaches the app, the mailbox (locmem: the live server runs in this process)
and the fake Bot API on 127.0.0.1 — once each, in the customer's language. Never the internet.

Screenshots: /tmp/shots/notify/ (and artifacts/screens/notify/ for CI).
"""

import json
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from accounts.tests.factories import CustomerFactory
from addresses.tests.factories import DeliveryAddressFactory
from notifications.channels.models import ChannelDelivery, TelegramLink
from notifications.models import Notification, NotificationKind
from notifications.services import notification_send
from notifications.tests.fake_telegram import FakeTelegram

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
SHOTS = [
    Path("/tmp/shots/notify"),  # noqa: S108
    Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "notify",
]
TOKEN, SECRET, CHAT = "424242:FAKE", "hook-secret-9", 5550001


@pytest.fixture
def bot(settings):
    with FakeTelegram(token=TOKEN) as fake:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_BOT_NAME = "KyGuiTestBot"
        settings.TELEGRAM_API_BASE = fake.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        yield fake


def _tab(browser, live_server, size, user):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        is_mobile=size == "phone",
        has_touch=size == "phone",
        device_scale_factor=2 if size == "phone" else 1,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(8_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return context, page


def _check(page, name, size):
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}-{size}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], (name, size, width)


def _telegram_posts(live_server, update):
    request = urllib.request.Request(  # noqa: S310 (the live server, http://localhost)
        f"{live_server.url}/webhooks/telegram/{SECRET}/",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, response.read()


def test_choices_telegram_link_and_one_event_on_every_channel(browser, live_server, bot):
    user = CustomerFactory(username="thubin89x", customer_code="YW532", email="thu@example.vn", language="vi")
    DeliveryAddressFactory(customer=user, is_default=True)

    context, page = _tab(browser, live_server, "phone", user)
    # From the user menu to the settings page.
    page.goto("/notifications/settings/")
    assert page.is_checked("[data-testid=email-orders]") and page.is_checked("[data-testid=email-money]")
    assert not page.is_checked("[data-testid=email-news]")
    assert page.is_disabled("[data-testid=telegram-orders]")  # not linked yet
    _check(page, "settings", "phone")

    page.check("[data-testid=email-news]")
    page.uncheck("[data-testid=email-orders]")
    with page.expect_navigation():
        page.click("[data-testid=notification-choices] button[type=submit]")
    assert page.locator(".alert-success").count() == 1
    assert page.is_checked("[data-testid=email-news]") and not page.is_checked("[data-testid=email-orders]")

    with page.expect_navigation():
        page.click("[data-testid=telegram-link]")
    link = page.get_attribute("[data-testid=telegram-deep-link]", "href")
    assert link.startswith("https://t.me/KyGuiTestBot?start=")
    _check(page, "telegram-deep-link", "phone")
    token = parse_qs(urlsplit(link).query)["start"][0]
    # The customer presses Start in Telegram: Telegram posts the update to our webhook.
    update = {
        "update_id": 9001,
        "message": {"chat": {"id": CHAT, "type": "private", "first_name": "Thu"}, "text": f"/start {token}"},
    }
    status, body = _telegram_posts(live_server, update)
    assert status == 200 and json.loads(body)["chat_id"] == CHAT
    assert _telegram_posts(live_server, update) == (200, b"")  # delivered again: handled once
    assert TelegramLink.objects.get(user=user).chat_id == CHAT

    with page.expect_navigation():
        page.click("[data-testid=telegram-check]")
    assert page.locator("[data-testid=telegram-linked]").is_visible()
    assert page.is_enabled("[data-testid=telegram-money]") and page.is_checked("[data-testid=telegram-money]")
    _check(page, "settings-linked", "phone")
    context.close()

    # An event: money added to the wallet. In the app, one e-mail (Vietnamese), one Telegram message.
    mail.outbox.clear()
    notification_send(
        user_id=user.pk,
        kind=NotificationKind.WALLET_CREDITED,
        data={"amount_vnd": 1_500_000, "balance_vnd": 2_000_000, "why": "Bank top-up"},
    )
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["thu@example.vn"]
    assert "1.500.000" in mail.outbox[0].body and "ví" in mail.outbox[0].body  # Vietnamese
    (message,) = bot.sent(CHAT)
    assert message["text"].split("\n")[0] == mail.outbox[0].body.split("\n")[0]  # one text for every channel
    assert sorted(ChannelDelivery.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("telegram", "sent"),
    ]

    context, page = _tab(browser, live_server, "desk", user)
    page.goto("/notifications/settings/")
    _check(page, "settings-linked", "desk")
    with page.expect_navigation():
        page.click("[data-testid=telegram-card] button[type=submit]")  # unlink
    assert not TelegramLink.objects.exists()
    assert page.locator("[data-testid=telegram-link]").is_visible()
    _check(page, "settings", "desk")
    context.close()


def test_staff_have_the_page_too_without_telegram(browser, live_server, settings, vn_staff):
    settings.TELEGRAM_BOT_TOKEN = ""
    context, page = _tab(browser, live_server, "desk", vn_staff)
    page.goto("/notifications/settings/")
    assert page.locator("[data-testid=no-email]").is_visible()
    assert page.locator("[data-testid=telegram-card]").count() == 0
    _check(page, "staff-no-telegram", "desk")
    context.close()
