"""Receiving at a Vietnam depot: the trips coming to this depot, a trip's bags, a bag's parcels scanned one by
one (htmx: the result and a sound at once), closing a bag and the trip; operations' page of orders with a
parcel missing (mark one lost, with why)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import operations_required, vietnam_staff_required
from consignments.models import Consignment, ConsignmentStatus
from core.errors import DomainError
from warehouse.models import Warehouse
from warehouse.views.common import at_station

from ..models import Bag
from ..selectors import (
    receiving_bag_counts,
    receiving_bag_items,
    receiving_bags,
    receiving_extras,
    receiving_missing_items,
    receiving_trip_for,
    receiving_trips,
)
from ..services.receiving import (
    receiving_bag_find,
    receiving_parcel_late,
    receiving_parcel_scan,
    receiving_trip_open,
)
from ..services.receiving_close import (
    receiving_bag_close,
    receiving_order_lost,
    receiving_summary,
    receiving_trip_close,
)

at_depot = at_station(Warehouse.Kind.VIETNAM)
# The station's sounds (static/js/app.js, by the result's data-outcome): ok, ok but from another bag, already,
# extra (set it aside), refused.
SOUNDS = {"received": "matched", "other_bag": "piece", "already": "duplicate", "extra": "conflict"}


def _trip_at(station, pk):
    trip = receiving_trip_for(depot=station, pk=pk)
    if trip is None:
        raise Http404
    return trip


def _bag_at(station, trip_pk, pk) -> Bag:
    """The bag of this depot on that trip, with the trip as this depot sees it (bag.trip.here), in one
    statement (the receiving scan's hot path)."""
    from ..services.scan_lookup import bag_of_trip_here

    bag = bag_of_trip_here(bag_pk=pk, trip_pk=trip_pk, depot=station)
    if bag is None:
        raise Http404
    return bag


@vietnam_staff_required
@require_GET
@at_depot
def receiving(request, station):
    """Trips on their way to this depot, being received, or closed lately; a field for a parcel that
    turned up late."""
    return render(
        request, "shipping/receiving.html", {"station": station, "trips": receiving_trips(depot=station)}
    )


@vietnam_staff_required
@require_POST
@at_depot
def receiving_late(request, station):
    """A parcel found after its bag was closed (or scanned away from its bag): received into its bag."""
    result, error = None, None
    try:
        result = receiving_parcel_late(depot=station, raw_code=request.POST.get("code", ""), by=request.user)
    except DomainError as exc:
        error = exc.message
    context = {"station": station, "result": result, "error": error, "sound": _sound(result, error)}
    if request.htmx:
        return render(request, "shipping/receiving.html#scan_result", context)
    return render(request, "shipping/receiving.html", {**context, "trips": receiving_trips(depot=station)})


@vietnam_staff_required
@require_GET
@at_depot
def receiving_trip(request, station, pk):
    """A trip at this depot: its bags for here with what was expected, received, missing and extra."""
    trip = _trip_at(station, pk)
    return render(request, "shipping/receiving_trip.html", _trip_context(station, trip))


def _trip_context(station, trip, **more) -> dict:
    return {
        "station": station,
        "trip": trip,
        "bags": receiving_bags(trip=trip, depot=station),
        "extras": receiving_extras(trip=trip, depot=station)[:200],
        "summary": receiving_summary(trip=trip, depot=station),
        **more,
    }


@vietnam_staff_required
@require_POST
@at_depot
def receiving_trip_open_view(request, station, pk):
    """Start receiving: the trip is marked arrived (once)."""
    trip = _trip_at(station, pk)
    try:
        receiving_trip_open(trip=trip, depot=station, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("shipping:receiving_trip", pk=trip.pk)


@vietnam_staff_required
@require_POST
@at_depot
def receiving_bag_open(request, station, pk):
    """A bag's label scanned on the trip page: its page opens, or the station says why not (and sounds)."""
    trip = _trip_at(station, pk)
    try:
        bag = receiving_bag_find(trip=trip, depot=station, raw_code=request.POST.get("code", ""))
    except DomainError as exc:
        if request.htmx:
            return render(
                request,
                "shipping/receiving_trip.html#scan_result",
                {"station": station, "trip": trip, "error": exc.message, "sound": "error"},
            )
        messages.error(request, exc.message)
        return redirect("shipping:receiving_trip", pk=trip.pk)
    target = reverse("shipping:receiving_bag", args=[trip.pk, bag.pk])
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _sound(result, error) -> str:
    if error:
        return "error"
    return SOUNDS.get(result.outcome, "") if result else ""


@vietnam_staff_required
@require_GET
@at_depot
def receiving_bag(request, station, pk, bag_pk):
    """One bag: scan its parcels; what is missing (not scanned yet), received and extra."""
    bag = _bag_at(station, pk, bag_pk)
    return render(request, "shipping/receiving_bag.html", _bag_context(station, bag))


def _bag_context(station, bag, **more) -> dict:
    return {
        "station": station,
        "trip": bag.trip,
        "bag": bag,
        "counts": receiving_bag_counts(bag=bag),
        "items": receiving_bag_items(bag=bag),
        "extras": receiving_extras(trip=bag.trip, bag=bag),
        **more,
    }


@vietnam_staff_required
@require_POST
@at_depot
def receiving_parcel(request, station, pk, bag_pk):
    """A parcel scanned in a bag: the hot path (one order's lock, a few queries); htmx swaps the result
    in and moves the parcel's line from "not scanned" to "received"."""
    bag = _bag_at(station, pk, bag_pk)
    result, error = None, None
    try:
        result = receiving_parcel_scan(
            bag=bag, depot=station, raw_code=request.POST.get("code", ""), by=request.user
        )
    except DomainError as exc:
        error = exc.message
    context = {"result": result, "error": error, "sound": _sound(result, error)}
    if request.htmx:
        context.update(station=station, trip=bag.trip, bag=bag, counts=receiving_bag_counts(bag=bag))
        return render(request, "shipping/receiving_bag.html#scan_result", context)
    return render(request, "shipping/receiving_bag.html", _bag_context(station, bag, **context))


@vietnam_staff_required
@require_POST
@at_depot
def receiving_bag_close_view(request, station, pk, bag_pk):
    """Close a bag: what was not scanned is recorded missing."""
    bag = _bag_at(station, pk, bag_pk)
    try:
        closed = receiving_bag_close(bag=bag, depot=station, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shipping:receiving_bag", pk=pk, bag_pk=bag.pk)
    if closed.already:
        messages.info(request, _("Bag %(bag)s was already closed.") % {"bag": bag.code})
    elif closed.missing:
        messages.warning(
            request,
            _("Bag %(bag)s closed: %(received)d received, %(missing)d missing (recorded for investigation).")
            % {"bag": bag.code, "received": closed.received, "missing": len(closed.missing)},
        )
    else:
        messages.success(
            request,
            _("Bag %(bag)s closed: all %(received)d parcels received.")
            % {"bag": bag.code, "received": closed.received},
        )
    return redirect("shipping:receiving_trip", pk=pk)


@vietnam_staff_required
@require_POST
@at_depot
def receiving_trip_close_view(request, station, pk):
    """Close receiving of the trip at this depot: every bag closed, discrepancies recorded."""
    trip = _trip_at(station, pk)
    summary = receiving_summary(trip=trip, depot=station)
    if summary["unscanned"] and not request.POST.get("confirm"):
        messages.error(
            request,
            _("%(n)d parcels are not scanned yet: tick the box to record them missing and close.")
            % {"n": summary["unscanned"]},
        )
        return redirect("shipping:receiving_trip", pk=trip.pk)
    try:
        summary = receiving_trip_close(trip=trip, depot=station, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shipping:receiving_trip", pk=trip.pk)
    messages.success(
        request,
        _(
            "Receiving of trip %(trip)s closed: %(received)d of %(expected)d parcels received, %(missing)d missing, %(extras)d extra."
        )
        % {
            "trip": trip.code,
            "received": summary["received"],
            "expected": summary["expected"],
            "missing": summary["missing"],
            "extras": summary["extras_total"],
        },
    )
    return redirect("shipping:receiving_trip", pk=trip.pk)


@operations_required
@require_GET
def receiving_missing(request):
    """Operations: orders waiting in transit for a parcel a depot recorded missing, grouped by order."""
    orders: dict[int, dict] = {}
    for item in receiving_missing_items():
        order = item.parcel.consignment
        entry = orders.setdefault(order.pk, {"order": order, "items": []})
        entry["items"].append(item)
    return render(request, "shipping/receiving_missing.html", {"orders": list(orders.values())})


@operations_required
@require_POST
def receiving_lost(request, pk):
    """Operations mark an order with a missing parcel Thất lạc (lost), with the reason."""
    order = get_object_or_404(Consignment, pk=pk, status=ConsignmentStatus.IN_TRANSIT)
    try:
        receiving_order_lost(consignment=order, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(code)s is marked lost.") % {"code": order.code})
    return redirect("shipping:receiving_missing")


urlpatterns = [
    path("vn/receiving/", receiving, name="receiving"),
    path("vn/receiving/found/", receiving_late, name="receiving_late"),
    path("vn/receiving/<int:pk>/", receiving_trip, name="receiving_trip"),
    path("vn/receiving/<int:pk>/open/", receiving_trip_open_view, name="receiving_trip_open"),
    path("vn/receiving/<int:pk>/bag/", receiving_bag_open, name="receiving_bag_open"),
    path("vn/receiving/<int:pk>/close/", receiving_trip_close_view, name="receiving_trip_close"),
    path("vn/receiving/<int:pk>/bags/<int:bag_pk>/", receiving_bag, name="receiving_bag"),
    path("vn/receiving/<int:pk>/bags/<int:bag_pk>/scan/", receiving_parcel, name="receiving_parcel"),
    path(
        "vn/receiving/<int:pk>/bags/<int:bag_pk>/close/", receiving_bag_close_view, name="receiving_bag_close"
    ),
    path("ops/missing-parcels/", receiving_missing, name="receiving_missing"),
    path("ops/missing-parcels/<int:pk>/lost/", receiving_lost, name="receiving_lost"),
]
