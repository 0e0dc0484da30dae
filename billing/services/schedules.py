"""Fee schedule versions (biểu phí): every write operations make to a draft's prices (exchange rates and
customer groups: billing.services.rates; publishing, and what it changes: billing.services.schedules_publish).
A version is edited as a draft, checked (schedule_validate) and published with the time it takes effect; a
published version is never edited again (every service here refuses it)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import FeeSchedule, FreightBracket, ScheduleStatus
from ..selectors import TERMS_FIELDS, schedule_in_force

EDITABLE_FIELDS = ("name", "note", *TERMS_FIELDS)
# (lowest, highest) accepted per integer field; 0 allowed unless the lowest says otherwise.
LIMITS = {
    "volumetric_divisor": (1, 100_000),
    "volumetric_min_excess_g": (0, 100_000),
    "min_billable_g": (0, 100_000),
    "weight_step_g": (1, 100_000),
    "volume_price_per_m3_vnd": (0, 1_000_000_000),
    "bulky_below_kg_per_m3": (0, 10_000),
    "crate_first_kg_fen": (0, 1_000_000),
    "crate_extra_kg_fen": (0, 1_000_000),
    "bubble_first_kg_fen": (0, 1_000_000),
    "bubble_extra_kg_fen": (0, 1_000_000),
    "insurance_rate_bp": (0, 10_000),
    "insurance_min_vnd": (0, 100_000_000),
    "inspection_per_item_vnd": (0, 10_000_000),
    "handling_per_parcel_vnd": (0, 10_000_000),
    "storage_free_days": (0, 365),
    "storage_per_kg_day_vnd": (0, 1_000_000),
}
MAX_BRACKET_G = 100_000_000  # 100 t: a bracket edge beyond it is a typo
MAX_PRICE_PER_KG_VND = 10_000_000
START_GRACE = timedelta(minutes=5)  # a start this little in the past (a minute picked "now") means now
MAX_AHEAD = timedelta(days=366)


class ScheduleError(DomainError):
    """A fee schedule value refused. `field` names the form field (a FeeSchedule field, `effective_from`,
    `vnd_per_cny`, or `brackets_<depot id>` for a depot's freight table), `row` the bracket row (from 1)."""

    def __init__(self, message, *, field: str | None, code: str = "invalid", row: int | None = None):
        super().__init__(message, code=code)
        self.field = field
        self.row = row


def _label(name: str) -> str:
    return str(FeeSchedule._meta.get_field(name).verbose_name)


def _kg(grams) -> str:
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".")


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def refuse_if_published(schedule) -> None:
    if schedule.status != ScheduleStatus.DRAFT:
        raise DomainError(
            _("“%(name)s” is published: a published version is never changed. Make a new draft instead.")
            % {"name": schedule.name},
            code="published",
        )


def schedule_lock(schedule) -> FeeSchedule:
    return FeeSchedule.objects.select_for_update().get(pk=schedule.pk)


def _check_field(name: str, value) -> None:
    if name == "name" and not (isinstance(value, str) and 0 < len(value.strip()) <= 100):
        raise ScheduleError(_("Give the version a name of at most 100 characters."), field=name, code="name")
    if name == "note" and not isinstance(value, str):
        raise ScheduleError(_("The note must be text."), field=name)
    if name == "volume_pricing" and not isinstance(value, bool):
        raise ScheduleError(_("%(field)s: yes or no.") % {"field": _label(name)}, field=name)
    if name in ("name", "note", "volume_pricing"):
        return
    lo, hi = LIMITS[name]
    if not _is_int(value):
        raise ScheduleError(_("%(field)s: enter a whole number.") % {"field": _label(name)}, field=name)
    if value < lo:
        message = (_("%(field)s must be above 0.") if lo == 1 else _("%(field)s cannot be negative.")) % {
            "field": _label(name)
        }
        raise ScheduleError(message, field=name, code="too_small")
    if value > hi:
        raise ScheduleError(
            _("%(field)s: at most %(max)s.") % {"field": _label(name), "max": _money(hi)},
            field=name,
            code="too_large",
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def brackets_check(rows, *, field: str = "brackets") -> list[tuple[int, int | None, int]]:
    """One depot's freight table: rows of (from_g, to_g or None, price_per_kg_vnd), in any order. Returns
    them sorted. Raises ScheduleError naming `field` and the row (counted from 1, as given) when a row is
    wrong, the first does not start at 0 kg, two overlap, a gap separates two, or the last has an end."""
    rows = [tuple(row) for row in rows]

    def refuse(message, row, code):
        return ScheduleError(message, field=field, row=row, code=code)

    for n, (lo, hi, price) in enumerate(rows, start=1):
        if not _is_int(lo) or not 0 <= lo <= MAX_BRACKET_G:
            raise refuse(_("Row %(row)d: “from” must be 0 kg or more.") % {"row": n}, n, "from")
        if hi is not None and (not _is_int(hi) or hi > MAX_BRACKET_G):
            raise refuse(
                _("Row %(row)d: “to” must be a weight in kg, or empty for no upper end.") % {"row": n},
                n,
                "to",
            )
        if hi is not None and hi <= lo:
            raise refuse(
                _("Row %(row)d: “to” (%(hi)s kg) must be above “from” (%(lo)s kg).")
                % {"row": n, "hi": _kg(hi), "lo": _kg(lo)},
                n,
                "to",
            )
        if not _is_int(price) or price <= 0:
            raise refuse(_("Row %(row)d: the price per kg must be above 0 ₫.") % {"row": n}, n, "price")
        if price > MAX_PRICE_PER_KG_VND:
            raise refuse(
                _("Row %(row)d: the price per kg is at most %(max)s ₫.")
                % {"row": n, "max": _money(MAX_PRICE_PER_KG_VND)},
                n,
                "price",
            )
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1] is None, rows[i][1] or 0))
    if order and rows[order[0]][0] != 0:
        n = order[0] + 1
        raise refuse(_("Row %(row)d: the first bracket must start at 0 kg.") % {"row": n}, n, "start")
    for prev, cur in zip(order, order[1:], strict=False):
        prev_hi, lo = rows[prev][1], rows[cur][0]
        names = {"a": prev + 1, "b": cur + 1}
        if prev_hi is None or lo < prev_hi:
            raise refuse(
                _("Rows %(a)d and %(b)d overlap: a weight would be in both brackets.") % names,
                cur + 1,
                "overlap",
            )
        if lo > prev_hi:
            raise refuse(
                _("Rows %(a)d and %(b)d leave a gap: nothing covers %(lo)s–%(hi)s kg.")
                % {**names, "lo": _kg(prev_hi), "hi": _kg(lo)},
                cur + 1,
                "gap",
            )
    if order and rows[order[-1]][1] is not None:
        n = order[-1] + 1
        raise refuse(
            _(
                "Row %(row)d: the last bracket must have no upper end (leave “to” empty), "
                "or heavier orders could not be priced."
            )
            % {"row": n},
            n,
            "end",
        )
    return [rows[i] for i in order]


def _copy_fields(source: FeeSchedule | None) -> dict:
    if source is None:
        return {}
    return {name: getattr(source, name) for name in TERMS_FIELDS} | {"note": source.note}


@transaction.atomic
def schedule_draft_create(*, by, copy_from: FeeSchedule | None = None) -> FeeSchedule:
    """A new draft: a copy of `copy_from` (by default the version in force), brackets included; an empty
    draft with the default figures when nothing is published yet."""
    source = copy_from if copy_from is not None else schedule_in_force()
    name = _("Fee schedule %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}
    draft = FeeSchedule.objects.create(
        name=name[:100], status=ScheduleStatus.DRAFT, created_by=by, **_copy_fields(source)
    )
    if source is not None:
        FreightBracket.objects.bulk_create(
            FreightBracket(
                schedule=draft,
                depot_id=b.depot_id,
                from_g=b.from_g,
                to_g=b.to_g,
                price_per_kg_vnd=b.price_per_kg_vnd,
            )
            for b in FreightBracket.objects.filter(schedule=source).order_by("depot_id", "from_g")
        )
    return draft


@transaction.atomic
def schedule_update(*, schedule: FeeSchedule, by, **fields) -> FeeSchedule:
    """Change a draft's name, note or figures (FeeSchedule's own units: grams, fen, basis points, VND).
    Refuses a published version; ScheduleError names the first field refused."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not a fee schedule field: {sorted(unknown)}")
    locked = schedule_lock(schedule)
    refuse_if_published(locked)
    for name, value in fields.items():
        if name == "name" and isinstance(value, str):
            value = value.strip()
        _check_field(name, value)
        setattr(locked, name, value)
        setattr(schedule, name, value)
    if fields:
        locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def schedule_brackets_set(*, schedule: FeeSchedule, depot, rows) -> list[FreightBracket]:
    """Replace a draft's freight table for one Vietnam depot with `rows` of (from_g, to_g or None,
    price_per_kg_vnd). No rows: this version has no freight for the depot. Refuses a published version;
    ScheduleError names the field `brackets_<depot id>` and the row."""
    field = f"brackets_{depot.pk}"
    if depot.kind != depot.Kind.VIETNAM:
        raise ScheduleError(_("Freight is priced to Vietnam depots only."), field=field, code="depot")
    locked = schedule_lock(schedule)
    refuse_if_published(locked)
    ordered = brackets_check(rows, field=field)
    FreightBracket.objects.filter(schedule=locked, depot=depot).delete()
    return FreightBracket.objects.bulk_create(
        FreightBracket(schedule=locked, depot=depot, from_g=lo, to_g=hi, price_per_kg_vnd=price)
        for lo, hi, price in ordered
    )


@transaction.atomic
def schedule_save(*, schedule: FeeSchedule, by, fields: dict, brackets_by_depot: dict) -> FeeSchedule:
    """Save a draft as the editor sends it, all or nothing: its name, note and figures (`fields`, as
    schedule_update takes them) and its freight tables (`brackets_by_depot`: {depot: rows}, as
    schedule_brackets_set takes them). ScheduleError names the first field (and row) refused, and then
    nothing is saved."""
    saved = schedule_update(schedule=schedule, by=by, **fields)
    for depot, rows in brackets_by_depot.items():
        schedule_brackets_set(schedule=schedule, depot=depot, rows=rows)
    return saved


def schedule_validate(schedule: FeeSchedule) -> None:
    """Everything a version needs before it is published; raises ScheduleError naming the field (and the
    row of a freight table): every figure in range, the divisor and the weight step above 0, percentages at
    most 100 %, every active Vietnam depot's brackets from 0 kg, contiguous (no gap, no overlap), open at
    the top, prices above 0; and when bulky goods are priced by volume, the price per m³ at most the density
    threshold × the lowest price per kg (otherwise a heavier order could pay less: billing.pricing)."""
    from warehouse.models import Warehouse

    for name in EDITABLE_FIELDS:
        _check_field(name, getattr(schedule, name))
    by_depot: dict[int, list] = {}
    for b in FreightBracket.objects.filter(schedule=schedule).order_by("depot_id", "from_g"):
        by_depot.setdefault(b.depot_id, []).append((b.from_g, b.to_g, b.price_per_kg_vnd))
    for depot_id, rows in by_depot.items():
        brackets_check(rows, field=f"brackets_{depot_id}")
    depots = Warehouse.objects.filter(kind=Warehouse.Kind.VIETNAM, is_active=True).order_by("code")
    for depot in depots:
        if depot.pk not in by_depot:
            raise ScheduleError(
                _("%(depot)s has no freight prices: add its brackets.") % {"depot": depot.name},
                field=f"brackets_{depot.pk}",
                code="missing",
            )
    if not by_depot:
        raise ScheduleError(_("Add the freight brackets of a depot."), field=None, code="missing")
    if schedule.volume_pricing:
        for name in ("volume_price_per_m3_vnd", "bulky_below_kg_per_m3"):
            if getattr(schedule, name) <= 0:
                raise ScheduleError(
                    _("%(field)s must be above 0 when bulky goods are priced by volume.")
                    % {"field": _label(name)},
                    field=name,
                    code="too_small",
                )
        cheapest = min(price for rows in by_depot.values() for _lo, _hi, price in rows)
        ceiling = schedule.bulky_below_kg_per_m3 * cheapest
        if schedule.volume_price_per_m3_vnd > ceiling:
            raise ScheduleError(
                _(
                    "The price per m³ can be at most %(max)s ₫ (%(density)s kg per m³ × %(price)s ₫, the "
                    "lowest price per kg): otherwise a heavier order could pay less than a lighter one."
                )
                % {
                    "max": _money(ceiling),
                    "density": schedule.bulky_below_kg_per_m3,
                    "price": _money(cheapest),
                },
                field="volume_price_per_m3_vnd",
                code="volume_rule",
            )


def start_time(effective_from: datetime | None, now: datetime, field: str = "effective_from") -> datetime:
    """The moment a version or a rate takes effect: now, or a moment to come (a minute picked as now, a
    few minutes ago, counts as now)."""
    if effective_from is None:
        return now
    if not isinstance(effective_from, datetime) or timezone.is_naive(effective_from):
        raise ScheduleError(_("Give the date and time it takes effect."), field=field, code="start")
    if now - START_GRACE <= effective_from <= now:
        return now
    if effective_from < now:
        raise ScheduleError(
            _(
                "The start is in the past: choose now or a moment to come (prices are never changed backwards)."
            ),
            field=field,
            code="past",
        )
    if effective_from > now + MAX_AHEAD:
        raise ScheduleError(_("The start is more than a year away."), field=field, code="far")
    return effective_from


def local_text(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh, as notifications and pages show a start."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
