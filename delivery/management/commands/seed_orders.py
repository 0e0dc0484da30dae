"""Demo orders for `make run`, made the way the product makes them (registration, scan, weigh, declare, bag,
trip, receiving, wallet, delivery request, release note, counter): a newcomer sees a living system.

After seed_demo and seed_billing (seed_demo calls both). The demo customer thubin89x (YW532) gets tracking
numbers not yet arrived and orders at every status: at the China warehouse (one not weighed, one ready to
bag), in international transit on a trip on the road, awaiting delivery at Hà Nội (unpaid, paid, one
refused by its receiver and back at the depot), out for delivery, delivered at the counter, lost (a parcel
missing at receiving) and cancelled; two bags and two trips. Runs once: a second run changes nothing.

It lives in delivery because it drives every station up to the last mile (lower apps never import it)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from billing.services.wallet import wallet_pay, wallet_top_up
from consignments.models import Consignment, ConsignmentStatus
from consignments.services import consignment_declare, consignment_transition
from delivery.services.handover import handover_create
from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_create
from shipping.models import CheckpointKind
from shipping.services.bags import bag_close, bag_open, bag_scan
from shipping.services.receiving import receiving_bag_find, receiving_parcel_scan, receiving_trip_open
from shipping.services.receiving_close import receiving_order_lost, receiving_trip_close
from shipping.services.trips import trip_bag_load, trip_checkpoint_add, trip_create, trip_depart
from tracking.services import tracking_register
from warehouse.labels import parcel_code
from warehouse.matching import parcel_scan
from warehouse.models import Warehouse
from warehouse.services import parcel_measure

CUSTOMER = "thubin89x"
# (tracking number, note, weight in grams, goods): the orders, in the order they are made.
GOODS = [
    ("SF1400000000001", "Giày thể thao", 1_850, ("Giày thể thao", "运动鞋", 2, 8_900)),
    ("YT7300000000002", "Áo khoác", 2_400, ("Áo khoác", "外套", 3, 12_000)),
    ("JT3100000000003", "Ốp điện thoại", 350, ("Ốp điện thoại", "手机壳", 20, 500)),
    ("ZT7800000000004", "Nồi chiên", 5_200, ("Nồi chiên không dầu", "空气炸锅", 1, 29_900)),
    ("SF1400000000005", "Đồ chơi", 1_100, ("Đồ chơi trẻ em", "儿童玩具", 4, 3_500)),
    ("YT7300000000006", "Túi xách", 900, ("Túi xách", "手提包", 2, 6_800)),
    ("JT3100000000007", "Đèn bàn", 1_600, ("Đèn bàn", "台灯", 2, 4_500)),
    ("ZT7800000000008", "Bàn phím", 1_300, ("Bàn phím cơ", "机械键盘", 1, 25_000)),
    ("SF1400000000009", "Tai nghe", 450, ("Tai nghe", "耳机", 3, 9_900)),
    ("YT7300000000010", "Chăn", 3_100, ("Chăn lông", "毛毯", 1, 15_000)),
]
NOT_ARRIVED = [("SF1400000000099", "Váy đầm (chờ shop gửi)"), ("YT7300000000098", "")]


class Command(BaseCommand):
    help = "Demo orders at every status, two bags and two trips, for the demo customer (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        customer = User.objects.filter(username=CUSTOMER).first()
        china = Warehouse.objects.filter(code="GZ").first()
        hanoi = Warehouse.objects.filter(code="HN").first()
        cn_staff = User.objects.filter(username="khotq").first()
        vn_staff = User.objects.filter(username="khohn").first()
        ops = User.objects.filter(username="admin").first()
        if None in (customer, china, hanoi, cn_staff, vn_staff, ops):
            raise CommandError("Run seed_demo first (warehouses and demo logins).")
        if Consignment.objects.filter(customer=customer).exists():
            self.stdout.write("Demo orders are already there.")
            return

        for code, note in NOT_ARRIVED:
            tracking_register(customer=customer, raw_code=code, note=note)
        orders = []
        for code, note, grams, (vi, zh, quantity, fen) in GOODS:
            tracking_register(customer=customer, raw_code=code, note=note)
            order = parcel_scan(raw_code=code, warehouse=china, by=cn_staff).consignment
            if len(orders):  # the first one waits to be weighed
                parcel_measure(parcel=order.parcels.get(), weight_g=grams, by=cn_staff)
                consignment_declare(
                    consignment=order,
                    goods_vi=vi,
                    goods_zh=zh,
                    quantity=quantity,
                    unit_value_fen=fen,
                    by=cn_staff,
                )
            orders.append(order)
        (unweighed, ready, road_1, road_2, waiting, paid, refused, out, delivered, lost) = orders
        cancelled_code = "SF1400000000011"
        tracking_register(customer=customer, raw_code=cancelled_code, note="Shop gửi nhầm")
        cancelled = parcel_scan(raw_code=cancelled_code, warehouse=china, by=cn_staff).consignment
        consignment_transition(
            consignment=cancelled, to=ConsignmentStatus.CANCELLED, by=ops, note="Khách yêu cầu trả lại shop"
        )

        # Trip 1, on the road: one bag with two orders, at the border.
        road_trip = self._trip([road_1, road_2], china, hanoi, cn_staff, plate="29C-123.45")
        trip_checkpoint_add(trip=road_trip, kind=CheckpointKind.BORDER, at=road_trip.departed_at, by=cn_staff)
        # Trip 2, arrived and received at Hà Nội; one parcel never turned up (lost).
        there = [waiting, paid, refused, out, delivered, lost]
        trip = self._trip(there, china, hanoi, cn_staff, plate="29C-678.90")
        receiving_trip_open(trip=trip, depot=hanoi, by=vn_staff)
        bag = None
        for order in there[:-1]:
            parcel = order.parcels.get()
            bag = bag or receiving_bag_find(trip=trip, depot=hanoi, raw_code=parcel.bag_item.bag.code)
            receiving_parcel_scan(bag=bag, depot=hanoi, raw_code=parcel_code(parcel), by=vn_staff)
        receiving_trip_close(trip=trip, depot=hanoi, by=vn_staff)
        receiving_order_lost(consignment=lost, by=ops, reason="Không tìm thấy khi nhận bao")

        # Money: a top-up, then orders paid from the wallet.
        wallet_top_up(customer=customer, amount_vnd=3_000_000, key="seed-orders:topup")
        wallet_pay(customer=customer, consignments=[paid, out, refused, delivered], by=customer)
        address = customer.addresses.order_by("-is_default").first()
        # Out for delivery; another delivery refused by its receiver (back at the depot).
        for order, outcome in ((out, None), (refused, False)):
            request = delivery_request_create(
                customer=customer, depot=hanoi, ids=[order.pk], address=address, carrier="ghn"
            )
            note = release_note_create(request=request, by=vn_staff, depot=hanoi)
            release_scan(note=note, raw=parcel_code(order.parcels.get()), by=vn_staff)
            release_details_set(
                note=note,
                carrier="ghn",
                tracking_number=f"GHN{order.pk:08d}",
                domestic_fee_vnd=30_000,
                by=vn_staff,
            )
            release_out(note=note, by=vn_staff)
            if outcome is not None:
                release_close(note=note, delivered=outcome, by=vn_staff)
        # Collected at the counter.
        handover_create(
            depot=hanoi,
            customer=customer,
            ids=[delivered.pk],
            by=vn_staff,
            receiver_name="Nguyễn Thu Bình",
            receiver_phone="0912345678",
        )
        statuses = sorted(set(Consignment.objects.filter(customer=customer).values_list("status", flat=True)))
        self.stdout.write(self.style.SUCCESS(f"Demo orders ready for {CUSTOMER}: {', '.join(statuses)}."))

    @staticmethod
    def _trip(orders, china, depot, by, *, plate):
        """A bag of these orders, closed, loaded on a new trip that departs."""
        bag = bag_open(origin=china, destination=depot, by=by)
        weight = 0
        for order in orders:
            parcel = order.parcels.get()
            bag_scan(bag=bag, raw_code=parcel_code(parcel), by=by)
            weight += parcel.weight_g or 0
        bag_close(bag=bag, weight_g=weight + 300, by=by)
        trip = trip_create(
            origin=china, plate=plate, by=by, driver="Nguyễn Văn Tài", route="Quảng Châu → Hữu Nghị → Hà Nội"
        )
        trip_bag_load(trip=trip, raw_code=bag.code, by=by)
        trip_depart(trip=trip, by=by)
        trip.refresh_from_db()
        return trip
