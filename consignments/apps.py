from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsignmentsConfig(AppConfig):
    name = "consignments"
    verbose_name = _("Consignment orders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from addresses.services import register_last_address_guard

        from .selectors import last_address_needed

        register_last_address_guard(last_address_needed)
