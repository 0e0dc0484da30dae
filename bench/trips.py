"""A trip departing: shipping.services.trips.trip_depart on a full truck.

trip_depart_5000_s: a trip of BENCH_TRIP_ORDERS orders (5,000) from BENCH_TRIP_CUSTOMERS customers (800) in
BENCH_TRIP_BAGS closed bags (100), loaded and ready: every order weighed and declared, 70 % for Hà Nội and
30 % for TP.HCM, one order in ten in two pieces packed in two different bags (it still moves once). The
figure is one call of the depart service, from the call to its commit: the trip's row lock and
compare-and-set, the bags loaded, the first checkpoint, every order to Vận chuyển quốc tế (one UPDATE and a
history row each) and one queued notification per customer (the outbox rows). Delivering them is the
worker's, later: the wake-up after commit is left out (the rows stay pending and are counted).

Also printed: the history rows and the pending notifications the departure created (a second call, a
double click, must change nothing); trip_checkpoint_5000_s, a checkpoint on the departed trip (a ROUTE
history row on each of the 5,000 orders); trip_manifest_pdf_5000_s and trip_manifest_xlsx_5000_s, the
manifest's data and file.
"""

import io
import time
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from bench.figures import Figure, env_int
from bench.loading import analyze


def run():
    from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
    from notifications.models import PendingNotification
    from shipping.models import Bag, BagParcel, BagStatus, CheckpointKind, Trip
    from shipping.services.trips import trip_checkpoint_add, trip_create, trip_depart
    from shipping.trip_manifest import trip_manifest, trip_manifest_pdf
    from shipping.trip_manifest_xlsx import trip_manifest_xlsx
    from warehouse.models import Parcel, Warehouse

    orders_n = env_int("BENCH_TRIP_ORDERS", 5_000)
    customers_n = env_int("BENCH_TRIP_CUSTOMERS", 800)
    bags_n = env_int("BENCH_TRIP_BAGS", 100, minimum=2)
    started = time.perf_counter()
    china = Warehouse.objects.create(
        code="GZ", name="Kho Quảng Châu", kind=Warehouse.Kind.CHINA, address="广州"
    )
    depots = [
        Warehouse.objects.create(code="HN", name="Kho Hà Nội", kind=Warehouse.Kind.VIETNAM, address="Hà Nội"),
        Warehouse.objects.create(code="SG", name="Kho TP.HCM", kind=Warehouse.Kind.VIETNAM, address="TP.HCM"),
    ]
    staff = User.objects.create(username="benchcn", role=Role.CHINA_STAFF, warehouse=china, password="!")
    customers = User.objects.bulk_create(
        [
            User(
                username=f"benchtrip{i}",
                customer_code=f"BT{i:05d}",
                role=Role.CUSTOMER,
                password=make_password(None),
            )
            for i in range(customers_n)
        ],
        batch_size=2_000,
    )
    orders = Consignment.objects.bulk_create(
        [
            Consignment(
                code=f"KT{i:08d}",
                customer=customers[i % customers_n],
                tracking_code=f"YTTRIP{i:09d}",
                status=ConsignmentStatus.CN_RECEIVED,
                weight_g=1_200 + i % 9 * 500,
                chargeable_weight_g=1_200 + i % 9 * 500,
                destination=depots[0] if i % 10 < 7 else depots[1],
                current_warehouse=china,
                goods_vi="Quần áo",
                goods_zh="衣服",
                goods_quantity=1 + i % 5,
                goods_unit_value_fen=3_500 + i % 7 * 100,
            )
            for i in range(orders_n)
        ],
        batch_size=2_000,
    )
    ConsignmentEvent.objects.bulk_create(
        [ConsignmentEvent(consignment=o, new_status=o.status, warehouse=china) for o in orders],
        batch_size=2_000,
    )
    parcels = []
    for i, order in enumerate(orders):
        pieces = 2 if i % 10 == 9 else 1
        for piece in range(1, pieces + 1):
            parcels.append(
                Parcel(
                    tracking_code=order.tracking_code,
                    piece_number=piece,
                    piece_count=pieces if pieces > 1 else None,
                    consignment=order,
                    warehouse=china,
                    scanned_by=staff,
                    weight_g=order.weight_g // pieces,
                    chargeable_weight_g=order.weight_g // pieces,
                )
            )
    parcels = Parcel.objects.bulk_create(parcels, batch_size=2_000)
    trip = trip_create(origin=china, plate="29C-999.99", driver="Bench", by=staff)
    # Bags per depot in proportion to its orders; a depot's parcels dealt round the depot's bags in turn,
    # so the two pieces of an order land in two bags.
    hn_bags = max(1, min(bags_n - 1, round(bags_n * 0.7)))
    per_depot = {depots[0].pk: hn_bags, depots[1].pk: bags_n - hn_bags}
    now = timezone.now()
    bags, slots = [], {}
    for depot in depots:
        slots[depot.pk] = []
        for _ in range(per_depot[depot.pk]):
            number = len(bags) + 1
            bags.append(
                Bag(
                    code=f"B{number:07d}",
                    origin=china,
                    destination=depot,
                    status=BagStatus.CLOSED,
                    trip=trip,
                    opened_by=staff,
                    closed_by=staff,
                    closed_at=now,
                )
            )
            slots[depot.pk].append(bags[-1])
    bags = Bag.objects.bulk_create(bags)
    items, turn = [], {depot.pk: 0 for depot in depots}
    depot_of = {o.pk: o.destination_id for o in orders}
    for parcel in parcels:
        depot_id = depot_of[parcel.consignment_id]
        bag = slots[depot_id][turn[depot_id] % len(slots[depot_id])]
        turn[depot_id] += 1
        bag.parcel_count += 1
        bag.parcels_weight_g += parcel.weight_g
        items.append(BagParcel(bag=bag, parcel=parcel, added_by=staff))
    BagParcel.objects.bulk_create(items, batch_size=2_000)
    for bag in bags:
        bag.weight_g = bag.parcels_weight_g + 300
    Bag.objects.bulk_update(bags, ["parcel_count", "parcels_weight_g", "weight_g"], batch_size=500)
    analyze()
    yield (
        f"trips: {orders_n} orders, {len(parcels)} parcels, {customers_n} customers, {len(bags)} bags loaded "
        f"in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )

    events_before = ConsignmentEvent.objects.count()
    pending_before = PendingNotification.objects.count()
    with mock.patch("shipping.services.trips.notifications_kick"):  # the worker delivers, later
        started = time.perf_counter()
        departure = trip_depart(trip=Trip.objects.get(pk=trip.pk), by=staff)
        elapsed = time.perf_counter() - started
        again = trip_depart(trip=Trip.objects.get(pk=trip.pk), by=staff)
    history = ConsignmentEvent.objects.count() - events_before
    pending = PendingNotification.objects.count() - pending_before
    moved = Consignment.objects.filter(status=ConsignmentStatus.IN_TRANSIT).count()
    if not departure.departed or departure.orders != orders_n or moved != orders_n:
        raise SystemExit(
            f"bench: the trip moved {departure.orders} orders ({moved} in transit), not {orders_n}"
        )
    if again.departed or history != orders_n or pending != customers_n:
        raise SystemExit(f"bench: {history} history rows, {pending} notifications after departing twice")
    yield Figure("trip_depart_5000_s", elapsed, "s", digits=3)
    yield Figure("trip_depart_history_rows", history, "rows", digits=0)
    yield Figure("trip_depart_pending_notifications", pending, "rows", digits=0)

    started = time.perf_counter()
    trip_checkpoint_add(
        trip=Trip.objects.get(pk=trip.pk),
        kind=CheckpointKind.BORDER,
        place="Pingxiang",
        at=timezone.now(),
        by=staff,
    )
    yield Figure("trip_checkpoint_5000_s", time.perf_counter() - started, "s", digits=3)
    manifest_started = time.perf_counter()
    manifest = trip_manifest(Trip.objects.select_related("origin").get(pk=trip.pk))
    pdf = trip_manifest_pdf(manifest)
    yield Figure("trip_manifest_pdf_5000_s", time.perf_counter() - manifest_started, "s")
    started = time.perf_counter()
    trip_manifest_xlsx(trip_manifest(Trip.objects.select_related("origin").get(pk=trip.pk)), io.BytesIO())
    yield Figure("trip_manifest_xlsx_5000_s", time.perf_counter() - started, "s")
    yield f"trips: manifest PDF {len(pdf) // 1024} KB"
