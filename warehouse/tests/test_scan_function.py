"""The scan station's PL/pgSQL function (migration warehouse 0007) against the ORM scan it stands for.

Each scenario runs twice in one test database: once through the function (scan_in_database, code A) and once
through the ORM (_scan_in_python, code B). Both must leave the same rows and return the same ScanResult.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import ChinaStaffFactory
from addresses.models import DeliveryAddress
from conftest import need
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
from consignments.services import (
    consignment_declare,
    consignment_mark_ready,
    consignment_transition,
    consignments_dispatch,
)
from consignments.tests.factories import ConsignmentFactory
from notifications.models import Notification, NotificationKind, PendingNotification
from tracking.models import TrackingNumber, TrackingStatus
from tracking.scanner import ScanRead
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import ScanResult, _scan_in_python, parcel_scan
from warehouse.models import Parcel
from warehouse.scan_function import scan_in_database
from warehouse.services import parcel_measure
from warehouse.tests.factories import ChinaWarehouseFactory, DepotProvinceFactory, VietnamDepotFactory

# No threads here: each test runs in the usual rolled-back transaction.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

IMPLEMENTATIONS = {"database": scan_in_database, "python": _scan_in_python}
CODE = {"database": "SF7000000000001", "python": "SF7000000000002"}


@pytest.fixture(autouse=True)
def _handover_without_payment(monkeypatch):
    """These scenarios deliver orders to make their numbers reusable; paying for them is billing's test
    (billing/tests), not the scan function's."""
    from consignments import services as consignment_services

    monkeypatch.setattr(consignment_services, "TRANSITION_GUARDS", [])


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
    VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")
    return Cast(customer, other_customer, cn_staff, vn_staff, second)


# --- what a scan leaves behind, without ids, codes and timestamps -------------------------------------------


def _result_view(result: ScanResult, code: str) -> dict:
    view = {
        "outcome": result.outcome,
        "parcel.pk is the row": Parcel.objects.filter(pk=result.parcel.pk, tracking_code=code).exists(),
        "parcel.piece_number": result.parcel.piece_number,
        "parcel.piece_count": result.parcel.piece_count,
        "parcel.scan_count": result.parcel.scan_count,
        "parcel.warehouse_id": result.parcel.warehouse_id,
        "parcel.scanned_by_id": result.parcel.scanned_by_id,
        "arrived": result.arrived,
        "expected": result.expected,
        "consignment": None,
    }
    consignment = result.consignment
    if consignment is not None:
        row = Consignment.objects.get(pk=consignment.pk)
        first = Parcel.objects.filter(consignment=row).order_by("pk").first()
        view["consignment"] = {
            "code is the first parcel's": consignment.code == row.code == f"KG{first.pk:08d}",
            "parcel in it": result.parcel.consignment_id == row.pk,
            "tracking_code is the code": consignment.tracking_code == code,
            "status": consignment.status,
            "current_warehouse_id": consignment.current_warehouse_id,
            "destination_id": consignment.destination_id,
            "destination.name": consignment.destination.name if consignment.destination_id else None,
            "customer_id": consignment.customer_id,
            "customer.username": consignment.customer.username,
            "customer.customer_code": consignment.customer.customer_code,
        }
    return view


def _rows(code: str, pending_before: set[int]) -> dict:
    orders = list(Consignment.objects.filter(tracking_code=code).order_by("pk"))
    names = {order.pk: f"order {n}" for n, order in enumerate(orders, start=1)}

    def link(consignment_id):
        return None if consignment_id is None else names.get(consignment_id, "another order")

    skip = {"id", "code", "created_at", "updated_at", "finished_at", "retired_at", "tracking_code"}
    return {
        "parcels": [
            {
                "piece_number": p.piece_number,
                "piece_count": p.piece_count,
                "order": link(p.consignment_id),
                "retired": p.retired_at is not None,
                "warehouse_id": p.warehouse_id,
                "scanned_by_id": p.scanned_by_id,
                "scan_count": p.scan_count,
                "label_text": p.label_text,
            }
            for p in Parcel.objects.filter(tracking_code=code).order_by("pk")
        ],
        "orders": [
            {
                **{
                    f.attname: getattr(o, f.attname)
                    for f in Consignment._meta.concrete_fields
                    if f.attname not in skip
                },
                "finished": o.finished_at is not None,
                "retired": o.retired_at is not None,
                "events": [
                    {**e, "data": {k: v for k, v in e["data"].items() if k != "parcel_id"}}
                    for e in ConsignmentEvent.objects.filter(consignment=o)
                    .order_by("at", "id")
                    .values("old_status", "new_status", "by_id", "warehouse_id", "kind", "data", "note")
                ],
            }
            for o in orders
        ],
        "trackings": [
            {"customer_id": t.customer_id, "status": t.status, "consignment": link(t.consignment_id)}
            for t in TrackingNumber.objects.filter(code=code).order_by("customer__username", "pk")
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


def _run(implementation: str, scenario, cast: Cast, capture) -> dict:
    """Run the scenario with one implementation and describe everything it left and returned."""
    code = CODE[implementation]
    scan = IMPLEMENTATIONS[implementation]
    pending_before = set(PendingNotification.objects.values_list("pk", flat=True))
    results, callbacks = [], []

    def do_scan(by, piece=None, pieces=None):
        read = ScanRead(code=code, piece=piece, pieces=pieces, source="barcode")
        with capture() as registered:
            results.append(scan(read=read, warehouse=by.warehouse, by=by))
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


def matched_to_the_province_depot(*, code, cast, scan):
    """The customer's default address is in TP.HCM (79), which operations map to the SG depot."""
    DeliveryAddress.objects.filter(customer=cast.customer).update(province_code="79")
    DepotProvinceFactory(province_code="79", depot=VietnamDepotFactory(code="SG"))
    TrackingNumberFactory(customer=cast.customer, code=code)
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


def _to_the_depot(order_pk, cast):
    for parcel in Parcel.objects.filter(consignment_id=order_pk):
        parcel_measure(parcel=parcel, weight_g=1250, by=cast.cn_staff)
    consignment = Consignment.objects.get(pk=order_pk)
    consignment_declare(
        consignment=consignment,
        goods_vi="Giày",
        goods_zh="鞋",
        quantity=3,
        unit_value_fen=5000,
        by=cast.cn_staff,
    )
    consignments_dispatch(consignments=Consignment.objects.filter(pk=order_pk), by=cast.cn_staff)
    return consignment_mark_ready(
        consignment=Consignment.objects.get(pk=order_pk), by=cast.vn_staff, warehouse=cast.vn_staff.warehouse
    )


def duplicate_after_the_order_moved(*, code, cast, scan):
    """The order has left for Vietnam and waits at the depot; the old parcel is scanned again in China."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    _to_the_depot(scan(cast.cn_staff).consignment.pk, cast)
    scan(cast.cn_staff)


def two_pieces(*, code, cast, scan):
    """JD's `…-1-2` and `…-2-2`: one order, two parcels; each again is a duplicate."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.cn_staff, 1, 2)
    scan(cast.second_staff, 2, 2)
    scan(cast.cn_staff, 2, 2)


def pieces_before_the_registration(*, code, cast, scan):
    """Two pieces arrive unidentified; the customer registers; a third piece's scan matches all three."""
    scan(cast.cn_staff, 1, 3)
    scan(cast.cn_staff, 2, 3)
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.cn_staff, 3, 3)


def plain_then_piece_two(*, code, cast, scan):
    """The bare waybill is piece 1; a later `-2-2` is the second parcel of the same order."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.cn_staff)
    scan(cast.cn_staff, 2, 2)
    scan(cast.cn_staff, 1, 2)  # piece 1 again, now with its count: a duplicate that learns "of 2"


def reused_number(*, code, cast, scan):
    """Customer's order delivered 100 days ago; the other customer registers the same number: a new order."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    order = _to_the_depot(scan(cast.cn_staff).consignment.pk, cast)
    consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=cast.vn_staff)
    Consignment.objects.filter(pk=order.pk).update(finished_at=timezone.now() - timedelta(days=100))
    TrackingNumberFactory(customer=cast.other_customer, code=code)
    scan(cast.cn_staff)
    scan(cast.cn_staff)


def finished_recently(*, code, cast, scan):
    """Delivered 10 days ago: the number is still the old order's, a scan is a duplicate."""
    TrackingNumberFactory(customer=cast.customer, code=code)
    order = _to_the_depot(scan(cast.cn_staff).consignment.pk, cast)
    consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=cast.vn_staff)
    Consignment.objects.filter(pk=order.pk).update(finished_at=timezone.now() - timedelta(days=10))
    scan(cast.cn_staff)


def pieces_at_two_warehouses(*, code, cast, scan):
    """Two pieces wait unidentified at the first warehouse; registered; the third is scanned at another:
    the order is where its first parcel is."""
    scan(cast.cn_staff, 1, 3)
    scan(cast.cn_staff, 2, 3)
    TrackingNumberFactory(customer=cast.customer, code=code)
    scan(cast.second_staff, 3, 3)


M, P, D, U, C = (
    ScanResult.MATCHED,
    ScanResult.PIECE,
    ScanResult.DUPLICATE,
    ScanResult.UNIDENTIFIED,
    ScanResult.CONFLICT,
)
EXPECTED_OUTCOMES = {
    matched: [M],
    matched_to_the_province_depot: [M],
    duplicate: [M, D],
    unidentified: [U],
    unidentified_twice: [U, U],
    conflict: [C],
    conflict_twice: [C, C],
    registered_after_first_scan: [U, M],
    matched_beside_a_taken_registration: [M],
    duplicate_after_the_order_moved: [M, D],
    two_pieces: [M, P, D],
    pieces_before_the_registration: [U, U, M],
    plain_then_piece_two: [M, P, D],
    reused_number: [M, M, D],
    finished_recently: [M, D],
    pieces_at_two_warehouses: [U, U, M],
}
SCENARIOS = [pytest.param(scenario, id=scenario.__name__) for scenario in EXPECTED_OUTCOMES]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_function_leaves_what_the_orm_scan_leaves(cast, scenario, django_capture_on_commit_callbacks):
    in_database = _run("database", scenario, cast, django_capture_on_commit_callbacks)
    in_python = _run("python", scenario, cast, django_capture_on_commit_callbacks)

    # The reference itself behaves as the scenario says, so that agreeing means something.
    assert [r["outcome"] for r in in_python["results"]] == EXPECTED_OUTCOMES[scenario]
    assert in_database["rows"] == in_python["rows"]
    assert in_database["results"] == in_python["results"]
    assert in_database["on_commit"] == in_python["on_commit"]


def test_pieces_make_one_order_with_their_counts(cast, django_capture_on_commit_callbacks):
    for implementation in IMPLEMENTATIONS:
        run = _run(implementation, pieces_before_the_registration, cast, django_capture_on_commit_callbacks)
        rows = run["rows"]
        assert [p["order"] for p in rows["parcels"]] == ["order 1"] * 3
        assert [(r["arrived"], r["expected"]) for r in run["results"]] == [(1, 3), (2, 3), (3, 3)]
        assert [e["kind"] for e in rows["orders"][0]["events"]] == ["status"]
        assert rows["trackings"][0]["consignment"] == "order 1"


def test_a_reused_number_retires_the_old_order(cast, django_capture_on_commit_callbacks):
    for implementation in IMPLEMENTATIONS:
        run = _run(implementation, reused_number, cast, django_capture_on_commit_callbacks)
        orders = run["rows"]["orders"]
        assert [(o["customer_id"], o["retired"]) for o in orders] == [
            (cast.customer.pk, True),
            (cast.other_customer.pk, False),
        ]
        assert [(p["order"], p["retired"]) for p in run["rows"]["parcels"]] == [
            ("order 1", True),
            ("order 2", False),
        ]
        assert run["results"][-1]["consignment"]["customer_id"] == cast.other_customer.pk


def test_the_destination_is_the_depot_of_the_customers_province(cast, django_capture_on_commit_callbacks):
    run = _run("python", matched, cast, django_capture_on_commit_callbacks)  # no mapping: the first depot
    assert run["results"][0]["consignment"]["destination.name"] == cast.vn_staff.warehouse.name
    run = _run("database", matched_to_the_province_depot, cast, django_capture_on_commit_callbacks)
    assert run["results"][0]["consignment"]["destination.name"] == "Kho phân phối TP.HCM"


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
    read = ScanRead(code="SF123456789012", piece=None, pieces=None, source="barcode")
    result = IMPLEMENTATIONS[implementation](read=read, warehouse=cn_staff.warehouse, by=cn_staff)
    parcel = Parcel.objects.get()
    assert parcel.pk == 123456790
    assert result.consignment.code == "KG123456790" == f"KG{parcel.pk:08d}"
    assert Consignment.objects.get().code == "KG123456790"


def test_fields_the_function_did_not_return_are_read_from_the_database(postgres, customer, cn_staff):
    VietnamDepotFactory()
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
    assert result.parcel.consignment is consignment
    assert consignment.current_warehouse == cn_staff.warehouse
    assert consignment.destination == cn_staff.warehouse.__class__.objects.get(code="HN")
    # And what it did return is what the database holds.
    row = Consignment.objects.select_related("customer").get(pk=consignment.pk)
    for field in ("code", "status", "customer_id", "tracking_code", "current_warehouse_id", "destination_id"):
        assert getattr(consignment, field) == getattr(row, field), field
    assert consignment.customer.username == row.customer.username == "thubin89x"
    assert consignment.customer.customer_code == row.customer.customer_code == "YW532"


def test_the_function_is_told_the_piece(postgres, customer, cn_staff):
    """What the scanner sent reaches the function: `]C1` dropped, `-2-3` a piece, a QR's waybill read."""
    TrackingNumberFactory(customer=customer, code="JDAWX021335190001")
    result = parcel_scan(raw_code="]C1JDAWX021335190001-2-3", warehouse=cn_staff.warehouse, by=cn_staff)
    assert (result.outcome, result.parcel.piece_number, result.parcel.piece_count) == (
        ScanResult.MATCHED,
        2,
        3,
    )
    assert (result.arrived, result.expected) == (1, 3)
    assert result.read.piece == 2
    result = parcel_scan(raw_code="JDAWX021335190001-1-3", warehouse=cn_staff.warehouse, by=cn_staff)
    assert (result.outcome, result.arrived, result.expected) == (ScanResult.PIECE, 2, 3)
    assert Consignment.objects.get().tracking_code == "JDAWX021335190001"
    assert sorted(Parcel.objects.values_list("tracking_code", "piece_number")) == [
        ("JDAWX021335190001", 1),
        ("JDAWX021335190001", 2),
    ]
