from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderExtras(models.Model):
    """The optional services a customer chose for one order (wooden crate, bubble wrap, insurance,
    counting/inspection). Changed through billing.services.charges.order_extras_set, which re-prices."""

    consignment = models.OneToOneField(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="extras",
    )
    wooden_crate = models.BooleanField(_("wooden crate"), default=False)
    bubble_wrap = models.BooleanField(_("bubble wrap"), default=False)
    insurance = models.BooleanField(_("insurance"), default=False)
    declared_value_vnd = models.PositiveBigIntegerField(
        _("declared value (VND)"),
        null=True,
        blank=True,
        help_text=_("What the goods are worth, for insurance. Empty: the customs declaration's value."),
    )
    inspection = models.BooleanField(_("counting and inspection"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("order extras")
        verbose_name_plural = _("order extras")

    def __str__(self):
        return f"extras of {self.consignment_id}"


class ChargeStage(models.TextChoices):
    ESTIMATE = "estimate", _("Estimate")  # weighed in China; may still change
    FINAL = "final", _("Final")  # at Chờ giao


class Charge(models.Model):
    """What an order costs, as priced once: every input it was priced from and every line, in VND.

    A re-pricing writes a new row and retires the previous one (`is_current`); rows are never edited, so an
    order's pricing history is its list of charges. `lines` is the output of billing.pricing.quote:
    [{"code": "freight", "amount_vnd": 240000, "inputs": {…}}, …]; `total_vnd` their sum.
    """

    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("consignment"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=ChargeStage.choices)
    schedule = models.ForeignKey(
        "billing.FeeSchedule",
        verbose_name=_("fee schedule"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    vnd_per_cny = models.DecimalField(
        _("VND per CNY"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    group_code = models.CharField(_("customer group"), max_length=20, blank=True)
    discount_bp = models.PositiveIntegerField(_("freight discount (basis points)"), default=0)
    storage_days = models.PositiveIntegerField(_("storage days"), default=0)
    inputs = models.JSONField(_("inputs"), default=dict)
    lines = models.JSONField(_("lines"), default=list)
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"))
    is_current = models.BooleanField(_("current"), default=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("priced at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set (compare-and-set) when the customer paid it from the wallet; the ledger entry says how.
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consignment"], condition=models.Q(is_current=True), name="billing_one_current_charge"
            ),
        ]
        indexes = [models.Index(fields=["consignment", "-id"])]

    def __str__(self):
        return f"{self.consignment_id}: {self.total_vnd} ({self.stage})"


class PricingRequest(models.Model):
    """An order to price once the change that asked for it is committed (the outbox of charges).

    An order reaching Chờ giao gets its final charge from billing.tasks.price_requested within a second,
    not inside the depot's scan: pricing reads the fee schedule, the customer's group and the exchange rate
    and writes the charge, its history row and the customer's notice, which cost a receiving scan more than
    the receiving itself. The row commits or rolls back with the move; the task claims rows with SKIP
    LOCKED, prices each order and deletes them. Until then the order shows its estimate, and a payment
    prices it at once (billing.services.wallet.wallet_pay), so nothing is ever paid unpriced.

    Rows live for a second, so they carry no foreign-key constraint or index (as PendingNotification).
    """

    consignment = models.ForeignKey(
        "consignments.Consignment",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    reason = models.CharField(max_length=100)
    storage_days = models.PositiveIntegerField(null=True)  # None: counted when priced
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pricing request")
        verbose_name_plural = _("pricing requests")

    def __str__(self):
        return f"price {self.consignment_id}"
