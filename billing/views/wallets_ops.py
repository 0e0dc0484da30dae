"""Operations' wallet desk: find a customer, see their balance and last entries, make an adjustment or a
refund (reason required, posted once however often the form is sent), put the customer in a group."""

from urllib.parse import urlencode
from uuid import uuid4

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import operations_required
from accounts.models import Role, User
from consignments.models import Consignment
from core.errors import DomainError

from ..forms.wallet import CustomerFindForm, CustomerGroupForm, WalletEntryForm
from ..models import EntryKind, Wallet, WalletEntry
from ..selectors import default_group
from ..services.rates import customer_group_set
from ..services.wallet import wallet_adjust, wallet_refund, wallet_reverse
from ..templatetags.billing_tags import vnd

LAST_ENTRIES = 20
MAX_MATCHES = 20


def _customers_matching(q: str) -> list:
    q = q.strip()
    customers = User.objects.filter(role=Role.CUSTOMER)
    exact = list(customers.filter(Q(customer_code__iexact=q) | Q(username__iexact=q))[:2])
    if len(exact) == 1:
        return exact
    return list(
        customers.filter(Q(customer_code__istartswith=q) | Q(username__istartswith=q)).order_by("username")[
            :MAX_MATCHES
        ]
    )


def _customer(pk) -> User:
    customer = User.objects.filter(pk=pk, role=Role.CUSTOMER).first()
    if customer is None:
        raise Http404
    return customer


def _desk(customer, *, entry_form=None, group_form=None) -> dict:
    wallet = Wallet.objects.filter(customer=customer).select_related("group").first()
    group = (wallet.group if wallet and wallet.group_id else None) or default_group()
    return {
        "customer": customer,
        "balance": wallet.balance_vnd if wallet else 0,
        "group": group,
        "entries": list(
            WalletEntry.objects.filter(wallet_id=customer.pk)
            .select_related("consignment", "by")
            .annotate(is_reversed=Exists(WalletEntry.objects.filter(reverses=OuterRef("pk"))))
            .order_by("-id")[:LAST_ENTRIES]
        ),
        "entry_form": entry_form or WalletEntryForm(initial={"key": uuid4(), "kind": EntryKind.ADJUSTMENT}),
        "group_form": group_form or CustomerGroupForm(initial={"group": wallet.group_id if wallet else None}),
    }


def _back(customer):
    query = urlencode({"q": customer.customer_code or customer.username})
    return redirect(f"{reverse('billing:ops_wallets')}?{query}")


@operations_required
@require_GET
def ops_wallets(request):
    form = CustomerFindForm(request.GET or None)
    context = {"find_form": form, "matches": None}
    if form.is_valid():
        matches = _customers_matching(form.cleaned_data["q"])
        context["matches"] = matches
        if len(matches) == 1:
            context.update(_desk(matches[0]))
    return render(request, "billing/ops_wallets.html", context)


@operations_required
@require_POST
def ops_wallet_entry(request, pk):
    """An adjustment (signed) or a refund (positive) with its reason, once per rendered form."""
    customer = _customer(pk)
    form = WalletEntryForm(request.POST)
    order = None
    if form.is_valid() and form.cleaned_data["order"]:
        order = Consignment.objects.filter(customer=customer, code=form.cleaned_data["order"].strip()).first()
        if order is None:
            form.add_error("order", _("This customer has no order with that code."))
    if form.is_valid():
        data = form.cleaned_data
        key = f"ops:{data['key']}"
        if WalletEntry.objects.filter(idempotency_key=key).exists():
            messages.info(request, _("This form was already sent: the entry was recorded once."))
            return _back(customer)
        try:
            if data["kind"] == EntryKind.REFUND:
                entry = wallet_refund(
                    customer=customer,
                    amount_vnd=data["amount_vnd"],
                    reason=data["reason"],
                    by=request.user,
                    key=key,
                    consignment=order,
                )
            else:
                entry = wallet_adjust(
                    customer=customer,
                    amount_vnd=data["amount_vnd"],
                    reason=data["reason"],
                    by=request.user,
                    key=key,
                )
        except DomainError as exc:
            form.add_error("amount_vnd" if exc.code == "amount" else None, exc.message)
        else:
            messages.success(
                request,
                _("%(kind)s of %(amount)s recorded for %(customer)s; the balance is now %(balance)s.")
                % {
                    "kind": entry.get_kind_display(),
                    "amount": vnd(entry.amount_vnd),
                    "customer": customer.customer_code or customer.username,
                    "balance": vnd(entry.balance_after_vnd),
                },
            )
            return _back(customer)
    if "key" in form.errors:  # a damaged form: a new key, and the person checks and sends it again
        data = request.POST.copy()
        data["key"] = str(uuid4())
        form = WalletEntryForm(data)
        form.is_valid()
        form.add_error(None, _("The form was incomplete: check it and send it again."))
    context = {"find_form": CustomerFindForm(initial={"q": customer.customer_code or customer.username})}
    context.update(_desk(customer, entry_form=form))
    context["matches"] = [customer]
    return render(request, "billing/ops_wallets.html", context)


@operations_required
@require_POST
def ops_wallet_group(request, pk):
    """Put the customer in a group: their unpaid orders are priced again with its discount."""
    customer = _customer(pk)
    form = CustomerGroupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a group from the list."))
        return _back(customer)
    group = form.cleaned_data["group"]
    try:
        customer_group_set(customer=customer, group=group, by=request.user)
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
    return _back(customer)


@operations_required
@require_POST
def ops_wallet_reverse(request, pk):
    """Reverse one ledger entry (a new entry of the opposite amount), with a reason."""
    entry = WalletEntry.objects.select_related("wallet__customer").filter(pk=pk).first()
    if entry is None:
        raise Http404
    try:
        wallet_reverse(entry=entry, reason=request.POST.get("reason", ""), by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Entry reversed: %(amount)s.") % {"amount": vnd(-entry.amount_vnd)})
    return _back(entry.wallet.customer)


urlpatterns = [
    path("staff/billing/wallets/", ops_wallets, name="ops_wallets"),
    path("staff/billing/wallets/<int:pk>/entry/", ops_wallet_entry, name="ops_wallet_entry"),
    path("staff/billing/wallets/<int:pk>/group/", ops_wallet_group, name="ops_wallet_group"),
    path("staff/billing/entries/<int:pk>/reverse/", ops_wallet_reverse, name="ops_wallet_reverse"),
]
