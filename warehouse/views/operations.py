"""Operations: conflicted codes, unidentified parcels, transferring an order to another depot."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import operations_required
from consignments.models import Consignment
from consignments.selectors import destination_depot, destination_depots
from consignments.services import consignment_set_destination
from core.errors import DomainError
from core.numbers import parse_int
from tracking.selectors import conflicted_codes, open_registrations_for_code

from ..matching import parcel_assign, tracking_conflict_resolve
from ..models import Parcel
from ..selectors import order_for_scan
from ..services import UNIDENTIFIED_FLAG_DAYS, customers_from_label, unidentified_parcels_for_operations


@operations_required
def conflicts(request):
    """Codes registered by several customers: operations keep the one whose customer code is on the label."""
    if request.method == "POST":
        code = request.POST.get("code", "")
        keep = parse_int(request.POST.get("keep", ""))  # not isdigit(): "²" is a digit to it
        if keep is not None:
            try:
                kept = tracking_conflict_resolve(code=code, keep_id=keep, by=request.user)
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
    if request.method == "POST":
        parcel = get_object_or_404(Parcel, pk=parse_int(request.POST.get("parcel", "")) or 0)
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


@operations_required
@require_POST
def consignment_transfer(request, pk):
    """Operations send an order to another Vietnam depot (its destination), with the reason in its history."""
    consignment = get_object_or_404(Consignment, pk=pk)
    depot = destination_depot(request.POST.get("depot"))
    try:
        consignment_set_destination(
            consignment=consignment,
            depot=depot,
            by=request.user,
            transfer=True,
            note=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(code)s now goes to %(depot)s.") % {"code": consignment.code, "depot": depot.name},
        )
    return redirect("warehouse:transfer_form", pk=consignment.pk)


@operations_required
def consignment_find(request):
    """Operations look an order up by its code, a parcel label or its waybill, to transfer it."""
    q = request.GET.get("q", "").strip()[:300]
    if q:
        found = order_for_scan(q)
        if found is not None:
            return redirect("warehouse:transfer_form", pk=found.pk)
        messages.error(request, _("No order has the code or tracking number %(code)s.") % {"code": q[:40]})
    return render(request, "warehouse/transfer_find.html", {"q": q})


@operations_required
def consignment_transfer_form(request, pk):
    consignment = get_object_or_404(
        Consignment.objects.select_related("customer", "destination", "current_warehouse"), pk=pk
    )
    return render(
        request,
        "warehouse/transfer.html",
        {"consignment": consignment, "depots": destination_depots()},
    )
