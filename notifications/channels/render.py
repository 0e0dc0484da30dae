"""One text for every channel: the in-app list, the e-mail and the Telegram message all read
Notification.message, rendered in the reader's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext


def language_of(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_notification(notification) -> tuple[str, str]:
    """(subject, text) in the user's language."""
    with translation.override(language_of(notification.user)):
        subject = gettext("%(brand)s: %(what)s") % {
            "brand": settings.BRAND_MARK,
            "what": notification.get_kind_display(),
        }
        return subject, notification.message


def _footer() -> str:
    return "--\n" + gettext(
        "You receive this e-mail because you chose these notifications. Change your choices: %(url)s"
    ) % {"url": site_url(reverse("notifications:settings"))}


def render_email(notification) -> tuple[str, str]:
    subject, text = render_notification(notification)
    with translation.override(language_of(notification.user)):
        body = "\n\n".join(
            [
                text,
                gettext("See it on the website: %(url)s")
                % {"url": site_url(reverse("notifications:open", args=[notification.pk]))},
                _footer(),
            ]
        )
    return subject, body


def render_digest(notifications) -> tuple[str, str]:
    """Several notifications to one user in one e-mail (those due together: NOTIFY_EMAIL_DIGEST_SECONDS)."""
    with translation.override(language_of(notifications[0].user)):
        subject = ngettext(
            "%(brand)s: %(n)d notification", "%(brand)s: %(n)d notifications", len(notifications)
        ) % {"brand": settings.BRAND_MARK, "n": len(notifications)}
        items = [
            f"• {n.message}\n  {site_url(reverse('notifications:open', args=[n.pk]))}" for n in notifications
        ]
        return subject, "\n\n".join([*items, _footer()])


def render_telegram(notification) -> str:
    _subject, text = render_notification(notification)
    return f"{text}\n{site_url(reverse('notifications:open', args=[notification.pk]))}"
