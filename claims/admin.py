"""Claims in the Django admin (superusers): to look, not to change. Every change goes through claims.services
and the operations pages, which write the history and notify the customer."""

from django.contrib import admin

from .models import Claim, ClaimEvent, ClaimPhoto


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ("at", "kind", "old_status", "new_status", "by", "text", "data")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("code", "customer", "consignment", "kind", "status", "refund_vnd", "created_at")
    list_filter = ("status", "kind", "fault")
    search_fields = ("consignment__code", "customer__username", "customer__customer_code")
    list_select_related = ("customer", "consignment")
    inlines = [ClaimEventInline]


@admin.register(ClaimPhoto)
class ClaimPhotoAdmin(ReadOnlyAdmin):
    list_display = ("claim", "uploaded_by", "uploaded_at")
    list_select_related = ("claim", "uploaded_by")
