"""The depot counter: scan the customer's pickup code (or search them), see their orders awaiting at this
depot with what each owes, and hand the selected ones over (Đã nhận hàng). Each outcome has its sound."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import vietnam_staff_required
from accounts.models import Role, User
from billing.selectors import balance_of
from core.errors import DomainError
from core.numbers import shown_total
from warehouse.models import Warehouse
from warehouse.views.common import at_station

from ..forms import CounterFindForm, HandoverForm
from ..models import PickupCode
from ..selectors import awaiting_of, with_dues
from ..services.common import MAX_ORDERS
from ..services.handover import handover_create
from ..services.pickup import counter_find
from .common import number


def _receiver_initial(customer) -> dict:
    address = customer.addresses.order_by("-is_default", "-created_at").first()
    return {
        "receiver_name": customer.get_full_name() or (address.recipient_name if address else ""),
        "receiver_phone": customer.phone or (address.phone if address else ""),
    }


def _panel(
    request,
    station,
    *,
    customer=None,
    pickup_code=None,
    candidates=(),
    error=None,
    form=None,
    done=None,
    selected=None,
):
    """The counter page, or only its panel for htmx: what was found, or why not (`outcome` sets the sound:
    ok, empty, refused)."""
    orders = with_dues(awaiting_of(customer, depot=station)) if customer is not None else []
    if error:
        outcome = "refused"
    elif done is not None:
        outcome = "ok"
    elif customer is not None:
        outcome = "ok" if orders else "empty"
    else:
        outcome = "list" if candidates else ""
    context = {
        "station": station,
        "find_form": CounterFindForm(),
        "customer": customer,
        "pickup_code": pickup_code,
        "candidates": candidates,
        "orders": orders,
        "selected": selected if selected is not None else {o.pk for o in orders if o.open_request is None},
        "error": error,
        "outcome": outcome,
        "form": form or (HandoverForm(initial=_receiver_initial(customer)) if customer is not None else None),
        "done": done,
        "has_unpaid": any(not o.is_paid for o in orders),
        "unpaid_total": sum(o.due_vnd for o in orders if o.open_request is None),
        "balance": balance_of(customer) if customer is not None else 0,
    }
    template = "delivery/counter.html#panel" if request.htmx else "delivery/counter.html"
    return render(request, template, context)


@vietnam_staff_required
@require_http_methods(["GET", "POST"])
@at_station(Warehouse.Kind.VIETNAM)
def counter(request, station):
    """GET: the scan form (?customer=<id>: that customer's orders here). POST: what was scanned or typed."""
    if request.method == "GET":
        customer_id = number(request.GET.get("customer"))
        customer = User.objects.filter(pk=customer_id, role=Role.CUSTOMER).first() if customer_id else None
        if customer_id and customer is None:
            raise Http404
        return _panel(request, station, customer=customer)
    try:
        found = counter_find(raw=request.POST.get("q", ""), depot=station)
    except DomainError as exc:
        return _panel(request, station, error=exc.message)
    return _panel(
        request, station, customer=found.customer, pickup_code=found.pickup_code, candidates=found.candidates
    )


@vietnam_staff_required
@require_POST
@at_station(Warehouse.Kind.VIETNAM)
def handover(request, station):
    """Hand the ticked orders over; with "pays from the wallet", the unpaid ones are paid first."""
    customer_id = number(request.POST.get("customer"))
    customer = User.objects.filter(pk=customer_id, role=Role.CUSTOMER).first() if customer_id else None
    if customer is None:
        raise Http404
    code_id = number(request.POST.get("pickup_code"))
    pickup_code = (
        PickupCode.objects.filter(
            pk=code_id, customer=customer, depot=station, retired_at__isnull=True
        ).first()
        if code_id
        else None
    )
    raw_ids = request.POST.getlist("orders")[: MAX_ORDERS + 1]
    ids = [n for n in map(number, raw_ids) if n is not None]
    form = HandoverForm(request.POST)
    panel = {"customer": customer, "pickup_code": pickup_code, "form": form, "selected": set(ids)}
    if len(ids) != len(raw_ids) or not ids:
        return _panel(request, station, error=_("Tick the orders to hand over."), **panel)
    if not form.is_valid():
        return _panel(request, station, error=_("Write who collects the orders: name and phone."), **panel)
    # What the counter showed for each unpaid order (due_<id>): the payment is refused if it changed since.
    expected = shown_total(request.POST, ids)
    try:
        done = handover_create(
            depot=station,
            customer=customer,
            ids=ids,
            by=request.user,
            receiver_name=form.cleaned_data["receiver_name"],
            receiver_phone=form.cleaned_data["receiver_phone"],
            pickup_code=pickup_code,
            pay_from_wallet=form.cleaned_data["pay_from_wallet"],
            expected_pay_vnd=expected,
        )
    except DomainError as exc:
        return _panel(request, station, error=exc.message, **panel)
    codes = list(done.items.values_list("consignment__code", flat=True))
    done.message = ngettext(
        "%(codes)s handed over to %(name)s.", "%(n)s orders handed over to %(name)s: %(codes)s.", len(codes)
    ) % {"n": len(codes), "codes": ", ".join(codes), "name": done.receiver_name}
    return _panel(request, station, customer=customer, pickup_code=pickup_code, done=done)


urlpatterns = [
    path("staff/vn/counter/", counter, name="counter"),
    path("staff/vn/counter/handover/", handover, name="handover"),
]
