"""The China warehouse scan station: scan, weigh each parcel, declare the order, photos, labels (the dispatch
list is in dispatch.py)."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import china_staff_required
from accounts.models import User
from consignments.models import Consignment, ConsignmentStatus
from consignments.services import consignment_declare, declaration_prefill
from core.errors import DomainError
from core.numbers import parse_int
from tracking.selectors import open_registrations_for_code

from ..forms import AssignForm, DeclarationForm, IdentifyForm, PhotoForm, ScanForm, WeightForm
from ..labels import labels_pdf
from ..matching import ScanResult, parcel_assign, parcel_scan
from ..models import Parcel, ParcelPhoto, Warehouse
from ..services import (
    customers_from_label,
    parcel_add_photos,
    parcel_measure,
    parcel_set_label_text,
    parcels_mark_labelled,
)
from .common import at_station, pdf_response


def _parcels_with_photos():
    return Parcel.objects.prefetch_related(
        Prefetch("photos", queryset=ParcelPhoto.objects.order_by("uploaded_at", "id"))
    )


def _consignment_at(station, pk) -> Consignment:
    """An order at this China warehouse, with its parcels, or 404: staff only work on what is on their floor."""
    return get_object_or_404(
        Consignment.objects.select_related("customer", "tracking_number", "destination").prefetch_related(
            Prefetch("parcels", queryset=_parcels_with_photos(), to_attr="current_parcels")
        ),
        pk=pk,
        current_warehouse=station,
    )


def _parcel_at(station, pk) -> Parcel:
    return get_object_or_404(Parcel.objects.select_related("consignment"), pk=pk, warehouse=station)


def _weight_form(parcel) -> WeightForm:
    initial = {"weight_kg": None if parcel.weight_g is None else Decimal(parcel.weight_g) / 1000}
    for name in ("length", "width", "height"):
        value = getattr(parcel, f"{name}_mm")
        initial[f"{name}_cm"] = None if value is None else Decimal(value) / 10
    return WeightForm(initial=initial)


def _pieces(parcels) -> tuple[int, int | None]:
    """(arrived, expected): parcels here, and the shipment's size when a label printed it."""
    expected = max((p.piece_count or 0 for p in parcels), default=0) or None
    return len(parcels), expected


def _card_context(consignment, focus=None) -> dict:
    """Everything the station shows for one order: each parcel (weight, photos, label), the declaration."""
    parcels = consignment.current_parcels
    for parcel in parcels:
        parcel.weight_form = _weight_form(parcel)
        parcel.weight_error, parcel.weight_heavy = None, False  # set by parcel_weigh on a heavy weight
        parcel.consignment = consignment
    arrived, expected = _pieces(parcels)
    prefill = declaration_prefill(consignment)
    return {
        "consignment": consignment,
        "parcels": parcels,
        "focus": focus,
        "arrived": arrived,
        "expected": expected,
        "declaration_form": DeclarationForm(
            initial={
                "goods_vi": prefill["goods_vi"],
                "goods_zh": prefill["goods_zh"],
                "quantity": prefill["quantity"],
                "unit_value_cny": prefill["unit_value_cny"],
            }
        ),
        "photo_form": PhotoForm(),
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
        # The raw value, not a form field: the service says what is wrong with a bad scan (too long, a
        # sorting code, a link) in words a person can act on.
        try:
            result = parcel_scan(raw_code=request.POST.get("code", ""), warehouse=station, by=request.user)
        except DomainError as exc:
            error = exc.message
    context = {"station": station, "result": result, "error": error}
    if result is not None and result.outcome == ScanResult.CONFLICT:
        # Who registered it: staff compare with the customer code on the label and give it in one tap.
        context["claimants"] = sorted(
            (r.customer for r in open_registrations_for_code(code=result.parcel.tracking_code)),
            key=lambda customer: customer.customer_code or "",
        )
    if request.htmx:
        # The hot path: the outcome and the customer code at once; the station card (weight, declaration,
        # photos) follows in its own request while staff read the result.
        return render(request, "warehouse/scan.html#scan_result", context)
    if result is not None:
        if result.consignment is not None:
            # The scan returns only what the result needs; the whole card needs the whole order.
            context.update(_card_context(_consignment_at(station, result.consignment.pk), result.parcel.pk))
        else:
            context.update(_identify_context(result.parcel))
    return render(request, "warehouse/scan.html", {**context, "form": ScanForm()})


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def consignment_card(request, station, pk):
    """One order's station card, reachable again after the scan (and without JavaScript). ?parcel= puts
    the parcel just scanned first."""
    consignment = _consignment_at(station, pk)
    focus = parse_int(request.GET.get("parcel", ""))
    context = {"station": station, **_card_context(consignment, focus)}
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


def _saved_redirect(request, consignment, error):
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved for %(code)s.") % {"code": consignment.code})
    return redirect("warehouse:card", pk=consignment.pk)


@china_staff_required
@require_POST
@at_station(Warehouse.Kind.CHINA)
def parcel_weigh(request, station, pk):
    """One parcel's weight (and dimensions): its volumetric and chargeable weight, and the order's totals."""
    parcel = _parcel_at(station, pk)
    if parcel.consignment is None:
        raise Http404
    form = WeightForm(request.POST, previous_g=parcel.weight_g)
    error = _save_form(
        form,
        lambda: parcel_measure(
            parcel=parcel, weight_g=form.weight_g, by=request.user, **form.dimensions_mm()
        ),
    )
    if not request.htmx and form.heavy:  # the card again, with the weight typed and "Save anyway?"
        context = {"station": station, **_card_context(_consignment_at(station, parcel.consignment_id))}
        for shown in context["parcels"]:
            if shown.pk == parcel.pk:
                shown.weight_form, shown.weight_error, shown.weight_heavy = form, error, True
        return render(request, "warehouse/card.html", context)
    if not request.htmx:
        return _saved_redirect(request, parcel.consignment, error)
    parcel.refresh_from_db()
    parcel.weight_form = form if error else _weight_form(parcel)
    parcel.weight_error, parcel.weight_heavy = error, form.heavy
    consignment = Consignment.objects.get(pk=parcel.consignment_id)
    context = {
        "parcel": parcel,
        "consignment": consignment,
        "editable": consignment.status == ConsignmentStatus.CN_RECEIVED,
        "error": error,
        "saved": error is None,
    }
    return render(request, "warehouse/_measure.html", context)


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
    if not request.htmx:
        return _saved_redirect(request, consignment, error)
    extra = {"error": error, "saved": error is None, **({"declaration_form": form} if error else {})}
    return render(request, "warehouse/_declare.html", {**_card_context(consignment), **extra})


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
    if parcel.consignment_id is not None:
        return redirect("warehouse:card", pk=parcel.consignment_id)
    return redirect("warehouse:scan")


def _labelled(parcels):
    """Parcels with what their label shows: order, customer, destination, and the order's piece count."""
    return (
        parcels.filter(consignment__isnull=False)
        .select_related("consignment__customer", "consignment__destination")
        .annotate(arrived=Count("consignment__parcels"))
    )


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def parcel_label(request, station, pk):
    """A parcel's 100 × 150 mm thermal label, as a PDF; reprint any time."""
    parcel = get_object_or_404(_labelled(Parcel.objects.filter(warehouse=station)), pk=pk)
    pdf = labels_pdf([parcel])
    parcels_mark_labelled([parcel])
    return pdf_response(pdf, f"label-{parcel.consignment.code}-{parcel.piece_number}.pdf")


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def consignment_labels(request, station):
    """Batch reprint: every parcel of the orders chosen on the dispatch list, in the order chosen."""
    data = request.POST if request.method == "POST" else request.GET
    ids = list(dict.fromkeys(int(i) for i in data.getlist("ids") if i.isascii() and i.isdigit()))[:500]
    parcels = _labelled(Parcel.objects.filter(consignment__current_warehouse=station, consignment__in=ids))
    rank = {pk: n for n, pk in enumerate(ids)}
    chosen = sorted(parcels, key=lambda p: (rank[p.consignment_id], p.piece_number, p.pk))
    if not chosen:
        raise Http404
    pdf = labels_pdf(chosen)
    parcels_mark_labelled(chosen)
    return pdf_response(pdf, f"labels-{len(chosen)}.pdf")


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
    """Confirmed: create the order for that customer (or join its waybill's order), with the reason."""
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
        consignment = _consignment_at(station, consignment.pk)
        arrived, expected = _pieces(consignment.current_parcels)
        result = ScanResult(
            outcome=ScanResult.MATCHED,
            parcel=parcel,
            consignment=consignment,
            arrived=arrived,
            expected=expected,
        )
        context = {"station": station, "result": result, **_card_context(consignment, parcel.pk)}
        return render(request, "warehouse/scan.html#scan_result", context)
    messages.success(request, _("Order %(code)s created.") % {"code": consignment.code})
    return redirect("warehouse:card", pk=consignment.pk)
