"""Per-user choices, the delivery of each notification to e-mail or Telegram, and the Telegram link.

Imported at the end of notifications/models.py, so Django registers these models with the app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .groups import EMAIL, TELEGRAM, default_email_groups, default_telegram_groups


class NotificationPreference(models.Model):
    """Which groups of notifications go out by which channel. No row: the defaults (groups.py).
    In-app notifications are always kept: they are the record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_groups = models.JSONField(_("e-mail for"), default=default_email_groups, blank=True)
    telegram_groups = models.JSONField(_("Telegram for"), default=default_telegram_groups, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id}: {self.email_groups} / {self.telegram_groups}"

    def groups_for(self, channel: str) -> list[str]:
        return list(self.email_groups if channel == EMAIL else self.telegram_groups)


class Channel(models.TextChoices):
    EMAIL = EMAIL, _("E-mail")
    TELEGRAM = TELEGRAM, _("Telegram")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ChannelDelivery(models.Model):
    """One notification to one channel: created with the notification, sent after its commit
    (channels/__init__.py tells the whole story)."""

    notification = models.ForeignKey(
        "notifications.Notification",
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # the run that holds it while "sending"
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notifications_one_delivery_per_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notif_delivery_due",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self):
        return f"{self.notification_id} → {self.channel}: {self.status}"


class TelegramLink(models.Model):
    """The Telegram chat a user's notifications go to (set by the bot's /start <token>)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="telegram_link",
    )
    chat_id = models.BigIntegerField(_("chat id"))
    chat_name = models.CharField(_("Telegram name"), max_length=100, blank=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self):
        return f"{self.user_id} → {self.chat_id}"


class TelegramLinkToken(models.Model):  # noqa: DJ008 (a hash says nothing)
    """A one-time token for the deep link https://t.me/<bot>?start=<token>. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")


class TelegramUpdate(models.Model):  # noqa: DJ008
    """Update ids already handled: Telegram resends an update until it gets 200, so each is acted on once."""

    update_id = models.BigIntegerField(primary_key=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")
