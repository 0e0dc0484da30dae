from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Wallet(models.Model):
    """A customer's wallet (ví). `balance_vnd` is kept by billing.services.wallet in the transaction that
    appends an entry, under this row's lock, so it always equals the sum of the entries
    (billing.selectors.wallets_out_of_balance proves it). It may go below zero down to the group's credit
    limit."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="wallet",
    )
    group = models.ForeignKey(
        "billing.CustomerGroup",
        verbose_name=_("customer group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wallets",
        help_text=_("Empty: the default group."),
    )
    balance_vnd = models.BigIntegerField(_("balance (VND)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")

    def __str__(self):
        return f"{self.customer_id}: {self.balance_vnd}"


class EntryKind(models.TextChoices):
    TOPUP = "topup", _("Top-up")  # nạp tiền
    PAYMENT = "payment", _("Payment")  # thanh toán
    REFUND = "refund", _("Refund")  # hoàn tiền
    ADJUSTMENT = "adjustment", _("Adjustment")  # điều chỉnh
    REVERSAL = "reversal", _("Reversal")  # đảo bút toán


class WalletEntry(models.Model):
    """One line of a wallet's ledger. Append-only: never updated or deleted (on PostgreSQL a trigger
    refuses it), only reversed by a new entry. `amount_vnd` is signed (+ credit, − debit);
    `balance_after_vnd` is the wallet's balance once it applied. `idempotency_key` is unique: the same
    business event (a bank transaction, paying an order, an adjustment form) can never post twice."""

    wallet = models.ForeignKey(
        Wallet, verbose_name=_("wallet"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    balance_after_vnd = models.BigIntegerField(_("balance after (VND)"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consignment = models.ForeignKey(
        "consignments.Consignment",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wallet_entries",
    )
    charge = models.ForeignKey(
        "billing.Charge",
        verbose_name=_("charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer = models.ForeignKey(
        "billing.BankTransfer",
        verbose_name=_("bank transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )

    class Meta:
        verbose_name = _("wallet entry")
        verbose_name_plural = _("wallet entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["wallet", "-id"], name="billing_entry_wallet_id"),
            models.Index(fields=["wallet", "kind", "-id"], name="billing_entry_wallet_kind_id"),
            models.Index(fields=["wallet", "at"], name="billing_entry_wallet_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_vnd=0), name="billing_entry_not_zero"),
        ]

    def __str__(self):
        return f"{self.wallet_id} {self.kind} {self.amount_vnd:+d}"
