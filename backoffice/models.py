from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    CUSTOMER_GROUP = "customer_group", _("Customer group changed")
    STAFF_CREATED = "staff_created", _("Staff account created")
    STAFF_CHANGED = "staff_changed", _("Staff role or warehouse changed")
    STAFF_DEACTIVATED = "staff_deactivated", _("Staff account deactivated")
    STAFF_REACTIVATED = "staff_reactivated", _("Staff account reactivated")
    WAREHOUSE_CHANGED = "warehouse_changed", _("Warehouse details changed")
    WAREHOUSE_CREATED = "warehouse_created", _("Warehouse or depot created")
    DEPOT_PROVINCES = "depot_provinces", _("Provinces served by a depot changed")
    PASSWORD_SET = "password_set", _("New password set by operations")
    LOGIN_UNLOCKED = "login_unlocked", _("Locked-out login unlocked")
    CUSTOMER_CHANGED = "customer_changed", _("Customer contact details changed")
    CUSTOMER_DEACTIVATED = "customer_deactivated", _("Customer account deactivated")
    CUSTOMER_REACTIVATED = "customer_reactivated", _("Customer account reactivated")


class AuditEntry(models.Model):
    """One row per change operations make in the portal that has no history of its own elsewhere (a
    customer's group, staff accounts, a warehouse's contact details): who, when, what, before and after.
    Append-only: written by backoffice.services, never edited."""

    kind = models.CharField(_("kind"), max_length=24, choices=AuditKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    warehouse = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {"field": {"old": …, "new": …}, …}
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="backoffice_audit_at_id")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
