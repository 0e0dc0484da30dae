"""Handover at the depot (pickup codes) and delivery requests inside Vietnam (release notes).

The last mile of an order: at Chờ giao the customer either collects it at the depot with a pickup code
(a Handover: who gave it, to whom, when) or asks for delivery (a DeliveryRequest the depot turns into a
ReleaseNote, phiếu xuất, that goes out with a carrier). Every write is in delivery.services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PickupCode(models.Model):
    """A customer's pickup code at one depot: 6 random digits (and a QR of them) shown in their account.

    One current code per customer and depot, unique at its depot among current codes; it expires after
    PICKUP_CODE_DAYS and is replaced (the old row kept, `retired_at` set) the next time the customer looks.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="pickup_codes",
    )
    depot = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=6)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    retired_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pickup code")
        verbose_name_plural = _("pickup codes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["depot", "code"],
                condition=models.Q(retired_at__isnull=True),
                name="delivery_pickup_code_unique_at_depot",
            ),
            models.UniqueConstraint(
                fields=["customer", "depot"],
                condition=models.Q(retired_at__isnull=True),
                name="delivery_one_pickup_code_per_customer_depot",
            ),
        ]
        indexes = [models.Index(fields=["depot", "code"], name="delivery_pickup_depot_code")]

    def __str__(self):  # not the digits: whoever shows them collects the orders
        return f"{self.customer_id} @ {self.depot_id}"

    @property
    def qr_payload(self) -> str:
        """What the QR code holds: the depot's code and the digits, so a code of another depot is told apart."""
        return f"PICKUP:{self.depot.code}:{self.code}"


class Handover(models.Model):
    """Orders handed over at the depot counter (nhận tại kho): who gave them, to whom, when."""

    class Via(models.TextChoices):
        CODE = "code", _("Pickup code")
        SEARCH = "search", _("Customer search")

    depot = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    receiver_name = models.CharField(_("receiver"), max_length=100)
    receiver_phone = models.CharField(_("receiver's phone"), max_length=16)
    via = models.CharField(_("found by"), max_length=8, choices=Via.choices)
    pickup_code = models.ForeignKey(
        PickupCode,
        verbose_name=_("pickup code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the customer paid from the wallet at the counter for these orders (0: all were paid before).
    paid_at_counter_vnd = models.PositiveBigIntegerField(_("paid at the counter (VND)"), default=0)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["depot", "-at"])]

    def __str__(self):
        return f"{self.depot_id} → {self.customer_id} ({self.at:%Y-%m-%d %H:%M})"


class HandoverItem(models.Model):
    """An order of a handover. An order is handed over once (Đã nhận hàng is final): the unique order makes
    two counters handing over the same order at once end with one handover."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="items"
    )
    consignment = models.OneToOneField(
        "consignments.Consignment",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="handover_item",
    )

    class Meta:
        verbose_name = _("order handed over")
        verbose_name_plural = _("orders handed over")

    def __str__(self):
        return f"{self.handover_id}: {self.consignment_id}"


class Carrier(models.TextChoices):
    GHN = "ghn", "GHN"
    GHTK = "ghtk", "GHTK"
    VIETTEL_POST = "viettel_post", "Viettel Post"
    JNT = "jnt", "J&T Express"
    DEPOT = "depot", _("The depot's own shipper")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REQUEST = frozenset({RequestStatus.NEW, RequestStatus.IN_PROGRESS})
# The only moves a delivery request may make; delivery.services.status.request_transition enforces it. The
# customer (or the depot at their word) cancels a new one; the depot starts it (its release note), which
# ends it when the note is delivered or refused.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.NEW: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.CANCELLED}),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.DONE}),
    RequestStatus.DONE: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


class DeliveryRequest(models.Model):
    """A customer asks for their orders awaiting at one depot to be delivered (yêu cầu giao).

    The address is kept as text too (the customer may edit or delete the address later). The customer may
    cancel it while it is new; the depot turns it into a release note (in progress), which ends it (done).
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="delivery_requests",
    )
    depot = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    address = models.ForeignKey(
        "addresses.DeliveryAddress",
        verbose_name=_("delivery address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient_name = models.CharField(_("recipient"), max_length=100)
    recipient_phone = models.CharField(_("phone"), max_length=16)
    address_text = models.CharField(_("address"), max_length=600)
    carrier = models.CharField(_("preferred carrier"), max_length=16, choices=Carrier.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery request")
        verbose_name_plural = _("delivery requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["depot", "status", "-created_at"], name="delivery_request_depot_status"),
            models.Index(fields=["customer", "-created_at"], name="delivery_request_customer"),
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"YC{self.pk:06d}" if self.pk else "YC"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST


class DeliveryRequestItem(models.Model):
    """An order of a delivery request. `is_open` follows the request (false once it is done or cancelled):
    an order is in at most one open request, by a unique constraint, whatever runs at the same time."""

    request = models.ForeignKey(
        DeliveryRequest, verbose_name=_("delivery request"), on_delete=models.CASCADE, related_name="items"
    )
    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="delivery_items",
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("order to deliver")
        verbose_name_plural = _("orders to deliver")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consignment"],
                condition=models.Q(is_open=True),
                name="delivery_order_in_one_open_request",
            ),
            models.UniqueConstraint(fields=["request", "consignment"], name="delivery_order_once_a_request"),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.consignment_id}"


class ReleaseStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    OUT = "out", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused by the receiver")


# The only moves a release note may make; delivery.services.status.release_transition enforces it.
RELEASE_TRANSITIONS: dict[str, frozenset[str]] = {
    ReleaseStatus.PREPARING: frozenset({ReleaseStatus.OUT}),
    ReleaseStatus.OUT: frozenset({ReleaseStatus.DELIVERED, ReleaseStatus.REFUSED}),
    ReleaseStatus.DELIVERED: frozenset(),
    ReleaseStatus.REFUSED: frozenset(),
}


class ReleaseNote(models.Model):
    """The depot's release note (phiếu xuất) for one delivery request: the parcels scanned into it, the
    carrier and its tracking number, the domestic fee and the cash to collect (COD = domestic fee + what the
    customer's wallet is below zero)."""

    request = models.OneToOneField(
        DeliveryRequest,
        verbose_name=_("delivery request"),
        on_delete=models.PROTECT,
        related_name="release_note",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PREPARING
    )
    carrier = models.CharField(_("carrier"), max_length=16, choices=Carrier.choices)
    tracking_number = models.CharField(_("carrier's tracking number"), max_length=40, blank=True)
    domestic_fee_vnd = models.PositiveBigIntegerField(_("domestic fee (VND)"), null=True, blank=True)
    wallet_debt_vnd = models.PositiveBigIntegerField(_("wallet debt (VND)"), default=0)
    cod_vnd = models.PositiveBigIntegerField(_("cash on delivery (VND)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent out by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    out_at = models.DateTimeField(_("out for delivery at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("release note")
        verbose_name_plural = _("release notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"PX{self.pk:06d}" if self.pk else "PX"


class ReleaseParcel(models.Model):
    """A parcel scanned into a release note (each box of the request's orders, once)."""

    note = models.ForeignKey(
        ReleaseNote, verbose_name=_("release note"), on_delete=models.CASCADE, related_name="parcels"
    )
    parcel = models.ForeignKey(
        "warehouse.Parcel", verbose_name=_("parcel"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scanned by"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parcel on a release note")
        verbose_name_plural = _("parcels on release notes")
        ordering = ["scanned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["note", "parcel"], name="delivery_parcel_once_a_note"),
        ]

    def __str__(self):
        return f"{self.note_id}: {self.parcel_id}"


class StatusEvent(models.Model):
    """One row per change of status (the first one from "" when it is made): the customer's timeline and the
    audit log. `by` is empty when nobody did it (the beat task completing deliveries nobody confirmed)."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.old_status or '∅'} → {self.new_status}"


class DeliveryRequestEvent(StatusEvent):
    request = models.ForeignKey(
        DeliveryRequest, verbose_name=_("delivery request"), on_delete=models.CASCADE, related_name="events"
    )
    old_status = models.CharField(_("from"), max_length=12, choices=RequestStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("delivery request event")
        verbose_name_plural = _("delivery request events")
        indexes = [models.Index(fields=["request", "at"], name="delivery_request_event_at")]


class ReleaseNoteEvent(StatusEvent):
    release_note = models.ForeignKey(
        ReleaseNote, verbose_name=_("release note"), on_delete=models.CASCADE, related_name="events"
    )
    old_status = models.CharField(_("from"), max_length=10, choices=ReleaseStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=10, choices=ReleaseStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = _("release note event")
        verbose_name_plural = _("release note events")
        indexes = [models.Index(fields=["release_note", "at"], name="delivery_release_event_at")]
