from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # Đã khởi tạo
    RECEIVED = "received", _("Warehouse received")  # Kho nhận hàng
    MATCHED = "matched", _("Matched")  # Đã khớp đơn


class TrackingNumber(models.Model):
    """A supplier's tracking number (mã vận đơn) registered by a customer before the parcel arrives."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="tracking_numbers",
    )
    code = models.CharField(
        _("tracking number"), max_length=40, help_text=_("Normalised: no spaces, upper case.")
    )
    raw_code = models.CharField(_("as typed"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TrackingStatus.choices, default=TrackingStatus.REGISTERED
    )
    consignment = models.OneToOneField(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracking_number",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tracking number")
        verbose_name_plural = _("tracking numbers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "code"], name="tracking_one_code_per_customer"),
        ]
        indexes = [
            models.Index(fields=["code"]),
            models.Index(fields=["customer", "-created_at", "-id"]),
        ]

    def __str__(self):
        return self.code
