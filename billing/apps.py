from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        # Billing sits above consignments and warehouse: it listens to what they tell, never the other way.
        from consignments.services import TRANSITION_GUARDS
        from consignments.signals import (
            consignment_destination_changed,
            consignment_measured,
            consignment_status_changed,
            consignments_status_changed_many,
        )

        from . import checks  # noqa: F401 - registers the deploy check of the bank account
        from .services import charges

        consignment_measured.connect(charges.on_measured, dispatch_uid="billing.on_measured")
        consignment_destination_changed.connect(
            charges.on_destination_changed, dispatch_uid="billing.on_depot"
        )
        consignments_status_changed_many.connect(
            charges.on_status_changed_many, dispatch_uid="billing.on_many"
        )
        consignment_status_changed.connect(charges.on_status_changed, dispatch_uid="billing.on_status")
        if charges.handover_guard not in TRANSITION_GUARDS:
            TRANSITION_GUARDS.append(charges.handover_guard)
