"""Vietnam depot receiving: one parcel scan while receiving a trip of 5,000 orders.

depot_receive_scan_p99_ms: a trip of BENCH_RECEIVING_ORDERS (5,000) orders in transit, one parcel each, in
100 bags for the Hà Nội depot, departed (made with bulk ORM inserts, with the history rows the journey
leaves); the depot opens it (the view), then BENCH_RECEIVING_SCANS (300) parcels are scanned bag by bag
through the scan view as the station sends them (django.test.Client, htmx: the server's time, no network),
after 5 untimed ones (then gc.freeze(), as gunicorn.conf.py's workers do once loaded). Each scan receives the order's last parcel, so each is the whole path: the order
moves to Chờ giao with its history row, the request for its final charge is queued (the worker prices it
after the commit: billing.tasks.price_requested, a published fee schedule) and so is the customer's
notification with the depot and the free storage deadline. On PostgreSQL the receipt is one call of the
database function of migration shipping 0003. As in production, the worker is woken at most once a second
(core.broker.Kick). p99 and median; goal p99 ≤ 15 ms.
"""

import contextlib
import gc
import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.figures import Figure, env_int, percentile

BAGS = 100
BRACKETS = ((0, 10_000, 28_000), (10_000, 30_000, 26_000), (30_000, None, 24_000))


def run():
    orders = env_int("BENCH_RECEIVING_ORDERS", 5_000)
    scans = env_int("BENCH_RECEIVING_SCANS", 300)
    started = time.perf_counter()
    staff, trip, bags = _trip(orders)
    yield f"receiving: trip of {orders} orders in {len(bags)} bags made in {time.perf_counter() - started:.1f} s"
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("shipping:receiving_trip_open", args=[trip.pk]))
    if response.status_code != 302:
        raise SystemExit(f"bench: opening the trip answered {response.status_code}")
    codes = [(bag, code) for bag in bags for code in _codes_of(bag)]
    if len(codes) < scans + 5:
        raise SystemExit(f"bench: the trip has {len(codes)} parcels, fewer than {scans + 5} scans")
    samples, queries = [], []
    counter = _Counter()
    # As in production: the request queues its notification (the outbox row) and wakes the worker; the
    # worker delivers it elsewhere. An in-memory broker stands in for Redis.
    with _publish_only(), connection.execute_wrapper(counter):
        for i, (bag, code) in enumerate(codes[: scans + 5]):
            if i == 5:  # warmed up: what the process has loaded is frozen, as gunicorn.conf.py's workers do
                gc.collect()
                gc.freeze()
            url = reverse("shipping:receiving_parcel", args=[trip.pk, bag])
            counter.count, counter.sql = 0, []
            began = time.perf_counter()
            response = client.post(url, {"code": code}, HTTP_HX_REQUEST="true")
            ms = (time.perf_counter() - began) * 1000
            if response.status_code != 200 or b'data-outcome="matched"' not in response.content:
                raise SystemExit(f"bench: scanning {code} did not receive it ({response.status_code})")
            if i >= 5:
                samples.append(ms)
                queries.append(counter.count)
    gc.unfreeze()
    from consignments.models import Consignment, ConsignmentStatus

    ready = Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY).count()
    if ready != scans + 5:
        raise SystemExit(f"bench: {ready} orders awaiting delivery after {scans + 5} scans")
    # What the worker then does with the requests the scans queued: the final charge of each order.
    from billing.models import Charge, ChargeStage, PricingRequest
    from billing.services.charges import charges_price_requested

    if PricingRequest.objects.count() != scans + 5:
        raise SystemExit("bench: the scans did not each queue the order's final charge")
    began = time.perf_counter()
    priced = charges_price_requested()
    worker_ms = (time.perf_counter() - began) * 1000
    finals = Charge.objects.filter(is_current=True, stage=ChargeStage.FINAL).count()
    if priced != scans + 5 or finals != scans + 5:
        raise SystemExit(f"bench: the worker priced {finals} of {scans + 5} orders final")
    for sql in counter.sql:
        yield f"receiving sql: {sql}"
    yield f"receiving: {scans} timed scans, {statistics.median(queries):.0f} statements each (median, transaction control included)"
    yield Figure("depot_receive_scan_p99_ms", percentile(samples, 99), "ms")
    yield Figure("depot_receive_scan_median_ms", statistics.median(samples), "ms")
    yield Figure("final_charge_worker_ms_per_order", worker_ms / priced, "ms")


class _Counter:
    """Counts the statements of a scan; BENCH_RECEIVING_SQL=1 keeps the last scan's SQL to print."""

    def __init__(self):
        self.count = 0
        self.keep = os.environ.get("BENCH_RECEIVING_SQL") == "1"
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep:
            self.sql.append(sql[:300])
        return execute(sql, params, many, context)


@contextlib.contextmanager
def _publish_only():
    from django.test import override_settings

    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://localhost/"
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):  # wake-ups at most once a second (Kick)
            yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


def _codes_of(bag_pk):
    from shipping.models import BagParcel

    return list(
        BagParcel.objects.filter(bag_id=bag_pk)
        .order_by("pk")
        .values_list("parcel__consignment__code", flat=True)
    )


def _trip(count: int):
    """A departed trip of `count` one-parcel orders in BAGS bags for the Hà Nội depot, a fee schedule in
    force; returns (the depot's staff member, the trip, the bag ids)."""
    from accounts.models import Role, User
    from billing.models import CustomerGroup, ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
    from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
    from shipping.models import Bag, BagParcel, BagStatus, Trip, TripStatus
    from warehouse.models import Parcel, Warehouse

    now = timezone.now()
    china = Warehouse.objects.create(
        code="GZ", name="Kho Quảng Châu", kind=Warehouse.Kind.CHINA, address="广州"
    )
    depot = Warehouse.objects.create(
        code="HN",
        name="Kho phân phối Hà Nội",
        kind=Warehouse.Kind.VIETNAM,
        address="Số 1 Phạm Văn Đồng, Cầu Giấy, Hà Nội",
        phone="0243 000 0000",
        opening_hours="8:00–18:00, T2–T7",
    )
    CustomerGroup.objects.create(code="normal", name="normal", is_default=True)
    ExchangeRate.objects.create(effective_from=now - timedelta(days=60), vnd_per_cny=Decimal("3650"))
    schedule = FeeSchedule.objects.create(
        name="bench", status=ScheduleStatus.PUBLISHED, effective_from=now - timedelta(days=30)
    )
    for lo, hi, price in BRACKETS:
        FreightBracket.objects.create(
            schedule=schedule, depot=depot, from_g=lo, to_g=hi, price_per_kg_vnd=price
        )
    cn_staff = User.objects.create(username="benchcn", role=Role.CHINA_STAFF, warehouse=china, password="!")
    staff = User.objects.create(username="benchvn", role=Role.VIETNAM_STAFF, warehouse=depot, password="!")
    customers = User.objects.bulk_create(
        [
            User(username=f"benchrc{i}", customer_code=f"RC{i:03d}", role=Role.CUSTOMER, password="!")
            for i in range(500)
        ]
    )
    orders = Consignment.objects.bulk_create(
        [
            Consignment(
                code=f"KG{10_000_000 + i:08d}",
                customer=customers[i % len(customers)],
                tracking_code=f"YTRECV{i:010d}",
                status=ConsignmentStatus.IN_TRANSIT,
                weight_g=800 + i % 9 * 700,
                chargeable_weight_g=800 + i % 9 * 700,
                destination=depot,
                current_warehouse=china,
                goods_vi="Quần áo",
                goods_quantity=3,
                goods_unit_value_fen=5_000,
            )
            for i in range(count)
        ],
        batch_size=2_000,
    )
    parcels = Parcel.objects.bulk_create(
        [
            Parcel(
                tracking_code=o.tracking_code,
                consignment=o,
                warehouse=china,
                scanned_by=cn_staff,
                weight_g=o.weight_g,
                chargeable_weight_g=o.weight_g,
            )
            for o in orders
        ],
        batch_size=2_000,
    )
    ConsignmentEvent.objects.bulk_create(
        [
            ConsignmentEvent(consignment=o, old_status=old, new_status=new, warehouse=china, by=cn_staff)
            for o in orders
            for old, new in (
                ("", ConsignmentStatus.CN_RECEIVED),
                (ConsignmentStatus.CN_RECEIVED, ConsignmentStatus.IN_TRANSIT),
            )
        ],
        batch_size=5_000,
    )
    trip = Trip.objects.create(
        code="TMP",
        origin=china,
        plate="29C-123.45",
        created_by=cn_staff,
        status=TripStatus.DEPARTED,
        departed_by=cn_staff,
        departed_at=now - timedelta(days=3),
    )
    Trip.objects.filter(pk=trip.pk).update(code=f"T{trip.pk:06d}")
    per_bag = -(-count // BAGS)
    bags = Bag.objects.bulk_create(
        [
            Bag(
                code=f"BTMP{b}",
                origin=china,
                destination=depot,
                status=BagStatus.LOADED,
                trip=trip,
                opened_by=cn_staff,
                closed_by=cn_staff,
                closed_at=now - timedelta(days=4),
                parcel_count=len(parcels[b * per_bag : (b + 1) * per_bag]),
            )
            for b in range(BAGS)
        ]
    )
    for bag in bags:
        Bag.objects.filter(pk=bag.pk).update(code=f"B{bag.pk:07d}")
    BagParcel.objects.bulk_create(
        [BagParcel(bag=bags[i // per_bag], parcel=p, added_by=cn_staff) for i, p in enumerate(parcels)],
        batch_size=5_000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return staff, trip, [b.pk for b in bags]
