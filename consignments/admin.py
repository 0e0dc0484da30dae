from django.contrib import admin

from .models import Consignment, ConsignmentEvent


class EventInline(admin.TabularInline):
    model = ConsignmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "old_status", "new_status", "by", "at", "warehouse", "data", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Consignment)
class ConsignmentAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the portals so that every move writes its history row."""

    list_display = ("code", "customer", "status", "weight_g", "current_warehouse", "created_at")
    list_filter = ("status", "current_warehouse")
    search_fields = ("code", "parcel__tracking_code", "customer__username", "customer__customer_code")
    list_select_related = ("customer", "current_warehouse")
    readonly_fields = ("code", "customer", "parcel", "status", "weight_g", "current_warehouse", "created_at")
    inlines = [EventInline]
