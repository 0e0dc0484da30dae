"""What a depot's receiving scan reads: the code it sent, the parcel that code names, and the bag being
received with its trip as this depot sees it.

The label's parcel and the bag are each read in one hand-written statement (the receiving scan's hot path,
where building the ORM's five-table query cost more than running it: 2.6 ms against 0.2 ms). They read what
the ORM reads (_parcels() for a label: the same columns, the same row; shipping.selectors.here_status for
the trip) and build the same instances; shipping/tests/test_scan_lookup.py holds them together.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import User
from consignments.models import Consignment
from core.errors import DomainError
from core.rows import loaded
from tracking.scanner import read_scan
from warehouse.labels import split_parcel_code
from warehouse.models import Parcel

from ..codes import MAX_SCAN_LENGTH, scanned_code
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


# --- reading a scan ---------------------------------------------------------------------------------------


# --- reading a scan --------------------------------------------------------------------------------------


def read_code(raw: str) -> str:
    """What a scanner sent, as a code: no control characters, symbology prefix or spaces; upper case."""
    raw = raw or ""
    if len(raw) > MAX_SCAN_LENGTH:
        raise DomainError(
            _("That scan is %(n)d characters long: no label is. Scan the barcode again.") % {"n": len(raw)},
            code="too_long",
        )
    text = scanned_code(raw)
    if not text:
        raise DomainError(_("Scan a code."), code="empty")
    return text[:100]


# The scan's hot path reads only what receiving and its result show: with every column of five tables,
# building the query cost the scan more than running it. Anything else is read when something asks for it.
_SCAN_FIELDS = [
    "id",
    "tracking_code",
    "piece_number",
    "piece_count",
    "weight_g",
    "consignment_id",
    "consignment__code",
    "consignment__status",
    "consignment__customer_id",
    "consignment__destination_id",
    "consignment__current_warehouse_id",
    "consignment__created_at",
    "consignment__customer__customer_code",
    "bag_item__id",
    "bag_item__bag_id",
    "bag_item__parcel_id",
    "bag_item__received_at",
    "bag_item__received_by_id",
    "bag_item__missing",
    "bag_item__bag__code",
    "bag_item__bag__destination_id",
    "bag_item__bag__trip_id",
]


def _parcels():
    return Parcel.objects.select_related("consignment__customer", "bag_item__bag").only(*_SCAN_FIELDS)


def parcel_for_code(code: str) -> Parcel | None:
    """The parcel a depot scan names: our label's code (KG00001234, KG00001234-2), else the supplier's
    waybill (refused when several parcels share it and the scan does not say which piece)."""
    label = split_parcel_code(code)
    if label is not None:
        return parcel_by_label(*label)
    try:
        read = read_scan(code)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="not_a_label") from exc
    found = list(_parcels().filter(tracking_code=read.code, retired_at__isnull=True)[:20])
    if read.piece:
        found = [p for p in found if p.piece_number == read.piece]
    if len(found) > 1:
        raise DomainError(
            _("Waybill %(code)s has %(n)d parcels: scan our label (KG…) on this one.")
            % {"code": read.code, "n": len(found)},
            code="ambiguous",
        )
    return found[0] if found else None
