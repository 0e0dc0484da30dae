"""The parcel a depot scan of our label names, read in one hand-written statement: the receiving scan's
hot path, where building the ORM's five-table query cost more than running it (2.6 ms against 0.2 ms).

It reads what shipping.services.receiving._parcels() reads for a label (the same columns, the same row:
the parcel of that order and piece, with its order, the order's customer, and its bag row and bag when it
was packed) and builds the same instances; shipping/tests/test_scan_lookup.py holds the two together.
"""

from django.db import connection

from accounts.models import User
from consignments.models import Consignment
from core.rows import loaded
from warehouse.models import Parcel

from ..models import Bag, BagParcel

_BY_LABEL = """
SELECT p.id, p.tracking_code, p.piece_number, p.piece_count, p.weight_g, p.consignment_id,
       c.code, c.status, c.customer_id, c.destination_id, c.current_warehouse_id, c.created_at,
       u.customer_code,
       i.id, i.bag_id, i.received_at, i.received_by_id, i.missing,
       b.code, b.destination_id, b.trip_id
FROM warehouse_parcel p
JOIN consignments_consignment c ON c.id = p.consignment_id
JOIN accounts_user u ON u.id = c.customer_id
LEFT JOIN shipping_bagparcel i ON i.parcel_id = p.id
LEFT JOIN shipping_bag b ON b.id = i.bag_id
WHERE c.code = %s AND p.piece_number = %s
ORDER BY p.id
LIMIT 1
"""


def parcel_by_label(order_code: str, piece: int) -> Parcel | None:
    """Piece `piece` of order `order_code` (a label's KG00001234-2), with .consignment (and its
    .customer's customer_code) and .bag_item (None when never packed; else with its .bag) read."""
    with connection.cursor() as cursor:
        cursor.execute(_BY_LABEL, [order_code, piece])
        row = cursor.fetchone()
    if row is None:
        return None
    (pid, tracking, number, count, weight, order_id, code, status, customer_id, destination_id,
     warehouse_id, created_at, customer_code, item_id, bag_id, received_at, received_by_id, missing,
     bag_code, bag_destination_id, trip_id) = row  # fmt: skip
    parcel = loaded(
        Parcel,
        {
            "id": pid,
            "tracking_code": tracking,
            "piece_number": number,
            "piece_count": count,
            "weight_g": weight,
            "consignment_id": order_id,
        },
    )
    order = loaded(
        Consignment,
        {
            "id": order_id,
            "code": code,
            "status": status,
            "customer_id": customer_id,
            "destination_id": destination_id,
            "current_warehouse_id": warehouse_id,
            "created_at": created_at,
        },
    )
    order.customer = loaded(User, {"id": customer_id, "customer_code": customer_code})
    parcel.consignment = order
    if item_id is None:
        Parcel.bag_item.related.set_cached_value(parcel, None)  # never packed: no query to find that out
        return parcel
    item = loaded(
        BagParcel,
        {
            "id": item_id,
            "bag_id": bag_id,
            "parcel_id": pid,
            "received_at": received_at,
            "received_by_id": received_by_id,
            "missing": missing,
        },
    )
    item.bag = loaded(
        Bag, {"id": bag_id, "code": bag_code, "destination_id": bag_destination_id, "trip_id": trip_id}
    )
    parcel.bag_item = item
    return parcel


_BAG_HERE = """
SELECT b.id, b.code, b.status, b.destination_id, t.id, t.code, t.status,
       (SELECT CASE WHEN a.closed_at IS NULL THEN %s ELSE %s END FROM shipping_triparrival a
        WHERE a.trip_id = t.id AND a.depot_id = %s)
FROM shipping_bag b JOIN shipping_trip t ON t.id = b.trip_id
WHERE b.id = %s AND b.trip_id = %s AND b.destination_id = %s
"""


def bag_of_trip_here(*, bag_pk: int, trip_pk: int, depot) -> Bag | None:
    """The bag `bag_pk` of trip `trip_pk` for `depot`, with its .trip and the trip as this depot sees it
    (trip.here: shipping.selectors.here_status), in one statement; None when there is no such bag."""
    from ..models import Trip, TripStatus

    with connection.cursor() as cursor:
        cursor.execute(
            _BAG_HERE,
            [TripStatus.ARRIVED.value, TripStatus.RECEIVED.value, depot.pk, bag_pk, trip_pk, depot.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    bag_id, code, status, destination_id, trip_id, trip_code, trip_status, here = row
    bag = loaded(
        Bag,
        {"id": bag_id, "code": code, "status": status, "destination_id": destination_id, "trip_id": trip_id},
    )
    bag.trip = loaded(Trip, {"id": trip_id, "code": trip_code, "status": trip_status})
    bag.trip.here, bag.trip.here_depot_id = here or TripStatus.DEPARTED.value, depot.pk
    return bag
