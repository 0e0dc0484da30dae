"""Claims (khiếu nại): a customer complains about one of their orders; operations review it and resolve it
with a refund to the wallet or a re-weigh that re-prices the order, or reject it; then it is closed.

Every write is in claims.services; every change is a ClaimEvent (the claim's timeline and audit log).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ClaimKind(models.TextChoices):
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged goods")
    MISSING = "missing", _("Missing items")
    WEIGHT = "weight", _("Wrong weight")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    REVIEW = "review", _("Accepted for review")
    REFUND_PENDING = "refund_pending", _("Refund awaiting approval")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


S = ClaimStatus
# The only moves a claim may make; claims.services.claim_transition enforces it. A refund above
# settings.CLAIM_REFUND_APPROVAL_VND goes review → refund_pending, and a second operations person approves it
# (→ resolved) or declines it (→ back to review).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.WAITING: frozenset({S.REVIEW, S.REJECTED}),
    S.REVIEW: frozenset({S.REFUND_PENDING, S.RESOLVED, S.REJECTED}),
    S.REFUND_PENDING: frozenset({S.RESOLVED, S.REVIEW}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Still being handled: one such claim per order and kind; these are operations' queue.
OPEN = frozenset({S.WAITING, S.REVIEW, S.REFUND_PENDING})


class Fault(models.TextChoices):
    WAREHOUSE_CN = "warehouse_cn", _("China warehouse")
    CARRIER = "carrier", _("Carrier")
    DEPOT_VN = "depot_vn", _("Vietnam depot")
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")
    NONE = "none", _("Nobody")


class Claim(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="claims"
    )
    consignment = models.ForeignKey(
        "consignments.Consignment", verbose_name=_("order"), on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=S.WAITING)
    description = models.TextField(_("description"), max_length=2000)
    amount_asked_vnd = models.PositiveBigIntegerField(_("amount asked (VND)"), default=0)
    # The resolution: a refund (proposed, perhaps approved by a second person), or a re-weigh, or a rejection.
    refund_vnd = models.PositiveBigIntegerField(_("refund (VND)"), null=True, blank=True)
    refund_reason = models.CharField(_("reason of the refund"), max_length=255, blank=True)
    fault = models.CharField(_("at fault"), max_length=16, choices=Fault.choices, blank=True)
    refund_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refund proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refund approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    wallet_entry = models.ForeignKey(
        "billing.WalletEntry",
        verbose_name=_("wallet entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reject_reason = models.CharField(_("reason of the rejection"), max_length=500, blank=True)
    # Set when the customer writes (whatever the status, a resolved or rejected claim too), cleared when
    # operations answer or act on the claim: operations' "unanswered" queue (claims.selectors.unanswered).
    customer_waiting_since = models.DateTimeField(_("customer waiting since"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consignment", "kind"],
                condition=models.Q(status__in=["waiting", "review", "refund_pending"]),
                name="claims_one_open_claim_per_order_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="claims_status_created"),
            models.Index(fields=["customer", "-created_at"], name="claims_customer_created"),
            models.Index(
                fields=["customer_waiting_since"],
                condition=models.Q(customer_waiting_since__isnull=False),
                name="claims_unanswered",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("claims:detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"KN{self.pk:06d}" if self.pk else "KN"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_unanswered(self) -> bool:
        return self.customer_waiting_since is not None

    @property
    def can_reply(self) -> bool:
        """Either side may write until the claim is closed (a customer may answer a rejection)."""
        return self.status != S.CLOSED


class EventKind(models.TextChoices):
    STATUS = "status", _("Status")
    REPLY = "reply", _("Message")
    REWEIGH = "reweigh", _("Re-weighed")
    REFUND = "refund", _("Refund")


class ClaimEvent(models.Model):
    """One row per change of a claim, replies included: who, when, old and new status, text, figures."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices, default=EventKind.STATUS)
    old_status = models.CharField(_("from"), max_length=16, choices=ClaimStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=16, choices=ClaimStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("text"), max_length=2000, blank=True)
    # The figures: {"amount_vnd", "fault"} of a refund, {"parcel_id", "old_weight_g", "new_weight_g", …}.
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.claim_id}: {self.kind} {self.old_status} → {self.new_status}"


class ClaimPhoto(models.Model):
    """A photo the customer (or operations) attached to a claim: served only by claims.views.photos."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        ClaimEvent,
        verbose_name=_("with the message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to="claims/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="claims/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("claims:photo", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("claims:photo_small", args=[self.pk])
