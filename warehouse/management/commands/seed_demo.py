"""Demo data for `make run`: warehouses, which depot serves which province, one user of each kind, an
address; then billing's seed_billing (groups, a published fee schedule, a CNY rate, a topped-up wallet) and
delivery's seed_orders (orders at every status, bags, trips), each by its command name. Safe to run again."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import customer_sign_up
from addresses.selectors import provinces
from addresses.services import address_save
from warehouse.models import DepotProvince, Warehouse

DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo login, never in production

WAREHOUSES = [
    {
        "code": "GZ",
        "name": "Kho Quảng Châu (广州仓)",
        "kind": Warehouse.Kind.CHINA,
        "address": "广东省, 广州市, 花都区, 花东镇, 镇京塘村荷塘路1号品拓物流园之自编3号",
        "postal_code": "510890",
        "phone": "18922190239",
    },
    {
        "code": "HN",
        "name": "Kho phân phối Hà Nội",
        "kind": Warehouse.Kind.VIETNAM,
        "address": "Số 1 Phạm Văn Đồng, Cầu Giấy, Hà Nội",
        "phone": "0912345678",
        "opening_hours": "8:00–18:00, thứ Hai – thứ Bảy",
    },
    {
        "code": "SG",
        "name": "Kho phân phối TP.HCM",
        "kind": Warehouse.Kind.VIETNAM,
        "address": "Số 10 Cộng Hòa, Tân Bình, TP. Hồ Chí Minh",
        "phone": "0987654321",
        "opening_hours": "8:00–17:30, thứ Hai – thứ Bảy",
    },
]


class Command(BaseCommand):
    help = "Load demo warehouses and one login of each kind (password: demo12345)."

    @transaction.atomic
    def handle(self, *args, **options):
        by_code = {}
        for data in WAREHOUSES:
            by_code[data["code"]], _ = Warehouse.objects.update_or_create(code=data["code"], defaults=data)

        # Provinces to depots: the North and the Centre down to Huế to Hà Nội, the rest to TP.HCM (2025
        # province codes are numbered north to south). Operations change this in the admin.
        for code, _name in provinces():
            depot = by_code["HN"] if int(code) <= 46 else by_code["SG"]
            DepotProvince.objects.get_or_create(province_code=code, defaults={"depot": depot})

        if not User.objects.filter(username="thubin89x").exists():
            customer = customer_sign_up(username="thubin89x", password=DEMO_PASSWORD, first_name="Thu Bình")
            # The code the README's examples use (its label mark, the top-up content `NAP YW532`).
            if not User.objects.filter(customer_code="YW532").exists():
                User.objects.filter(pk=customer.pk).update(customer_code="YW532")
                customer.customer_code = "YW532"
            address_save(
                customer=customer,
                recipient_name="Nguyễn Thu Bình",
                phone="0912345678",
                province="Hà Nội",
                district="Cầu Giấy",
                ward="Dịch Vọng",
                street="Số 12 ngõ 34 Trần Thái Tông",
            )
        if not User.objects.filter(username="khachmoi").exists():
            customer_sign_up(username="khachmoi", password=DEMO_PASSWORD, first_name="Khách Mới")

        staff = [
            ("khotq", Role.CHINA_STAFF, "GZ", False),
            ("khohn", Role.VIETNAM_STAFF, "HN", False),
            ("admin", Role.OPERATIONS, None, True),
        ]
        for username, role, wh, superuser in staff:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "warehouse": by_code.get(wh),
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
        # Money and orders come from the apps above this one, by command name (never imported from here):
        # a published fee schedule and groups (billing), then orders at every status, bags and trips.
        available = get_commands()
        for name in ("seed_billing", "seed_orders"):
            if name in available:
                call_command(name, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Logins (password demo12345): thubin89x (customer YW532, with orders), "
                "khachmoi (a new customer), khotq (China warehouse), khohn (Hà Nội depot), "
                "admin (operations, and the Django admin)."
            )
        )
