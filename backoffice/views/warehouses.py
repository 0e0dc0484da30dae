"""Warehouses and depots: address, phone, opening hours (shown to customers at Chờ giao)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import operations_required
from core.errors import DomainError
from warehouse.models import Warehouse

from ..forms import DepotProvincesForm
from ..forms_warehouses import WarehouseCreateForm, WarehouseForm
from ..services import depot_provinces_set
from ..services_warehouses import warehouse_create, warehouse_save


@operations_required
@require_GET
def warehouses(request):
    rows = Warehouse.objects.annotate(staff_count=Count("staff", filter=Q(staff__is_active=True))).order_by(
        "kind", "code"
    )
    return render(request, "backoffice/warehouses.html", {"rows": rows})


@operations_required
@require_http_methods(["GET", "POST"])
def warehouse(request, pk):
    place = get_object_or_404(Warehouse, pk=pk)
    form = WarehouseForm(request.POST or None, instance=Warehouse.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            warehouse_save(warehouse=place, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("is_active" if exc.code in ("staff", "contents") else None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": place.name})
            return redirect("backoffice:warehouses")
    status = 400 if form.is_bound else 200
    return _page(request, place, form=form, status=status)


@operations_required
@require_http_methods(["GET", "POST"])
def warehouse_new(request):
    """Open a new China warehouse or Vietnam depot (and the provinces a depot serves)."""
    form = WarehouseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        provinces = values.pop("provinces", [])
        try:
            place = warehouse_create(by=request.user, provinces=provinces, **values)
        except DomainError as exc:
            form.add_error("code" if exc.code == "code" else None, exc.message)
        else:
            messages.success(request, _("%(name)s created.") % {"name": str(place)})
            return redirect("backoffice:warehouse", place.pk)
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/warehouse_new.html", {"form": form}, status=status)


def _page(request, place, *, form=None, provinces_form=None, status=200):
    context = {"form": form or WarehouseForm(instance=place), "place": place}
    if place.kind == Warehouse.Kind.VIETNAM:
        context["provinces_form"] = provinces_form or DepotProvincesForm(depot=place)
    return render(request, "backoffice/warehouse_form.html", context, status=status)


@operations_required
@require_POST
def depot_provinces(request, pk):
    place = get_object_or_404(Warehouse, pk=pk, kind=Warehouse.Kind.VIETNAM)
    form = DepotProvincesForm(request.POST, depot=place)
    if form.is_valid():
        try:
            added, removed = depot_provinces_set(
                depot=place, codes=form.cleaned_data["provinces"], by=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s: %(added)d provinces added, %(removed)d removed.")
                % {"name": place.name, "added": len(added), "removed": len(removed)},
            )
            return redirect("backoffice:warehouse", place.pk)
    return _page(request, place, provinces_form=form, status=400)


urlpatterns = [
    path("warehouses/", warehouses, name="warehouses"),
    path("warehouses/new/", warehouse_new, name="warehouse_new"),
    path("warehouses/<int:pk>/", warehouse, name="warehouse"),
    path("warehouses/<int:pk>/provinces/", depot_provinces, name="depot_provinces"),
]
