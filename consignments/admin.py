from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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

    list_display = (
        "code",
        "customer",
        "tracking_code",
        "status",
        "weight_g",
        "current_warehouse",
        "destination",
    )
    list_filter = ("status", "current_warehouse", "destination")
    search_fields = ("code", "tracking_code", "customer__username", "customer__customer_code")
    list_select_related = ("customer", "current_warehouse", "destination")
    readonly_fields = (
        "code",
        "customer",
        "tracking_code",
        "status",
        "weight_g",
        "chargeable_weight_g",
        "goods_vi",
        "goods_zh",
        "goods_quantity",
        "goods_unit_value_fen",
        "current_warehouse",
        "destination",
        "created_at",
        "finished_at",
        "retired_at",
        "transfer",
    )

    @admin.display(description=_("destination depot"))
    def transfer(self, obj):
        """Operations change the depot on their page, with a reason and a history row, not here."""
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("warehouse:transfer_form", args=[obj.pk]), _("Transfer")
        )

    inlines = [EventInline]

    def has_add_permission(self, request):
        """Orders are made by matching a scanned parcel (warehouse.matching), never by hand."""
        return False

    def has_delete_permission(self, request, obj=None):
        return False
