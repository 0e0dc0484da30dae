"""Publishing a fee schedule version, and what publishing it does to prices: what it changes against the
version before it (schedule_changes), and how those changes survive a version published earlier to start
later. A new draft copies the version in force, so a version announced for later was copied before these
changes: from its start its prices apply again. schedule_draft_carry makes a draft of that later version
with these changes (a three-way merge against the version before them). Drafts and their checks:
billing.services.schedules."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notifications_send_many

from ..models import FeeSchedule, FreightBracket, ScheduleStatus
from ..selectors import TERMS_FIELDS, published_schedules, schedule_in_force
from .schedules import (
    ScheduleError,
    local_text,
    refuse_if_published,
    schedule_draft_create,
    schedule_lock,
    schedule_save,
    schedule_validate,
    start_time,
)

log = logging.getLogger(__name__)

REASON_PUBLISHED = gettext_noop("fee schedule published")

Row = tuple[int, int | None, int]  # (from_g, to_g or None, price_per_kg_vnd)


@dataclass(frozen=True)
class FigureChange:
    field: str  # a FeeSchedule field (selectors.TERMS_FIELDS), in its stored unit
    old: object
    new: object


@dataclass(frozen=True)
class BracketChange:
    """One freight bracket of one depot, `from_g` < weight ≤ `to_g`: its price per kg before and after
    (None: no such bracket on that side, the brackets' edges moved)."""

    depot_id: int
    from_g: int
    to_g: int | None
    old: int | None
    new: int | None

    @property
    def rises(self) -> bool:
        return self.old is not None and self.new is not None and self.new > self.old


@dataclass(frozen=True)
class Changes:
    """What a version changes against `base` (None: nothing was in force, so nothing to compare)."""

    base: FeeSchedule | None
    figures: tuple[FigureChange, ...] = ()
    brackets: tuple[BracketChange, ...] = ()
    freight_rises: bool = False  # some weight to some depot pays more per kg than under `base`

    def __bool__(self) -> bool:
        return bool(self.figures or self.brackets)


@dataclass(frozen=True)
class Carry:
    """How the changes a version makes against `base` go onto `later`: `applied` (the later version had
    the old value: it takes the new one), `already` (it has the new value too), `kept` (it sets a value of
    its own, which is kept: old = the later version's value, new = this version's)."""

    base: FeeSchedule | None
    later: FeeSchedule
    applied: tuple = ()
    already: tuple = ()
    kept: tuple = ()
    fields: tuple[tuple[str, object], ...] = ()  # figures to set on the draft
    tables: tuple[tuple[int, tuple[Row, ...]], ...] = ()  # depot tables to set on the draft

    @property
    def lost(self) -> bool:
        """From the later version's start, some of these changes no longer apply."""
        return bool(self.applied or self.kept)


def freight_tables(schedule: FeeSchedule | None) -> dict[int, tuple[Row, ...]]:
    """A version's freight tables by depot id, each sorted from 0 kg."""
    tables: dict[int, list[Row]] = {}
    if schedule is not None:
        for b in FreightBracket.objects.filter(schedule=schedule).order_by("depot_id", "from_g"):
            tables.setdefault(b.depot_id, []).append((b.from_g, b.to_g, b.price_per_kg_vnd))
    return {depot: tuple(rows) for depot, rows in tables.items()}


def _price_at(rows, grams: int) -> int | None:
    for lo, hi, price in rows:
        if lo < grams and (hi is None or grams <= hi):
            return price
    return None


def _rises(old: dict, new: dict) -> bool:
    """Some weight to a depot priced before pays more per kg. A table is constant between its edges, and
    every edge starts a bracket, so the first gram after each edge of either table is enough."""
    for depot, rows in new.items():
        before = old.get(depot)
        if not before:
            continue
        for lo in {row[0] for row in rows} | {row[0] for row in before}:
            was, now = _price_at(before, lo + 1), _price_at(rows, lo + 1)
            if was is not None and now is not None and now > was:
                return True
    return False


def _bracket_changes(old: dict, new: dict) -> list[BracketChange]:
    changes = []
    for depot in sorted(set(old) | set(new)):
        before = {(lo, hi): price for lo, hi, price in old.get(depot, ())}
        after = {(lo, hi): price for lo, hi, price in new.get(depot, ())}
        for lo, hi in sorted(set(before) | set(after), key=lambda k: (k[0], k[1] is None, k[1] or 0)):
            if before.get((lo, hi)) != after.get((lo, hi)):
                changes.append(BracketChange(depot, lo, hi, before.get((lo, hi)), after.get((lo, hi))))
    return changes


def _figure_changes(schedule, base) -> list[FigureChange]:
    return [
        FigureChange(name, getattr(base, name), getattr(schedule, name))
        for name in TERMS_FIELDS
        if getattr(base, name) != getattr(schedule, name)
    ]


def version_before(schedule: FeeSchedule, at: datetime | None = None) -> FeeSchedule | None:
    """The version a version's changes are measured against: for a published one, the version in force
    just before it starts; for a draft, the one in force at `at` (its start; now by default)."""
    if schedule.is_published:
        earlier = published_schedules().filter(effective_from__lt=schedule.effective_from)
        return earlier.exclude(pk=schedule.pk).order_by("-effective_from").first()
    return schedule_in_force(at)


def schedule_changes(schedule: FeeSchedule, base: FeeSchedule | None) -> Changes:
    """The figures and freight brackets `schedule` changes against `base` (old → new, stored units), and
    whether any freight price per kg rises."""
    if base is None:
        return Changes(base=None)
    old, new = freight_tables(base), freight_tables(schedule)
    return Changes(
        base=base,
        figures=tuple(_figure_changes(schedule, base)),
        brackets=tuple(_bracket_changes(old, new)),
        freight_rises=_rises(old, new),
    )


def _edges(rows) -> list:
    return [(lo, hi) for lo, hi, _price in rows]


def carry_plan(schedule: FeeSchedule, later: FeeSchedule, base: FeeSchedule | None) -> Carry:
    """What becomes of `schedule`'s changes against `base` once `later` applies, and what a draft of
    `later` carrying them would set. A depot's table is merged bracket by bracket when the three agree on
    the edges; otherwise it is taken whole when `later` left it as it was, else `later`'s is kept."""
    if base is None:  # nothing was in force before it: no changes to tell apart from its own figures
        return Carry(base=None, later=later)
    applied, already, kept, fields = [], [], [], []
    for change in _figure_changes(schedule, base):
        theirs = getattr(later, change.field)
        if theirs == change.new:
            already.append(change)
        elif theirs == change.old:
            applied.append(change)
            fields.append((change.field, change.new))
        else:
            kept.append(FigureChange(change.field, theirs, change.new))
    mine_t, was_t, theirs_t = freight_tables(schedule), freight_tables(base), freight_tables(later)
    tables = []
    for depot in sorted(set(mine_t) | set(was_t)):
        mine, was, theirs = mine_t.get(depot, ()), was_t.get(depot, ()), theirs_t.get(depot, ())
        if mine == was:
            continue
        diffs = _bracket_changes({depot: was}, {depot: mine})
        if theirs == mine:
            already += diffs
        elif theirs == was:
            applied += diffs
            tables.append((depot, mine))
        elif _edges(mine) == _edges(was) == _edges(theirs):
            merged = list(theirs)
            for i, (lo, hi, price) in enumerate(mine):
                old_price, their_price = was[i][2], theirs[i][2]
                if price == old_price:
                    continue
                if their_price == price:
                    already.append(BracketChange(depot, lo, hi, old_price, price))
                elif their_price == old_price:
                    applied.append(BracketChange(depot, lo, hi, old_price, price))
                    merged[i] = (lo, hi, price)
                else:
                    kept.append(BracketChange(depot, lo, hi, their_price, price))
            if merged != list(theirs):
                tables.append((depot, tuple(merged)))
        else:
            kept += _bracket_changes({depot: theirs}, {depot: mine})
    return Carry(
        base=base,
        later=later,
        applied=tuple(applied),
        already=tuple(already),
        kept=tuple(kept),
        fields=tuple(fields),
        tables=tuple(tables),
    )


@transaction.atomic
def schedule_draft_carry(*, schedule: FeeSchedule, onto: FeeSchedule, by) -> tuple[FeeSchedule, Carry]:
    """A draft of `onto`, a published version still to come, carrying the changes `schedule` (a draft or a
    published version) makes against the version before it (carry_plan): where `onto` sets a value of its
    own, it is kept and listed in the returned plan for operations to decide."""
    from warehouse.models import Warehouse

    if not onto.is_published or onto.pk == schedule.pk:
        raise DomainError(_("Choose a published version to come."), code="not_published")
    if onto.effective_from <= timezone.now():
        raise DomainError(
            _("“%(name)s” is already in force: a new draft copies it anyway.") % {"name": onto.name},
            code="in_force",
        )
    plan = carry_plan(schedule, onto, version_before(schedule))
    draft = schedule_draft_create(by=by, copy_from=onto)
    name = _("%(later)s + %(changes)s") % {"later": onto.name, "changes": schedule.name}
    depots = Warehouse.objects.in_bulk([depot for depot, _rows in plan.tables])
    schedule_save(
        schedule=draft,
        by=by,
        fields={"name": name[:100], **dict(plan.fields)},
        brackets_by_depot={depots[depot]: rows for depot, rows in plan.tables},
    )
    return draft, plan


def _notify_customers(data: dict) -> None:
    customers = User.objects.filter(role=Role.CUSTOMER, is_active=True).values_list("pk", flat=True)
    notifications_send_many(user_ids=customers.iterator(), kind=NotificationKind.FEES_ANNOUNCED, data=data)


@transaction.atomic
def schedule_publish(*, schedule: FeeSchedule, effective_from: datetime | None, by) -> FeeSchedule:
    """Publish a valid draft, in force from `effective_from` (None or a moment just past: now). A start to
    come is announced to every active customer (a notification) and on the public fee page; so is a
    version in force from now that raises a freight price per kg against the one in force before it (its
    data says "applies": "now"). Orders are priced with the version in force when they arrived in China
    (billing.selectors.schedule_for)."""
    now = timezone.now()
    locked = schedule_lock(schedule)
    refuse_if_published(locked)
    schedule_validate(locked)
    start = start_time(effective_from, now)
    clash = published_schedules().filter(effective_from=start).first()
    if clash is not None:
        raise ScheduleError(
            _("“%(name)s” already takes effect at that moment: choose another.") % {"name": clash.name},
            field="effective_from",
            code="same_start",
        )
    before = schedule_in_force(now) if start <= now else None
    locked.status = ScheduleStatus.PUBLISHED
    locked.effective_from = start
    locked.published_at = now
    locked.published_by = by
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "effective_from", "published_at", "published_by"])
    except IntegrityError as exc:  # published at the same moment by someone else
        raise ScheduleError(
            _("Another version takes effect at that moment: choose another."),
            field="effective_from",
            code="same_start",
        ) from exc
    for name in ("status", "effective_from", "published_at", "published_by"):
        setattr(schedule, name, getattr(locked, name))
    data = {"name": locked.name, "effective_from": local_text(start)}
    if start > now:
        _notify_customers(data)
    elif schedule_changes(locked, before).freight_rises:
        _notify_customers({**data, "applies": "now"})
    pk = locked.pk
    transaction.on_commit(lambda: _reprice_arrived_since(pk, start, by))
    return locked


def _reprice_arrived_since(schedule_id: int, start: datetime, by) -> None:
    """After a version in force from `start` commits: orders that arrived since then and were priced
    meanwhile (with the version before it, which was still the one others could see) are priced again.
    consignment_price locks each order, so one being weighed right now is re-priced after it."""
    from consignments.models import Consignment

    from .charges import PRICEABLE, consignment_price

    for order in Consignment.objects.filter(created_at__gte=start, status__in=PRICEABLE).order_by("pk"):
        try:
            consignment_price(consignment=order, by=by, reason=REASON_PUBLISHED)
        except Exception:  # one order must not stop the others; it is priced again at its next step
            log.exception("re-pricing %s after fee schedule %s was published", order.pk, schedule_id)
