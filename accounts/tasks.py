"""The password reset e-mail, sent by a worker after the request."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.broker import publish

from .models import User

logger = logging.getLogger(__name__)


# One reset e-mail per account per this many seconds: the form cannot be used to flood someone's mailbox.
RESET_MAIL_INTERVAL_S = 60


def password_reset_mail_queue(*, user: User, domain: str, use_https: bool) -> None:
    """After commit, queue the reset e-mail; if the broker is down, send it in this process instead (it has no
    scheduled safety net, and a person is waiting for it). The page answers the same either way."""
    key = f"accounts:reset-mail:{user.pk}"
    if cache.get(key):  # not add(): with Redis down the degrading cache refuses every add, and mail must go
        logger.info("password reset mail to user %s skipped: one was sent less than a minute ago", user.pk)
        return
    cache.set(key, 1, timeout=RESET_MAIL_INTERVAL_S)
    language = translation.get_language()

    def queue():
        kwargs = {"domain": domain, "use_https": use_https, "language": language}
        if not publish(send_password_reset, user.pk, **kwargs):
            send_password_reset.apply(args=(user.pk,), kwargs=kwargs)

    transaction.on_commit(queue)


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def send_password_reset(self, user_id: int, *, domain: str, use_https: bool, language: str) -> None:
    """Send the link to set a new password, in the language the person chose (else the one they asked in).

    Safe to run twice: each run sends a valid link, and the first one used invalidates the other (the token
    is bound to the password hash).
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": settings.BRAND_MARK,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
        "brand": settings.BRAND_MARK,
        "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    try:
        message.send()
    except OSError as exc:  # SMTP down or refusing: try again later
        logger.warning("password reset mail to user %s not sent: %s", user_id, exc)
        raise self.retry(exc=exc) from exc
