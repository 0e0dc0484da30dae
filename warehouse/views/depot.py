"""The Vietnam depot: orders arriving for this depot are marked Chờ giao (awaiting delivery)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.decorators import vietnam_staff_required
from consignments.models import Consignment, ConsignmentStatus
from consignments.selectors import consignments_awaiting_at, consignments_in_transit
from consignments.services import consignment_mark_ready
from core.errors import DomainError
from core.numbers import parse_int

from ..forms import DepotScanForm
from ..models import Warehouse
from ..selectors import order_for_scan
from .common import at_station


def _for_this_depot(station):
    """In transit to this depot (orders from before destinations existed go to any depot)."""
    return consignments_in_transit().filter(Q(destination=station) | Q(destination__isnull=True))


@vietnam_staff_required
@at_station(Warehouse.Kind.VIETNAM)
def depot(request, station):
    """Arrived orders: scan one, or select several, and mark them Chờ giao (awaiting delivery)."""
    if request.method == "POST":
        if "code" in request.POST:
            raw = DepotScanForm(request.POST).data.get("code", "").strip()
            found = order_for_scan(raw) if raw else None
            chosen = [found] if found is not None and found.status == ConsignmentStatus.IN_TRANSIT else []
            if not raw:
                messages.error(request, _("Scan an order code or a tracking number."))
            elif not chosen:
                _depot_explain(request, station, raw, found)
        else:
            ids = [n for n in map(parse_int, request.POST.getlist("ids")) if n is not None]
            chosen = _for_this_depot(station).filter(pk__in=ids)
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
            "in_transit": _for_this_depot(station)[:500],
            # With their photos: depot staff compare the box on the shelf with what China photographed.
            "awaiting": consignments_awaiting_at(warehouse=station).prefetch_related("parcels__photos")[:100],
        },
    )


def _depot_explain(request, station, raw: str, found: Consignment | None) -> None:
    """Why a scanned code cannot be marked: already awaiting delivery, not dispatched yet, or unknown."""
    if found is None:
        messages.error(request, _("No order has the code or tracking number %(code)s.") % {"code": raw[:40]})
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
