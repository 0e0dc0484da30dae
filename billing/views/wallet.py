"""The customer's money pages: the extras of an order, the wallet statement (and its export), paying."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import customer_required
from consignments.selectors import consignment_for_customer
from core.errors import DomainError
from core.numbers import parse_int, shown_total
from core.redirects import next_url

from ..export import export_statement_xlsx, statement_entries, statement_page
from ..forms.wallet import OrderExtrasForm, StatementFilterForm
from ..models import Charge, Wallet
from ..selectors import default_group, dues_now, group_of, unpaid_orders_of
from ..services.charges import order_extras_set
from ..services.wallet import wallet_pay
from ..templatetags.billing_tags import vnd


def _cursor(value) -> int | None:
    return parse_int(value, low=1, high=2**63 - 1)  # ASCII or full-width digits, nothing else


# --- The extras of an order --------------------------------------------------------------------------------


@customer_required
@require_POST
def order_extras(request, code):
    """The customer chooses wooden crate, bubble wrap, insurance, inspection; the order is re-priced."""
    consignment = consignment_for_customer(customer=request.user, code=code)
    if consignment is None:
        raise Http404
    form = OrderExtrasForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("consignments:detail", code=consignment.code)
    try:
        order_extras_set(consignment=consignment, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        charge = Charge.objects.filter(consignment=consignment, is_current=True).first()
        if charge is not None:
            messages.success(
                request,
                _("Extra services saved. The estimate is now %(total)s.") % {"total": vnd(charge.total_vnd)},
            )
        else:
            messages.success(request, _("Extra services saved. They are priced when the order is weighed."))
    return redirect("consignments:detail", code=consignment.code)


# --- The statement -----------------------------------------------------------------------------------------


def _statement_filters(request):
    form = StatementFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "kind": data.get("kind") or "",
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
    }


@customer_required
@require_GET
def wallet_statement(request):
    """Balance, credit limit, and the ledger newest first, 50 a page by keyset (?before= / ?after=)."""
    wallet = Wallet.objects.filter(customer=request.user).select_related("group").first()
    group = (wallet.group if wallet and wallet.group_id else None) or default_group()
    form, filters = _statement_filters(request)
    entries, older, newer = statement_page(
        statement_entries(customer=request.user, **filters),
        before=_cursor(request.GET.get("before")),
        after=_cursor(request.GET.get("after")),
    )
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(
        request,
        "billing/wallet.html",
        {
            "balance": wallet.balance_vnd if wallet else 0,
            "group": group,
            "credit_limit": group.credit_limit_vnd if group else 0,
            "filter_form": form,
            "filtered": any(filters.values()),
            "entries": entries,
            "older": older,
            "newer": newer,
            "paged": "before" in request.GET or "after" in request.GET,
            "query": query.urlencode(),
        },
    )


@customer_required
@require_GET
def wallet_export(request):
    """The statement with the same filters, as an Excel file (at most 100,000 entries, newest first)."""
    _form, filters = _statement_filters(request)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sao-ke-vi-{stamp}.xlsx"'
    export_statement_xlsx(statement_entries(customer=request.user, **filters), response)
    return response


# --- Paying ------------------------------------------------------------------------------------------------


def _unpaid_with_totals(customer) -> list:
    """The unpaid orders awaiting delivery, each with `due` (billing.selectors.Due: storage to today)."""
    orders = list(unpaid_orders_of(customer).select_related("destination"))
    dues = dues_now(orders)
    for order in orders:
        order.due = dues.get(order.pk)
        order.charge_total = order.due.total_vnd if order.due else 0
    return orders


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        number = _cursor(value)
        if number is None:
            raise DomainError(_("Choose the orders to pay."), code="empty")
        ids.append(number)
    return ids


def _next_url(request) -> str | None:
    return next_url(request)


def _expected(request, ids) -> int | None:
    """The total the page showed for the ticked orders: the sum of what each row showed (due_<id>), so that
    ticks changed a moment before paying (the summary not redrawn yet) are not taken for a changed amount;
    else the summary's total (expected_total, the order page's form); None when neither is there (an old
    page, a script): then the service charges the current total, as it always computes it under the
    wallet's lock."""
    shown = shown_total(request.POST, ids)
    if shown is not None:
        return shown
    value = request.POST.get("expected_total")
    return None if value is None else parse_int(value, low=None)


@customer_required
@require_http_methods(["GET", "POST"])
def pay(request):
    """The orders awaiting delivery and not paid, all ticked; paying takes the ticked ones in one action
    (all or nothing). From an order's page the same POST pays that one order and goes back there."""
    error = error_code = None
    selected = None  # all of them, unless the customer ticked some
    if request.method == "POST":  # the list is read only to draw the page (not on a successful payment)
        target = _next_url(request)
        try:
            ids = _ids(request.POST.getlist("orders"))
            selected = set(ids)
            entries = wallet_pay(
                customer=request.user,
                consignments=ids,
                by=request.user,
                expected_total_vnd=_expected(request, ids),
            )
        except DomainError as exc:
            if target:
                messages.error(request, exc.message)
                return HttpResponseRedirect(target)
            error, error_code = exc.message, exc.code
        else:
            paid = sum(-e.amount_vnd for e in entries)
            messages.success(
                request,
                ngettext(
                    "%(n)s order paid: %(total)s taken from the wallet.",
                    "%(n)s orders paid: %(total)s taken from the wallet.",
                    len(ids),
                )
                % {"n": len(ids), "total": vnd(paid)},
            )
            return HttpResponseRedirect(target or reverse("billing:wallet"))
    orders = _unpaid_with_totals(request.user)
    if selected is None:
        selected = {o.pk for o in orders}
    summary = request.htmx and request.method == "GET" and request.GET.get("summary")
    if summary:  # the running total as the customer ticks orders
        selected = {n for n in map(_cursor, request.GET.getlist("orders")) if n is not None}
    ticked = [o for o in orders if o.pk in selected]
    total = sum(o.charge_total or 0 for o in ticked)
    balance = Wallet.objects.filter(customer=request.user).values_list("balance_vnd", flat=True).first() or 0
    group = group_of(request.user)
    floor = -(group.credit_limit_vnd if group else 0)
    context = {
        "orders": orders,
        "selected": selected,
        "total": total,
        "count": len(ticked),
        "balance": balance,
        "after": balance - total,
        "missing": floor - (balance - total),
        "error": error,
        "error_code": error_code,
    }
    if summary:
        return render(request, "billing/pay.html#summary", context)
    return render(request, "billing/pay.html", context)


urlpatterns = [
    path("orders/<str:code>/extras/", order_extras, name="order_extras"),
    path("wallet/", wallet_statement, name="wallet"),
    path("wallet/export.xlsx", wallet_export, name="wallet_export"),
    path("wallet/pay/", pay, name="pay"),
]
