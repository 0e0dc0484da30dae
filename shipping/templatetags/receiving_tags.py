"""Depot receiving in templates: why a scan was extra, and where an order awaiting delivery is collected
(the order page: `{% load receiving_tags %}{% pickup_card consignment %}`)."""

from django import template
from django.utils.translation import gettext_lazy as _

from shipping.selectors import pickup_info
from shipping.services.receiving import Reason

register = template.Library()

REASON_LABELS = {
    Reason.OTHER_BAG: _("packed in another bag of this trip (received into it)"),
    Reason.OTHER_TRIP: _("travels on another trip"),
    Reason.OTHER_DEPOT: _("for another depot"),
    Reason.NOT_BAGGED: _("in no bag's manifest"),
    Reason.UNKNOWN: _("unknown code"),
}


@register.filter
def extra_reason(reason: str) -> str:
    return REASON_LABELS.get(reason, reason)


@register.inclusion_tag("shipping/_receiving_pickup.html")
def pickup_card(consignment):
    """The depot an order awaits at (address, phone, opening hours) and until when storage is free;
    nothing when the order is not awaiting delivery."""
    return {"pickup": pickup_info(consignment), "consignment": consignment}
