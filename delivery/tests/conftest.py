"""Delivery fixtures: a published fee schedule, a second depot (TP.HCM) and its staff, and helpers that put
orders at a depot (Chờ giao), paid or not."""

import pytest
from django.core.cache import cache

from accounts.tests.factories import VietnamStaffFactory
from billing.tests.factories import (
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
    awaiting_order,
)
from warehouse.tests.factories import VietnamDepotFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public tracking counts look-ups per address in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hn(db):
    depot = VietnamDepotFactory(code="HN")
    depot.phone = "02437778888"
    depot.save(update_fields=["phone"])
    return depot


@pytest.fixture
def hcm(db):
    return VietnamDepotFactory(
        code="HCM", name="Kho phân phối TP.HCM", address="12 Cộng Hòa, Tân Bình, TP.HCM"
    )


@pytest.fixture
def schedule(db, hn, hcm):
    """A published fee schedule in force since yesterday with freight to both depots, a CNY rate and a
    default group with no discount and no credit."""
    CustomerGroupFactory()
    ExchangeRateFactory()
    return FeeScheduleFactory(depots=[hn, hcm])


@pytest.fixture
def hcm_staff(db, hcm):
    return VietnamStaffFactory(username="khohcm", warehouse=hcm)


@pytest.fixture
def at_depot(schedule, vn_staff):
    """at_depot(customer, paid=False, staff=vn_staff, pieces=1) → an order Chờ giao at that staff's depot,
    priced; `paid`: its charge paid from the wallet (topped up for it)."""
    from billing.services.wallet import wallet_pay, wallet_top_up

    made = []

    def make(customer, *, paid=False, staff=None, pieces=1, weight_g=2_000):
        staff = staff or vn_staff
        order = awaiting_order(customer, weight_g, vn_staff=staff, pieces=pieces)
        if paid:
            wallet_top_up(customer=customer, amount_vnd=1_000_000, key=f"test-topup:{order.pk}")
            wallet_pay(customer=customer, consignments=[order], by=customer)
        made.append(order)
        return order

    return make
