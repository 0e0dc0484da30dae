from django.contrib import admin

from .models import DepotProvince, Parcel, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "address", "postal_code", "phone", "opening_hours", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address")


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "piece_number", "piece_count", "consignment", "warehouse", "scanned_at")
    list_filter = ("warehouse",)
    search_fields = ("tracking_code", "consignment__code")
    list_select_related = ("warehouse", "consignment")
    # Weights and sizes change at the station, with a history row; the order link through matching.
    readonly_fields = (
        "tracking_code",
        "piece_number",
        "piece_count",
        "consignment",
        "scanned_at",
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "volumetric_divisor",
        "volumetric_weight_g",
        "chargeable_weight_g",
        "label_destination",
        "retired_at",
    )

    def has_add_permission(self, request):
        """A parcel exists because a station scanned it."""
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DepotProvince)
class DepotProvinceAdmin(admin.ModelAdmin):
    """Which depot serves each province (2025 units): a new order goes to its customer's province's depot."""

    list_display = ("province_code", "depot")
    list_filter = ("depot",)
    list_select_related = ("depot",)
