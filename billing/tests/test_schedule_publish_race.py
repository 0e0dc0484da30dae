"""A price change published while orders are being weighed, on PostgreSQL with real threads: every charge
carries exactly one version, and it is the version in force when its order arrived at the China warehouse
(billing.selectors.schedule_for), whatever the timing."""

import time

import pytest
from django.db import connection

from billing.models import Charge, FreightBracket, ScheduleStatus
from billing.selectors import schedule_for
from billing.services.schedules import schedule_brackets_set, schedule_draft_create
from billing.services.schedules_publish import schedule_publish
from billing.tests.factories import (
    HN_BRACKETS,
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
)
from conftest import need
from consignments.models import Consignment
from consignments.tests.factories import ConsignmentFactory
from core.testing import run_threads
from warehouse.services import parcel_measure
from warehouse.tests.factories import ChinaWarehouseFactory, VietnamDepotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24
WEIGHINGS = 6  # an order already here is weighed again and again (each re-weigh re-prices)


@pytest.fixture
def postgres():
    need(connection.vendor == "postgresql", "row locks and concurrent transactions need PostgreSQL")


def _order(customer, depot, cn, n):
    return ConsignmentFactory(
        customer=customer,
        destination=depot,
        current_warehouse=cn,
        code=f"KGR{n:07d}",
        tracking_code=f"YT7{n:012d}",
    )


@pytest.fixture
def slow_publication(monkeypatch):
    """Hold the publication open for a moment after its start is set, so that orders arrive after the
    start and are weighed before the new version is visible to them (then publishing re-prices them)."""
    from billing.services import schedules_publish

    original = schedules_publish.published_schedules

    def slow():
        time.sleep(1.0)  # wide enough that the orders arriving now are weighed inside it, even on a busy CI
        return original()

    monkeypatch.setattr(schedules_publish, "published_schedules", slow)


@pytest.mark.parametrize("slow", [False, True, False, True])
def test_publishing_now_while_orders_are_weighed(postgres, request, customer, cn_staff, ops, slow):
    if slow:
        request.getfixturevalue("slow_publication")
    CustomerGroupFactory()
    ExchangeRateFactory()
    cn, depot = ChinaWarehouseFactory(), VietnamDepotFactory()
    old = FeeScheduleFactory(depots=[depot])
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(
        schedule=draft, depot=depot, rows=[(lo, hi, price + 1_000) for lo, hi, price in HN_BRACKETS]
    )
    here = {n: _order(customer, depot, cn, n) for n in range(1, THREADS, 2)}  # arrived before the change

    def work(i):
        if i == 0:
            return schedule_publish(schedule=draft, effective_from=None, by=ops)
        order = here.get(i) or _order(customer, depot, cn, i)  # odd: here already; even: arriving now
        parcel = order.parcels.get()
        for k in range(WEIGHINGS if i in here else 1):  # an order arriving now is weighed once
            parcel_measure(parcel=parcel, weight_g=1_000 * (i + 1) + 100 * k, by=cn_staff)
        return order.pk

    results, errors = run_threads(THREADS, work)
    assert errors == []
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED
    orders = list(Consignment.objects.filter(code__startswith="KGR"))
    repaired = 0
    assert len(orders) == THREADS - 1
    for order in orders:
        expected = schedule_for(order)
        current = Charge.objects.get(consignment=order, is_current=True)  # exactly one current charge
        assert current.schedule_id == expected.pk, (order.code, order.created_at, draft.effective_from)
        freight = current.lines[0]
        price = FreightBracket.objects.get(
            schedule=expected, depot=depot, from_g=freight["inputs"]["bracket_from_g"]
        ).price_per_kg_vnd
        assert freight["inputs"]["price_per_kg_vnd"] == price  # priced with that version's figures
        history = Charge.objects.filter(consignment=order)
        if order.created_at < draft.effective_from:  # arrived before: the old version, every time
            assert expected == old
            assert set(history.values_list("schedule_id", flat=True)) == {old.pk}
        else:
            assert expected == draft
            # Priced with the old version only before the publication committed, never after.
            stale = list(history.exclude(schedule=draft).values_list("id", flat=True))
            fresh = list(history.filter(schedule=draft).values_list("id", flat=True))
            assert not stale or max(stale) < min(fresh)
            repaired += bool(stale)
    assert Charge.objects.filter(schedule__isnull=True).count() == 0
    if slow:
        assert repaired, "the slow publication should have caught orders weighed while it was open"
