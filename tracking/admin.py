from django.contrib import admin

from .models import TrackingNumber


@admin.register(TrackingNumber)
class TrackingNumberAdmin(admin.ModelAdmin):
    list_display = ("code", "customer", "status", "consignment", "created_at")
    list_filter = ("status",)
    search_fields = ("code", "customer__username", "customer__customer_code")
    list_select_related = ("customer", "consignment")
    raw_id_fields = ("customer", "consignment")
    # A registration comes from its customer, its status and order from matching (warehouse.matching).
    readonly_fields = ("status", "consignment", "created_at")

    def has_add_permission(self, request):
        return False
