"""The bag station at the China warehouse: open a bag for a Vietnam depot, scan parcels in (and out), close
it with its weight, print its label and manifest, reopen it while no trip has it."""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import china_staff_required
from core.errors import DomainError
from warehouse.labels import parcel_code
from warehouse.models import Warehouse
from warehouse.views.common import at_station, pdf_response

from ..forms import BagCloseForm, BagOpenForm, BagScanForm
from ..labels import bag_label_pdf
from ..manifests import bag_manifest_lines, bag_manifest_pdf, bag_manifest_xlsx
from ..models import Bag, BagStatus
from ..selectors import bag_items, bags_closed_at, bags_open_at, status_history
from ..services.bags import (
    BagScanResult,
    bag_close,
    bag_discard,
    bag_open,
    bag_reopen,
    bag_scan,
    weight_difference_g,
    weight_tolerance_g,
)

at_china = at_station(Warehouse.Kind.CHINA)


def _bag_at(station, pk) -> Bag:
    """A bag packed at this warehouse, or 404: staff only work on the bags of their floor."""
    return get_object_or_404(Bag.objects.select_related("destination"), pk=pk, origin=station)


def _closed_bag_at(station, pk) -> Bag:
    """A bag of this warehouse that was closed (a label and a manifest need its weight), or 404."""
    bag = get_object_or_404(
        Bag.objects.select_related("origin", "destination", "closed_by").exclude(status=BagStatus.OPEN),
        pk=pk,
        origin=station,
    )
    return bag


@china_staff_required
@require_GET
@at_china
def bags(request, station):
    """The bag station's start: open bags per destination depot, a form to open one, the latest closed."""
    return render(
        request,
        "shipping/bags.html",
        {
            "station": station,
            "open_bags": bags_open_at(origin=station),
            "closed_bags": bags_closed_at(origin=station),
            "form": BagOpenForm(),
        },
    )


@china_staff_required
@require_POST
@at_china
def bag_open_view(request, station):
    form = BagOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("shipping:bags")
    try:
        bag = bag_open(origin=station, destination=form.cleaned_data["destination"], by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shipping:bags")
    messages.success(
        request, _("Bag %(bag)s opened for %(depot)s.") % {"bag": bag.code, "depot": bag.destination.name}
    )
    return redirect("shipping:bag", pk=bag.pk)


def _bag_context(bag, items, **extra) -> dict:
    weight = sum(item.parcel.weight_g or 0 for item in items)
    context = {
        "bag": bag,
        "items": items,
        "totals": {"count": len(items), "weight_g": weight},
        "events": status_history(bag),
        **extra,
    }
    if bag.status == BagStatus.OPEN:
        context.setdefault("scan_form", BagScanForm())
        context.setdefault("close_form", BagCloseForm())
    else:
        difference = weight_difference_g(bag)
        context["difference_g"] = difference
        context["difference_abs_g"] = abs(difference) if difference is not None else None
        context["tolerance_g"] = weight_tolerance_g(bag.parcels_weight_g)
    return context


@china_staff_required
@require_GET
@at_china
def bag_detail(request, station, pk):
    """A bag: scan parcels into an open one; a closed one's weights, label, manifest."""
    return _bag_page(request, station, _bag_at(station, pk))


def _bag_page(request, station, bag, **extra):
    items = list(bag_items(bag=bag).reverse())  # the last scanned first
    for item in items:
        item.code = parcel_code(item.parcel)
    return render(request, "shipping/bag.html", {"station": station, **_bag_context(bag, items, **extra)})


@china_staff_required
@require_POST
@at_china
def bag_scan_view(request, station, pk):
    """One scan at an open bag: in, or out again when it is already in this bag; refused with the reason."""
    bag = _bag_at(station, pk)
    result, error = None, None
    try:
        result = bag_scan(bag=bag, raw_code=request.POST.get("code", ""), by=request.user)
    except DomainError as exc:
        error = exc.message
    except Bag.DoesNotExist:  # deleted (empty) a moment ago
        raise Http404 from None
    if request.htmx:
        context = {"station": station, "bag": bag, "result": result, "error": error}
        if result is not None:  # the bag's running totals, as the scan left them
            context["totals"] = {"count": bag.parcel_count, "weight_g": bag.parcels_weight_g}
        return render(request, "shipping/bag.html#scan_result", context)
    if error:
        messages.error(request, error)
    elif result.outcome == BagScanResult.ADDED:
        messages.success(request, _("%(code)s is in bag %(bag)s.") % {"code": result.code, "bag": bag.code})
    else:
        messages.warning(
            request, _("%(code)s was taken out of bag %(bag)s.") % {"code": result.code, "bag": bag.code}
        )
    return redirect("shipping:bag", pk=bag.pk)


@china_staff_required
@require_POST
@at_china
def bag_close_view(request, station, pk):
    """Close the bag with its weight. A weight far from its parcels' (a typo: "125" for 12.5 kg) is asked
    about first: the form comes back with the weight typed and "close it anyway?"; closed only when ticked."""
    bag = _bag_at(station, pk)
    form = BagCloseForm(request.POST, parcels_weight_g=bag.parcels_weight_g)
    if form.is_valid():
        try:
            bag = bag_close(bag=bag, weight_g=form.weight_g, by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
    if form.errors:
        if request.htmx:
            return render(request, "shipping/bag.html#close_form", {"bag": bag, "close_form": form})
        scan_form = BagScanForm()
        scan_form.fields["code"].widget.attrs.pop("autofocus", None)  # the confirmation box has the focus
        return _bag_page(request, station, bag, close_form=form, scan_form=scan_form)
    messages.success(request, _("Bag %(bag)s closed: print its label.") % {"bag": bag.code})
    if weight_difference_g(bag) is not None:
        messages.warning(request, _("The bag's weight is far from its parcels' weight: check it."))
    url = reverse("shipping:bag", args=[bag.pk])
    if request.htmx:  # the closed bag's page is another page: its weights, label and manifest
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@china_staff_required
@require_POST
@at_china
def bag_reopen_view(request, station, pk):
    bag = _bag_at(station, pk)
    try:
        bag_reopen(bag=bag, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bag %(bag)s is open again.") % {"bag": bag.code})
    return redirect("shipping:bag", pk=bag.pk)


@china_staff_required
@require_POST
@at_china
def bag_discard_view(request, station, pk):
    """Delete an empty open bag (opened by mistake)."""
    bag = _bag_at(station, pk)
    try:
        bag_discard(bag=bag, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("shipping:bag", pk=bag.pk)
    messages.success(request, _("Bag %(bag)s deleted.") % {"bag": bag.code})
    return redirect("shipping:bags")


@china_staff_required
@require_GET
@at_china
def bag_label(request, station, pk):
    """A closed bag's 100 × 150 mm label, as a PDF; reprint any time."""
    bag = _closed_bag_at(station, pk)
    return pdf_response(bag_label_pdf(bag), f"bag-{bag.code}.pdf")


@china_staff_required
@require_GET
@at_china
def bag_manifest(request, station, pk, fmt):
    """A closed bag's manifest, as a PDF or an .xlsx."""
    bag = _closed_bag_at(station, pk)
    lines = bag_manifest_lines(bag_items(bag=bag))
    if fmt == "pdf":
        return pdf_response(bag_manifest_pdf(bag, lines), f"manifest-{bag.code}.pdf")
    if fmt != "xlsx":  # pragma: no cover - the URL allows only these two
        raise Http404
    buffer = io.BytesIO()
    bag_manifest_xlsx(bag, lines, buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="manifest-{bag.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("cn/bags/", bags, name="bags"),
    path("cn/bags/open/", bag_open_view, name="bag_open"),
    path("cn/bags/<int:pk>/", bag_detail, name="bag"),
    path("cn/bags/<int:pk>/scan/", bag_scan_view, name="bag_scan"),
    path("cn/bags/<int:pk>/close/", bag_close_view, name="bag_close"),
    path("cn/bags/<int:pk>/reopen/", bag_reopen_view, name="bag_reopen"),
    path("cn/bags/<int:pk>/delete/", bag_discard_view, name="bag_delete"),
    path("cn/bags/<int:pk>/label.pdf", bag_label, name="bag_label"),
    path("cn/bags/<int:pk>/manifest.pdf", bag_manifest, {"fmt": "pdf"}, name="bag_manifest_pdf"),
    path("cn/bags/<int:pk>/manifest.xlsx", bag_manifest, {"fmt": "xlsx"}, name="bag_manifest_xlsx"),
]
