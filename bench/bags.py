"""Bags: scanning parcels into a bag at the China warehouse, through the bag station's scan view.

bag_scan_p99_ms: 5,000 orders weighed and declared at the China warehouse (made in bulk, one parcel each),
3,000 of them already in three closed bags; China staff scan BENCH_BAG_PARCELS (1,000) of the others into one
open bag, through the scan view as the station posts it (htmx, django.test.Client: the server's time, no
network), three scans in four by the parcel label's code (KG…) and one by the supplier's tracking number.
The bag grows from 0 to 1,000 parcels; the first BENCH_BAG_WARMUP (10) scans are not timed. p99 and median.
bag_scan_queries: the database queries of one scan (session and user included; savepoints not counted).
"""

import re
import statistics
import time

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.figures import Figure, env_int, percentile

TX_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I
)
ORDERS = 5_000
ALREADY_BAGGED = 3_000


def run():
    from accounts.models import Role, User
    from warehouse.models import Warehouse

    china = Warehouse.objects.create(
        code="GZ", name="Kho Quảng Châu", kind=Warehouse.Kind.CHINA, address="广州"
    )
    depot = Warehouse.objects.create(
        code="HN", name="Kho phân phối Hà Nội", kind=Warehouse.Kind.VIETNAM, address="Hà Nội"
    )
    staff = User.objects.create(
        username="benchbagger", role=Role.CHINA_STAFF, warehouse=china, password=make_password(None)
    )
    count = env_int("BENCH_BAG_PARCELS", 1_000)
    warmup = env_int("BENCH_BAG_WARMUP", 10, minimum=0)
    if count > ORDERS - ALREADY_BAGGED:
        raise SystemExit(f"BENCH_BAG_PARCELS={count}: at most {ORDERS - ALREADY_BAGGED}")
    started = time.perf_counter()
    orders = _ready_orders(china, depot, staff)
    _closed_bags(orders[:ALREADY_BAGGED], china, depot, staff)
    yield (
        f"bags: {ORDERS} orders weighed and declared, {ALREADY_BAGGED} in 3 closed bags, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    yield from _scan(orders[ALREADY_BAGGED : ALREADY_BAGGED + count], china, depot, staff, warmup)


def _ready_orders(china, depot, staff):
    """Orders at the China warehouse as the station leaves them before bagging: weighed, declared."""
    from accounts.models import Role, User
    from consignments.models import Consignment, ConsignmentStatus
    from warehouse.models import Parcel

    customers = User.objects.bulk_create(
        [
            User(username=f"benchbag{i}", customer_code=f"BG{i:03d}", role=Role.CUSTOMER, password="!")
            for i in range(100)
        ]
    )
    parcels = Parcel.objects.bulk_create(
        [
            Parcel(
                tracking_code=f"YT7{i:012d}",  # YTO's shape: YT + 13 digits
                warehouse=china,
                scanned_by=staff,
                weight_g=800 + i % 13 * 150,
                chargeable_weight_g=800 + i % 13 * 150,
            )
            for i in range(ORDERS)
        ],
        batch_size=1_000,
    )
    orders = Consignment.objects.bulk_create(
        [
            Consignment(
                code=f"KG{parcel.pk:08d}",
                customer=customers[i % len(customers)],
                tracking_code=parcel.tracking_code,
                status=ConsignmentStatus.CN_RECEIVED,
                weight_g=parcel.weight_g,
                chargeable_weight_g=parcel.weight_g,
                destination=depot,
                current_warehouse=china,
                goods_vi="Giày thể thao",
                goods_zh="运动鞋",
                goods_quantity=2,
                goods_unit_value_fen=4_550,
            )
            for i, parcel in enumerate(parcels)
        ],
        batch_size=1_000,
    )
    for parcel, order in zip(parcels, orders, strict=True):
        parcel.consignment = order
    Parcel.objects.bulk_update(parcels, ["consignment"], batch_size=1_000)
    return list(zip(orders, parcels, strict=True))


def _closed_bags(pairs, china, depot, staff):
    from shipping.models import Bag, BagParcel, BagStatus

    size = len(pairs) // 3
    for n in range(3):
        chunk = pairs[n * size : (n + 1) * size]
        bag = Bag.objects.create(
            code=f"BX{n}",
            origin=china,
            destination=depot,
            opened_by=staff,
            status=BagStatus.CLOSED,
            closed_by=staff,
            closed_at=timezone.now(),
            parcel_count=len(chunk),
            parcels_weight_g=sum(p.weight_g for _o, p in chunk),
            weight_g=sum(p.weight_g for _o, p in chunk) + 300,
        )
        Bag.objects.filter(pk=bag.pk).update(code=f"B{bag.pk:07d}")
        BagParcel.objects.bulk_create(
            [BagParcel(bag=bag, parcel=parcel, added_by=staff) for _o, parcel in chunk], batch_size=1_000
        )


def _scan(pairs, china, depot, staff, warmup):
    from shipping.models import BagParcel
    from shipping.services.bags import bag_open

    bag = bag_open(origin=china, destination=depot, by=staff)
    client = Client()
    client.force_login(staff)
    url = reverse("shipping:bag_scan", args=[bag.pk])
    samples, queries = [], None
    for i, (order, parcel) in enumerate(pairs):
        code = parcel.tracking_code if i % 4 == 3 else order.code
        if i == len(pairs) // 2:
            with CaptureQueriesContext(connection) as captured:
                ms, response = _timed(client, url, code)
            queries = [q["sql"] for q in captured.captured_queries if not TX_CONTROL.match(q["sql"])]
        else:
            ms, response = _timed(client, url, code)
        if 'data-outcome="matched"' not in response.text:
            raise SystemExit(f"bench: scanning {code} into {bag.code} was not added:\n{response.text[:2000]}")
        if i >= warmup:
            samples.append(ms)
    inside = BagParcel.objects.filter(bag=bag).count()
    if inside != len(pairs):
        raise SystemExit(f"bench: bag {bag.code} holds {inside} parcels, expected {len(pairs)}")
    yield f"bags: {len(pairs)} scans into {bag.code} ({len(samples)} timed), {len(queries)} queries each"
    tenth = max(1, len(samples) // 10)
    yield (
        f"bags: median of the first {tenth} timed scans {statistics.median(samples[:tenth]):.2f} ms, "
        f"of the last {tenth} {statistics.median(samples[-tenth:]):.2f} ms (the bag growing to {inside})"
    )
    yield Figure("bag_scan_p99_ms", percentile(samples, 99), "ms")
    yield Figure("bag_scan_median_ms", statistics.median(samples), "ms")
    yield Figure("bag_scan_queries", len(queries), "queries", digits=0)


def _timed(client, url, code):
    started = time.perf_counter()
    response = client.post(url, {"code": code}, HTTP_HX_REQUEST="true")
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"bench: POST {url} answered {response.status_code}")
    return ms, response
