"""The scan station's PL/pgSQL function (migration warehouse 0004) against the ORM scan it replaces.

Each scenario runs twice in one test database: once through the function (_scan_in_database, code A) and once
through the ORM (_scan_in_python, code B). Both must leave the same rows and return the same ScanResult.
"""

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from accounts.tests.factories import ChinaStaffFactory
from conftest import need
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
from consignments.services import (
    consignment_declare,
    consignment_mark_ready,
    consignment_measure,
    consignments_dispatch,
)
from consignments.tests.factories import ConsignmentFactory
from notifications.models import Notification, NotificationKind, PendingNotification
from tracking.models import TrackingNumber, TrackingStatus
from tracking.tests.factories import TrackingNumberFactory
from warehouse.models import Parcel
from warehouse.services import ScanResult, _scan_in_database, _scan_in_python, parcel_scan
from warehouse.tests.factories import ChinaWarehouseFactory

# No threads here: each test runs in the usual rolled-back transaction.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

IMPLEMENTATIONS = {"database": _scan_in_database, "python": _scan_in_python}
CODE = {"database": "SF7000000000001", "python": "SF7000000000002"}


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "the scan function is PL/pgSQL: it exists on PostgreSQL only")


@dataclass
class Cast:
    customer: User
    other_customer: User
    cn_staff: User
    vn_staff: User
    second_staff: User  # at a second China warehouse


@pytest.fixture
def cast(postgres, customer, other_customer, cn_staff, vn_staff):
    second = ChinaStaffFactory(
        username="khoyw", warehouse=ChinaWarehouseFactory(code="YW", name="Kho Nghĩa Ô")
    )
    return Cast(customer, other_customer, cn_staff, vn_staff, second)


# --- what a scan leaves behind, without ids, codes and timestamps -------------------------------------------


def _result_view(result: ScanResult, code: str) -> dict:
    parcel = Parcel.objects.get(tracking_code=code)
    view = {
        "outcome": result.outcome,
        "parcel.pk is the row": result.parcel.pk == parcel.pk,
        "parcel.tracking_code": result.parcel.tracking_code == code,
        "parcel.scan_count": result.parcel.scan_count,
        "parcel.warehouse_id": result.parcel.warehouse_id,
        "parcel.scanned_by_id": result.parcel.scanned_by_id,
        "consignment": None,
    }
    consignment = result.consignment
    if consignment is not None:
        row = Consignment.objects.get(parcel=parcel)
        view["consignment"] = {
            "pk is the row": consignment.pk == row.pk,
            "code": consignment.code == f"KG{parcel.pk:08d}",
            "parcel_id": consignment.parcel_id == parcel.pk,
            "status": consignment.status,
            "current_warehouse_id": consignment.current_warehouse_id,
            "customer_id": consignment.customer_id,
            "customer": consignment.customer.pk,
            "customer.username": consignment.customer.username,
            "customer.customer_code": consignment.customer.customer_code,
        }
    return view


def _rows(code: str, pending_before: set[int]) -> dict:
    parcel = Parcel.objects.get(tracking_code=code)
    consignment = Consignment.objects.filter(parcel=parcel).first()

    def link(consignment_id):
        if consignment_id is None:
            return None
        return (
            "this order" if consignment is not None and consignment_id == consignment.pk else "another order"
        )

    rows = {
        "parcel": {
            "warehouse_id": parcel.warehouse_id,
            "scanned_by_id": parcel.scanned_by_id,
            "scan_count": parcel.scan_count,
            "label_text": parcel.label_text,
        },
        "consignment": None,
        "events": [],
        "trackings": [
            {"customer_id": t.customer_id, "status": t.status, "consignment": link(t.consignment_id)}
            for t in TrackingNumber.objects.filter(code=code).order_by("customer__username")
        ],
        "pending": [
            {
                "user_id": p.user_id,
                "kind": p.kind,
                "consignment": link(p.consignment_id),
                "tracking_id": p.tracking_id,
            }
            for p in PendingNotification.objects.exclude(pk__in=pending_before).order_by("id")
        ],
    }
    if consignment is not None:
        assert consignment.code == f"KG{parcel.pk:08d}"
        skip = {"id", "code", "parcel_id", "created_at", "updated_at"}
        rows["consignment"] = {
            f.attname: getattr(consignment, f.attname)
            for f in Consignment._meta.concrete_fields
            if f.attname not in skip
        }
        rows["events"] = list(
            ConsignmentEvent.objects.filter(consignment=consignment)
            .order_by("at", "id")
            .values("old_status", "new_status", "by_id", "warehouse_id", "kind", "data", "note")
        )
    return rows


def _run(implementation: str, scenario, cast: Cast, capture) -> dict:
    """Run the scenario with one implementation and describe everything it left and returned."""
    code = CODE[implementation]
    scan = IMPLEMENTATIONS[implementation]
    pending_before = set(PendingNotification.objects.values_list("pk", flat=True))
    results, callbacks = [], []

    def do_scan(by):
        with capture() as registered:
            results.append(scan(code=code, warehouse=by.warehouse, by=by))
        callbacks.append([getattr(c, "__name__", repr(c)) for c in registered])
        return results[-1]

    scenario(code=code, cast=cast, scan=do_scan)
    return {
        "results": [_result_view(r, code) for r in results],
        "on_commit": callbacks,
        "rows": _rows(code, pending_before),
    }


# --- the scenarios ------------------------------------------------------------------------------------------


def matched(*, code, cast, scan):
    TrackingNumberFactory(customer=cast.customer, code=code, note="3 đôi giày")
    scan(cast.cn_staff)


def duplicate(*, code, cast, scan):
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.cn_staff)
    scan(cast.cn_staff)


def unidentified(*, code, cast, scan):
    TrackingNumberFactory(customer=cast.customer, code=code + "9")  # a different code: not this parcel
    scan(cast.cn_staff)


def unidentified_twice(*, code, cast, scan):
    scan(cast.cn_staff)
    scan(cast.second_staff)


def conflict(*, code, cast, scan):
    TrackingNumberFactory(customer=cast.customer, code=code)
    TrackingNumberFactory(customer=cast.other_customer, code=code)
    scan(cast.cn_staff)


def conflict_twice(*, code, cast, scan):
    conflict(code=code, cast=cast, scan=scan)
    scan(cast.cn_staff)


def registered_after_first_scan(*, code, cast, scan):
    """Unidentified at the first scan; registered; scanned again by someone at another warehouse: matched,
    the order stays where the parcel is, the history names who scanned it."""
    scan(cast.cn_staff)
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.second_staff)


def matched_beside_a_taken_registration(*, code, cast, scan):
    """Another customer's registration of the code is already linked to an order: it is not open."""
    taken = TrackingNumberFactory(customer=cast.other_customer, code=code)
    TrackingNumberFactory(customer=cast.customer, code=code)
    TrackingNumber.objects.filter(pk=taken.pk).update(
        status=TrackingStatus.MATCHED, consignment=ConsignmentFactory(customer=cast.other_customer)
    )
    scan(cast.cn_staff)


def duplicate_after_the_order_moved(*, code, cast, scan):
    """The order has left for Vietnam and waits at the depot; the old parcel is scanned again in China."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    consignment = Consignment.objects.get(pk=scan(cast.cn_staff).consignment.pk)
    consignment_measure(consignment=consignment, weight_g=1250, by=cast.cn_staff)
    consignment_declare(
        consignment=consignment,
        goods_vi="Giày",
        goods_zh="鞋",
        quantity=3,
        unit_value_fen=5000,
        by=cast.cn_staff,
    )
    consignments_dispatch(consignments=[consignment], by=cast.cn_staff)
    consignment_mark_ready(
        consignment=Consignment.objects.get(pk=consignment.pk),
        by=cast.vn_staff,
        warehouse=cast.vn_staff.warehouse,
    )
    scan(cast.cn_staff)


SCENARIOS = [
    pytest.param(scenario, id=scenario.__name__)
    for scenario in (
        matched,
        duplicate,
        unidentified,
        unidentified_twice,
        conflict,
        conflict_twice,
        registered_after_first_scan,
        matched_beside_a_taken_registration,
        duplicate_after_the_order_moved,
    )
]

EXPECTED_OUTCOMES = {
    matched: [ScanResult.MATCHED],
    duplicate: [ScanResult.MATCHED, ScanResult.DUPLICATE],
    unidentified: [ScanResult.UNIDENTIFIED],
    unidentified_twice: [ScanResult.UNIDENTIFIED, ScanResult.UNIDENTIFIED],
    conflict: [ScanResult.CONFLICT],
    conflict_twice: [ScanResult.CONFLICT, ScanResult.CONFLICT],
    registered_after_first_scan: [ScanResult.UNIDENTIFIED, ScanResult.MATCHED],
    matched_beside_a_taken_registration: [ScanResult.MATCHED],
    duplicate_after_the_order_moved: [ScanResult.MATCHED, ScanResult.DUPLICATE],
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_function_leaves_what_the_orm_scan_leaves(cast, scenario, django_capture_on_commit_callbacks):
    in_database = _run("database", scenario, cast, django_capture_on_commit_callbacks)
    in_python = _run("python", scenario, cast, django_capture_on_commit_callbacks)

    # The reference itself behaves as the scenario says, so that agreeing means something.
    assert [r["outcome"] for r in in_python["results"]] == EXPECTED_OUTCOMES[scenario]
    assert in_database["rows"] == in_python["rows"]
    assert in_database["results"] == in_python["results"]
    assert in_database["on_commit"] == in_python["on_commit"]


def test_a_match_leaves_the_expected_rows(cast, django_capture_on_commit_callbacks):
    """The comparison above is between two implementations; this pins what both must leave."""
    in_database = _run("database", matched, cast, django_capture_on_commit_callbacks)
    rows = in_database["rows"]
    warehouse = cast.cn_staff.warehouse
    assert rows["parcel"] == {
        "warehouse_id": warehouse.pk,
        "scanned_by_id": cast.cn_staff.pk,
        "scan_count": 1,
        "label_text": "",
    }
    consignment = rows["consignment"]
    assert consignment["customer_id"] == cast.customer.pk
    assert consignment["status"] == ConsignmentStatus.CN_RECEIVED
    assert consignment["current_warehouse_id"] == warehouse.pk
    assert consignment["goods_vi"] == consignment["goods_zh"] == ""
    for field in (
        "weight_g",
        "length_mm",
        "width_mm",
        "height_mm",
        "volumetric_divisor",
        "volumetric_weight_g",
        "chargeable_weight_g",
        "goods_quantity",
        "goods_unit_value_fen",
    ):
        assert consignment[field] is None, field
    assert rows["events"] == [
        {
            "old_status": "",
            "new_status": ConsignmentStatus.CN_RECEIVED,
            "by_id": cast.cn_staff.pk,
            "warehouse_id": warehouse.pk,
            "kind": "status",
            "data": {},
            "note": "",
        }
    ]
    assert rows["trackings"] == [
        {"customer_id": cast.customer.pk, "status": TrackingStatus.MATCHED, "consignment": "this order"}
    ]
    assert rows["pending"] == [
        {
            "user_id": cast.customer.pk,
            "kind": NotificationKind.ARRIVED_CHINA,
            "consignment": "this order",
            "tracking_id": None,
        }
    ]
    assert in_database["on_commit"] == [["notifications_kick"]]
    parcel = Parcel.objects.get(tracking_code=CODE["database"])
    order = Consignment.objects.get(parcel=parcel)
    assert order.code == f"KG{parcel.pk:08d}"
    assert order.created_at == order.updated_at == parcel.scanned_at


def test_a_duplicate_scan_returns_where_the_order_is_now(cast):
    """The depot has the order; the parcel's old label is scanned again in China."""
    results = []

    def scan(by):
        results.append(parcel_scan(raw_code="SF123456789012", warehouse=by.warehouse, by=by))
        return results[-1]

    duplicate_after_the_order_moved(code="SF123456789012", cast=cast, scan=scan)
    result = results[-1]
    assert result.outcome == ScanResult.DUPLICATE
    row = Consignment.objects.get(pk=result.consignment.pk)
    assert row.current_warehouse_id == cast.vn_staff.warehouse.pk
    assert result.consignment.current_warehouse_id == row.current_warehouse_id


def test_parcel_scan_on_postgresql_is_one_call_of_the_function(postgres, customer, cn_staff):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    with CaptureQueriesContext(connection) as queries:
        result = parcel_scan(raw_code=" sf 1234 5678 9012 ", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.MATCHED
    assert result.parcel.tracking_code == "SF123456789012"
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "warehouse_parcel_scan(" in queries[0]["sql"]


def test_a_matched_scan_notifies_the_customer_after_commit(
    postgres, customer, cn_staff, django_capture_on_commit_callbacks
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    with django_capture_on_commit_callbacks(execute=True):
        result = parcel_scan(raw_code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    notification = Notification.objects.get()
    assert (notification.user, notification.kind, notification.consignment_id) == (
        customer,
        NotificationKind.ARRIVED_CHINA,
        result.consignment.pk,
    )
    assert not PendingNotification.objects.exists()


def test_a_scan_rolled_back_with_its_transaction_leaves_nothing(postgres, customer, cn_staff):
    TrackingNumberFactory(customer=customer, code="SF123456789012")

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        result = parcel_scan(raw_code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
        assert result.outcome == ScanResult.MATCHED
        raise Undo
    assert not Parcel.objects.exists()
    assert not Consignment.objects.exists()
    assert not PendingNotification.objects.exists()
    assert TrackingNumber.objects.get().status == TrackingStatus.REGISTERED


@pytest.fixture
def parcel_ids_from_123456789(postgres):
    """Parcel ids continue after 123456789. Sequences ignore rollbacks: the old position is put back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('warehouse_parcel', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - the catalogue's name
        last_value, is_called = cursor.fetchone()
        cursor.execute("SELECT setval(%s, 123456789)", [sequence])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])


@pytest.mark.parametrize("implementation", ["database", "python"])
def test_an_order_code_keeps_every_digit_of_a_nine_digit_parcel_id(
    parcel_ids_from_123456789, customer, cn_staff, implementation
):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    if implementation == "database":
        result = parcel_scan(raw_code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    else:
        result = _scan_in_python(code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    parcel = Parcel.objects.get()
    assert parcel.pk == 123456790
    assert result.consignment.code == "KG123456790" == f"KG{parcel.pk:08d}"
    assert Consignment.objects.get().code == "KG123456790"


def test_fields_the_function_did_not_return_are_read_from_the_database(postgres, customer, cn_staff):
    TrackingNumberFactory(customer=customer, code="SF123456789012")
    result = parcel_scan(raw_code="SF123456789012", warehouse=cn_staff.warehouse, by=cn_staff)
    # Changed after the scan returned: a value made up at scan time could not match these.
    Consignment.objects.filter(pk=result.consignment.pk).update(goods_vi="Giày", weight_g=1250)
    User.objects.filter(pk=customer.pk).update(first_name="Thu Bình", phone="0987654321")
    Parcel.objects.filter(pk=result.parcel.pk).update(label_text="123PO thubin89x YW532")

    consignment = result.consignment
    assert consignment.goods_vi == "Giày"
    assert consignment.weight_g == 1250
    assert consignment.customer.first_name == "Thu Bình"
    assert consignment.customer.phone == "0987654321"
    assert consignment.customer.role == Role.CUSTOMER
    assert consignment.customer.is_active is True
    assert result.parcel.label_text == "123PO thubin89x YW532"
    assert consignment.parcel is result.parcel
    assert consignment.current_warehouse == cn_staff.warehouse
    # And what it did return is what the database holds.
    row = Consignment.objects.select_related("customer").get(pk=consignment.pk)
    for field in ("code", "status", "customer_id", "parcel_id", "current_warehouse_id", "created_at"):
        assert getattr(consignment, field) == getattr(row, field), field
    assert consignment.customer.username == row.customer.username == "thubin89x"
    assert consignment.customer.customer_code == row.customer.customer_code == "YW532"
