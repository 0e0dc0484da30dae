"""The depot's receiving scan on PostgreSQL: one call of the PL/pgSQL function of migration shipping 0003.

One round trip instead of seven statements through the ORM (the order's lock, the bag row's receipt, the
check of the order's other parcels, its move to Chờ giao with the history row, the request for its final
charge and the customer's notification), with the plans kept for the life of the connection: the depot's
hot path while a truck of thousands of parcels is unloaded. shipping.services.receiving._receive_in_python
is the same logic through the ORM (SQLite), and shipping/tests/test_receive_function.py holds the two
together.
"""

from django.db import connection, transaction
from django.utils import timezone

from billing.services.charges import REASON_ARRIVED, pricing_kick
from consignments.models import ConsignmentStatus, EventKind
from notifications.models import NotificationKind
from notifications.services import notifications_kick

from .receiving import (
    _already,
    _found_event,
    _pickup_data,
    _ready_or_why,
    _received,
    ready_note,
    why_not_ready,
)

_RECEIVE_FUNCTION = "SELECT * FROM shipping_parcel_receive(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def receive_in_database(item, parcel, code, *, scanned_in, depot, by):
    """_receive on PostgreSQL (in _receive's transaction). `parcel.consignment`, read by the scan without a
    lock, is brought up to date from what the function read under the order's lock."""
    from psycopg2.extras import Json

    order = parcel.consignment if parcel.consignment_id is not None else None
    trip = item.bag.trip
    may_move = order is not None and why_not_ready(order, depot) is None
    notify = _pickup_data(order, depot) if may_move else None
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _RECEIVE_FUNCTION,
            [
                item.pk,
                order.pk if order is not None else None,
                by.pk,
                depot.pk,
                now,
                ConsignmentStatus.IN_TRANSIT.value,
                ConsignmentStatus.AWAITING_DELIVERY.value,
                EventKind.STATUS.value,
                ready_note(trip, item),
                REASON_ARRIVED,
                NotificationKind.AWAITING_DELIVERY.value,
                Json(notify or {}),
            ],
        )
        outcome, received_at, found, status, destination_id, parcels, here, ready = cursor.fetchone()
    if outcome == "already":
        item.received_at = received_at
        return _already(item, parcel, code)
    item.received_at, item.received_by, item.missing = received_at, by, False
    result = _received(item, parcel, code, scanned_in=scanned_in, by=by)
    if order is None:
        return result
    order.status, order.destination_id = status, destination_id
    if found:  # the order is locked: the rest as the ORM does it, its "found" row first
        _found_event(order, parcel, item, by, depot)
        result.warning = _ready_or_why(order, trip, depot, by, result)
    elif ready:
        order.current_warehouse = depot
        result.ready = order
        transaction.on_commit(notifications_kick)
        transaction.on_commit(pricing_kick)
    else:
        result.warning = why_not_ready(order, depot) or ""
        result.order_parcels, result.order_parcels_here = parcels, here
    return result
