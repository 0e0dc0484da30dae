from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def _match_registered_codes(sender, *, codes, **kwargs):
    """tracking.signals.codes_registered: the parcels may already be here; match them after commit."""
    from core.broker import publish

    from .tasks import match_codes

    for start in range(0, len(codes), 1000):
        chunk = codes[start : start + 1000]
        transaction.on_commit(lambda chunk=chunk: publish(match_codes, chunk))


class WarehouseConfig(AppConfig):
    name = "warehouse"
    verbose_name = _("Warehouses and parcels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tracking.signals import codes_registered

        codes_registered.connect(_match_registered_codes, dispatch_uid="warehouse.match_registered_codes")
