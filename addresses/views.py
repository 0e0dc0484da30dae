from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import customer_required
from core.errors import DomainError
from core.redirects import next_url, redirect_next
from warehouse.selectors import china_warehouses

from .forms import DeliveryAddressForm, ward_options
from .models import DeliveryAddress
from .selectors import addresses_for, china_address_blocks
from .services import address_delete, address_save, address_set_default


def _address_for(request, pk) -> DeliveryAddress:
    """The customer's own address, or 404: an id from the URL is never trusted."""
    return get_object_or_404(DeliveryAddress, pk=pk, customer=request.user)


@customer_required
def address_list(request):
    return render(request, "addresses/list.html", {"addresses": addresses_for(customer=request.user)})


@customer_required
def address_create(request):
    return _address_form(request, None)


@customer_required
def address_edit(request, pk):
    return _address_form(request, _address_for(request, pk))


def _address_form(request, address):
    # Entered before the 2025 units: shown as it was, and the form asks for its province and ward anew.
    old_address = str(address) if address and not address.uses_new_units else ""
    form = DeliveryAddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in DeliveryAddressForm.Meta.fields}
        address_save(
            customer=request.user, address=address, make_default=form.cleaned_data["make_default"], **data
        )
        messages.success(request, _("Address saved."))
        return redirect_next(request, "addresses:list")
    return render(
        request,
        "addresses/form.html",
        {
            "form": form,
            "address": address,
            "old_address": old_address,
            "next": next_url(request) or "",
            "has_default": addresses_for(customer=request.user).filter(is_default=True).exists(),
        },
    )


@customer_required
@require_GET
def ward_options_view(request):
    """The ward select's options for the province chosen in the address form (htmx swaps them in)."""
    options = ward_options(request.GET.get("province_code"))
    return render(request, "addresses/_ward_options.html", {"options": options})


@customer_required
@require_POST
def address_delete_view(request, pk):
    try:
        address_delete(address=_address_for(request, pk))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Address deleted."))
    return redirect("addresses:list")


@customer_required
@require_POST
def address_default_view(request, pk):
    address_set_default(address=_address_for(request, pk))
    messages.success(request, _("Default address changed."))
    return redirect("addresses:list")


@customer_required
def china_address(request):
    warehouses = china_warehouses()
    return render(
        request,
        "addresses/china_address.html",
        {
            "warehouses": [(w, china_address_blocks(customer=request.user, warehouse=w)) for w in warehouses],
        },
    )
