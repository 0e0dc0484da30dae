"""Sending one notification by e-mail through Django's e-mail backend (EMAIL_BACKEND: SMTP from the
environment in production, the console locally, locmem in tests)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from .errors import PermanentFailure, TemporaryFailure
from .render import render_digest, render_email, site_url


def send_email(deliveries, *, connection) -> None:
    """One e-mail for one user's deliveries: the notification itself, or a digest of several."""
    notifications = [d.notification for d in deliveries]
    user = notifications[0].user
    if not user.is_active or not user.email:
        raise PermanentFailure("no e-mail address")
    subject, body = (
        render_email(notifications[0]) if len(notifications) == 1 else render_digest(notifications)
    )
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{site_url(reverse('notifications:settings'))}>",
        },
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"address refused: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        raise TemporaryFailure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
