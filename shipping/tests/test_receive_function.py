"""The depot's PL/pgSQL receiving function (migration shipping 0003) against the ORM receipt it stands for.

Each scenario runs twice in one test database, on a world of its own: once through the function
(receive_in_database) and once through the ORM (_receive_in_python). Both must leave the same rows — the
bag row's receipt, the order's status and depot, its history rows, the request for its final charge, the
customer's notification — and return the same result.
"""

import pytest
from django.db import connection
from django.utils import translation

from accounts.tests.factories import CustomerFactory
from billing.models import PricingRequest
from conftest import need
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
from notifications.models import PendingNotification
from shipping.models import BagParcel
from shipping.services import receiving
from shipping.services.receiving import receiving_parcel_late, receiving_parcel_scan, receiving_trip_open
from shipping.services.receiving_close import receiving_bag_close, receiving_order_lost
from shipping.tests.factories import closed_bag, departed_trip, hcm_depot, ready_order
from warehouse.labels import parcel_code
from warehouse.models import Parcel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def postgres():
    need(
        connection.vendor == "postgresql", "the receiving function is PL/pgSQL: it exists on PostgreSQL only"
    )


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _world(vn_staff, *, pieces=1, bags=1):
    """A customer's order of `pieces` parcels in `bags` bags of a trip opened at vn_staff's depot."""
    depot = vn_staff.warehouse
    order = ready_order(CustomerFactory(), pieces=pieces, destination=depot)
    parcels = list(Parcel.objects.filter(consignment=order).order_by("piece_number"))
    split = [parcels[i::bags] for i in range(bags)]
    made = [closed_bag(orders=[order], parcels=group, destination=depot) for group in split]
    receiving_trip_open(trip=departed_trip(*made), depot=depot, by=vn_staff)
    for bag in made:
        bag.refresh_from_db()
    return order, made, [parcel_code(p) for p in parcels]


def _scan(bag, code, by):
    bag.refresh_from_db()
    return receiving_parcel_scan(bag=bag, depot=by.warehouse, raw_code=code, by=by)


def _snapshot(order, results, staff) -> dict:
    """What a scenario left, with its own codes and people named by their part (the two runs have their own
    order, bags, trip and operations person)."""
    order.refresh_from_db()
    items = list(
        BagParcel.objects.filter(parcel__consignment=order)
        .select_related("bag__trip")
        .order_by("parcel__piece_number")
    )
    names = {order.code: "ORDER"}
    for n, item in enumerate(items):
        names.setdefault(item.bag.code, f"BAG{n}")
        names.setdefault(item.bag.trip.code, "TRIP")

    def plain(text):
        text = text or ""
        for code, name in names.items():
            text = text.replace(code, name)
        return text

    def who(user_id):
        return {staff.pk: "staff", None: None, order.customer_id: "customer"}.get(user_id, "someone else")

    return {
        "results": [
            (
                r.outcome,
                plain(r.message),
                plain(r.code),
                r.ready is not None,
                plain(r.warning),
                r.extra_new,
                r.order_parcels,
                r.order_parcels_here,
            )
            for r in results
        ],
        "items": [(i.received_at is not None, who(i.received_by_id), i.missing) for i in items],
        "order": (order.status, order.current_warehouse_id, order.destination_id),
        "events": [
            (e.kind, e.old_status, e.new_status, who(e.by_id), e.warehouse_id, plain(e.note), _data(e.data))
            for e in ConsignmentEvent.objects.filter(consignment=order).order_by("at", "id")
        ],
        "pricing": [
            (who(by_id), reason, days)
            for by_id, reason, days in PricingRequest.objects.filter(consignment=order).values_list(
                "by_id", "reason", "storage_days"
            )
        ],
        "notifications": [
            (n.kind, who(n.user_id), _data(n.data))
            for n in PendingNotification.objects.filter(consignment=order).order_by("id")
        ],
    }


def _data(data):
    data = dict(data or {})
    data.pop("parcel_id", None)
    data.pop("bag", None)
    data.pop("trip", None)
    return data


SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


@scenario
def one_parcel(vn_staff):
    order, [bag], [code] = _world(vn_staff)
    return order, [_scan(bag, code, vn_staff)]


@scenario
def three_parcels_and_a_repeat(vn_staff):
    order, [bag], codes = _world(vn_staff, pieces=3)
    results = [_scan(bag, code, vn_staff) for code in codes[:2]]
    results.append(_scan(bag, codes[0], vn_staff))  # already received
    results.append(_scan(bag, codes[2], vn_staff))  # the last one: Chờ giao
    results.append(_scan(bag, codes[2], vn_staff))
    return order, results


@scenario
def from_another_bag(vn_staff):
    order, [first, second], codes = _world(vn_staff, pieces=2, bags=2)
    return order, [_scan(first, codes[1], vn_staff), _scan(first, codes[0], vn_staff)]


@scenario
def missing_then_found(vn_staff):
    order, [bag], codes = _world(vn_staff, pieces=2)
    results = [_scan(bag, codes[0], vn_staff)]
    receiving_bag_close(bag=bag, depot=vn_staff.warehouse, by=vn_staff)
    results.append(receiving_parcel_late(depot=vn_staff.warehouse, raw_code=codes[1], by=vn_staff))
    return order, results


@scenario
def lost_then_found(vn_staff):
    from accounts.tests.factories import OperationsFactory

    order, [bag], [code] = _world(vn_staff)
    receiving_bag_close(bag=bag, depot=vn_staff.warehouse, by=vn_staff)
    receiving_order_lost(consignment=order, by=OperationsFactory(), reason="gone")
    return order, [receiving_parcel_late(depot=vn_staff.warehouse, raw_code=code, by=vn_staff)]


@scenario
def now_for_another_depot(vn_staff):
    order, [bag], [code] = _world(vn_staff)
    Consignment.objects.filter(pk=order.pk).update(destination=hcm_depot())
    return order, [_scan(bag, code, vn_staff)]


@scenario
def no_longer_in_transit(vn_staff):
    order, [bag], [code] = _world(vn_staff)
    Consignment.objects.filter(pk=order.pk).update(status=ConsignmentStatus.CANCELLED)
    return order, [_scan(bag, code, vn_staff)]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_function_leaves_what_the_orm_leaves(name, vn_staff, settings):
    snapshots = {}
    for path in ("database", "python"):
        settings.SCAN_IN_DATABASE = path == "database"
        order, results = SCENARIOS[name](vn_staff)
        snapshots[path] = _snapshot(order, results, vn_staff)
    assert snapshots["database"] == snapshots["python"]
    assert snapshots["database"]["items"]  # the scenario did receive something


def test_the_function_is_what_the_scan_calls_on_postgresql(vn_staff, settings, monkeypatch):
    """The hot path really goes through the function: the ORM path is not called."""
    settings.SCAN_IN_DATABASE = True

    def refused(*args, **kwargs):
        raise AssertionError("the ORM path ran")

    monkeypatch.setattr(receiving, "_receive_in_python", refused)
    order, [bag], [code] = _world(vn_staff)
    result = _scan(bag, code, vn_staff)
    assert result.ready is not None
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    assert PricingRequest.objects.filter(consignment=order).count() == 1
