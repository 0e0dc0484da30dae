from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shipping"
    verbose_name = _("Bags and trips")

    def ready(self):
        # Shipping sits above consignments: it adds its rule to the change of depot, never the other way.
        from consignments.services import DESTINATION_GUARDS, TRANSITION_GUARDS

        from .services.guards import packed_order_keeps_its_depot, packed_order_moves_with_its_bag

        if packed_order_keeps_its_depot not in DESTINATION_GUARDS:
            DESTINATION_GUARDS.append(packed_order_keeps_its_depot)
        if packed_order_moves_with_its_bag not in TRANSITION_GUARDS:
            TRANSITION_GUARDS.append(packed_order_moves_with_its_bag)
