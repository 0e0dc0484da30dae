from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import china_staff_required, operations_required, vietnam_staff_required
from consignments.models import Consignment, ConsignmentStatus
from consignments.selectors import (
    consignments_at_china_warehouse,
    consignments_awaiting_at,
    consignments_in_transit,
)
from consignments.services import consignment_mark_ready, consignment_set_weight, consignments_dispatch
from core.errors import DomainError
from tracking.normalize import normalize_tracking_code

from .forms import DepotScanForm, ScanForm, WeightForm
from .models import Warehouse
from .selectors import china_warehouses, vietnam_depots
from .services import parcel_scan


def _station(user, kind) -> Warehouse | None:
    """The warehouse this staff member works at (operations: the first active one of that kind)."""
    if user.warehouse_id and user.warehouse.kind == kind:
        return user.warehouse
    qs = china_warehouses() if kind == Warehouse.Kind.CHINA else vietnam_depots()
    return qs.first()


def _no_station(request):
    return render(request, "warehouse/no_station.html", status=503)


# --- China warehouse -------------------------------------------------------------------------------------


@china_staff_required
def scan(request):
    """The scan station. A barcode scanner types the code and presses Enter; htmx swaps the result in."""
    station = _station(request.user, Warehouse.Kind.CHINA)
    if station is None:
        return _no_station(request)
    form = ScanForm(request.POST or None)
    result, error = None, None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = parcel_scan(raw_code=form.cleaned_data["code"], warehouse=station, by=request.user)
            except DomainError as exc:
                error = exc.message
        else:
            error = _("Scan a tracking number.")
    context = {
        "form": ScanForm(),
        "station": station,
        "result": result,
        "error": error,
        "weight_form": WeightForm(),
    }
    if request.htmx:
        return render(request, "warehouse/scan.html#scan_result", context)
    return render(request, "warehouse/scan.html", context)


@china_staff_required
@require_POST
def consignment_weigh(request, pk):
    station = _station(request.user, Warehouse.Kind.CHINA)
    if station is None:
        return _no_station(request)
    consignment = get_object_or_404(
        Consignment.objects.select_related("customer", "parcel"), pk=pk, current_warehouse=station
    )
    form = WeightForm(request.POST)
    error = None
    if form.is_valid():
        try:
            consignment_set_weight(consignment=consignment, weight_g=form.weight_g, by=request.user)
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Enter a weight between 0.001 kg and 500 kg.")
    context = {"consignment": consignment, "weight_form": form, "weight_error": error, "saved": error is None}
    if request.htmx:
        return render(request, "warehouse/scan.html#weight_panel", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Weight saved for %(code)s.") % {"code": consignment.code})
    return redirect("warehouse:scan")


@china_staff_required
def dispatch(request):
    """Orders at this warehouse; select several and mark them departed for Vietnam."""
    station = _station(request.user, Warehouse.Kind.CHINA)
    if station is None:
        return _no_station(request)
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
        chosen = consignments_at_china_warehouse(warehouse=station).filter(pk__in=ids)
        done, errors = consignments_dispatch(consignments=chosen, by=request.user)
        if done:
            messages.success(
                request,
                ngettext("%(n)d order departed for Vietnam.", "%(n)d orders departed for Vietnam.", len(done))
                % {"n": len(done)},
            )
        for err in errors:
            messages.error(request, err)
        if not ids:
            messages.warning(request, _("Select at least one order."))
        return redirect("warehouse:dispatch")
    return render(
        request,
        "warehouse/dispatch.html",
        {"station": station, "consignments": consignments_at_china_warehouse(warehouse=station)[:500]},
    )


# --- Vietnam depot ---------------------------------------------------------------------------------------


@vietnam_staff_required
def depot(request):
    """Arrived orders: scan one, or select several, and mark them Chờ giao (awaiting delivery)."""
    station = _station(request.user, Warehouse.Kind.VIETNAM)
    if station is None:
        return _no_station(request)
    if request.method == "POST":
        if "code" in request.POST:
            form = DepotScanForm(request.POST)
            code = normalize_tracking_code(form.data.get("code", ""))
            chosen = consignments_in_transit().filter(code=code) or consignments_in_transit().filter(
                parcel__tracking_code=code
            )
            if not code:
                messages.error(request, _("Scan an order code or a tracking number."))
            elif not chosen:
                messages.error(
                    request, _("No order in international transit has the code %(code)s.") % {"code": code}
                )
        else:
            ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
            chosen = consignments_in_transit().filter(pk__in=ids)
            if not ids:
                messages.warning(request, _("Select at least one order."))
        marked = []
        for consignment in chosen:
            try:
                marked.append(
                    consignment_mark_ready(consignment=consignment, by=request.user, warehouse=station)
                )
            except DomainError as exc:
                messages.error(request, exc.message)
        if marked:
            messages.success(
                request,
                ngettext(
                    "%(codes)s is now awaiting delivery.",
                    "%(n)d orders are now awaiting delivery: %(codes)s",
                    len(marked),
                )
                % {"n": len(marked), "codes": ", ".join(c.code for c in marked)},
            )
        return redirect("warehouse:depot")
    return render(
        request,
        "warehouse/depot.html",
        {
            "station": station,
            "form": DepotScanForm(),
            "in_transit": consignments_in_transit()[:500],
            "awaiting": consignments_awaiting_at(warehouse=station)[:100],
            "ConsignmentStatus": ConsignmentStatus,
        },
    )


# --- Operations ------------------------------------------------------------------------------------------


@operations_required
def conflicts(request):
    """Codes registered by several customers: operations keep the one whose customer code is on the label."""
    from tracking.selectors import conflicted_codes, open_registrations_for_code
    from tracking.services import tracking_conflict_resolve

    if request.method == "POST":
        code = request.POST.get("code", "")
        keep = request.POST.get("keep", "")
        if keep.isdigit():
            try:
                kept = tracking_conflict_resolve(code=code, keep_id=int(keep), by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("%(code)s now belongs to %(customer)s.")
                    % {"code": code, "customer": kept.customer.username},
                )
        return redirect("warehouse:conflicts")
    rows = [
        (row["code"], list(open_registrations_for_code(code=row["code"]).order_by("created_at")))
        for row in conflicted_codes()[:200]
    ]
    return render(request, "warehouse/conflicts.html", {"rows": rows})
