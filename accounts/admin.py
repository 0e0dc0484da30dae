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
