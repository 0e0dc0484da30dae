"""Fee schedule services: drafts, the checks (each names its field), publishing and announcing, rates,
customer groups. Units as stored: grams, fen, basis points, VND."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from billing.models import Charge, ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
from billing.selectors import group_of, schedule_in_force, schedule_upcoming
from billing.services.rates import customer_group_set, exchange_rate_set
from billing.services.schedules import (
    ScheduleError,
    brackets_check,
    local_text,
    schedule_brackets_set,
    schedule_draft_create,
    schedule_update,
    schedule_validate,
)
from billing.services.schedules_publish import _reprice_arrived_since, schedule_publish
from billing.tests.factories import HN_BRACKETS, CustomerGroupFactory, FeeScheduleFactory
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from notifications.models import NotificationKind, PendingNotification
from warehouse.services import parcel_measure
from warehouse.tests.factories import ChinaWarehouseFactory, VietnamDepotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(db):
    return VietnamDepotFactory()


@pytest.fixture
def draft(ops, depot):
    """An empty draft with Hà Nội's brackets: valid, ready to publish."""
    d = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=d, depot=depot, rows=HN_BRACKETS)
    return d


# --- drafts ---------------------------------------------------------------------------------------------------


def test_a_draft_copies_the_version_in_force_with_its_brackets(schedule, ops):
    schedule.volumetric_divisor = 5000
    FeeSchedule.objects.filter(pk=schedule.pk).update(volumetric_divisor=5000, note="Giá mới")
    draft = schedule_draft_create(by=ops)
    assert draft.status == ScheduleStatus.DRAFT and draft.effective_from is None
    assert draft.created_by == ops and draft.volumetric_divisor == 5000 and draft.note == "Giá mới"
    copied = list(
        FreightBracket.objects.filter(schedule=draft).values_list("from_g", "to_g", "price_per_kg_vnd")
    )
    assert copied == list(HN_BRACKETS)
    assert FreightBracket.objects.filter(schedule=schedule).count() == 4  # the original keeps its own


def test_with_nothing_published_a_draft_is_empty_with_default_figures(ops):
    draft = schedule_draft_create(by=ops)
    assert not FreightBracket.objects.filter(schedule=draft).exists()
    assert (draft.volumetric_divisor, draft.min_billable_g, draft.weight_step_g) == (6000, 500, 100)


def test_update_changes_a_draft(draft, ops):
    schedule_update(
        schedule=draft, by=ops, name="  Biểu phí 7/2026 ", volumetric_divisor=5000, volume_pricing=True
    )
    draft.refresh_from_db()
    assert (draft.name, draft.volumetric_divisor, draft.volume_pricing) == ("Biểu phí 7/2026", 5000, True)


def test_update_refuses_a_field_that_is_not_a_figure(draft, ops):
    with pytest.raises(TypeError):
        schedule_update(schedule=draft, by=ops, status="published")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("volumetric_divisor", 0, "too_small"),
        ("volumetric_divisor", -6000, "too_small"),
        ("weight_step_g", 0, "too_small"),
        ("min_billable_g", -1, "too_small"),
        ("handling_per_parcel_vnd", -3000, "too_small"),
        ("storage_per_kg_day_vnd", -1, "too_small"),
        ("crate_first_kg_fen", -100, "too_small"),
        ("insurance_rate_bp", 10_001, "too_large"),
        ("volumetric_divisor", 100_001, "too_large"),
        ("storage_free_days", 366, "too_large"),
        ("insurance_min_vnd", "20000", "invalid"),
        ("volumetric_divisor", 6000.5, "invalid"),
        ("volume_pricing", "yes", "invalid"),
        ("name", "   ", "name"),
        ("name", "x" * 101, "name"),
    ],
)
def test_every_refused_figure_names_its_field(draft, ops, field, value, code):
    with pytest.raises(ScheduleError) as exc:
        schedule_update(schedule=draft, by=ops, **{field: value})
    assert exc.value.field == field and exc.value.code == code
    if field not in ("name", "volume_pricing"):
        assert str(FeeSchedule._meta.get_field(field).verbose_name) in exc.value.message
    assert FeeSchedule.objects.get(pk=draft.pk).volumetric_divisor == 6000  # nothing saved


# --- brackets -------------------------------------------------------------------------------------------------


def _refused(rows):
    with pytest.raises(ScheduleError) as exc:
        brackets_check(rows, field="brackets_7")
    assert exc.value.field == "brackets_7"
    return exc.value


def test_brackets_in_any_order_come_back_sorted():
    rows = [(10_000, None, 23_000), (0, 10_000, 24_000)]
    assert brackets_check(rows) == [(0, 10_000, 24_000), (10_000, None, 23_000)]
    assert brackets_check([]) == []


@pytest.mark.parametrize(
    ("rows", "code", "row"),
    [
        ([(0, 10_000, 24_000), (5_000, None, 23_000)], "overlap", 2),  # 5–10 kg in both
        ([(0, 10_000, 24_000), (0, None, 23_000)], "overlap", 2),
        ([(0, None, 24_000), (10_000, None, 23_000)], "overlap", 2),
        ([(0, 10_000, 24_000), (12_000, None, 23_000)], "gap", 2),  # nothing for 10–12 kg
        ([(0, 10_000, -24_000), (10_000, None, 23_000)], "price", 1),
        ([(0, 10_000, 24_000), (10_000, None, 0)], "price", 2),
        ([(0, 10_000, 24_000), (10_000, None, 24_000.5)], "price", 2),
        ([(500, 10_000, 24_000), (10_000, None, 23_000)], "start", 1),
        ([(0, 10_000, 24_000), (10_000, 30_000, 23_000)], "end", 2),
        ([(0, 0, 24_000), (0, None, 23_000)], "to", 1),
        ([(-1_000, 10_000, 24_000)], "from", 1),
    ],
)
def test_bad_brackets_are_refused_naming_the_row(rows, code, row):
    error = _refused(rows)
    assert (error.code, error.row) == (code, row)
    assert f"{row}" in error.message


def test_a_gap_says_which_weights_are_not_covered():
    error = _refused([(0, 10_000, 24_000), (12_000, None, 23_000)])
    assert "10–12 kg" in error.message


def test_brackets_set_replaces_a_depots_table(draft, depot):
    schedule_brackets_set(schedule=draft, depot=depot, rows=[(0, None, 30_000)])
    assert list(draft.brackets.values_list("from_g", "to_g", "price_per_kg_vnd")) == [(0, None, 30_000)]
    schedule_brackets_set(schedule=draft, depot=depot, rows=[])
    assert not draft.brackets.exists()


def test_brackets_set_refuses_bad_rows_and_keeps_the_old_table(draft, depot):
    with pytest.raises(ScheduleError) as exc:
        schedule_brackets_set(schedule=draft, depot=depot, rows=[(0, 10_000, 24_000), (11_000, None, 1)])
    assert exc.value.field == f"brackets_{depot.pk}" and exc.value.code == "gap"
    assert draft.brackets.count() == 4


def test_freight_goes_to_vietnam_depots_only(draft):
    with pytest.raises(ScheduleError) as exc:
        schedule_brackets_set(schedule=draft, depot=ChinaWarehouseFactory(), rows=[(0, None, 1)])
    assert exc.value.code == "depot"


# --- the whole version ----------------------------------------------------------------------------------------


def test_a_draft_with_brackets_for_every_depot_is_valid(draft):
    schedule_validate(draft)


def test_every_active_depot_needs_its_brackets(draft):
    sg = VietnamDepotFactory(code="SG", name="Kho TP.HCM")
    with pytest.raises(ScheduleError) as exc:
        schedule_validate(draft)
    assert exc.value.field == f"brackets_{sg.pk}" and "Kho TP.HCM" in exc.value.message
    sg.is_active = False
    sg.save()
    schedule_validate(draft)


def test_the_m3_price_may_not_undercut_the_cheapest_kg(draft, ops):
    # 21,000 ₫ per kg is the cheapest bracket; 200 kg per m³ × 21,000 = 4,200,000 ₫ per m³ at most.
    schedule_update(
        schedule=draft,
        by=ops,
        volume_pricing=True,
        bulky_below_kg_per_m3=200,
        volume_price_per_m3_vnd=4_200_001,
    )
    with pytest.raises(ScheduleError) as exc:
        schedule_validate(draft)
    assert exc.value.field == "volume_price_per_m3_vnd" and exc.value.code == "volume_rule"
    assert "4.200.000" in exc.value.message
    schedule_update(schedule=draft, by=ops, volume_price_per_m3_vnd=4_200_000)
    schedule_validate(draft)


@pytest.mark.parametrize("field", ["volume_price_per_m3_vnd", "bulky_below_kg_per_m3"])
def test_volume_pricing_needs_its_two_figures(draft, ops, field):
    figures = {"volume_price_per_m3_vnd": 3_000_000, "bulky_below_kg_per_m3": 200, field: 0}
    schedule_update(schedule=draft, by=ops, volume_pricing=True, **figures)
    with pytest.raises(ScheduleError) as exc:
        schedule_validate(draft)
    assert exc.value.field == field


def test_a_figure_written_around_the_services_is_caught_before_publishing(draft):
    FeeSchedule.objects.filter(pk=draft.pk).update(weight_step_g=0)
    draft.refresh_from_db()
    with pytest.raises(ScheduleError) as exc:
        schedule_validate(draft)
    assert exc.value.field == "weight_step_g"


# --- publishing -----------------------------------------------------------------------------------------------


def test_publishing_in_the_future_announces_it_to_active_customers_only(draft, ops, customer, cn_staff):
    CustomerFactory(is_active=False)
    start = timezone.now() + timedelta(days=7)
    schedule_publish(schedule=draft, effective_from=start, by=ops)
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED and draft.effective_from == start
    assert draft.published_by == ops and draft.published_at is not None
    rows = list(PendingNotification.objects.filter(kind=NotificationKind.FEES_ANNOUNCED))
    assert [r.user_id for r in rows] == [customer.pk]
    assert rows[0].data == {"name": draft.name, "effective_from": local_text(start)}
    assert rows[0].data["effective_from"] == timezone.localtime(start).strftime("%d/%m/%Y %H:%M")
    assert schedule_upcoming() == draft and schedule_in_force() is None


def test_publishing_now_takes_effect_at_once_and_announces_nothing(draft, ops, customer):
    schedule_publish(schedule=draft, effective_from=None, by=ops)
    assert schedule_in_force() == draft
    assert not PendingNotification.objects.filter(kind=NotificationKind.FEES_ANNOUNCED).exists()


def test_a_minute_picked_as_now_counts_as_now(draft, ops):
    picked = timezone.now().replace(second=0, microsecond=0)
    schedule_publish(schedule=draft, effective_from=picked, by=ops)
    assert draft.effective_from >= picked and schedule_in_force() == draft


def test_a_start_in_the_past_is_refused(draft, ops):
    with pytest.raises(ScheduleError) as exc:
        schedule_publish(schedule=draft, effective_from=timezone.now() - timedelta(hours=1), by=ops)
    assert exc.value.field == "effective_from" and exc.value.code == "past"
    assert FeeSchedule.objects.get(pk=draft.pk).status == ScheduleStatus.DRAFT


def test_two_versions_never_start_at_the_same_moment(draft, ops, depot):
    start = timezone.now() + timedelta(days=3)
    FeeScheduleFactory(effective_from=start, depots=[depot])
    with pytest.raises(ScheduleError) as exc:
        schedule_publish(schedule=draft, effective_from=start, by=ops)
    assert exc.value.field == "effective_from" and exc.value.code == "same_start"


def test_an_invalid_draft_is_not_published(ops, depot):
    empty = schedule_draft_create(by=ops)
    with pytest.raises(ScheduleError) as exc:
        schedule_publish(schedule=empty, effective_from=None, by=ops)
    assert exc.value.field == f"brackets_{depot.pk}"
    assert FeeSchedule.objects.get(pk=empty.pk).status == ScheduleStatus.DRAFT


def test_a_published_version_is_never_edited(draft, ops, depot):
    schedule_publish(schedule=draft, effective_from=timezone.now() + timedelta(days=1), by=ops)
    attempts = [
        lambda: schedule_update(schedule=draft, by=ops, volumetric_divisor=5000),
        lambda: schedule_update(schedule=draft, by=ops, name="Khác"),
        lambda: schedule_brackets_set(schedule=draft, depot=depot, rows=[(0, None, 1_000)]),
        lambda: schedule_publish(schedule=draft, effective_from=None, by=ops),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as exc:
            attempt()
        assert exc.value.code == "published"
    draft.refresh_from_db()
    assert draft.volumetric_divisor == 6000 and draft.brackets.count() == 4


def test_a_stale_copy_of_a_published_version_is_refused_too(draft, ops):
    stale = FeeSchedule.objects.get(pk=draft.pk)  # read while it was a draft
    schedule_publish(schedule=draft, effective_from=None, by=ops)
    with pytest.raises(DomainError):
        schedule_update(schedule=stale, by=ops, handling_per_parcel_vnd=0)


def test_orders_that_arrived_since_the_start_are_priced_again(schedule, ops, customer, cn_staff):
    """What publishing does after it commits, for an order priced meanwhile with the version before."""
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=5_000, by=cn_staff)
    assert Charge.objects.get(consignment=order, is_current=True).schedule == schedule
    newer = FeeScheduleFactory(
        effective_from=order.created_at - timedelta(seconds=1), depots=[order.destination]
    )
    FreightBracket.objects.filter(schedule=newer, from_g=0).update(price_per_kg_vnd=30_000)
    _reprice_arrived_since(newer.pk, newer.effective_from, ops)
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert charge.schedule == newer and charge.lines[0]["amount_vnd"] == 150_000


# --- exchange rates -------------------------------------------------------------------------------------------


def test_a_rate_is_set_from_now(ops):
    rate = exchange_rate_set(vnd_per_cny="3650,5", effective_from=None, by=ops)
    assert rate.vnd_per_cny == Decimal("3650.50") and rate.set_by == ops
    assert rate.effective_from <= timezone.now()


@pytest.mark.parametrize("value", ["0", "-3650", "100000.01", "3650.123", "abc", "", "NaN", "Infinity"])
def test_a_bad_rate_is_refused_naming_the_field(ops, value):
    with pytest.raises(ScheduleError) as exc:
        exchange_rate_set(vnd_per_cny=value, by=ops)
    assert exc.value.field == "vnd_per_cny"
    assert not ExchangeRate.objects.exists()


def test_a_rate_is_never_set_backwards(ops):
    with pytest.raises(ScheduleError) as exc:
        exchange_rate_set(vnd_per_cny="3600", effective_from=timezone.now() - timedelta(days=1), by=ops)
    assert exc.value.field == "effective_from"


def test_two_rates_never_start_at_the_same_moment(ops):
    start = timezone.now() + timedelta(days=1)
    exchange_rate_set(vnd_per_cny=Decimal("3600"), effective_from=start, by=ops)
    with pytest.raises(ScheduleError) as exc:
        exchange_rate_set(vnd_per_cny=Decimal("3700"), effective_from=start, by=ops)
    assert exc.value.code == "same_start"


# --- customer groups ------------------------------------------------------------------------------------------


def test_a_customer_changes_group_and_open_orders_get_the_discount(schedule, ops, customer, cn_staff):
    vip = CustomerGroupFactory(code="vip2", name="VIP 2", is_default=False, freight_discount_bp=500)
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=10_000, by=cn_staff)
    wallet = customer_group_set(customer=customer, group=vip, by=ops)
    assert wallet.group == vip and group_of(customer) == vip
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert charge.group_code == "vip2" and charge.lines[0]["amount_vnd"] == 228_000  # 240,000 − 5 %
    customer_group_set(customer=customer, group=None, by=ops)
    assert group_of(customer).code == "normal"


def test_only_operations_set_groups_and_only_for_customers(schedule, ops, customer, cn_staff):
    with pytest.raises(DomainError) as exc:
        customer_group_set(customer=customer, group=None, by=cn_staff)
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        customer_group_set(customer=cn_staff, group=None, by=ops)
    assert exc.value.code == "not_customer"
