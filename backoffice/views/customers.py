"""Customers: find one from one field (code, username, phone, e-mail); their page; their group."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import operations_required
from billing.forms.wallet import CustomerGroupForm
from billing.models import Wallet
from billing.selectors import default_group
from core.errors import DomainError

from ..forms import CustomerSearchForm
from ..selectors.customers import customer_for_ops, customer_page, customers_search
from ..services import customer_group_change


def _customer(pk) -> object:
    customer = customer_for_ops(pk)
    if customer is None:
        raise Http404
    return customer


@operations_required
@require_GET
def customers(request):
    form = CustomerSearchForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = list(customers_search(form.cleaned_data["q"]))
        if len(matches) == 1:
            return redirect("backoffice:customer", matches[0].pk)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "backoffice/customers.html", {"form": form, "matches": matches}, status=status)


@operations_required
@require_GET
def customer(request, pk):
    customer = _customer(pk)
    context = customer_page(customer)
    group_id = Wallet.objects.filter(customer=customer).values_list("group_id", flat=True).first()
    context["group_form"] = CustomerGroupForm(initial={"group": group_id})
    context["search_form"] = CustomerSearchForm()
    return render(request, "backoffice/customer.html", context)


@operations_required
@require_POST
def customer_group(request, pk):
    customer = _customer(pk)
    form = CustomerGroupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a group from the list."))
        return redirect("backoffice:customer", customer.pk)
    group = form.cleaned_data["group"]
    try:
        customer_group_change(customer=customer, group=group, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(customer)s is now in the group %(group)s.")
            % {
                "customer": customer.customer_code or customer.username,
                "group": group.name if group else (default_group() or _("default")),
            },
        )
    return redirect("backoffice:customer", customer.pk)


urlpatterns = [
    path("customers/", customers, name="customers"),
    path("customers/<int:pk>/", customer, name="customer"),
    path("customers/<int:pk>/group/", customer_group, name="customer_group"),
]
