from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracking.selectors import stale_after_days


class NotificationKind(models.TextChoices):
    ARRIVED_CHINA = "arrived_cn", _("Parcel arrived at the China warehouse")
    AWAITING_DELIVERY = "awaiting_delivery", _("Order is awaiting delivery")
    TRACKING_STALE = "tracking_stale", _("Registered parcel not received for a long time")


class Notification(models.Model):
    """An in-app notification. The text is rendered at display time, in the reader's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tracking = models.ForeignKey(
        "tracking.TrackingNumber",
        verbose_name=_("tracking number"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            # A task that runs twice must not notify twice.
            models.UniqueConstraint(
                fields=["user", "kind", "consignment"], name="notifications_once_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"

    @property
    def message(self) -> str:
        """The text, in the reader's language (rendered now, not stored)."""
        code = self.consignment.code if self.consignment_id else ""
        if self.kind == NotificationKind.ARRIVED_CHINA:
            return gettext("Your parcel %(tracking)s arrived at the China warehouse: order %(code)s.") % {
                "tracking": self.consignment.parcel.tracking_code if self.consignment_id else "",
                "code": code,
            }
        if self.kind == NotificationKind.TRACKING_STALE and self.tracking_id:
            return gettext(
                "Tracking number %(tracking)s was registered %(days)d days ago and has not reached the China "
                "warehouse yet. Ask your supplier whether it was shipped, and to our address."
            ) % {"tracking": self.tracking.code, "days": stale_after_days()}
        if self.kind == NotificationKind.AWAITING_DELIVERY:
            return gettext("Order %(code)s is at the Vietnam depot, awaiting delivery (Chờ giao).") % {
                "code": code
            }
        return str(self.get_kind_display())
