"""Operations' lists: orders (by status, where they are, destination, unpaid, past the free storage days,
dates, a code) and parcels scanned (by warehouse and day, or unidentified)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.decorators import operations_required

from ..forms import OrderFilterForm, ParcelFilterForm
from ..selectors.dashboard import storage_free_days
from ..selectors.orders import OrderFilter, order_page, orders_filtered, parcels_scanned

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@operations_required
@require_GET
def orders(request):
    form = OrderFilterForm(request.GET or None)
    rows = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows = orders_filtered(
            OrderFilter(
                status=data.get("status") or "",
                warehouse=data["warehouse"].pk if data.get("warehouse") else None,
                destination=data["destination"].pk if data.get("destination") else None,
                unpaid=bool(data.get("unpaid")),
                past_free=bool(data.get("past_free")),
                q=(data.get("q") or "").strip(),
                customer=(data.get("customer") or "").strip(),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "free_days": storage_free_days() if form.is_bound and form.cleaned_data.get("past_free") else None,
    }
    return render(request, "backoffice/orders.html", context, status=200 if rows is not None else 400)


@operations_required
@require_GET
def parcels(request):
    form = ParcelFilterForm(request.GET or None)
    rows = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows = parcels_scanned(
            warehouse=data["warehouse"].pk if data.get("warehouse") else None,
            day=data.get("day"),
            unidentified=bool(data.get("unidentified")),
            old=bool(data.get("old")),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "backoffice/parcels.html", context, status=200 if rows is not None else 400)


@operations_required
@require_GET
def order(request, pk):
    context = order_page(pk)
    if context is None:
        raise Http404
    return render(request, "backoffice/order.html", context)


urlpatterns = [
    path("orders/", orders, name="orders"),
    path("orders/<int:pk>/", order, name="order"),
    path("parcels/", parcels, name="parcels"),
]
