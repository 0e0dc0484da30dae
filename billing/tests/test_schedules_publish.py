"""What publishing a version changes (billing.services.schedules_publish): the diff against the version in
force, a rise in freight announced even when it applies now, a version published earlier to start later
(whose prices would undo these changes) and a draft of it carrying them; and schedule_save, the editor's one
write, all or nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import CustomerFactory
from billing.models import FeeSchedule, FreightBracket, ScheduleStatus
from billing.selectors import schedule_in_force
from billing.services.schedules import (
    ScheduleError,
    local_text,
    schedule_brackets_set,
    schedule_draft_create,
    schedule_save,
)
from billing.services.schedules_publish import (
    BracketChange,
    FigureChange,
    carry_plan,
    schedule_changes,
    schedule_draft_carry,
    schedule_publish,
    version_before,
)
from billing.tests.factories import HN_BRACKETS, FeeScheduleFactory, brackets_for
from core.errors import DomainError
from notifications.models import Notification, NotificationKind, PendingNotification
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.django_db

HCM_BRACKETS = tuple((lo, hi, price + 6_000) for lo, hi, price in HN_BRACKETS)  # 30,000 … 27,000


@pytest.fixture
def hn(db):
    return VietnamDepotFactory()


@pytest.fixture
def hcm(db):
    return VietnamDepotFactory(code="HCM", name="Kho phân phối TP.HCM")


@pytest.fixture
def in_force(hn, hcm):
    """'2026', in force since yesterday: Hà Nội 24,000 … 21,000 ₫/kg, TP.HCM 30,000 … 27,000."""
    return FeeScheduleFactory(name="2026", depots=[hn, hcm])


@pytest.fixture
def later(in_force, hn, hcm):
    """'2027 (tăng giá)', published for next month, a copy of '2026' with Hà Nội 1,000 ₫/kg dearer."""
    return _published_copy(in_force, "2027 (tăng giá)", timezone.now() + timedelta(days=30), {hn: 1_000})


def _published_copy(source, name, start, extra_by_depot):
    version = FeeSchedule.objects.create(
        name=name, status=ScheduleStatus.PUBLISHED, effective_from=start, published_at=timezone.now()
    )
    for b in source.brackets.all():
        FreightBracket.objects.create(
            schedule=version,
            depot=b.depot,
            from_g=b.from_g,
            to_g=b.to_g,
            price_per_kg_vnd=b.price_per_kg_vnd + extra_by_depot.get(b.depot, 0),
        )
    return version


def _cheaper_hcm(ops, hcm, name="12/2026 (giảm HCM)"):
    draft = schedule_draft_create(by=ops)  # a copy of the version in force
    rows = [(lo, hi, price - 2_000) for lo, hi, price in HCM_BRACKETS]
    schedule_save(schedule=draft, by=ops, fields={"name": name}, brackets_by_depot={hcm: rows})
    return draft


def _table(schedule, depot):
    return list(
        FreightBracket.objects.filter(schedule=schedule, depot=depot)
        .order_by("from_g")
        .values_list("from_g", "to_g", "price_per_kg_vnd")
    )


# --- schedule_save --------------------------------------------------------------------------------------------


def test_schedule_save_writes_figures_and_every_depots_brackets(ops, hn, hcm):
    draft = schedule_draft_create(by=ops)
    saved = schedule_save(
        schedule=draft,
        by=ops,
        fields={"name": "Mới", "handling_per_parcel_vnd": 4_000},
        brackets_by_depot={hn: HN_BRACKETS, hcm: HCM_BRACKETS},
    )
    assert saved.pk == draft.pk
    draft.refresh_from_db()
    assert (draft.name, draft.handling_per_parcel_vnd) == ("Mới", 4_000)
    assert _table(draft, hn) == list(HN_BRACKETS) and _table(draft, hcm) == list(HCM_BRACKETS)


def test_schedule_save_is_all_or_nothing(ops, hn, hcm):
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=draft, depot=hn, rows=HN_BRACKETS)
    with pytest.raises(ScheduleError) as exc:
        schedule_save(
            schedule=draft,
            by=ops,
            fields={"name": "Mới", "handling_per_parcel_vnd": 4_000},
            brackets_by_depot={hn: [(0, None, 99_000)], hcm: [(0, 10_000, 1), (12_000, None, 1)]},
        )
    assert exc.value.field == f"brackets_{hcm.pk}" and exc.value.code == "gap"
    stored = FeeSchedule.objects.get(pk=draft.pk)
    assert stored.name != "Mới" and stored.handling_per_parcel_vnd == 3_000
    assert _table(draft, hn) == list(HN_BRACKETS) and _table(draft, hcm) == []


def test_schedule_save_refuses_a_published_version(in_force, ops, hn):
    with pytest.raises(DomainError) as exc:
        schedule_save(schedule=in_force, by=ops, fields={"name": "x"}, brackets_by_depot={})
    assert exc.value.code == "published"


# --- what a version changes -----------------------------------------------------------------------------------


def test_changes_list_each_figure_and_bracket_old_to_new(in_force, ops, hn, hcm):
    draft = _cheaper_hcm(ops, hcm)
    schedule_save(schedule=draft, by=ops, fields={"handling_per_parcel_vnd": 4_000}, brackets_by_depot={})
    changes = schedule_changes(draft, version_before(draft))
    assert changes.base == in_force
    assert changes.figures == (FigureChange("handling_per_parcel_vnd", 3_000, 4_000),)
    assert changes.brackets == tuple(
        BracketChange(hcm.pk, lo, hi, price, price - 2_000) for lo, hi, price in HCM_BRACKETS
    )
    assert not changes.freight_rises  # handling is not freight
    assert not schedule_changes(in_force, in_force) and schedule_changes(draft, None).base is None


def test_moved_bracket_edges_are_old_and_new_rows_and_a_rise_is_found_between_them(in_force, ops, hn):
    draft = schedule_draft_create(by=ops)
    # 0–20 kg at 23,500 instead of 0–10 at 24,000 and 10–30 at 23,000: 10–20 kg pays 500 ₫ more per kg.
    rows = [(0, 20_000, 23_500), (20_000, 30_000, 23_000), (30_000, 100_000, 22_000), (100_000, None, 21_000)]
    schedule_brackets_set(schedule=draft, depot=hn, rows=rows)
    changes = schedule_changes(draft, in_force)
    assert changes.brackets == (
        BracketChange(hn.pk, 0, 10_000, 24_000, None),
        BracketChange(hn.pk, 0, 20_000, None, 23_500),
        BracketChange(hn.pk, 10_000, 30_000, 23_000, None),
        BracketChange(hn.pk, 20_000, 30_000, None, 23_000),
    )
    assert changes.freight_rises


def test_a_depot_new_in_this_version_is_no_rise(in_force, ops, hn):
    danang = VietnamDepotFactory(code="DN", name="Kho Đà Nẵng")
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=draft, depot=danang, rows=[(0, None, 99_000)])
    changes = schedule_changes(draft, in_force)
    assert changes.brackets == (BracketChange(danang.pk, 0, None, None, 99_000),)
    assert not changes.freight_rises


def test_the_version_before_a_published_one_is_the_one_it_replaced(in_force, later, ops):
    assert version_before(later) == in_force
    assert version_before(in_force) is None
    draft = schedule_draft_create(by=ops)
    assert version_before(draft) == in_force
    assert version_before(draft, later.effective_from + timedelta(minutes=1)) == later


# --- announcing -----------------------------------------------------------------------------------------------


def _announced():
    return list(PendingNotification.objects.filter(kind=NotificationKind.FEES_ANNOUNCED))


def test_a_rise_published_now_is_announced_to_active_customers(in_force, ops, hn, customer):
    CustomerFactory(is_active=False)
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=draft, depot=hn, rows=[(lo, hi, p + 500) for lo, hi, p in HN_BRACKETS])
    schedule_publish(schedule=draft, effective_from=None, by=ops)
    rows = _announced()
    assert [r.user_id for r in rows] == [customer.pk]
    assert rows[0].data == {
        "name": draft.name,
        "effective_from": local_text(draft.effective_from),
        "applies": "now",
    }
    message = Notification(user=customer, kind=NotificationKind.FEES_ANNOUNCED, data=rows[0].data).message
    assert draft.name in message and local_text(draft.effective_from) in message


@pytest.mark.parametrize("what", ["cheaper", "handling", "same"])
def test_published_now_without_a_freight_rise_announces_nothing(in_force, ops, hcm, customer, what):
    draft = _cheaper_hcm(ops, hcm) if what == "cheaper" else schedule_draft_create(by=ops)
    if what == "handling":
        schedule_save(schedule=draft, by=ops, fields={"handling_per_parcel_vnd": 9_000}, brackets_by_depot={})
    schedule_publish(schedule=draft, effective_from=None, by=ops)
    assert schedule_in_force() == draft and _announced() == []


def test_a_first_version_published_now_announces_nothing(ops, hn, customer):
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=draft, depot=hn, rows=HN_BRACKETS)
    schedule_publish(schedule=draft, effective_from=None, by=ops)
    assert _announced() == []


def test_a_cut_from_a_date_is_announced_as_before(in_force, ops, hcm, customer):
    draft = _cheaper_hcm(ops, hcm)
    start = timezone.now() + timedelta(days=3)
    schedule_publish(schedule=draft, effective_from=start, by=ops)
    assert [r.data for r in _announced()] == [{"name": draft.name, "effective_from": local_text(start)}]


# --- a version published earlier to start later ---------------------------------------------------------------


def test_a_later_version_without_these_changes_would_undo_them(in_force, later, ops, hn, hcm):
    draft = _cheaper_hcm(ops, hcm)
    plan = carry_plan(draft, later, in_force)
    assert plan.lost and plan.kept == () and plan.already == ()
    assert plan.applied == tuple(
        BracketChange(hcm.pk, lo, hi, price, price - 2_000) for lo, hi, price in HCM_BRACKETS
    )


def test_carrying_the_changes_onto_the_later_version(in_force, later, ops, hn, hcm):
    draft = _cheaper_hcm(ops, hcm)
    schedule_publish(schedule=draft, effective_from=None, by=ops)  # now; '2027' still comes next month
    carried, plan = schedule_draft_carry(schedule=draft, onto=later, by=ops)
    assert carried.status == ScheduleStatus.DRAFT and carried.created_by == ops
    assert carried.name == "2027 (tăng giá) + 12/2026 (giảm HCM)"
    assert _table(carried, hn) == _table(later, hn)  # 2027's own rise kept
    assert _table(carried, hcm) == [(lo, hi, p - 2_000) for lo, hi, p in HCM_BRACKETS]  # 12/2026's cut
    assert plan.kept == ()
    assert _table(later, hcm) == list(HCM_BRACKETS)  # the published version is untouched


def test_a_value_both_versions_change_keeps_the_later_ones_and_says_so(in_force, ops, hn, hcm):
    later = _published_copy(in_force, "2027", timezone.now() + timedelta(days=30), {hcm: 2_000})
    FeeSchedule.objects.filter(pk=later.pk).update(handling_per_parcel_vnd=5_000)
    later.refresh_from_db()
    draft = _cheaper_hcm(ops, hcm)
    schedule_save(
        schedule=draft,
        by=ops,
        fields={"handling_per_parcel_vnd": 4_000, "storage_free_days": 7},
        brackets_by_depot={hcm: [(0, 10_000, 28_000), *HCM_BRACKETS[1:]]},  # only the first bracket cut
    )
    carried, plan = schedule_draft_carry(schedule=draft, onto=later, by=ops)
    assert plan.applied == (FigureChange("storage_free_days", 5, 7),)
    assert set(plan.kept) == {
        FigureChange("handling_per_parcel_vnd", 5_000, 4_000),
        BracketChange(hcm.pk, 0, 10_000, 32_000, 28_000),
    }
    carried.refresh_from_db()
    assert (carried.storage_free_days, carried.handling_per_parcel_vnd) == (7, 5_000)
    assert _table(carried, hcm) == _table(later, hcm)


def test_bracket_by_bracket_when_the_edges_agree(in_force, ops, hn):
    later = _published_copy(in_force, "2027", timezone.now() + timedelta(days=30), {})
    FreightBracket.objects.filter(schedule=later, depot=hn, from_g=100_000).update(price_per_kg_vnd=20_000)
    draft = schedule_draft_create(by=ops)
    rows = [(0, 10_000, 25_000), *HN_BRACKETS[1:3], (100_000, None, 20_000)]  # first dearer, last as 2027
    schedule_brackets_set(schedule=draft, depot=hn, rows=rows)
    plan = carry_plan(draft, later, in_force)
    assert plan.applied == (BracketChange(hn.pk, 0, 10_000, 24_000, 25_000),)
    assert plan.already == (BracketChange(hn.pk, 100_000, None, 21_000, 20_000),)
    assert dict(plan.tables) == {hn.pk: tuple(rows)}


def test_moved_edges_on_both_sides_keep_the_later_table(in_force, ops, hn):
    later = _published_copy(in_force, "2027", timezone.now() + timedelta(days=30), {})
    FreightBracket.objects.filter(schedule=later, depot=hn).delete()
    brackets_for(later, hn, prices=[(0, 50_000, 23_000), (50_000, None, 21_000)])
    draft = schedule_draft_create(by=ops)
    schedule_brackets_set(schedule=draft, depot=hn, rows=[(0, 5_000, 26_000), (5_000, None, 22_000)])
    plan = carry_plan(draft, later, in_force)
    assert plan.applied == () and plan.tables == () and plan.lost
    assert BracketChange(hn.pk, 0, 5_000, None, 26_000) in plan.kept


def test_a_later_version_with_the_changes_already_loses_nothing(in_force, ops, hcm):
    draft = _cheaper_hcm(ops, hcm)
    later = _published_copy(draft, "2027", timezone.now() + timedelta(days=30), {})
    plan = carry_plan(draft, later, in_force)
    assert not plan.lost and len(plan.already) == len(HCM_BRACKETS)


def test_carry_refuses_a_draft_or_a_version_in_force(in_force, later, ops, hcm):
    draft = _cheaper_hcm(ops, hcm)
    for onto, code in ((schedule_draft_create(by=ops), "not_published"), (in_force, "in_force")):
        with pytest.raises(DomainError) as exc:
            schedule_draft_carry(schedule=draft, onto=onto, by=ops)
        assert exc.value.code == code
    with pytest.raises(DomainError):
        schedule_draft_carry(schedule=later, onto=later, by=ops)
