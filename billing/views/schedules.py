"""Operations: fee schedule versions (list, a new draft, editing a draft, publishing it) and the CNY→VND
exchange rate. Every write goes through billing.services.schedules."""

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import operations_required
from consignments.selectors import destination_depots
from core.errors import DomainError
from core.money import vnd_rate

from ..forms.schedules import ExchangeRateForm, PublishForm, ScheduleForm
from ..models import ExchangeRate, FeeSchedule, FreightBracket
from ..selectors import exchange_rate_at, schedule_in_force
from ..services.rates import exchange_rate_set
from ..services.schedules import (
    ScheduleError,
    local_text,
    schedule_brackets_set,
    schedule_draft_create,
    schedule_update,
    schedule_validate,
)
from ..services.schedules import schedule_publish as schedule_publish_service
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


@operations_required
@require_POST
def schedule_new(request):
    """A new draft, a copy of the version in force (brackets included)."""
    draft = schedule_draft_create(by=request.user)
    messages.success(
        request, _("Draft “%(name)s” created: change it, then publish it.") % {"name": draft.name}
    )
    return redirect("billing:schedule_edit", pk=draft.pk)


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
    """A draft's figures and its freight table per Vietnam depot; a published version is shown read-only."""
    schedule = get_object_or_404(FeeSchedule, pk=pk)
    if schedule.is_published:
        if request.method == "POST":
            messages.error(request, _("A published version is never changed: make a new draft instead."))
            return redirect("billing:schedule_edit", pk=schedule.pk)
        return render(
            request,
            "billing/schedule_detail.html",
            {
                "tables": schedule_tables(schedule),
                "state": _state(schedule, schedule_in_force(), timezone.now()),
            },
        )
    depots = list(destination_depots())
    problem = None
    if request.method == "POST":
        form = ScheduleForm(request.POST, depots=depots)
        if form.is_valid():
            try:
                with transaction.atomic():
                    schedule_update(schedule=schedule, by=request.user, **form.schedule_values())
                    for depot, rows in form.bracket_rows():
                        schedule_brackets_set(schedule=schedule, depot=depot, rows=rows)
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


@operations_required
@require_http_methods(["GET", "POST"])
def schedule_publish(request, pk):
    """Publish a valid draft, now or from a date and time to come (then announced to every customer)."""
    schedule = get_object_or_404(FeeSchedule, pk=pk)
    if schedule.is_published:
        messages.info(request, _("“%(name)s” is already published.") % {"name": schedule.name})
        return redirect("billing:schedule_edit", pk=schedule.pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_publish_service(
                schedule=schedule, effective_from=form.cleaned_data["effective_from"], by=request.user
            )
        except ScheduleError as exc:
            form.add_error("effective_from" if exc.field == "effective_from" else None, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:schedule_edit", pk=schedule.pk)
        else:
            if schedule.effective_from > timezone.now():
                text = _("“%(name)s” is published: in force from %(when)s; customers have been notified.")
            else:
                text = _("“%(name)s” is published and in force from now (%(when)s).")
            messages.success(
                request, text % {"name": schedule.name, "when": local_text(schedule.effective_from)}
            )
            return redirect("billing:schedules")
    return render(
        request,
        "billing/schedule_publish.html",
        {
            "schedule": schedule,
            "form": form,
            "problem": _problem(schedule),
            "tables": schedule_tables(schedule),
        },
    )


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
