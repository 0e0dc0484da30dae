from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Warehouse(models.Model):
    """A China intake warehouse or a Vietnam distribution depot. Configuration, edited in the admin."""

    class Kind(models.TextChoices):
        CHINA = "cn", _("China warehouse")
        VIETNAM = "vn", _("Vietnam depot")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=2, choices=Kind.choices)
    address = models.CharField(
        _("address"), max_length=255, help_text=_("Written as the carriers expect it.")
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["kind", "code"]

    def __str__(self):
        return f"{self.code} · {self.name}"


class Parcel(models.Model):
    """One physical box scanned at a China warehouse, identified by the supplier's tracking number.

    A parcel with no consignment yet is an unidentified parcel (hàng không xác định): it waits until
    its owner registers the code, and the matching task creates the consignment then.
    """

    tracking_code = models.CharField(_("tracking number"), max_length=40, unique=True)
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scanned by"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)
    scan_count = models.PositiveIntegerField(_("times scanned"), default=1)
    label_text = models.CharField(
        _("label text"),
        max_length=255,
        blank=True,
        db_default="",  # the scan station's raw upsert does not name this column
        help_text=_("What the label says, when the parcel is unidentified."),
    )

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")

    def __str__(self):
        return self.tracking_code


class ParcelPhoto(models.Model):
    """A photo of the parcel at intake: the evidence behind its weight, shown to the customer."""

    parcel = models.ForeignKey(
        Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="parcels/%Y/%m/")
    # A small copy for lists and the station card (empty for photos kept before there were any).
    thumbnail = models.ImageField(_("thumbnail"), upload_to="parcels/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parcel photo")
        verbose_name_plural = _("parcel photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        # Through a view that checks who asks (warehouse.views.photo_file), never the storage's own URL.
        return reverse("photo", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("photo_small", args=[self.pk])
