from django.contrib import admin

from .models import (
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRequestItem,
    Handover,
    HandoverItem,
    PickupCode,
    ReleaseNote,
    ReleaseNoteEvent,
    ReleaseParcel,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HandoverItemInline(ReadOnlyInline):
    model = HandoverItem
    raw_id_fields = ("consignment",)


class DeliveryRequestItemInline(ReadOnlyInline):
    model = DeliveryRequestItem
    raw_id_fields = ("consignment",)


class ReleaseParcelInline(ReadOnlyInline):
    model = ReleaseParcel
    raw_id_fields = ("parcel",)


class DeliveryRequestEventInline(ReadOnlyInline):
    """Who moved the request from which status to which, and when (delivery.services.status)."""

    model = DeliveryRequestEvent
    fields = readonly_fields = ("at", "old_status", "new_status", "by", "note")


class ReleaseNoteEventInline(ReadOnlyInline):
    model = ReleaseNoteEvent
    fields = readonly_fields = ("at", "old_status", "new_status", "by", "note")


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: written by delivery.services only (each write checks its rules and leaves history rows)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PickupCode)
class PickupCodeAdmin(ReadOnlyAdmin):
    list_display = ("customer", "depot", "created_at", "expires_at", "retired_at")
    list_filter = ("depot",)
    search_fields = ("customer__username", "customer__customer_code")
    exclude = ("code",)  # staff read codes from the customer, not from here


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "depot",
        "customer",
        "receiver_name",
        "receiver_phone",
        "by",
        "via",
        "paid_at_counter_vnd",
    )
    list_filter = ("depot", "via")
    search_fields = ("customer__username", "customer__customer_code", "receiver_name", "receiver_phone")
    inlines = [HandoverItemInline]


@admin.register(DeliveryRequest)
class DeliveryRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "customer", "depot", "status", "carrier", "created_at")
    list_filter = ("depot", "status", "carrier")
    search_fields = ("customer__username", "customer__customer_code", "recipient_phone")
    inlines = [DeliveryRequestItemInline, DeliveryRequestEventInline]


@admin.register(ReleaseNote)
class ReleaseNoteAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "request", "status", "carrier", "tracking_number", "cod_vnd", "out_at")
    list_filter = ("status", "carrier")
    search_fields = ("tracking_number",)
    inlines = [ReleaseParcelInline, ReleaseNoteEventInline]
