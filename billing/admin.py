"""Billing in the Django admin: look, never touch. Money moves and prices change only through
billing.services (each writes its ledger entry or history row); the admin shows them read-only. Customer
groups are configuration and stay editable."""

from django.contrib import admin

from .models import (
    BankTransfer,
    Charge,
    CustomerGroup,
    ExchangeRate,
    FeeSchedule,
    FreightBracket,
    Wallet,
    WalletEntry,
    WebhookCall,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BracketInline(admin.TabularInline):
    model = FreightBracket
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ReadOnlyAdmin):
    """Versions are edited and published on the operations pages (staff/billing/schedules/)."""

    list_display = ("name", "status", "effective_from", "published_at", "published_by")
    list_filter = ("status",)
    inlines = [BracketInline]


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "freight_discount_bp", "credit_limit_vnd", "is_default")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ("effective_from", "vnd_per_cny", "set_by", "set_at")


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("consignment", "stage", "total_vnd", "schedule", "is_current", "paid_at", "created_at")
    list_filter = ("stage", "is_current")
    search_fields = ("consignment__code",)
    list_select_related = ("consignment", "schedule")


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("customer", "group", "balance_vnd", "updated_at")
    search_fields = ("customer__username", "customer__customer_code")
    list_select_related = ("customer", "group")


@admin.register(WalletEntry)
class WalletEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "wallet", "kind", "amount_vnd", "balance_after_vnd", "at", "by", "reason")
    list_filter = ("kind",)
    search_fields = ("wallet__customer__username", "wallet__customer__customer_code", "idempotency_key")
    list_select_related = ("wallet__customer", "by")


@admin.register(BankTransfer)
class BankTransferAdmin(ReadOnlyAdmin):
    list_display = ("provider", "external_id", "amount_vnd", "content", "status", "customer", "received_at")
    list_filter = ("provider", "status")
    search_fields = ("external_id", "content", "reference")


@admin.register(WebhookCall)
class WebhookCallAdmin(ReadOnlyAdmin):
    list_display = ("provider", "received_at", "status_code", "outcome", "error")
    list_filter = ("provider", "status_code", "outcome")
