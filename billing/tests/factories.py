"""Billing factories: a published fee schedule with MONEY.md's numbers, groups, rates, wallets."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from billing.models import (
    CustomerGroup,
    ExchangeRate,
    FeeSchedule,
    FreightBracket,
    ScheduleStatus,
    Wallet,
)

# MONEY.md: China → Hà Nội 24,000 / 23,000 / 22,000 / 21,000 ₫ per kg for 0–10 / 10–30 / 30–100 / 100+ kg;
# TP.HCM 6,000 ₫ more.
HN_BRACKETS = (
    (0, 10_000, 24_000),
    (10_000, 30_000, 23_000),
    (30_000, 100_000, 22_000),
    (100_000, None, 21_000),
)


def brackets_for(schedule, depot, prices=HN_BRACKETS, extra_vnd=0):
    return [
        FreightBracket.objects.create(
            schedule=schedule, depot=depot, from_g=lo, to_g=hi, price_per_kg_vnd=price + extra_vnd
        )
        for lo, hi, price in prices
    ]


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    """A published version in force since yesterday, with Hà Nội brackets (and TP.HCM's when `hcm=` is a
    depot). `status=ScheduleStatus.DRAFT` makes a draft (no start)."""

    class Meta:
        model = FeeSchedule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Biểu phí {n + 1}")
    status = ScheduleStatus.PUBLISHED
    effective_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def depots(self, create, extracted, **kwargs):
        from warehouse.tests.factories import VietnamDepotFactory

        if not create:
            return
        for i, depot in enumerate(extracted or [VietnamDepotFactory()]):
            brackets_for(self, depot, extra_vnd=6_000 * i)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    effective_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    vnd_per_cny = Decimal("3650.00")


class CustomerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerGroup
        django_get_or_create = ("code",)

    code = "normal"
    name = "Thường"
    is_default = True


class WalletFactory(factory.django.DjangoModelFactory):
    """An empty wallet (money goes in through billing.services.wallet only)."""

    class Meta:
        model = Wallet
        django_get_or_create = ("customer",)

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")


def in_transit_order(customer, weight_g: int = 2_000, *, cn_staff=None, pieces: int = 1, **dims):
    """An order of `customer` weighed in China (its estimate written) and on its way to Vietnam."""
    from accounts.tests.factories import ChinaStaffFactory
    from consignments.models import ConsignmentStatus
    from consignments.services import consignment_transition
    from consignments.tests.factories import ConsignmentFactory
    from warehouse.services import parcel_measure

    cn_staff = cn_staff or ChinaStaffFactory()
    order = ConsignmentFactory(customer=customer, pieces=pieces)
    for parcel in order.parcels.order_by("piece_number"):
        parcel_measure(parcel=parcel, weight_g=weight_g, by=cn_staff, **dims)
    order.refresh_from_db()
    return consignment_transition(consignment=order, to=ConsignmentStatus.IN_TRANSIT, by=cn_staff)


def awaiting_order(customer, weight_g: int = 2_000, *, cn_staff=None, vn_staff=None, pieces: int = 1, **dims):
    """An order of `customer` weighed in China (each of its `pieces` parcels `weight_g`, with optional
    length_mm/width_mm/height_mm), sent and arrived at the Hà Nội depot: Chờ giao with its final charge.
    Needs a published schedule (the `schedule` fixture)."""
    from accounts.tests.factories import VietnamStaffFactory
    from consignments.models import ConsignmentStatus
    from consignments.services import consignment_transition

    from ..services.charges import charges_price_requested

    vn_staff = vn_staff or VietnamStaffFactory()
    order = in_transit_order(customer, weight_g, cn_staff=cn_staff, pieces=pieces, **dims)
    order = consignment_transition(
        consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=vn_staff.warehouse
    )
    charges_price_requested()  # what the worker does right after the commit: the final charge
    return order
