import mimetypes
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import china_staff_required, operations_required, vietnam_staff_required
from accounts.models import User
from consignments.models import Consignment, ConsignmentStatus
from consignments.selectors import (
    consignments_at_china_warehouse,
    consignments_awaiting_at,
    consignments_in_transit,
)
from consignments.services import (
    consignment_declare,
    consignment_mark_ready,
    consignment_measure,
    consignments_dispatch,
    declaration_prefill,
)
from core.errors import DomainError
from tracking.normalize import normalize_tracking_code

from .forms import AssignForm, DeclarationForm, DepotScanForm, IdentifyForm, PhotoForm, ScanForm, WeightForm
from .labels import consignment_label_pdf, labels_pdf
from .models import Parcel, Warehouse
from .selectors import photo_for, station_for
from .services import (
    ScanResult,
    customers_from_label,
    parcel_add_photos,
    parcel_assign,
    parcel_scan,
    parcel_set_label_text,
)


def _no_station(request):
    return render(request, "warehouse/no_station.html", status=503)


def at_station(kind):
    """Pass the staff member's warehouse to the view, or explain that none is configured."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            station = station_for(request.user, kind)
            if station is None:
                return _no_station(request)
            return view(request, station, *args, **kwargs)

        return wrapped

    return decorator


# --- Parcel photos ---------------------------------------------------------------------------------------


PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


@login_required
@require_GET
@cache_control(private=True, max_age=7 * 24 * 3600)  # a photo never changes; shared caches never keep one
def photo_file(request, pk, small=False):
    """A parcel photo (or its thumbnail), to whoever may see it (photo_for); 404 to anyone else, as if there
    were none."""
    photo = photo_for(user=request.user, pk=pk)
    if photo is None:
        raise Http404
    field = photo.thumbnail if small and photo.thumbnail else photo.image
    try:
        file = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = field.name.rsplit("/", 1)[-1]
    if mimetypes.guess_type(name)[0] in PHOTO_TYPES:
        return FileResponse(file, filename=name)
    # Not named as a photo (kept from before photos were renamed by format): a download, never a page.
    return FileResponse(file, filename=name, as_attachment=True, content_type="application/octet-stream")


# --- China warehouse -------------------------------------------------------------------------------------


def _consignment_at(station, pk) -> Consignment:
    """An order at this China warehouse, or 404: staff only work on what is on their floor."""
    return get_object_or_404(
        Consignment.objects.select_related("customer", "parcel", "tracking_number"),
        pk=pk,
        current_warehouse=station,
    )


def _parcel_at(station, pk) -> Parcel:
    return get_object_or_404(Parcel, pk=pk, warehouse=station)


def _card_context(consignment) -> dict:
    """Everything the station shows for one order: measure, declaration, photos, label."""
    initial = {"weight_kg": None}
    if consignment.weight_g:
        initial["weight_kg"] = Decimal(consignment.weight_g) / 1000
    for name in ("length", "width", "height"):
        value = getattr(consignment, f"{name}_mm")
        initial[f"{name}_cm"] = None if value is None else Decimal(value) / 10
    prefill = declaration_prefill(consignment)
    return {
        "consignment": consignment,
        "parcel": consignment.parcel,
        "weight_form": WeightForm(initial=initial),
        "declaration_form": DeclarationForm(
            initial={
                "goods_vi": prefill["goods_vi"],
                "goods_zh": prefill["goods_zh"],
                "quantity": prefill["quantity"],
                "unit_value_cny": prefill["unit_value_cny"],
            }
        ),
        "photo_form": PhotoForm(),
        "photos": list(consignment.parcel.photos.all()),
        "editable": consignment.status == ConsignmentStatus.CN_RECEIVED,
    }


def _identify_context(parcel, label="", candidates=None) -> dict:
    return {
        "parcel": parcel,
        "identify_form": IdentifyForm(initial={"label": label or parcel.label_text}),
        "candidates": candidates,
        "photo_form": PhotoForm(),
        "photos": list(parcel.photos.all()),
    }


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def scan(request, station):
    """The scan station. A barcode scanner types the code and presses Enter; htmx swaps the result in."""
    result, error = None, None
    if request.method == "POST":
        # The raw value, not a form field: the service says what is wrong with a bad scan (too long, control
        # characters, empty) in words a person can act on.
        try:
            result = parcel_scan(raw_code=request.POST.get("code", ""), warehouse=station, by=request.user)
        except DomainError as exc:
            error = exc.message
    context = {"station": station, "result": result, "error": error}
    if request.htmx:
        # The hot path: the outcome and the customer code at once; the station card (weight, declaration,
        # photos) follows in its own request while staff read the result.
        return render(request, "warehouse/scan.html#scan_result", context)
    if result is not None:
        if result.consignment is not None:
            # The scan returns only what the result needs; the whole card needs the whole order.
            consignment = Consignment.objects.select_related("customer", "parcel", "tracking_number").get(
                pk=result.consignment.pk
            )
            context.update(_card_context(consignment))
        else:
            context.update(_identify_context(result.parcel))
    return render(request, "warehouse/scan.html", {**context, "form": ScanForm()})


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def consignment_card(request, station, pk):
    """One order's station card, reachable again after the scan (and without JavaScript)."""
    consignment = _consignment_at(station, pk)
    context = {"station": station, **_card_context(consignment)}
    if request.htmx:
        return render(request, "warehouse/_card.html", context)
    return render(request, "warehouse/card.html", context)


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def parcel_panel(request, station, pk):
    """An unidentified or conflicted parcel's panel: read the label, photos."""
    parcel = _parcel_at(station, pk)
    context = {"station": station, **_identify_context(parcel)}
    if request.htmx:
        return render(request, "warehouse/_identify.html", context)
    return render(request, "warehouse/identify.html", context)


def _save_form(form, save) -> str | None:
    """Validate, then call the service; return what went wrong, in words for the station, or None."""
    if not form.is_valid():
        return " ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        save()
    except DomainError as exc:
        return exc.message
    return None


def _card_panel(request, consignment, template, extra):
    if request.htmx:
        return render(request, template, {**_card_context(consignment), **extra})
    if extra.get("error"):
        messages.error(request, extra["error"])
    else:
        messages.success(request, _("Saved for %(code)s.") % {"code": consignment.code})
    return redirect("warehouse:card", pk=consignment.pk)


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def consignment_weigh(request, station, pk):
    """Weight (and dimensions): volumetric and chargeable weight follow."""
    consignment = _consignment_at(station, pk)
    form = WeightForm(request.POST)
    error = _save_form(
        form,
        lambda: consignment_measure(
            consignment=consignment, weight_g=form.weight_g, by=request.user, **form.dimensions_mm()
        ),
    )
    extra = {"error": error, "saved": error is None, **({"weight_form": form} if error else {})}
    return _card_panel(request, consignment, "warehouse/_measure.html", extra)


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def consignment_declare_view(request, station, pk):
    consignment = _consignment_at(station, pk)
    form = DeclarationForm(request.POST)
    error = _save_form(
        form,
        lambda: consignment_declare(
            consignment=consignment,
            goods_vi=form.cleaned_data["goods_vi"],
            goods_zh=form.cleaned_data["goods_zh"],
            quantity=form.cleaned_data["quantity"],
            unit_value_fen=form.unit_value_fen,
            by=request.user,
        ),
    )
    extra = {"error": error, "saved": error is None, **({"declaration_form": form} if error else {})}
    return _card_panel(request, consignment, "warehouse/_declare.html", extra)


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def parcel_photos(request, station, pk):
    """Photos of a parcel (matched or not): the evidence behind its weight, or a help to identify it."""
    parcel = _parcel_at(station, pk)
    error = None
    try:
        parcel_add_photos(parcel=parcel, files=request.FILES.getlist("photos"), by=request.user)
    except DomainError as exc:
        error = exc.message
    context = {
        "parcel": parcel,
        "photos": list(parcel.photos.all()),
        "photo_form": PhotoForm(),
        "photo_error": error,
    }
    if request.htmx:
        return render(request, "warehouse/_photos.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Photo saved."))
    consignment = Consignment.objects.filter(parcel=parcel).first()
    if consignment is not None:
        return redirect("warehouse:card", pk=consignment.pk)
    return redirect("warehouse:scan")


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def consignment_label(request, station, pk):
    """The 100 × 150 mm thermal label, as a PDF; reprint any time."""
    consignment = _consignment_at(station, pk)
    return _pdf(consignment_label_pdf(consignment), f"label-{consignment.code}.pdf")


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def consignment_labels(request, station):
    """Batch reprint: the ids chosen on the dispatch list, one page each, in the order chosen."""
    data = request.POST if request.method == "POST" else request.GET
    ids = list(dict.fromkeys(int(i) for i in data.getlist("ids") if i.isascii() and i.isdigit()))[:500]
    found = (
        Consignment.objects.select_related("customer", "parcel")
        .filter(pk__in=ids, current_warehouse=station)
        .in_bulk()
    )
    chosen = [found[i] for i in ids if i in found]
    if not chosen:
        raise Http404
    return _pdf(labels_pdf(chosen), f"labels-{len(chosen)}.pdf")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def parcel_identify(request, station, pk):
    """Unidentified or conflicted: staff type the customer code or paste the receiver line from the label;
    the station proposes the customer and asks for confirmation."""
    parcel = _parcel_at(station, pk)
    form = IdentifyForm(request.POST)
    candidates = None
    if form.is_valid():
        label = form.cleaned_data["label"]
        parcel_set_label_text(parcel=parcel, text=label)
        candidates = customers_from_label(label)
    context = _identify_context(parcel, label=request.POST.get("label", ""), candidates=candidates)
    context["identify_form"] = form
    if request.htmx:
        return render(request, "warehouse/_identify.html", context)
    return render(request, "warehouse/identify.html", {"station": station, **context})


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def parcel_assign_view(request, station, pk):
    """Confirmed: create the order for that customer, with the reason in its history."""
    parcel = _parcel_at(station, pk)
    form = AssignForm(request.POST)
    error = None
    if form.is_valid():
        customer = User.objects.filter(pk=form.cleaned_data["customer"]).first()
        try:
            if customer is None:
                raise DomainError(_("That customer does not exist."))
            consignment = parcel_assign(
                parcel=parcel, customer=customer, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Say why this parcel is this customer's (e.g. “customer code on the label”).")
    if error:
        context = {"station": station, "error": error, **_identify_context(parcel)}
        # The candidate form swaps the whole result area (#scan-result): answer one, with the panel inside.
        return render(
            request, "warehouse/_assign_error.html" if request.htmx else "warehouse/identify.html", context
        )
    if request.htmx:
        result = ScanResult(outcome=ScanResult.MATCHED, parcel=parcel, consignment=consignment)
        context = {"station": station, "result": result, **_card_context(consignment)}
        return render(request, "warehouse/scan.html#scan_result", context)
    messages.success(request, _("Order %(code)s created.") % {"code": consignment.code})
    return redirect("warehouse:card", pk=consignment.pk)


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def dispatch(request, station):
    """Orders at this warehouse; select several and mark them departed for Vietnam."""
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
@at_station(Warehouse.Kind.VIETNAM)
def depot(request, station):
    """Arrived orders: scan one, or select several, and mark them Chờ giao (awaiting delivery)."""
    if request.method == "POST":
        if "code" in request.POST:
            form = DepotScanForm(request.POST)
            code = normalize_tracking_code(form.data.get("code", ""))
            found = _depot_find(code) if code else None
            chosen = [found] if found is not None and found.status == ConsignmentStatus.IN_TRANSIT else []
            if not code:
                messages.error(request, _("Scan an order code or a tracking number."))
            elif not chosen:
                _depot_explain(request, station, code, found)
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


def _depot_find(code: str) -> Consignment | None:
    """The order with this order code or tracking number, whatever its status: two look-ups, each on its own
    unique index (an OR across the join reads the whole table)."""
    orders = Consignment.objects.select_related("customer", "parcel", "current_warehouse")
    return orders.filter(code=code).first() or orders.filter(parcel__tracking_code=code).first()


def _depot_explain(request, station, code: str, found: Consignment | None) -> None:
    """Why a scanned code cannot be marked: already awaiting delivery, not dispatched yet, or unknown."""
    if found is None:
        messages.error(request, _("No order has the code or tracking number %(code)s.") % {"code": code})
    elif found.status == ConsignmentStatus.AWAITING_DELIVERY and found.current_warehouse_id == station.pk:
        messages.info(request, _("%(code)s is already awaiting delivery.") % {"code": found.code})
    elif found.status == ConsignmentStatus.AWAITING_DELIVERY:
        messages.error(
            request,
            _("%(code)s is awaiting delivery at another depot: %(depot)s.")
            % {"code": found.code, "depot": found.current_warehouse.name},
        )
    elif found.status == ConsignmentStatus.CN_RECEIVED:
        messages.error(
            request,
            _("%(code)s has not left the China warehouse yet: it cannot have arrived.")
            % {"code": found.code},
        )
    else:
        messages.error(
            request,
            _("%(code)s is not in international transit: it is “%(status)s”.")
            % {"code": found.code, "status": found.get_status_display()},
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


@operations_required
def unidentified(request):
    """Parcels nobody has claimed: age, search by part of a code or label text, assign with a reason."""
    from .services import UNIDENTIFIED_FLAG_DAYS, unidentified_parcels_for_operations

    if request.method == "POST":
        parcel_id = request.POST.get("parcel", "")
        parcel = get_object_or_404(Parcel, pk=int(parcel_id) if parcel_id.isdigit() else 0)
        matches = customers_from_label(request.POST.get("customer", ""))
        reason = request.POST.get("reason", "")
        if len(matches) != 1:
            messages.error(
                request,
                _("Enter one customer code or username; “%(text)s” names %(n)d customers.")
                % {"text": request.POST.get("customer", "")[:40], "n": len(matches)},
            )
        else:
            try:
                consignment = parcel_assign(
                    parcel=parcel, customer=matches[0][0], by=request.user, reason=reason
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("%(tracking)s assigned to %(customer)s: order %(code)s.")
                    % {
                        "tracking": parcel.tracking_code,
                        "customer": matches[0][0].customer_code,
                        "code": consignment.code,
                    },
                )
        return redirect(f"{reverse('warehouse:unidentified')}?{request.GET.urlencode()}")
    q = request.GET.get("q", "").strip()[:40]
    page = Paginator(unidentified_parcels_for_operations(q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "warehouse/unidentified.html",
        {
            "page": page,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "flag_before": timezone.now() - timezone.timedelta(days=UNIDENTIFIED_FLAG_DAYS),
            "flag_days": UNIDENTIFIED_FLAG_DAYS,
        },
    )
