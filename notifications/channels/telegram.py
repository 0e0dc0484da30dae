"""Telegram: the Bot API over HTTPS (urllib, with a timeout), the one-time deep link, and the webhook.

Settings: TELEGRAM_BOT_TOKEN (empty: Telegram is hidden everywhere), TELEGRAM_BOT_NAME (for the t.me link),
TELEGRAM_API_BASE (https://api.telegram.org; tests point it at a local fake server), TELEGRAM_WEBHOOK_SECRET
(the last part of /webhooks/telegram/<secret>/ and the X-Telegram-Bot-Api-Secret-Token header, given to
setWebhook as secret_token).

Setting the bot up once (BotFather gives the token and the name):

    curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/setWebhook" \
      -d url="$SITE_URL/webhooks/telegram/$TELEGRAM_WEBHOOK_SECRET/" \
      -d secret_token="$TELEGRAM_WEBHOOK_SECRET" -d allowed_updates='["message"]'
"""

import hashlib
import json
import secrets
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from .errors import PermanentFailure, TemporaryFailure
from .models import TelegramLink, TelegramLinkToken, TelegramUpdate
from .render import language_of, render_telegram

LINK_TOKEN_TTL = timedelta(minutes=30)
UPDATES_KEPT = timedelta(days=7)  # Telegram retries an update for at most a day
API_TIMEOUT_S = 10
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def telegram_enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_NAME)


def _api_url(method: str) -> str:
    base = settings.TELEGRAM_API_BASE.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise ImproperlyConfigured("TELEGRAM_API_BASE must be an https:// URL")
    return f"{base}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"


def api_call(method: str, payload: dict) -> dict:
    """POST one Bot API method; the answer's "result". Errors never show the URL (it holds the token)."""
    request = urllib.request.Request(  # noqa: S310 (https, or http to loopback for tests: _api_url)
        _api_url(method),
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=API_TIMEOUT_S) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            answer = json.loads(exc.read() or b"{}")
        except ValueError:
            answer = {}
        description = str(answer.get("description", ""))[:200]
        if exc.code == 429:
            retry_after = (answer.get("parameters") or {}).get("retry_after")
            raise TemporaryFailure(f"Telegram 429 {description}", retry_after=retry_after) from None
        if exc.code in (400, 403):  # chat not found, bot blocked by the user, bad request
            raise PermanentFailure(f"Telegram {exc.code} {description}") from None
        raise TemporaryFailure(f"Telegram {exc.code} {description}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TemporaryFailure(f"Telegram unreachable: {type(exc).__name__} {reason}") from None
    if not answer.get("ok"):
        raise TemporaryFailure(f"Telegram answered not ok: {str(answer.get('description', ''))[:200]}")
    return answer.get("result") or {}


def send_telegram(delivery) -> None:
    notification = delivery.notification
    link = TelegramLink.objects.filter(user_id=notification.user_id).first()
    if link is None or not notification.user.is_active:
        raise PermanentFailure("Telegram not linked")
    api_call(
        "sendMessage",
        {"chat_id": link.chat_id, "text": render_telegram(notification), "disable_web_page_preview": True},
    )


# --- linking --------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def telegram_link_start(*, user) -> str:
    """A fresh one-time deep link for this user (older unused ones stop working)."""
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
    token = secrets.token_urlsafe(24)  # 32 characters of A-Z a-z 0-9 _ -: what a start parameter allows
    TelegramLinkToken.objects.create(
        user=user, token_hash=_hash(token), expires_at=timezone.now() + LINK_TOKEN_TTL
    )
    return f"https://t.me/{settings.TELEGRAM_BOT_NAME}?start={token}"


def telegram_prune(*, now=None) -> int:
    """Forget handled update ids and link tokens that can no longer matter."""
    now = now or timezone.now()
    updates = TelegramUpdate.objects.filter(received_at__lt=now - UPDATES_KEPT).delete()[0]
    tokens = TelegramLinkToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()[0]
    return updates + tokens


def telegram_unlink(*, user) -> bool:
    return TelegramLink.objects.filter(user=user).delete()[0] > 0


def _reply(chat_id: int, text: str) -> dict:
    """Answer in the webhook's response: Telegram calls sendMessage for us (no request of our own)."""
    return {"method": "sendMessage", "chat_id": chat_id, "text": text}


@transaction.atomic
def telegram_update_receive(update: dict) -> dict | None:
    """Handle one webhook update, once per update_id. Returns the reply to send, if any."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int):
        return None
    _, created = TelegramUpdate.objects.get_or_create(update_id=update_id)
    if not created:
        return None
    message = update.get("message") or {}
    chat = message.get("chat") or {}
    text = message.get("text")
    if chat.get("type") != "private" or not isinstance(chat.get("id"), int) or not isinstance(text, str):
        return None
    chat_id = chat["id"]
    command, _, argument = text.strip().partition(" ")
    if command == "/start" and argument.strip():
        return _link(chat, argument.strip())
    if command == "/stop":
        unlinked = TelegramLink.objects.filter(chat_id=chat_id).delete()[0]
        with translation.override(settings.LANGUAGE_CODE):
            return _reply(
                chat_id,
                gettext("Notifications will no longer come to this chat.")
                if unlinked
                else gettext("This chat is not linked to an account."),
            )
    with translation.override(settings.LANGUAGE_CODE):
        return _reply(
            chat_id,
            gettext(
                "To receive notifications here, open Notification settings on the website and press “Link Telegram”."
            ),
        )


def _link(chat: dict, token: str) -> dict:
    now = timezone.now()
    row = (
        TelegramLinkToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(token[:100]), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        with translation.override(settings.LANGUAGE_CODE):
            return _reply(
                chat["id"],
                gettext(
                    "This link has expired or was already used. Open Notification settings on the website and "
                    "press “Link Telegram” again."
                ),
            )
    row.used_at = now
    row.save(update_fields=["used_at"])
    name = (
        " ".join(filter(None, [chat.get("first_name"), chat.get("last_name")])) or chat.get("username") or ""
    )
    TelegramLink.objects.update_or_create(
        user=row.user, defaults={"chat_id": chat["id"], "chat_name": str(name)[:100], "linked_at": now}
    )
    with translation.override(language_of(row.user)):
        return _reply(
            chat["id"],
            gettext("Linked: notifications for %(username)s will come to this chat. Send /stop to end.")
            % {"username": row.user.username},
        )
