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
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=100,
        blank=True,
        help_text=_("Shown to customers who collect, e.g. 8:00–18:00, Mon–Sat."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["kind", "code"]

    def __str__(self):
        return f"{self.code} · {self.name}"


class Parcel(models.Model):
    """One physical box (kiện) scanned at a China warehouse, identified by the supplier's waybill number and,
    for a shipment of several boxes under one waybill, its piece number (JD's `…-2-3`: piece 2 of 3).

    A parcel belongs to one consignment order; an order has one or more parcels (all of one waybill). A
    parcel with no order yet is unidentified (hàng không xác định): it waits until its owner registers the
    code, and matching (warehouse.matching) creates the order then. Weight and size are per parcel:
    each box is weighed, and the minimum billable weight applies to each box.
    """

    tracking_code = models.CharField(_("tracking number"), max_length=40)
    piece_number = models.PositiveSmallIntegerField(_("piece"), default=1)
    piece_count = models.PositiveSmallIntegerField(
        _("pieces in the shipment"), null=True, blank=True, help_text=_("As printed on the label (…-2-3).")
    )
    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
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
    # Measured at the China warehouse. Lengths in millimetres, weights in grams.
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    length_mm = models.PositiveIntegerField(_("length (mm)"), null=True, blank=True)
    width_mm = models.PositiveIntegerField(_("width (mm)"), null=True, blank=True)
    height_mm = models.PositiveIntegerField(_("height (mm)"), null=True, blank=True)
    volumetric_divisor = models.PositiveIntegerField(_("volumetric divisor"), null=True, blank=True)
    volumetric_weight_g = models.PositiveIntegerField(_("volumetric weight (g)"), null=True, blank=True)
    chargeable_weight_g = models.PositiveIntegerField(_("chargeable weight (g)"), null=True, blank=True)
    # The destination depot's code its label was last printed with: a label printed before the order's depot
    # changed says the wrong depot (the station and dispatch ask for a reprint).
    label_destination = models.CharField(
        _("depot on the label"),
        max_length=10,
        blank=True,
        db_default="",  # the scan function does not name it
    )
    # Set when the waybill number came back on a new shipment (see warehouse.matching): history only.
    retired_at = models.DateTimeField(_("number reused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["piece_number", "id"]
        constraints = [
            # One parcel per piece of the current shipment: 50 stations scanning one box make one row.
            models.UniqueConstraint(
                fields=["tracking_code", "piece_number"],
                condition=models.Q(retired_at__isnull=True),
                name="parcel_one_current_piece",
            ),
        ]

    def __str__(self):
        if self.piece_count or self.piece_number > 1:
            return f"{self.tracking_code} ({self.piece_label})"
        return self.tracking_code

    @property
    def piece_label(self) -> str:
        """ "2/3" (piece 2 of 3), "2" when the shipment's size is not printed."""
        return f"{self.piece_number}/{self.piece_count}" if self.piece_count else str(self.piece_number)

    @property
    def weight_kg(self):
        return None if self.weight_g is None else self.weight_g / 1000


class DepotProvince(models.Model):
    """Operations' map from a province (2025 units, addresses.selectors) to the Vietnam depot that serves
    it: an order's destination depot is the one mapped to its customer's default address."""

    province_code = models.CharField(_("province"), max_length=8, unique=True)
    depot = models.ForeignKey(
        Warehouse,
        verbose_name=_("depot"),
        on_delete=models.CASCADE,
        related_name="provinces",
        limit_choices_to={"kind": Warehouse.Kind.VIETNAM},
    )

    class Meta:
        verbose_name = _("province served by a depot")
        verbose_name_plural = _("provinces served by depots")
        ordering = ["province_code"]

    def __str__(self):
        return f"{self.province_code} → {self.depot.code}"


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
