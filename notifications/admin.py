from django.contrib import admin

from .models import ChannelDelivery, Notification, TelegramLink


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "consignment", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "consignment")
    readonly_fields = ("data", "created_at")

    def has_add_permission(self, request):
        """Notifications are written by the services that change things (notifications.services)."""
        return False


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(admin.ModelAdmin):
    """E-mail and Telegram copies: what was sent, what failed and why (read-only; the send task writes them)."""

    list_display = ("notification", "channel", "status", "attempts", "sent_at", "last_error")
    list_filter = ("channel", "status")
    raw_id_fields = ("notification",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TelegramLink)
class TelegramLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "chat_name", "linked_at")
    raw_id_fields = ("user",)
    readonly_fields = ("chat_id", "chat_name", "linked_at")

    def has_add_permission(self, request):
        return False
