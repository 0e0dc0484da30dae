from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import customer_required
from core.errors import DomainError

from .forms import ConsignmentFilterForm
from .selectors import (
    consignment_for_customer,
    consignment_timeline,
    consignments_for_customer,
    destination_depot,
    destination_depots,
)
from .services import DESTINATION_CHANGEABLE, consignment_set_destination

FILTERS = ("q", "status", "depot", "date_from", "date_to")


@customer_required
def consignment_list(request):
    """The customer's orders: chargeable weight, filters (status, depot, dates) and a search by order code
    or tracking number. A filter it cannot read is dropped (and marked on the form), the rest still apply."""
    form = ConsignmentFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {name: form.cleaned_data[name] for name in FILTERS if form.cleaned_data.get(name)}
    orders = consignments_for_customer(customer=request.user, **filters)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consignments/list.html",
        {"page": page, "form": form, "filtered": bool(filters), "query": query.urlencode()},
    )


@customer_required
def consignment_detail(request, code):
    consignment = consignment_for_customer(customer=request.user, code=code)
    if consignment is None:
        raise Http404
    changeable = consignment.status in DESTINATION_CHANGEABLE
    return render(
        request,
        "consignments/detail.html",
        {
            "consignment": consignment,
            "unweighed": sum(1 for parcel in consignment.current_parcels if parcel.weight_g is None),
            "events": consignment_timeline(consignment=consignment),
            "destination_form": changeable,
            "depots": destination_depots() if changeable else (),
        },
    )


@customer_required
@require_POST
def consignment_destination(request, code):
    """The customer picks the depot the order goes to (until it leaves the China warehouse)."""
    consignment = consignment_for_customer(customer=request.user, code=code)
    if consignment is None:
        raise Http404
    depot = destination_depot(request.POST.get("depot"))
    try:
        consignment_set_destination(consignment=consignment, depot=depot, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Order %(code)s now goes to %(depot)s.") % {"code": consignment.code, "depot": depot.name},
        )
    return redirect("consignments:detail", code=consignment.code)
