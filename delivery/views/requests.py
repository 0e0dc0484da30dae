"""The customer's delivery requests: ask for orders awaiting at a depot to be delivered, follow each step,
cancel until the depot starts on it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import customer_required
from core.errors import DomainError

from ..forms import DeliveryRequestForm
from ..selectors import awaiting_by_depot, request_history, request_of, requests_of
from ..services.common import MAX_ORDERS
from ..services.requests import delivery_request_cancel, delivery_request_create
from .common import number


@customer_required
@require_GET
def request_list(request):
    return render(request, "delivery/request_list.html", {"requests": requests_of(request.user)[:200]})


@customer_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """Orders awaiting at one depot (?depot=, else the first), all ticked; an address (the default one
    chosen), a carrier, a note."""
    depots = awaiting_by_depot(request.user)
    wanted = number(request.POST.get("depot") if request.method == "POST" else request.GET.get("depot"))
    chosen = next(((d, orders) for d, orders in depots if d.pk == wanted), depots[0] if depots else None)
    if chosen is None:
        messages.info(request, _("Nothing is awaiting delivery for you at a depot."))
        return redirect("delivery:pickup")
    depot, orders = chosen
    orders = [o for o in orders if o.open_request is None]
    form = DeliveryRequestForm(request.POST or None, customer=request.user)
    selected = {o.pk for o in orders}
    error = None
    if request.method == "POST":
        raw_ids = request.POST.getlist("orders")[: MAX_ORDERS + 1]
        ids = [n for n in map(number, raw_ids) if n is not None]
        selected = set(ids)
        if wanted is None or wanted != depot.pk:
            error = _("Choose the depot again: the page was out of date.")
        elif not ids or len(ids) != len(raw_ids):
            error = _("Choose the orders to deliver.")
        elif form.is_valid():
            try:
                created = delivery_request_create(
                    customer=request.user,
                    depot=depot,
                    ids=ids,
                    address=form.cleaned_data["address"],
                    carrier=form.cleaned_data["carrier"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _(
                        "Delivery request %(code)s sent to %(depot)s. You can cancel it until the depot starts on it."
                    )
                    % {"code": created.code, "depot": depot.name},
                )
                return redirect("delivery:request_detail", pk=created.pk)
    return render(
        request,
        "delivery/request_new.html",
        {
            "depots": [d for d, _orders in depots],
            "depot": depot,
            "orders": orders,
            "selected": selected,
            "form": form,
            "error": error,
            "has_address": form.fields["address"].queryset.exists(),
        },
    )


@customer_required
@require_GET
def request_detail(request, pk):
    delivery = request_of(request.user, pk)
    if delivery is None:
        raise Http404
    return render(
        request,
        "delivery/request_detail.html",
        {
            "delivery": delivery,
            "note": getattr(delivery, "release_note", None),
            "history": request_history(delivery, staff=False),
        },
    )


@customer_required
@require_POST
def request_cancel(request, pk):
    delivery = request_of(request.user, pk)
    if delivery is None:
        raise Http404
    try:
        delivery_request_cancel(request=delivery, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request %(code)s is cancelled.") % {"code": delivery.code})
    return redirect("delivery:request_detail", pk=delivery.pk)


urlpatterns = [
    path("delivery/", request_list, name="requests"),
    path("delivery/new/", request_new, name="request_new"),
    path("delivery/<int:pk>/", request_detail, name="request_detail"),
    path("delivery/<int:pk>/cancel/", request_cancel, name="request_cancel"),
]
