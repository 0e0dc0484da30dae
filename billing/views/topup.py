"""The customer's top-up page (nạp tiền): the forwarder's bank account, the transfer content that names
the customer, a VietQR code with the amount they choose (updated by htmx, or by a plain GET without
JavaScript), and their last top-ups."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.decorators import customer_required

from .. import vietqr
from ..forms.topups import TopUpForm
from ..models import EntryKind, WalletEntry
from ..services.topups import bank_account, topup_content

RECENT_TOPUPS = 10


@customer_required
@require_GET
def topup(request):
    form = TopUpForm(request.GET if "amount" in request.GET else None)
    amount = form.cleaned_data["amount"] if form.is_bound and form.is_valid() else None
    bank = bank_account()
    content = topup_content(request.user)
    qr = None
    if content:
        try:
            payload = vietqr.payload(
                bank_bin=bank["bin"], account=bank["number"], amount_vnd=amount, content=content
            )
        except ValueError:  # a misconfigured BANK_BIN or account: the page still shows the details
            payload = None
        if payload:
            qr = vietqr.svg(payload, title=f"VietQR {bank['name']} {bank['number']} {content}")
    context = {"form": form, "bank": bank, "content": content, "amount": amount, "qr": qr}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "billing/topup.html#qr", context)
    context["topups"] = (
        WalletEntry.objects.filter(wallet_id=request.user.pk, kind=EntryKind.TOPUP)
        .select_related("transfer")
        .order_by("-id")[:RECENT_TOPUPS]
    )
    return render(request, "billing/topup.html", context)


urlpatterns = [
    path("wallet/top-up/", topup, name="topup"),
]
