from django.apps import AppConfig


class ConsignmentsConfig(AppConfig):
    name = "consignments"
    default_auto_field = "django.db.models.BigAutoField"
