"""What the delivery services share: history rows on many orders, notices to the customer, reading scans."""

import re

from django.utils.translation import gettext as _

from consignments.models import ConsignmentEvent
from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send
from tracking.scanner import scan_text

MAX_INPUT = 200  # a scan, a code or a search longer than this is not one (a 10 KB paste)
MAX_ORDERS = 200  # orders in one handover or one delivery request

# Notification kinds this app sends. The names are the ones proposed to notifications.models.NotificationKind;
# until the kind exists there, its value is written as it will be (the message then falls back to the value).
HANDED_OVER = NotificationKind.HANDED_OVER
DELIVERY_OUT = NotificationKind.DELIVERY_OUT
DELIVERED = NotificationKind.DELIVERED
DELIVERY_REFUSED = NotificationKind.DELIVERY_REFUSED

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b\ufeff]")


def clean_input(raw, *, what=None) -> str:
    """A scan or what a person typed, with what a scanner adds around it taken off (AIM prefix, control
    characters, full-width letters); DomainError "too_long" for a paste that cannot be a code."""
    text = str(raw or "")
    if len(text) > MAX_INPUT:
        raise DomainError(
            _("%(n)s characters were read: that is not %(what)s. Scan or type it again.")
            % {"n": f"{len(text):,}".replace(",", "."), "what": what or _("a code")},
            code="too_long",
        )
    return _CONTROL.sub("", scan_text(text)).strip()  # and the separators some scanners put inside


def events_add(orders, *, kind, by, warehouse, data: dict, note: str = "") -> None:
    """One history row of `kind` on each order (its status unchanged), in one INSERT."""
    ConsignmentEvent.objects.bulk_create(
        [
            ConsignmentEvent(
                consignment_id=order.pk,
                old_status=order.status,
                new_status=order.status,
                by=by,
                warehouse=warehouse,
                kind=kind,
                data=data,
                note=note[:255],
            )
            for order in orders
        ]
    )


def notify(customer_id: int, kind: str, orders, **data) -> None:
    """One notice to the customer for a step of several orders (not one per order); it names the order
    when there is only one, and lists the codes in its data."""
    orders = list(orders)
    notification_send(
        user_id=customer_id,
        kind=kind,
        consignment_id=orders[0].pk if len(orders) == 1 else None,
        data={"codes": [o.code for o in orders], **data},
    )
