"""The customer's claims: open one on an order, follow it (timeline, photos), write while it is not closed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import customer_required
from consignments.selectors import consignment_for_customer
from core.errors import DomainError

from ..forms import ClaimForm, ReplyForm
from ..selectors import claim_of, claims_of, claims_of_order, timeline
from ..services import claim_open, claim_reply, claimable


@customer_required
@require_GET
def claim_list(request):
    return render(request, "claims/list.html", {"claims": claims_of(request.user)[:200]})


@customer_required
@require_http_methods(["GET", "POST"])
def claim_new(request, code):
    order = None if "\x00" in code else consignment_for_customer(customer=request.user, code=code[:16])
    if order is None:
        raise Http404
    form = ClaimForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_open(
                customer=request.user,
                consignment=order,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                amount_asked_vnd=form.cleaned_data["amount_asked_vnd"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Claim %(code)s is sent. We will answer here and notify you at each step.")
                % {"code": claim.code},
            )
            return redirect("claims:detail", pk=claim.pk)
    return render(
        request,
        "claims/new.html",
        {
            "order": order,
            "form": form,
            "error": error,
            "claimable": claimable(order),
            "existing": claims_of_order(order),
        },
        status=400 if request.method == "POST" else 200,
    )


@customer_required
@require_GET
def claim_detail(request, pk):
    claim = claim_of(request.user, pk)
    if claim is None:
        raise Http404
    return _detail(request, claim, ReplyForm())


def _detail(request, claim, form, *, error=None, status=200, sent=False):
    """The claim's page; to htmx, only its conversation (timeline and reply form), with 200 even for a
    refused message (htmx swaps only successful answers)."""
    template = "claims/detail.html#conversation" if request.htmx else "claims/detail.html"
    return render(
        request,
        template,
        {"claim": claim, "events": timeline(claim), "form": form, "error": error, "sent": sent},
        status=200 if request.htmx else status,
    )


@customer_required
@require_POST
def claim_reply_view(request, pk):
    claim = claim_of(request.user, pk)
    if claim is None:
        raise Http404
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            claim = claim_reply(
                claim=claim,
                by=request.user,
                text=form.cleaned_data["text"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            return _detail(request, claim, form, error=exc.message, status=400)
        if request.htmx:
            return _detail(request, claim, ReplyForm(), sent=True)
        messages.success(request, _("Your message is added to the claim."))
        return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, form, status=400)


urlpatterns = [
    path("claims/", claim_list, name="list"),
    path("claims/new/<str:code>/", claim_new, name="new"),
    path("claims/<int:pk>/", claim_detail, name="detail"),
    path("claims/<int:pk>/reply/", claim_reply_view, name="reply"),
]
