from django.contrib import admin

from .models import DeliveryAddress


@admin.register(DeliveryAddress)
class DeliveryAddressAdmin(admin.ModelAdmin):
    list_display = ("customer", "recipient_name", "phone", "province", "ward", "province_code", "is_default")
    search_fields = ("customer__username", "customer__customer_code", "recipient_name", "phone")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)
    # The codes are set from the customer's choice, with the names that go with them: not edited by hand.
    readonly_fields = ("province_code", "ward_code")
