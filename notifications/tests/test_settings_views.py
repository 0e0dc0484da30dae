"""The notification settings page and the Telegram link buttons: who may, what is saved, wrong methods."""

import pytest
from django.test import Client
from django.urls import reverse

from core.testing import assert_login_redirect
from notifications.channels.models import NotificationPreference, TelegramLink, TelegramLinkToken

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SETTINGS = reverse("notifications:settings")
LINK = reverse("notifications:telegram_link")
UNLINK = reverse("notifications:telegram_unlink")


@pytest.fixture
def with_bot(settings):
    settings.TELEGRAM_BOT_TOKEN = "123456:TEST-token"
    settings.TELEGRAM_BOT_NAME = "KyGuiTestBot"
    settings.TELEGRAM_WEBHOOK_SECRET = "webhook-secret-1"


@pytest.mark.parametrize(
    "method,path", [("get", SETTINGS), ("post", SETTINGS), ("post", LINK), ("post", UNLINK)]
)
def test_anonymous_is_sent_to_login(client, with_bot, method, path):
    assert_login_redirect(getattr(client, method)(path), path)
    assert not NotificationPreference.objects.exists() and not TelegramLinkToken.objects.exists()


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff", "ops"])
def test_every_signed_in_user_sees_and_saves_their_own_choices(request, client_of, persona, other_customer):
    user = request.getfixturevalue(persona)
    user.email = f"{user.username}@example.vn"
    user.save(update_fields=["email"])
    client = client_of(user)

    page = client.get(SETTINGS)
    assert page.status_code == 200
    rows = {row["group"]: row["email"] for row in page.context["rows"]}
    assert rows["orders"] and rows["money"] and not rows["news"]  # the defaults
    assert 'name="email:money" checked' in page.text

    response = client.post(SETTINGS, {"email:news": "on", "email:claims": "on", "email:bogus": "on"})

    assert response.status_code == 302 and response.url == SETTINGS
    assert NotificationPreference.objects.get().user == user  # nobody else's choices touched
    assert user.notification_preference.email_groups == ["claims", "news"]
    after = client.get(SETTINGS)
    assert "Your notification choices are saved." in after.text
    assert {r["group"] for r in after.context["rows"] if r["email"]} == {"claims", "news"}


def test_without_an_email_address_the_email_boxes_are_off_and_say_why(client_of, customer):
    page = client_of(customer).get(SETTINGS)
    assert 'data-testid="no-email"' in page.text
    assert 'name="email:orders" checked disabled' in page.text


def test_unticking_everything_turns_email_off(client_of, customer):
    client_of(customer).post(SETTINGS, {})
    assert customer.notification_preference.email_groups == []


def test_a_post_without_the_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(SETTINGS, {"email:news": "on"}).status_code == 403
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "method,path", [("put", SETTINGS), ("get", LINK), ("get", UNLINK), ("delete", SETTINGS)]
)
def test_wrong_methods_are_refused(client_of, customer, with_bot, method, path):
    assert getattr(client_of(customer), method)(path).status_code == 405
    assert not TelegramLinkToken.objects.exists()


# --- Telegram on the page --------------------------------------------------------------------------------


def test_without_a_bot_telegram_is_hidden_and_its_buttons_are_not_found(client_of, customer, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    client = client_of(customer)
    page = client.get(SETTINGS)
    assert "Telegram" not in page.text and 'name="telegram:' not in page.text
    assert client.post(LINK).status_code == 404
    assert client.post(UNLINK).status_code == 404


def test_with_a_bot_the_page_offers_the_link_and_telegram_boxes_wait_for_it(client_of, customer, with_bot):
    page = client_of(customer).get(SETTINGS)
    assert 'data-testid="telegram-link"' in page.text
    assert 'name="telegram:orders" checked disabled' in page.text


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff", "ops"])
def test_link_makes_a_one_time_deep_link_for_this_user_only(request, client_of, with_bot, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).post(LINK)
    assert response.status_code == 200
    assert response.context["deep_link"].startswith("https://t.me/KyGuiTestBot?start=")
    assert 'data-testid="telegram-deep-link"' in response.text
    assert TelegramLinkToken.objects.get().user == user


def test_a_linked_user_chooses_telegram_groups_and_unlinks(client_of, customer, other_customer, with_bot):
    TelegramLink.objects.create(user=customer, chat_id=777, chat_name="Thu")
    TelegramLink.objects.create(user=other_customer, chat_id=888, chat_name="Hoàng")
    client = client_of(customer)
    assert 'data-testid="telegram-linked"' in client.get(SETTINGS).text

    client.post(SETTINGS, {"telegram:money": "on", "email:orders": "on"})
    assert customer.notification_preference.telegram_groups == ["money"]

    response = client.post(UNLINK)
    assert response.status_code == 302 and response.url == SETTINGS
    assert list(TelegramLink.objects.values_list("user_id", flat=True)) == [other_customer.pk]


def test_saving_while_not_linked_keeps_the_telegram_choices(client_of, customer, with_bot):
    client_of(customer).post(SETTINGS, {"email:orders": "on"})
    assert customer.notification_preference.telegram_groups == [
        "orders",
        "delivery",
        "money",
        "tracking",
        "claims",
    ]


def test_the_user_menu_links_to_the_settings(client_of, customer, ops):
    assert SETTINGS in client_of(customer).get(reverse("notifications:list")).text
