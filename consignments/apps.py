from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsignmentsConfig(AppConfig):
    name = "consignments"
    verbose_name = _("Consignment orders")
    default_auto_field = "django.db.models.BigAutoField"
