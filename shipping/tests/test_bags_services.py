"""Bags at the China warehouse: opening, scanning parcels in and out, and every refusal (each changing
nothing). Closing, reopening and deleting: test_bags_closing.py.

The fixtures and `ready_order` here are imported by the other test_bag* modules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.services import consignment_declare
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from shipping.models import Bag, BagParcel, BagStatus
from shipping.services.bags import BagScanResult, bag_close, bag_open, bag_scan
from warehouse.models import Parcel, Warehouse
from warehouse.services import parcel_measure
from warehouse.tests.factories import ChinaWarehouseFactory, ParcelFactory, VietnamDepotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hn(db):
    return VietnamDepotFactory(code="HN", name="Kho phân phối Hà Nội")


@pytest.fixture
def sg(db):
    return VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM", address="Quận 7, TP.HCM")


@pytest.fixture
def bag(cn_staff, hn):
    return bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)


def ready_order(customer, by, *, pieces=1, weight_g=1_250, declare=True, weigh=True, **kwargs):
    """An order at the China warehouse GZ, each parcel weighed and the order declared, as the station
    leaves it before bagging (destination HN unless given)."""
    order = ConsignmentFactory(customer=customer, pieces=pieces, **kwargs)
    if weigh:
        for parcel in order.parcels.order_by("piece_number"):
            parcel_measure(parcel=parcel, weight_g=weight_g, by=by)
    if declare:
        consignment_declare(
            consignment=order,
            goods_vi="Váy liền nữ",
            goods_zh="女士连衣裙",
            quantity=3,
            unit_value_fen=4_550,
            by=by,
        )
    order.refresh_from_db()
    return order


def piece(order, number=1) -> Parcel:
    return order.parcels.get(piece_number=number)


def bagged_events(order):
    return list(ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.BAGGED).order_by("id"))


# --- opening ---------------------------------------------------------------------------------------------


def test_a_new_bag_is_open_with_a_code_from_its_id(bag, cn_staff, hn):
    assert bag.code == f"B{bag.pk:07d}"
    assert Bag.objects.get(pk=bag.pk).code == bag.code
    assert (bag.status, bag.origin, bag.destination, bag.opened_by) == (
        BagStatus.OPEN,
        cn_staff.warehouse,
        hn,
        cn_staff,
    )


def test_a_bag_goes_to_an_active_vietnam_depot(cn_staff, hn):
    with pytest.raises(DomainError) as china:
        bag_open(origin=cn_staff.warehouse, destination=cn_staff.warehouse, by=cn_staff)
    Warehouse.objects.filter(pk=hn.pk).update(is_active=False)
    hn.refresh_from_db()
    with pytest.raises(DomainError) as inactive:
        bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    with pytest.raises(DomainError) as from_depot:
        bag_open(origin=hn, destination=hn, by=cn_staff)
    assert {china.value.code, inactive.value.code, from_depot.value.code} == {"depot", "origin"}
    assert not Bag.objects.exists()


# --- scanning in and out ---------------------------------------------------------------------------------


def test_a_parcel_label_puts_the_parcel_in_the_bag_with_a_history_row(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff)

    result = bag_scan(bag=bag, raw_code=order.code, by=cn_staff)

    assert result.outcome == BagScanResult.ADDED
    assert (result.code, result.consignment, result.customer_code) == (order.code, order, "YW532")
    item = BagParcel.objects.get()
    assert (item.bag, item.parcel, item.added_by) == (bag, piece(order), cn_staff)
    [event] = bagged_events(order)
    assert event.data == {"bag": bag.code, "parcel": order.code}
    assert event.old_status == event.new_status == ConsignmentStatus.CN_RECEIVED
    assert event.by == cn_staff


def test_the_scanners_wrapping_and_the_tracking_number_are_understood(bag, customer, cn_staff):
    by_label = ready_order(customer, cn_staff)
    by_waybill = ready_order(customer, cn_staff, tracking_code="SF1234567890123")
    full_width = ready_order(customer, cn_staff)

    assert bag_scan(bag=bag, raw_code=f"]C0{by_label.code.lower()}\r\n", by=cn_staff).consignment == by_label
    assert bag_scan(bag=bag, raw_code=" SF1234567890123\t", by=cn_staff).consignment == by_waybill
    wide = full_width.code.translate({ord(c): ord(c) + 0xFEE0 for c in full_width.code})  # ＫＧ０…
    assert bag_scan(bag=bag, raw_code=wide, by=cn_staff).consignment == full_width
    assert BagParcel.objects.filter(bag=bag).count() == 3


def test_each_piece_of_an_order_goes_in_by_its_own_label(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff, pieces=2)

    second = bag_scan(bag=bag, raw_code=f"{order.code}-2", by=cn_staff)

    assert (second.code, second.parcel) == (f"{order.code}-2", piece(order, 2))
    with pytest.raises(DomainError) as several:
        bag_scan(bag=bag, raw_code=order.tracking_code, by=cn_staff)  # which of the two boxes?
    assert several.value.code == "several"
    first = bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    assert first.parcel == piece(order, 1)
    assert BagParcel.objects.filter(bag=bag).count() == 2


def test_scanning_a_parcel_of_this_bag_again_takes_it_out(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff)
    bag_scan(bag=bag, raw_code=order.code, by=cn_staff)

    result = bag_scan(bag=bag, raw_code=order.tracking_code, by=cn_staff)

    assert result.outcome == BagScanResult.REMOVED
    assert not BagParcel.objects.exists()
    added, removed = bagged_events(order)
    assert removed.data == {"bag": bag.code, "parcel": order.code, "removed": True}
    # and back in again
    assert bag_scan(bag=bag, raw_code=order.code, by=cn_staff).outcome == BagScanResult.ADDED


def test_a_parcel_of_this_bag_comes_out_even_when_its_order_can_no_longer_go(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff)
    bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    type(order).objects.filter(pk=order.pk).update(status=ConsignmentStatus.CANCELLED)

    assert bag_scan(bag=bag, raw_code=order.code, by=cn_staff).outcome == BagScanResult.REMOVED


# --- refusals: each with its reason, nothing changed -----------------------------------------------------


def _refused(bag, raw, by) -> DomainError:
    items, events = BagParcel.objects.count(), ConsignmentEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        bag_scan(bag=bag, raw_code=raw, by=by)
    assert (BagParcel.objects.count(), ConsignmentEvent.objects.count()) == (items, events)
    return refused.value


def test_an_order_for_another_depot_is_refused_naming_its_depot(bag, customer, cn_staff, sg):
    order = ready_order(customer, cn_staff, destination=sg)
    error = _refused(bag, order.code, cn_staff)
    assert error.code == "other_depot"
    assert "Kho phân phối TP.HCM" in error.message and "Kho phân phối Hà Nội" in error.message


def test_an_order_without_a_depot_is_refused(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff, destination=None)
    assert _refused(bag, order.code, cn_staff).code == "other_depot"


def test_an_undeclared_order_is_refused(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff, declare=False)
    assert _refused(bag, order.code, cn_staff).code == "undeclared"


def test_an_unweighed_parcel_is_refused(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff, weigh=False)
    assert _refused(bag, order.code, cn_staff).code == "unweighed"
    half = ready_order(customer, cn_staff, pieces=2, weigh=False)
    parcel_measure(parcel=piece(half, 1), weight_g=900, by=cn_staff)
    assert bag_scan(bag=bag, raw_code=half.code, by=cn_staff).outcome == BagScanResult.ADDED
    assert _refused(bag, f"{half.code}-2", cn_staff).code == "unweighed"


@pytest.mark.parametrize(
    "status", [ConsignmentStatus.CANCELLED, ConsignmentStatus.LOST, ConsignmentStatus.IN_TRANSIT]
)
def test_an_order_no_longer_at_the_china_warehouse_is_refused_with_its_status(
    bag, customer, cn_staff, status
):
    order = ready_order(customer, cn_staff)
    type(order).objects.filter(pk=order.pk).update(status=status)
    error = _refused(bag, order.code, cn_staff)
    assert error.code == "status" and str(ConsignmentStatus(status).label) in error.message


def test_an_order_at_another_china_warehouse_is_refused(bag, customer, cn_staff):
    shenzhen = ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến")
    order = ready_order(customer, cn_staff, current_warehouse=shenzhen)
    assert _refused(bag, order.code, cn_staff).code == "warehouse"


def test_a_parcel_already_in_another_bag_is_refused_naming_the_bag(bag, customer, cn_staff, hn):
    order = ready_order(customer, cn_staff)
    other = bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    bag_scan(bag=other, raw_code=order.code, by=cn_staff)

    error = _refused(bag, order.code, cn_staff)

    assert error.code == "in_other_bag" and other.code in error.message
    assert BagParcel.objects.get().bag == other


def test_a_parcel_another_station_bagged_a_moment_ago_is_named(bag, customer, cn_staff, hn, monkeypatch):
    """Read free, then put in another bag before this scan inserts: the unique parcel refuses the insert,
    and the scan names the bag that has it (what two stations scanning at once meet on PostgreSQL)."""
    from shipping.services import bags as service

    order = ready_order(customer, cn_staff)
    stale = service._find_parcel(order.code)  # no bag yet
    other = bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    bag_scan(bag=other, raw_code=order.code, by=cn_staff)
    monkeypatch.setattr(service, "_find_parcel", lambda text: stale)

    error = _refused(bag, order.code, cn_staff)

    assert error.code == "in_other_bag" and other.code in error.message
    assert BagParcel.objects.get().bag == other


def test_a_label_printed_for_another_depot_is_refused(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff)
    Parcel.objects.filter(consignment=order).update(label_destination="SG")
    assert _refused(bag, order.code, cn_staff).code == "stale_label"
    Parcel.objects.filter(consignment=order).update(label_destination="HN")
    assert bag_scan(bag=bag, raw_code=order.code, by=cn_staff).outcome == BagScanResult.ADDED


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("KG99999999", "unknown"),  # a label's shape, no such order
        ("YT8888888888888", "unknown"),  # a waybill nobody scanned here
        ("hello?", "unknown"),
        ("", "empty"),
        ("\r\n", "empty"),
        ("B0000042", "bag_code"),
        ("]C0B0000042", "bag_code"),
        ("T000042", "trip_code"),
    ],
)
def test_codes_that_name_no_parcel_are_refused(bag, cn_staff, raw, code):
    assert _refused(bag, raw, cn_staff).code == code


def test_a_bag_code_says_it_is_a_bag(bag, cn_staff):
    error = _refused(bag, bag.code, cn_staff)
    assert error.code == "bag_code" and bag.code in error.message


def test_an_unidentified_parcel_is_refused(bag, cn_staff):
    ParcelFactory(tracking_code="YT7777777777777", weight_g=500)
    assert _refused(bag, "YT7777777777777", cn_staff).code == "unidentified"


def test_a_10_kb_scan_is_refused_before_any_database_work(bag, cn_staff):
    with CaptureQueriesContext(connection) as queries, pytest.raises(DomainError) as refused:
        bag_scan(bag=bag, raw_code="KG" + "1" * 10_240, by=cn_staff)
    assert refused.value.code == "long"
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == []


def test_a_closed_bag_takes_nothing(bag, customer, cn_staff):
    first, second = ready_order(customer, cn_staff), ready_order(customer, cn_staff)
    bag_scan(bag=bag, raw_code=first.code, by=cn_staff)
    bag_close(bag=bag, weight_g=1_400, by=cn_staff)
    assert _refused(bag, second.code, cn_staff).code == "closed"
    assert _refused(bag, first.code, cn_staff).code == "closed"  # nor gives anything back
