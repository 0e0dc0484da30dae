from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsignmentStatus(models.TextChoices):
    CN_RECEIVED = "cn_received", _("Arrived at China warehouse")  # Hàng về kho TQ
    IN_TRANSIT = "in_transit", _("International transit")  # Vận chuyển quốc tế
    AWAITING_DELIVERY = "awaiting_delivery", _("Awaiting delivery")  # Chờ giao
    DELIVERING = "delivering", _("Out for delivery")  # Đang giao
    DELIVERED = "delivered", _("Delivered")  # Đã nhận hàng
    LOST = "lost", _("Lost")  # Thất lạc
    REFUSED = "refused", _("Refused")  # Không nhận hàng
    CANCELLED = "cancelled", _("Cancelled")  # Đã hủy


S = ConsignmentStatus
# The only moves a consignment may make. consignments.services.consignment_transition enforces it.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CN_RECEIVED: frozenset({S.IN_TRANSIT, S.LOST, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.AWAITING_DELIVERY, S.LOST}),
    S.AWAITING_DELIVERY: frozenset({S.DELIVERING, S.DELIVERED, S.LOST}),
    S.DELIVERING: frozenset({S.DELIVERED, S.REFUSED, S.AWAITING_DELIVERY, S.LOST}),
    S.DELIVERED: frozenset(),
    S.LOST: frozenset(),
    S.REFUSED: frozenset({S.AWAITING_DELIVERY}),
    S.CANCELLED: frozenset(),
}
# A finished order's tracking number may come back on a new shipment (couriers recycle waybill numbers):
# see warehouse.matching and settings.TRACKING_REUSE_AFTER_DAYS.
FINISHED = frozenset({S.DELIVERED, S.CANCELLED, S.LOST})


class Consignment(models.Model):
    """A consignment order (đơn ký gửi). Only the warehouse creates one, when it matches a parcel."""

    code = models.CharField(_("order code"), max_length=16, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="consignments",
    )
    # The supplier's waybill (mã vận đơn) its parcels came under; all of a shipment's pieces (kiện) share it.
    tracking_code = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=20, choices=ConsignmentStatus.choices, default=ConsignmentStatus.CN_RECEIVED
    )
    # Totals of its parcels, kept by consignments.services.consignment_measure in the same transaction (lists,
    # dispatch and bags read them without a join). Grams; each parcel's chargeable weight has the minimum
    # billable weight applied on its own.
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    chargeable_weight_g = models.PositiveIntegerField(_("chargeable weight (g)"), null=True, blank=True)
    destination = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("destination depot"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "vn"},
    )
    # Customs declaration, prefilled from the customer's registration note.
    goods_vi = models.CharField(_("goods (Vietnamese)"), max_length=255, blank=True)
    goods_zh = models.CharField(_("goods (Chinese)"), max_length=255, blank=True)
    goods_quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    goods_unit_value_fen = models.PositiveIntegerField(
        _("unit value (CNY fen)"), null=True, blank=True, help_text=_("1 CNY = 100 fen")
    )
    current_warehouse = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when it becomes delivered, cancelled or lost: its waybill number may be reused after a while.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set when its waybill number came back on a new shipment: a newer order now owns the number.
    retired_at = models.DateTimeField(_("number reused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at", "-id"]),
            models.Index(fields=["status", "current_warehouse"]),
            # The customer's orders list filtered by status (newest first).
            models.Index(fields=["customer", "status", "-created_at"], name="consignment_customer_status"),
        ]
        constraints = [
            # One current order per waybill: every piece of a shipment joins it, and a race cannot make two.
            models.UniqueConstraint(
                fields=["tracking_code"],
                condition=models.Q(retired_at__isnull=True),
                name="consignment_one_current_per_waybill",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def weight_kg(self):
        return None if self.weight_g is None else self.weight_g / 1000

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_declared(self) -> bool:
        return bool(
            (self.goods_vi or self.goods_zh) and self.goods_quantity and self.goods_unit_value_fen is not None
        )

    @property
    def goods_unit_value_cny(self):
        from decimal import Decimal

        return None if self.goods_unit_value_fen is None else Decimal(self.goods_unit_value_fen) / 100


class EventKind(models.TextChoices):
    STATUS = "status", _("Status")
    MEASURED = "measured", _("Weighed and measured")
    DECLARED = "declared", _("Customs declaration")
    PHOTO = "photo", _("Photo")
    OWNER = "owner", _("Owner")
    PIECE = "piece", _("Another parcel arrived")
    DESTINATION = "destination", _("Destination depot")
    PRICED = "priced", _("Charges")
    BAGGED = "bagged", _("Packed in a bag")
    ROUTE = "route", _("On the route")  # a checkpoint of the trip it travels on (shipping)
    RECEIVING = "receiving", _("Depot receiving")  # missing or found at the depot
    HANDOVER = "handover", _("Handed over")
    DELIVERY = "delivery", _("Delivery")


class ConsignmentEvent(models.Model):
    """One row per change of a consignment: the customer's timeline and the audit log."""

    consignment = models.ForeignKey(
        Consignment, verbose_name=_("consignment"), on_delete=models.CASCADE, related_name="events"
    )
    old_status = models.CharField(_("from"), max_length=20, choices=ConsignmentStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=ConsignmentStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    warehouse = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("where"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.STATUS)
    # What changed, for the non-status kinds: new values and the previous ones ({"weight_g": …, "previous": …}).
    data = models.JSONField(_("details"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("consignment event")
        verbose_name_plural = _("consignment events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.consignment_id}: {self.old_status} → {self.new_status}"
