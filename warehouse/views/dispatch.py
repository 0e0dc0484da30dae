"""The China warehouse's dispatch list: orders at the station with what each still needs, ticked by hand or
by scanning their labels, marked departed for Vietnam."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.decorators import china_staff_required
from consignments.selectors import consignments_at_china_warehouse, consignments_for_dispatch
from consignments.services import consignments_dispatch
from core.numbers import parse_int
from tracking.scanner import scan_text

from ..models import Warehouse
from .common import at_station


@china_staff_required
@at_station(Warehouse.Kind.CHINA)
def dispatch(request, station):
    """Orders at this warehouse with what each still needs (weighing, declaration, labels); select several,
    by hand or by scanning their labels, and mark them departed for Vietnam. Orders refused stay marked on
    the list with a link to their card, where the missing step is done."""
    if request.method == "POST":
        ids = [n for n in map(parse_int, request.POST.getlist("ids")) if n is not None]
        chosen = consignments_at_china_warehouse(warehouse=station).filter(pk__in=ids)
        done, errors = consignments_dispatch(
            consignments=chosen, by=request.user, incomplete_ok=request.POST.get("incomplete") == "1"
        )
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
        refused = sorted({int(i) for i in ids} - {c.pk for c in done})
        if refused:
            return redirect(
                f"{reverse('warehouse:dispatch')}?{urlencode({'refused': ','.join(map(str, refused))})}"
            )
        return redirect("warehouse:dispatch")
    orders = list(consignments_for_dispatch(warehouse=station)[:DISPATCH_LIMIT])
    refused = {int(i) for i in request.GET.get("refused", "").split(",") if i.isascii() and i.isdigit()}
    ticked, not_found = _ticked(orders, request.GET.get("tick", ""))
    if not_found:
        messages.warning(request, _("%(code)s is not on this list.") % {"code": not_found})
    return render(
        request,
        "warehouse/dispatch.html",
        {"station": station, "consignments": orders, "refused": refused, "ticked": ticked | refused},
    )


DISPATCH_LIMIT = 500


def _ticked(orders, raw: str) -> tuple[set[int], str]:
    """A label scanned into the dispatch list's scan field without JavaScript (with it, the page ticks the row
    itself): the order whose code, piece label (KG…-2) or tracking number it is → its id ticked."""
    code = scan_text(raw).upper()
    if not code:
        return set(), ""
    order_code = code.rsplit("-", 1)[0] if "-" in code else code
    for order in orders:
        if code in (order.code, order.tracking_code) or order_code == order.code:
            return {order.pk}, ""
    return set(), code
