"""Operations: fee schedule versions (list, a new draft, editing a draft, publishing it: what it changes
against the version in force, and a version published earlier to start later, whose prices would replace
it) and the CNY→VND exchange rate. Every write goes through billing.services.schedules(_publish)."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import operations_required
from consignments.selectors import destination_depots
from core.errors import DomainError
from core.money import vnd, vnd_rate
from core.numbers import parse_int

from ..forms.publish import PublishForm
from ..forms.schedules import FIELD_MAP, FORM_FIELD_OF, ExchangeRateForm, ScheduleForm
from ..models import ExchangeRate, FeeSchedule, FreightBracket
from ..selectors import exchange_rate_at, schedule_in_force, schedule_upcoming
from ..services.rates import exchange_rate_set
from ..services.schedules import (
    ScheduleError,
    local_text,
    schedule_draft_create,
    schedule_save,
    schedule_validate,
)
from ..services.schedules_publish import (
    BracketChange,
    carry_plan,
    schedule_changes,
    schedule_draft_carry,
    version_before,
)
from ..services.schedules_publish import schedule_publish as schedule_publish_service
from .public import schedule_tables


def _state(schedule, in_force, now) -> str:
    if not schedule.is_published:
        return "draft"
    if in_force is not None and schedule.pk == in_force.pk:
        return "in_force"
    return "upcoming" if schedule.effective_from > now else "past"


@operations_required
@require_GET
def schedules(request):
    """Every version: drafts first, then published ones by start (upcoming, in force, past)."""
    now = timezone.now()
    in_force = schedule_in_force(now)
    versions = FeeSchedule.objects.select_related("published_by", "created_by").order_by(
        F("effective_from").desc(nulls_first=True), "-id"
    )[:200]
    rows = [{"schedule": s, "state": _state(s, in_force, now)} for s in versions]
    return render(
        request,
        "billing/schedule_list.html",
        {"rows": rows, "in_force": in_force, "rate": exchange_rate_at(now)},
    )


def _version(pk) -> FeeSchedule:
    number = parse_int(str(pk or ""))
    if number is None:
        raise Http404
    return get_object_or_404(FeeSchedule, pk=number)


@operations_required
@require_POST
def schedule_new(request):
    """A new draft, a copy of the version in force (brackets included); with `copy_from` (a published
    version to come) and `changes_of` (a version), a copy of the former carrying the changes of the latter
    (billing.services.schedules_publish.schedule_draft_carry)."""
    if "copy_from" not in request.POST and "changes_of" not in request.POST:
        draft = schedule_draft_create(by=request.user)
        messages.success(
            request, _("Draft “%(name)s” created: change it, then publish it.") % {"name": draft.name}
        )
        return redirect("billing:schedule_edit", pk=draft.pk)
    later, changes_of = _version(request.POST.get("copy_from")), _version(request.POST.get("changes_of"))
    try:
        draft, plan = schedule_draft_carry(schedule=changes_of, onto=later, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("billing:schedule_edit", pk=changes_of.pk)
    messages.success(
        request,
        _(
            "Draft “%(name)s” made from “%(later)s” with the changes of “%(changes)s”. Check it, then publish "
            "it from a minute after “%(later)s” starts (%(when)s): two versions cannot start at the same moment."
        )
        % {
            "name": draft.name,
            "later": later.name,
            "changes": changes_of.name,
            "when": local_text(later.effective_from),
        },
    )
    if plan.kept:
        messages.warning(
            request,
            _(
                "“%(later)s” sets its own value here, kept in the draft (change it if yours should apply): %(what)s"
            )
            % {"later": later.name, "what": "; ".join(_kept_text(row) for row in change_rows(plan.kept))},
        )
    return redirect("billing:schedule_edit", pk=draft.pk)


def _plain(number) -> str:
    text = f"{Decimal(number):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _kg(grams) -> str:
    return _plain(Decimal(grams) / 1000)


def bracket_words(from_g: int, to_g: int | None) -> str:
    """A bracket as the fee page writes it: 'up to 10 kg', 'above 10 to 30 kg', 'above 100 kg'."""
    if to_g is None:
        return _("above %(lo)s kg") % {"lo": _kg(from_g)}
    if from_g == 0:
        return _("up to %(hi)s kg") % {"hi": _kg(to_g)}
    return _("above %(lo)s to %(hi)s kg") % {"lo": _kg(from_g), "hi": _kg(to_g)}


def _figure(field: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.endswith("_vnd"):
        return vnd(value)
    _to, back = FIELD_MAP[FORM_FIELD_OF[field]][1]
    return _plain(back(value))


def change_rows(changes) -> list[dict]:
    """Figure and bracket changes as the pages show them: label, old → new in people's units (kg, CNY,
    percent, ₫), and for a freight price whether it rises or falls."""
    from warehouse.models import Warehouse

    depots = Warehouse.objects.in_bulk({c.depot_id for c in changes if isinstance(c, BracketChange)})
    rows = []
    for c in changes:
        if isinstance(c, BracketChange):
            depot = depots.get(c.depot_id)
            label = _("Freight to %(depot)s, %(bracket)s") % {
                "depot": depot.name if depot else c.depot_id,
                "bracket": bracket_words(c.from_g, c.to_g),
            }
            up = c.rises
            down = c.old is not None and c.new is not None and c.new < c.old
            rows.append({"label": label, "old": vnd(c.old), "new": vnd(c.new), "rises": up, "falls": down})
        else:
            label = str(ScheduleForm.base_fields[FORM_FIELD_OF[c.field]].label)
            rows.append({"label": label, "old": _figure(c.field, c.old), "new": _figure(c.field, c.new)})
    return rows


def _kept_text(row) -> str:
    return _("%(what)s: %(theirs)s (yours: %(mine)s)") % {
        "what": row["label"],
        "theirs": row["old"],
        "mine": row["new"],
    }


def _impact(schedule, at=None) -> dict:
    """What publishing `schedule` from `at` (None: now; a published one: its start) changes against the
    version in force then, and the published version to come after it, whose prices would replace these."""
    now = timezone.now()
    moment = max((schedule.effective_from if schedule.is_published else at) or now, now)
    base = version_before(schedule, moment)
    changes = schedule_changes(schedule, base)
    later = schedule_upcoming(moment)
    plan = carry_plan(schedule, later, base) if later is not None else None
    return {
        "changes": {"base": base, "rows": change_rows(changes.figures + changes.brackets)},
        "freight_rises": changes.freight_rises,
        "later": later,
        "plan": plan,
        "lost_rows": change_rows(plan.applied + plan.kept) if plan else [],
    }


def _brackets_by_depot(schedule) -> dict:
    rows: dict[int, list] = {}
    for b in FreightBracket.objects.filter(schedule=schedule).order_by("depot_id", "from_g"):
        rows.setdefault(b.depot_id, []).append(b)
    return rows


def _problem(schedule) -> ScheduleError | None:
    try:
        schedule_validate(schedule)
    except ScheduleError as exc:
        return exc
    return None


@operations_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk):
    """A draft's figures and its freight table per Vietnam depot; a published version is shown read-only,
    with what it changed and, when a version to come will replace it, a way to carry its changes there."""
    schedule = get_object_or_404(FeeSchedule, pk=pk)
    if schedule.is_published:
        if request.method == "POST":
            messages.error(request, _("A published version is never changed: make a new draft instead."))
            return redirect("billing:schedule_edit", pk=schedule.pk)
        state = _state(schedule, schedule_in_force(), timezone.now())
        impact = _impact(schedule)
        if state == "past":
            impact.update(later=None, plan=None, lost_rows=[])
        return render(
            request,
            "billing/schedule_detail.html",
            {"tables": schedule_tables(schedule), "state": state, "schedule": schedule, **impact},
        )
    depots = list(destination_depots())
    problem = None
    if request.method == "POST":
        form = ScheduleForm(request.POST, depots=depots)
        if form.is_valid():
            try:
                schedule_save(
                    schedule=schedule,
                    by=request.user,
                    fields=form.schedule_values(),
                    brackets_by_depot=dict(form.bracket_rows()),
                )
            except ScheduleError as exc:
                form.add_service_error(exc)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("billing:schedule_edit", pk=schedule.pk)
            else:
                problem = _problem(schedule)
                if problem is None:
                    messages.success(request, _("Saved. Check the figures, then publish it."))
                    return redirect("billing:schedule_edit", pk=schedule.pk)
                form.add_service_error(problem)
                messages.warning(
                    request, _("Saved, but it cannot be published yet: %(why)s") % {"why": problem}
                )
    else:
        form = ScheduleForm(
            initial=ScheduleForm.initial_for(schedule, _brackets_by_depot(schedule)), depots=depots
        )
        problem = _problem(schedule)
    return render(
        request, "billing/schedule_edit.html", {"schedule": schedule, "form": form, "problem": problem}
    )


def _published_message(request, schedule, *, rises: bool) -> None:
    when = local_text(schedule.effective_from)
    if schedule.effective_from > timezone.now():
        text = _("“%(name)s” is published: in force from %(when)s; customers have been notified.")
    elif rises:
        text = _(
            "“%(name)s” is published and in force from now (%(when)s). Freight prices rise, so customers "
            "have been notified."
        )
    else:
        text = _("“%(name)s” is published and in force from now (%(when)s).")
    messages.success(request, text % {"name": schedule.name, "when": when})


@operations_required
@require_http_methods(["GET", "POST"])
def schedule_publish(request, pk):
    """Publish a valid draft, now or from a date and time to come (then announced to every customer; from
    now, announced too when a freight price rises). The page shows what changes against the version in
    force and warns of a version to come that would replace these prices; htmx refreshes that part when
    the start chosen changes."""
    schedule = get_object_or_404(FeeSchedule, pk=pk)
    if schedule.is_published:
        messages.info(request, _("“%(name)s” is already published.") % {"name": schedule.name})
        return redirect("billing:schedule_edit", pk=schedule.pk)
    if request.method == "POST":
        form = PublishForm(request.POST)
    else:
        form = PublishForm(request.GET if "when" in request.GET else None)
    if request.method == "POST" and form.is_valid():
        start = form.start()
        rises = schedule_changes(schedule, schedule_in_force()).freight_rises  # told when it starts now
        try:
            schedule_publish_service(schedule=schedule, effective_from=start, by=request.user)
        except ScheduleError as exc:
            form.add_error("effective_from" if exc.field == "effective_from" else None, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:schedule_edit", pk=schedule.pk)
        else:
            _published_message(request, schedule, rises=rises)
            later = schedule_upcoming(schedule.effective_from)
            if later is None:
                return redirect("billing:schedules")
            messages.warning(
                request,
                _(
                    "“%(later)s” takes effect on %(when)s and its prices will replace these then: to keep "
                    "these changes, make a draft of it with them (below)."
                )
                % {"later": later.name, "when": local_text(later.effective_from)},
            )
            return redirect("billing:schedule_edit", pk=schedule.pk)
    problem = _problem(schedule)
    context = {"schedule": schedule, "form": form, "problem": problem}
    if problem is None:
        context.update(_impact(schedule, form.chosen_moment()))
    if request.htmx and request.method == "GET":
        return render(request, "billing/schedule_publish.html#impact", context)
    return render(request, "billing/schedule_publish.html", {**context, "tables": schedule_tables(schedule)})


@operations_required
@require_http_methods(["GET", "POST"])
def exchange_rates(request):
    """Set the CNY→VND rate (now or from a moment to come) and see the rates set before."""
    form = ExchangeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate = exchange_rate_set(
                vnd_per_cny=form.cleaned_data["vnd_per_cny"],
                effective_from=form.cleaned_data["effective_from"],
                by=request.user,
                confirm=form.cleaned_data["confirm_large_change"],
            )
        except ScheduleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Rate %(rate)s per CNY set, in force from %(when)s.")
                % {"rate": vnd_rate(rate.vnd_per_cny), "when": local_text(rate.effective_from)},
            )
            return redirect("billing:exchange_rates")
    now = timezone.now()
    return render(
        request,
        "billing/schedule_exchange_rates.html",
        {
            "form": form,
            "rates": ExchangeRate.objects.select_related("set_by").order_by("-effective_from")[:100],
            "in_force": exchange_rate_at(now),
            "now": now,
        },
    )


urlpatterns = [
    path("staff/billing/schedules/", schedules, name="schedules"),
    path("staff/billing/schedules/new/", schedule_new, name="schedule_new"),
    path("staff/billing/schedules/<int:pk>/", schedule_edit, name="schedule_edit"),
    path("staff/billing/schedules/<int:pk>/publish/", schedule_publish, name="schedule_publish"),
    path("staff/billing/exchange-rates/", exchange_rates, name="exchange_rates"),
]
