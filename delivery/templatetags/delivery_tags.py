"""What the customer's order page offers once the order waits at a depot (templates/consignments/detail.html
shows it through {% awaiting_actions consignment %})."""

from django import template

from ..models import DeliveryRequestItem

register = template.Library()


@register.inclusion_tag("delivery/_awaiting_actions.html")
def awaiting_actions(consignment):
    """Pick it up, or have it delivered; an order already in an open delivery request links to that request
    instead of offering a second one."""
    if consignment.status != "awaiting_delivery":
        return {"show": False}
    item = (
        DeliveryRequestItem.objects.filter(consignment=consignment, is_open=True)
        .select_related("request")
        .first()
    )
    return {"show": True, "consignment": consignment, "open_request": item.request if item else None}
