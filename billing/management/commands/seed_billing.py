"""Demo money for `make run`: customer groups, a CNY rate, a published fee schedule with MONEY.md's numbers
and a topped-up wallet for the demo customer. Safe to run again (after seed_demo)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from billing.models import CustomerGroup, ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
from billing.services.wallet import wallet_top_up
from warehouse.models import Warehouse

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# MONEY.md: China → Hà Nội per kg by bracket; TP.HCM 6,000 ₫ more.
BRACKETS = ((0, 10_000, 24_000), (10_000, 30_000, 23_000), (30_000, 100_000, 22_000), (100_000, None, 21_000))
GROUPS = (
    ("normal", "Khách thường", 0, 0, True),
    ("vip1", "VIP 1", 300, 0, False),
    ("vip2", "VIP 2", 500, 2_000_000, False),
)


class Command(BaseCommand):
    help = "Load the demo fee schedule, customer groups, exchange rate and a topped-up wallet."

    @transaction.atomic
    def handle(self, *args, **options):
        for code, name, discount, credit, default in GROUPS:
            CustomerGroup.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "freight_discount_bp": discount,
                    "credit_limit_vnd": credit,
                    "is_default": default,
                },
            )
        ExchangeRate.objects.get_or_create(
            effective_from=datetime(2026, 1, 1, tzinfo=HCM), defaults={"vnd_per_cny": Decimal("3650.00")}
        )
        ops = User.objects.filter(username="admin").first()
        if not FeeSchedule.objects.filter(status=ScheduleStatus.PUBLISHED).exists():
            schedule = FeeSchedule.objects.create(
                name="Biểu phí 2026",
                status=ScheduleStatus.PUBLISHED,
                note="Giá cước Quảng Châu → Hà Nội / TP.HCM theo cân nặng tính phí.",
                effective_from=datetime(2026, 1, 1, tzinfo=HCM),
                published_at=datetime(2025, 12, 15, 9, 0, tzinfo=HCM),
                published_by=ops,
                created_by=ops,
            )
            for depot in Warehouse.objects.filter(kind=Warehouse.Kind.VIETNAM).order_by("code"):
                extra = 6_000 if depot.code == "SG" else 0
                for lo, hi, price in BRACKETS:
                    FreightBracket.objects.create(
                        schedule=schedule, depot=depot, from_g=lo, to_g=hi, price_per_kg_vnd=price + extra
                    )
        customer = User.objects.filter(username="thubin89x").first()
        if customer is not None:
            wallet_top_up(
                customer=customer,
                amount_vnd=2_000_000,
                key="demo:topup:thubin89x",
                reason="NAP " + (customer.customer_code or ""),
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Billing demo ready: fee schedule “Biểu phí 2026” published, thubin89x has 2.000.000 ₫."
            )
        )
