from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookProvider(models.TextChoices):
    SEPAY = "sepay", "SePay"
    CASSO = "casso", "Casso"


class WebhookCall(models.Model):
    """Every call to a bank-notification webhook, as received (raw body and the headers that matter), with
    what we answered: the audit trail, kept also for calls refused (bad signature, bad amount…)."""

    provider = models.CharField(_("provider"), max_length=16)  # as named in the URL, even an unknown one
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    body = models.TextField(_("raw body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    remote_addr = models.CharField(_("from"), max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(_("answer"))
    outcome = models.CharField(_("outcome"), max_length=40)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("webhook call")
        verbose_name_plural = _("webhook calls")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.provider} {self.status_code} {self.outcome}"


class TransferStatus(models.TextChoices):
    CREDITED = "credited", _("Credited")  # matched to a customer by its content and credited
    UNMATCHED = "unmatched", _("Unmatched")  # waiting for operations
    ASSIGNED = "assigned", _("Assigned by operations")  # credited by hand, with a reason
    IGNORED = "ignored", _("Ignored (outgoing)")


class BankTransfer(models.Model):
    """One bank transaction a provider told us about. (provider, external_id) is unique: a webhook
    delivered again (retries, replays, 100 at once) finds the row and credits nothing more."""

    provider = models.CharField(_("provider"), max_length=16, choices=WebhookProvider.choices)
    external_id = models.CharField(_("provider's transaction id"), max_length=64)
    direction = models.CharField(_("direction"), max_length=3, default="in")
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    content = models.CharField(_("transfer content"), max_length=500, blank=True)
    account_number = models.CharField(_("account"), max_length=40, blank=True)
    bank = models.CharField(_("bank"), max_length=60, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    transaction_at = models.CharField(_("transaction time (as sent)"), max_length=40, blank=True)
    raw = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=TransferStatus.choices)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank transfer")
        verbose_name_plural = _("bank transfers")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="billing_transfer_once"),
        ]
        indexes = [models.Index(fields=["status", "-id"], name="billing_transfer_status")]

    def __str__(self):
        return f"{self.provider}:{self.external_id} {self.amount_vnd}"
