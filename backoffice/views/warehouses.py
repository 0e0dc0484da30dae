"""Warehouses and depots: address, phone, opening hours (shown to customers at Chờ giao)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import operations_required
from core.errors import DomainError
from warehouse.models import Warehouse

from ..forms import WarehouseForm
from ..services import warehouse_update


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
            warehouse_update(warehouse=place, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("is_active" if exc.code == "staff" else None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": place.name})
            return redirect("backoffice:warehouses")
    status = 400 if form.is_bound else 200
    return render(request, "backoffice/warehouse_form.html", {"form": form, "place": place}, status=status)


urlpatterns = [
    path("warehouses/", warehouses, name="warehouses"),
    path("warehouses/<int:pk>/", warehouse, name="warehouse"),
]
