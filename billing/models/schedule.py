from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class FeeSchedule(models.Model):
    """One version of the fee schedule (biểu phí). Operations edit a draft, then publish it with the time it
    takes effect; a published version is never edited again (billing.services.schedules refuses it, and its
    admin is read-only). An order is priced with the version in force when it arrived at the China warehouse
    (billing.selectors.schedule_for), and every charge records that version.

    Weights are grams, money VND, CNY amounts fen (1 CNY = 100 fen), percentages basis points (1 % = 100).
    """

    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=ScheduleStatus.choices, default=ScheduleStatus.DRAFT
    )
    note = models.TextField(_("what changes"), blank=True, help_text=_("Shown to customers when announced."))
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Chargeable weight per parcel: max(actual, volumetric), then the minimum, then rounded up to the step.
    volumetric_divisor = models.PositiveIntegerField(_("volumetric divisor"), default=6000)
    volumetric_min_excess_g = models.PositiveIntegerField(
        _("volumetric allowance (g)"),
        default=0,
        help_text=_(
            "The volumetric weight counts less this: 3000 = the first 3 kg above the actual weight are free."
        ),
    )
    min_billable_g = models.PositiveIntegerField(_("minimum billable weight per parcel (g)"), default=500)
    weight_step_g = models.PositiveIntegerField(_("round up to (g)"), default=100)
    # Bulky goods: priced by volume when lighter than the threshold density (and the volume price is higher).
    volume_pricing = models.BooleanField(_("price bulky goods by volume"), default=False)
    volume_price_per_m3_vnd = models.PositiveIntegerField(_("price per m³ (VND)"), default=0)
    bulky_below_kg_per_m3 = models.PositiveIntegerField(_("bulky below (kg per m³)"), default=0)
    # Extras (optional per order). CNY prices are converted at the exchange rate in force when priced.
    crate_first_kg_fen = models.PositiveIntegerField(_("wooden crate, first kg (CNY fen)"), default=2500)
    crate_extra_kg_fen = models.PositiveIntegerField(
        _("wooden crate, each further kg (CNY fen)"), default=200
    )
    bubble_first_kg_fen = models.PositiveIntegerField(_("bubble wrap, first kg (CNY fen)"), default=1000)
    bubble_extra_kg_fen = models.PositiveIntegerField(
        _("bubble wrap, each further kg (CNY fen)"), default=150
    )
    insurance_rate_bp = models.PositiveIntegerField(
        _("insurance (basis points of declared value)"), default=500
    )
    insurance_min_vnd = models.PositiveIntegerField(_("insurance minimum (VND)"), default=20000)
    inspection_per_item_vnd = models.PositiveIntegerField(
        _("counting/inspection per item (VND)"), default=1000
    )
    handling_per_parcel_vnd = models.PositiveIntegerField(_("handling per parcel (VND)"), default=3000)
    # Storage at the Vietnam depot, counted in calendar days (Asia/Ho_Chi_Minh) from Chờ giao.
    storage_free_days = models.PositiveIntegerField(_("free storage days"), default=5)
    storage_per_kg_day_vnd = models.PositiveIntegerField(_("storage per kg per day (VND)"), default=2000)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-effective_from", "-id"]
        constraints = [
            # Two versions in force from the same moment would make "the version in force" ambiguous.
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(status="published"),
                name="billing_one_schedule_per_start",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == ScheduleStatus.PUBLISHED


class FreightBracket(models.Model):
    """International freight for one destination depot and one weight bracket: `from_g` < chargeable weight
    of the order ≤ `to_g` (open-ended when `to_g` is empty), at `price_per_kg_vnd` per kg. A depot's brackets
    start at 0 and follow each other without gap or overlap (billing.services.schedules checks it)."""

    schedule = models.ForeignKey(
        FeeSchedule, verbose_name=_("fee schedule"), on_delete=models.CASCADE, related_name="brackets"
    )
    depot = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("destination depot"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "vn"},
    )
    from_g = models.PositiveIntegerField(_("above (g)"))
    to_g = models.PositiveIntegerField(_("up to (g)"), null=True, blank=True)
    price_per_kg_vnd = models.PositiveIntegerField(_("price per kg (VND)"))

    class Meta:
        verbose_name = _("freight bracket")
        verbose_name_plural = _("freight brackets")
        ordering = ["schedule", "depot", "from_g"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "depot", "from_g"], name="billing_bracket_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.depot_id}: {self.from_g}–{self.to_g or '∞'} g @ {self.price_per_kg_vnd}"


class CustomerGroup(models.Model):
    """A customer group (nhóm khách hàng: normal, VIP1, VIP2…): a discount on freight and a credit limit."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    freight_discount_bp = models.PositiveIntegerField(
        _("freight discount (basis points)"), default=0, help_text=_("500 = 5 %.")
    )
    credit_limit_vnd = models.PositiveBigIntegerField(
        _("credit limit (VND)"),
        default=0,
        help_text=_("How far below zero the wallet may go. 0: not at all."),
    )
    is_default = models.BooleanField(_("default group"), default=False)

    class Meta:
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        ordering = ["freight_discount_bp", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="billing_one_default_group"
            ),
            models.CheckConstraint(
                condition=models.Q(freight_discount_bp__lte=10000), name="billing_group_discount_at_most_100"
            ),
        ]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """CNY → VND, as operations set it: in force from `effective_from` until the next one."""

    effective_from = models.DateTimeField(_("in force from"), unique=True)
    vnd_per_cny = models.DecimalField(_("VND per CNY"), max_digits=10, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(vnd_per_cny__gt=0), name="billing_rate_positive"),
        ]

    def __str__(self):
        return f"{self.vnd_per_cny} ({self.effective_from:%Y-%m-%d})"
