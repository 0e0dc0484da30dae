"""The depot's delivery desk: requests in tabs, and each turned into a release note (phiếu xuất): parcels
scanned in, carrier and fee, printed, out for delivery, then delivered or refused."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import vietnam_staff_required
from consignments.selectors import with_pieces
from core.errors import DomainError
from warehouse.models import Warehouse
from warehouse.views.common import at_station, pdf_response

from ..forms import ReleaseDetailsForm, ReleaseScanForm
from ..models import ReleaseNote, RequestStatus
from ..pdf import release_note_pdf
from ..selectors import request_at, request_counts, request_history, requests_at, with_dues
from ..services.release import (
    missing_parcels,
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
    wallet_debt,
)
from ..services.requests import delivery_request_cancel, request_orders

staff_at_depot = at_station(Warehouse.Kind.VIETNAM)


def _request(station, pk):
    delivery = request_at(station, pk)
    if delivery is None:
        raise Http404
    return delivery


def _note(delivery) -> ReleaseNote:
    note = getattr(delivery, "release_note", None)
    if note is None:
        raise Http404
    return note


@vietnam_staff_required
@require_GET
@staff_at_depot
def depot_requests(request, station):
    tab = request.GET.get("tab")
    tab = tab if tab in RequestStatus.values else RequestStatus.NEW
    counts = request_counts(station)
    return render(
        request,
        "delivery/depot_requests.html",
        {
            "station": station,
            "tab": tab,
            "tabs": [(value, label, counts[value]) for value, label in RequestStatus.choices],
            "requests": requests_at(station, tab)[:300],
        },
    )


def _scan_context(note, *, outcome="", error=None, scanned=None):
    """The scan area of a release note: the last scan's outcome (its sound), and what is still missing."""
    missing = missing_parcels(note)
    return {
        "note": note,
        "scan_form": ReleaseScanForm(),
        "outcome": outcome,
        "error": error,
        "scanned": scanned,
        "missing": missing,
        "scanned_count": note.parcels.count(),
        "total_count": note.parcels.count() + len(missing),
    }


@vietnam_staff_required
@require_GET
@staff_at_depot
def depot_request(request, station, pk):
    delivery = _request(station, pk)
    note = getattr(delivery, "release_note", None)
    context = {
        "station": station,
        "delivery": delivery,
        "orders": with_dues(with_pieces(request_orders(delivery))),
        "history": request_history(delivery, staff=True),
        "debt": wallet_debt(delivery.customer),
    }
    if note is not None:
        context.update(_scan_context(note))
        context["details_form"] = ReleaseDetailsForm(
            initial={
                "carrier": note.carrier,
                "tracking_number": note.tracking_number,
                "domestic_fee_vnd": note.domestic_fee_vnd,
            }
        )
    return render(request, "delivery/depot_request.html", context)


def _act(request, delivery, action, success: str):
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("delivery:depot_request", pk=delivery.pk)


@vietnam_staff_required
@require_POST
@staff_at_depot
def release_start(request, station, pk):
    delivery = _request(station, pk)
    return _act(
        request,
        delivery,
        lambda: release_note_create(request=delivery, by=request.user, depot=station),
        _("Release note started: scan the parcels in."),
    )


@vietnam_staff_required
@require_POST
@staff_at_depot
def depot_request_cancel(request, station, pk):
    """At the customer's word (by phone, at the counter): only a request not started yet."""
    delivery = _request(station, pk)
    return _act(
        request,
        delivery,
        lambda: delivery_request_cancel(request=delivery, by=request.user),
        _("Request %(code)s is cancelled.") % {"code": delivery.code},
    )


@vietnam_staff_required
@require_POST
@staff_at_depot
def release_scan_view(request, station, pk):
    delivery = _request(station, pk)
    note = _note(delivery)
    try:
        scanned = release_scan(note=note, raw=request.POST.get("code", ""), by=request.user)
    except DomainError as exc:
        context = _scan_context(note, outcome="refused", error=exc.message)
    else:
        context = _scan_context(
            note, outcome="ok" if scanned.outcome == "added" else "again", scanned=scanned
        )
    if request.htmx:
        return render(request, "delivery/depot_request.html#scan_result", context)
    if context["error"]:
        messages.error(request, context["error"])
    return redirect("delivery:depot_request", pk=delivery.pk)


@vietnam_staff_required
@require_POST
@staff_at_depot
def release_details(request, station, pk):
    delivery = _request(station, pk)
    note = _note(delivery)
    form = ReleaseDetailsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("delivery:depot_request", pk=delivery.pk)
    return _act(
        request,
        delivery,
        lambda: release_details_set(note=note, by=request.user, **form.cleaned_data),
        _("Saved. Print the release note."),
    )


@vietnam_staff_required
@require_GET
@staff_at_depot
def release_pdf(request, station, pk):
    note = _note(_request(station, pk))
    return pdf_response(release_note_pdf(note), f"{note.code}.pdf")


@vietnam_staff_required
@require_POST
@staff_at_depot
def release_out_view(request, station, pk):
    delivery = _request(station, pk)
    return _act(
        request,
        delivery,
        lambda: release_out(note=_note(delivery), by=request.user),
        _("Out for delivery: the customer is told."),
    )


@vietnam_staff_required
@require_POST
@staff_at_depot
def release_close_view(request, station, pk):
    delivery = _request(station, pk)
    outcome = request.POST.get("outcome")
    if outcome not in ("delivered", "refused"):
        messages.error(request, _("Say whether it was delivered or refused."))
        return redirect("delivery:depot_request", pk=delivery.pk)
    delivered = outcome == "delivered"
    return _act(
        request,
        delivery,
        lambda: release_close(note=_note(delivery), delivered=delivered, by=request.user),
        _("Delivered: the orders are marked delivered.")
        if delivered
        else _("Refused: the orders are back awaiting delivery at the depot."),
    )


urlpatterns = [
    path("staff/vn/deliveries/", depot_requests, name="depot_requests"),
    path("staff/vn/deliveries/<int:pk>/", depot_request, name="depot_request"),
    path("staff/vn/deliveries/<int:pk>/start/", release_start, name="release_start"),
    path("staff/vn/deliveries/<int:pk>/cancel/", depot_request_cancel, name="depot_request_cancel"),
    path("staff/vn/deliveries/<int:pk>/scan/", release_scan_view, name="release_scan"),
    path("staff/vn/deliveries/<int:pk>/details/", release_details, name="release_details"),
    path("staff/vn/deliveries/<int:pk>/note.pdf", release_pdf, name="release_pdf"),
    path("staff/vn/deliveries/<int:pk>/out/", release_out_view, name="release_out"),
    path("staff/vn/deliveries/<int:pk>/close/", release_close_view, name="release_close"),
]
