"""Customers: find one from one field (code, username, name, phone, e-mail) or see the latest sign-ups; their
page; their group; their contact details; deactivate or reactivate them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import operations_required
from accounts.throttling import failed_logins
from billing.forms.wallet import CustomerGroupForm
from billing.models import Wallet
from billing.selectors import default_group
from core.errors import DomainError

from ..forms import CustomerActiveForm, CustomerContactForm, CustomerSearchForm
from ..selectors.customers import customer_for_ops, customer_page, customers_search, recent_customers
from ..services import customer_group_change
from ..services_people import customer_contact_update, customer_set_active

PAGE_SIZE = 50


def _customer(pk) -> object:
    customer = customer_for_ops(pk)
    if customer is None:
        raise Http404
    return customer


@operations_required
@require_GET
def customers(request):
    """A search (one match opens their page), or with nothing typed the latest sign-ups; 50 a page."""
    form = CustomerSearchForm(request.GET or None)
    page, searched = None, False
    if not form.is_bound or form.is_valid():
        q = form.cleaned_data["q"].strip() if form.is_bound else ""
        searched = bool(q)
        rows = customers_search(q) if searched else recent_customers()
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        if searched and page.paginator.count == 1:
            return redirect("backoffice:customer", page.object_list[0].pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "searched": searched, "query": query.urlencode()}
    return render(request, "backoffice/customers.html", context, status=200 if page is not None else 400)


@operations_required
@require_GET
def customer(request, pk):
    customer = _customer(pk)
    context = customer_page(customer)
    group_id = Wallet.objects.filter(customer=customer).values_list("group_id", flat=True).first()
    context["group_form"] = CustomerGroupForm(initial={"group": group_id})
    context["search_form"] = CustomerSearchForm()
    context["failed_logins"] = failed_logins(customer.username)
    return render(request, "backoffice/customer.html", context)


@operations_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    customer = _customer(pk)
    initial = {name: getattr(customer, name) for name in ("first_name", "last_name", "phone", "email")}
    form = CustomerContactForm(request.POST or None, initial=initial, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            customer_contact_update(customer=customer, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("email" if exc.code == "email" else None, exc.message)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("backoffice:customer", customer.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "backoffice/customer_edit.html", {"form": form, "customer": customer}, status=status
    )


@operations_required
@require_POST
def customer_active(request, pk):
    customer = _customer(pk)
    form = CustomerActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why: it is kept in the audit trail."))
        return redirect("backoffice:customer", customer.pk)
    active = form.cleaned_data["active"]
    try:
        customer_set_active(
            customer=customer, active=active, reason=form.cleaned_data["reason"], by=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        message = _("%(user)s can log in again.") if active else _("%(user)s can no longer log in.")
        messages.success(request, message % {"user": customer.username})
    return redirect("backoffice:customer", customer.pk)


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
    path("customers/<int:pk>/edit/", customer_edit, name="customer_edit"),
    path("customers/<int:pk>/active/", customer_active, name="customer_active"),
]
