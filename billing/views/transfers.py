"""Operations' unmatched transfers: bank transfers whose content named no customer (or two), waiting to be
assigned by hand with a reason; and every transfer received, by status."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import operations_required
from core.errors import DomainError

from ..forms.topups import TransferAssignForm, TransferFilterForm
from ..models import BankTransfer, TransferStatus
from ..services.topups import transfer_assign
from ..templatetags.billing_tags import vnd

PAGE_SIZE = 50


def _status_filter(request) -> str:
    form = TransferFilterForm(request.GET or None)
    return (form.cleaned_data.get("status") or "") if form.is_valid() else ""


def _page(request, *, status: str, forms: dict | None = None, http_status: int = 200):
    rows = BankTransfer.objects.select_related("customer", "assigned_by").order_by("-id")
    if status != TransferFilterForm.ALL:
        rows = rows.filter(status=status or TransferStatus.UNMATCHED)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    forms = forms or {}
    for transfer in page.object_list:
        if transfer.status == TransferStatus.UNMATCHED:
            transfer.assign_form = forms.get(transfer.pk) or TransferAssignForm(prefix=f"t{transfer.pk}")
    context = {
        "page": page,
        "status": status,
        "filter_form": TransferFilterForm(initial={"status": status}),
        "query": urlencode({"status": status}) if status else "",
        "unmatched_count": BankTransfer.objects.filter(status=TransferStatus.UNMATCHED).count(),
    }
    return render(request, "billing/transfers.html", context, status=http_status)


@operations_required
@require_GET
def transfers(request):
    return _page(request, status=_status_filter(request))


@operations_required
@require_POST
def transfer_assign_view(request, pk):
    transfer = get_object_or_404(BankTransfer, pk=pk)
    status = _status_filter(request)
    form = TransferAssignForm(request.POST, prefix=f"t{transfer.pk}")
    if not form.is_valid():
        messages.error(request, _("The transfer was not assigned: see the form below."))
        return _page(request, status=status, forms={transfer.pk: form}, http_status=400)
    customer = form.cleaned_data["customer"]
    try:
        transfer_assign(
            transfer=transfer, customer=customer, reason=form.cleaned_data["reason"], by=request.user
        )
    except DomainError as exc:  # already credited meanwhile, an outgoing transfer…: nothing was written
        messages.error(request, exc.message)
        return _page(request, status=status, forms={transfer.pk: form}, http_status=400)
    messages.success(
        request,
        _("%(amount)s credited to %(customer)s (%(code)s).")
        % {"amount": vnd(transfer.amount_vnd), "customer": customer.username, "code": customer.customer_code},
    )
    url = reverse("billing:transfers")
    return redirect(f"{url}?{urlencode({'status': status})}" if status else url)


urlpatterns = [
    path("staff/billing/transfers/", transfers, name="transfers"),
    path("staff/billing/transfers/<int:pk>/assign/", transfer_assign_view, name="transfer_assign"),
]
