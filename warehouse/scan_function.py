"""The scan on PostgreSQL: one call of the PL/pgSQL function of migration warehouse 0007.

One round trip instead of a dozen, with the statements' plans kept for the life of the connection: the
station's hot path. warehouse.matching._scan_in_python is the same logic through the ORM (SQLite), and
warehouse/tests/test_scan_function.py holds the two together.
"""

from django.db import connection, transaction
from django.utils import timezone

from consignments.models import Consignment, ConsignmentStatus, EventKind
from core.rows import loaded
from notifications.models import NotificationKind
from notifications.services import notifications_kick
from tracking.models import TrackingStatus
from tracking.scanner import ScanRead
from tracking.selectors import reuse_cutoff

from .models import Parcel, Warehouse

_SCAN_FUNCTION = (
    "SELECT * FROM warehouse_parcel_scan(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def scan_in_database(*, read: ScanRead, warehouse, by):
    """parcel_scan on PostgreSQL: one statement, its own transaction unless the caller has one open."""
    from accounts.models import User

    from .matching import ScanResult, _code_key

    now = timezone.now()
    piece = read.piece or 1
    with connection.cursor() as cursor:
        cursor.execute(
            _SCAN_FUNCTION,
            [
                read.code,
                piece,
                read.pieces,
                _code_key(read.code),
                warehouse.pk,
                by.pk,
                now,
                reuse_cutoff(now),
                ConsignmentStatus.CN_RECEIVED.value,
                EventKind.STATUS.value,
                EventKind.PIECE.value,
                TrackingStatus.RECEIVED.value,
                TrackingStatus.MATCHED.value,
                NotificationKind.ARRIVED_CHINA.value,
                Warehouse.Kind.VIETNAM.value,
            ],
        )
        row = dict(zip([column.name for column in cursor.description], cursor.fetchone(), strict=True))
    parcel = loaded(
        Parcel,
        {
            "id": row["parcel_id"],
            "tracking_code": read.code,
            "piece_number": piece,
            "piece_count": row["parcel_piece_count"],
            "consignment_id": row["consignment_id"],
            "warehouse_id": row["parcel_warehouse_id"],
            "scanned_by_id": row["parcel_scanned_by_id"],
            "scanned_at": row["parcel_scanned_at"],
            "scan_count": row["parcel_scan_count"],
        },
    )
    counts = {"arrived": row["arrived"], "expected": row["expected"]}
    if row["consignment_id"] is None:
        return ScanResult(outcome=row["outcome"], parcel=parcel, **counts)
    consignment = loaded(
        Consignment,
        {
            "id": row["consignment_id"],
            "code": row["consignment_code"],
            "customer_id": row["customer_id"],
            "tracking_code": read.code,
            "status": row["consignment_status"],
            "current_warehouse_id": row["consignment_warehouse_id"],
            "destination_id": row["consignment_destination_id"],
            "created_at": row["consignment_created_at"],
        },
    )
    consignment.customer = loaded(
        User,
        {
            "id": row["customer_id"],
            "username": row["customer_username"],
            "customer_code": row["customer_code"],
        },
    )
    if row["consignment_destination_id"] is not None:
        consignment.destination = loaded(
            Warehouse,
            {
                "id": row["consignment_destination_id"],
                "code": row["destination_code"],
                "name": row["destination_name"],
                "kind": Warehouse.Kind.VIETNAM.value,
            },
        )
    parcel.consignment = consignment
    if row["outcome"] in (ScanResult.MATCHED, ScanResult.PIECE):  # the function queued the notification
        transaction.on_commit(notifications_kick)
    return ScanResult(outcome=row["outcome"], parcel=parcel, consignment=consignment, **counts)
