from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .normalize import Courier


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
    courier = models.CharField(_("courier"), max_length=8, choices=Courier.choices, blank=True)
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
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    stale_notified_at = models.DateTimeField(_("told it is late"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tracking number")
        verbose_name_plural = _("tracking numbers")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open registration of a code per customer. A matched one may be followed by a new one once
            # its order is long finished (a recycled number): tracking.services._held decides that.
            models.UniqueConstraint(
                fields=["customer", "code"],
                condition=models.Q(consignment__isnull=True),
                name="tracking_one_open_code_per_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["code"]),
            models.Index(fields=["customer", "-created_at", "-id"]),
            models.Index(fields=["customer", "status", "-created_at", "-id"]),
        ]

    def __str__(self):
        return self.code

    @property
    def is_locked(self) -> bool:
        """Once the warehouse has the parcel, the registration can no longer change."""
        return self.status != TrackingStatus.REGISTERED or self.consignment_id is not None


class TrackingImport(models.Model):
    """A spreadsheet of tracking numbers, registered by a Celery task with progress and a result file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    csv_separator = models.CharField(
        _("separator"),
        max_length=1,
        blank=True,
        help_text=_("The customer's choice for a CSV file; empty: ours."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    already = models.PositiveIntegerField(_("already yours"), default=0)
    repeated = models.PositiveIntegerField(_("repeated in the file"), default=0)
    conflicts = models.PositiveIntegerField(_("registered by someone else"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    refused_rows = models.JSONField(
        _("refused rows shown"),
        default=list,
        blank=True,
        help_text=_(
            "The first refused rows, [row, as written, why], for the page; the result file has them all."
        ),
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    result_file = models.FileField(_("result file"), upload_to="imports/results/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracking number import")
        verbose_name_plural = _("tracking number imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["pending", "running"]),
                name="tracking_import_unfinished",
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
