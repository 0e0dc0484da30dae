from django.contrib import admin

from .models import Parcel, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "address", "postal_code", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address")


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "warehouse", "scanned_at", "scanned_by", "scan_count")
    list_filter = ("warehouse",)
    search_fields = ("tracking_code",)
    list_select_related = ("warehouse", "scanned_by")
    readonly_fields = ("scanned_at",)
