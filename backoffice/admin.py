"""The Django admin, project-wide: for superusers only (operations work in the portal, /staff/ops/), its
titles translated, JSON shown indented; and the portal's audit rows, read-only."""

import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

admin.site.site_header = _("Consignment administration")
admin.site.site_title = _("Consignment administration")
admin.site.index_title = _("Data, for superusers: daily work is in the operations portal")


def _superusers_only(request) -> bool:
    """Staff flags alone do not open the admin: only an active superuser does (operations have the portal,
    which checks each business rule; the admin does not)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only


def pretty_json(value) -> str:
    return format_html(
        '<pre class="mb-0" style="white-space: pre-wrap">{}</pre>',
        json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str),
    )


_display_for_field = helpers.display_for_field


def _display_readonly(value, field, empty_value_display, *args, **kwargs):
    """A read-only JSON field on a change or view page: indented JSON, not Python's repr on one line.
    (Django's AdminReadonlyField calls admin.helpers.display_for_field; every other field is left to it.)"""
    if isinstance(field, models.JSONField) and value not in (None, "", {}, []):
        return pretty_json(value)
    return _display_for_field(value, field, empty_value_display, *args, **kwargs)


helpers.display_for_field = _display_readonly


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "by", "user", "warehouse")
    list_filter = ("kind",)
    search_fields = ("by__username", "user__username", "user__customer_code", "warehouse__code")
    list_select_related = ("by", "user", "warehouse")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
