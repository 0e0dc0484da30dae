"""Trips (chuyến xe) at the China warehouse, for its staff and operations: create a trip, load closed bags
by scanning their label (unload while loading), depart, add checkpoints, print the manifest.

China staff see the trips leaving from their warehouse; operations see every trip (and create them at
their station's warehouse)."""

import io

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import china_staff_required
from accounts.models import Role
from core.errors import DomainError
from core.forms import StyledFormMixin
from warehouse.models import Warehouse
from warehouse.views.common import at_station, pdf_response

from ..models import Bag, CheckpointKind, Trip, TripStatus
from ..selectors import (
    bags_waiting_for_trip,
    status_history,
    trip_bags,
    trip_orders_split,
    trip_summary,
    trips_from,
)
from ..services.trips import (
    LoadResult,
    trip_bag_load,
    trip_bag_unload,
    trip_checkpoint_add,
    trip_create,
    trip_depart,
)
from ..trip_manifest import trip_manifest, trip_manifest_pdf
from ..trip_manifest_xlsx import trip_manifest_xlsx

at_china = at_station(Warehouse.Kind.CHINA)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- forms -----------------------------------------------------------------------------------------------


class TripForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Trip
        fields = ["plate", "driver", "carrier", "route"]
        widgets = {"plate": forms.TextInput(attrs={"autocapitalize": "characters"})}
        help_texts = {"route": gettext_lazy("E.g. Quảng Châu → Bằng Tường → Hữu Nghị → Hà Nội.")}


class LoadForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Scan the bag's label"),
        # no max_length: the service refuses a long scan with its own message
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "form-control form-control-lg scan-input",
            }
        ),
    )


class CheckpointForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=[(value, label) for value, label in CheckpointKind.choices if value != CheckpointKind.LEFT],
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "checkpoint-places"}),  # suggestions: the border gates
    )
    at = forms.DateTimeField(
        label=gettext_lazy("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Vietnam time (UTC+7): China time is one hour ahead."),
        error_messages={"invalid": gettext_lazy("Enter a date and time, e.g. 01/07/2026 08:30.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note for customers"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Shown on the timeline of every order on the trip."),
    )


# --- helpers ---------------------------------------------------------------------------------------------


def _trip_for(request, station, pk) -> Trip:
    """A trip leaving from this staff member's warehouse (operations: any trip), or 404."""
    trips = Trip.objects.select_related("origin", "created_by", "departed_by")
    if request.user.role != Role.OPERATIONS:
        trips = trips.filter(origin=station)
    return get_object_or_404(trips, pk=pk)


def _trip_context(trip, station, **extra) -> dict:
    context = {
        "station": station,
        "trip": trip,
        "bags": trip_bags(trip=trip),
        "summary": trip_summary(trip=trip),
        "events": status_history(trip),
        **extra,
    }
    if trip.status == TripStatus.LOADING:
        context.setdefault("load_form", LoadForm())
        context["waiting"] = bags_waiting_for_trip(origin=trip.origin)
    else:
        context["checkpoints"] = trip.checkpoints.select_related("by")
        if trip.status == TripStatus.DEPARTED:
            now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
            context.setdefault("checkpoint_form", CheckpointForm(initial={"at": now}))
    return context


# --- pages -----------------------------------------------------------------------------------------------


def _trips_page(request, station, form, status=200):
    origin = None if request.user.role == Role.OPERATIONS else station
    rows = trips_from(origin=origin)
    shown = request.GET.get("status", "")
    if (
        shown in TripStatus.values
    ):  # ?status=departed: the trips on the road (the operations dashboard's link)
        rows = rows.filter(status=shown)
    else:
        shown = ""
    context = {
        "station": station,
        "trips": rows[:100],
        "form": form,
        "shown": shown,
        "statuses": TripStatus.choices,
    }
    return render(request, "shipping/trips.html", context, status=status)


@china_staff_required
@require_GET
@at_china
def trips(request, station):
    """The trips leaving from this warehouse (operations: all), newest first, and a form for a new one."""
    return _trips_page(request, station, TripForm())


@china_staff_required
@require_POST
@at_china
def trip_create_view(request, station):
    form = TripForm(request.POST)
    if form.is_valid():
        try:
            trip = trip_create(origin=station, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Trip %(trip)s created: scan its bags.") % {"trip": trip.code})
            return redirect("shipping:trip", trip.pk)
    return _trips_page(request, station, form, status=400)


@china_staff_required
@require_GET
@at_china
def trip_detail(request, station, pk):
    trip = _trip_for(request, station, pk)
    context = _trip_context(trip, station)
    if trip.status == TripStatus.LOADING:  # shown beside the depart button
        context["split"] = trip_orders_split(trip=trip)
    return render(request, "shipping/trip.html", context)


@china_staff_required
@require_POST
@at_china
def trip_load(request, station, pk):
    """A bag's label scanned onto a loading trip. With htmx: the result (its own sound) and the trip's
    bags and totals swapped in; without: back to the trip page with a message."""
    trip = _trip_for(request, station, pk)
    result, error = None, None
    try:
        result = trip_bag_load(trip=trip, raw_code=request.POST.get("code", ""), by=request.user)
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        context = _trip_context(trip, station, result=result, error=error)
        return render(request, "shipping/trip.html#load_result", context)
    if error:
        messages.error(request, error)
    elif result.outcome == LoadResult.ALREADY:
        messages.info(request, _("Bag %(bag)s is on this trip already.") % {"bag": result.bag.code})
    else:
        messages.success(request, _("Bag %(bag)s loaded.") % {"bag": result.bag.code})
    if result is not None and result.warning:
        messages.warning(request, result.warning)
    return redirect("shipping:trip", trip.pk)


@china_staff_required
@require_POST
@at_china
def trip_unload(request, station, pk, bag_pk):
    trip = _trip_for(request, station, pk)
    bag = get_object_or_404(Bag, pk=bag_pk, trip=trip)
    try:
        trip_bag_unload(trip=trip, bag=bag, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bag %(bag)s taken off the trip.") % {"bag": bag.code})
    return redirect("shipping:trip", trip.pk)


@china_staff_required
@require_POST
@at_china
def trip_depart_view(request, station, pk):
    trip = _trip_for(request, station, pk)
    if trip.status == TripStatus.LOADING and not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm every bag is on the truck."))
        return redirect("shipping:trip", trip.pk)
    try:
        departure = trip_depart(trip=trip, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shipping:trip", trip.pk)
    if not departure.departed:
        messages.info(
            request, _("Trip %(trip)s has departed already: nothing changed.") % {"trip": trip.code}
        )
        return redirect("shipping:trip", trip.pk)
    messages.success(
        request,
        ngettext(
            "Trip %(trip)s departed: %(orders)d order in international transit, %(customers)d customer notified.",
            "Trip %(trip)s departed: %(orders)d orders in international transit, %(customers)d customers notified.",
            departure.orders,
        )
        % {"trip": trip.code, "orders": departure.orders, "customers": departure.customers},
    )
    if departure.skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d order on the trip was no longer at the China warehouse (cancelled or lost): it did not move.",
                "%(n)d orders on the trip were no longer at the China warehouse (cancelled or lost): they did not move.",
                departure.skipped,
            )
            % {"n": departure.skipped},
        )
    return redirect("shipping:trip", trip.pk)


@china_staff_required
@require_POST
@at_china
def trip_checkpoint_view(request, station, pk):
    """A checkpoint typed by staff; a refusal shows the page again with what was typed."""
    trip = _trip_for(request, station, pk)
    form = CheckpointForm(request.POST)
    if form.is_valid():
        try:
            checkpoint = trip_checkpoint_add(trip=trip, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Checkpoint recorded: “%(kind)s” is on the timeline of every order on trip %(trip)s.")
                % {"kind": checkpoint.get_kind_display(), "trip": trip.code},
            )
            return redirect("shipping:trip", trip.pk)
    context = _trip_context(trip, station, checkpoint_form=form)
    return render(request, "shipping/trip.html", context, status=400)


@china_staff_required
@require_GET
@at_china
def trip_manifest_view(request, station, pk, fmt):
    """The trip's manifest, as a PDF or an .xlsx (a loading trip's too: a draft without a departure)."""
    trip = _trip_for(request, station, pk)
    manifest = trip_manifest(trip)
    if fmt == "pdf":
        return pdf_response(trip_manifest_pdf(manifest), f"manifest-{trip.code}.pdf")
    if fmt != "xlsx":  # pragma: no cover - the URL allows only these two
        raise Http404
    buffer = io.BytesIO()
    trip_manifest_xlsx(manifest, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="manifest-{trip.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("cn/trips/", trips, name="trips"),
    path("cn/trips/new/", trip_create_view, name="trip_create"),
    path("cn/trips/<int:pk>/", trip_detail, name="trip"),
    path("cn/trips/<int:pk>/load/", trip_load, name="trip_load"),
    path("cn/trips/<int:pk>/bags/<int:bag_pk>/unload/", trip_unload, name="trip_unload"),
    path("cn/trips/<int:pk>/depart/", trip_depart_view, name="trip_depart"),
    path("cn/trips/<int:pk>/checkpoints/", trip_checkpoint_view, name="trip_checkpoint"),
    path("cn/trips/<int:pk>/manifest.pdf", trip_manifest_view, {"fmt": "pdf"}, name="trip_manifest_pdf"),
    path("cn/trips/<int:pk>/manifest.xlsx", trip_manifest_view, {"fmt": "xlsx"}, name="trip_manifest_xlsx"),
]
