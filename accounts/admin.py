from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "customer_code", "role", "warehouse", "email", "is_active", "date_joined")
    list_filter = ("role", "warehouse", "is_active", "is_staff")
    search_fields = ("username", "customer_code", "email", "phone")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Forwarding"), {"fields": ("role", "customer_code", "phone", "warehouse")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Forwarding"), {"fields": ("role", "warehouse")}),
    )


def _superusers_only(request) -> bool:
    """The Django admin is for superusers; operations work in /staff/ops/."""
    return request.user.is_active and request.user.is_superuser


_admin_login = admin.site.login


def _branded_login(request, extra_context=None):
    """A signed-in person who may not use the admin gets our 403 page, not Django's login form again."""
    from django.core.exceptions import PermissionDenied

    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied
    return _admin_login(request, extra_context)


admin.site.has_permission = _superusers_only
admin.site.login = _branded_login
