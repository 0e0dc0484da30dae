"""Operations' claims: the queue with status tabs, and a claim's page with its actions."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import operations_required
from billing.selectors import balance_of, current_charge
from core.errors import DomainError
from core.money import vnd

from ..forms import NoteForm, ReasonForm, RefundForm, ReplyForm, ReweighForm
from ..models import ClaimStatus
from ..selectors import (
    claim_for_operations,
    claims_for_operations,
    order_history,
    status_counts,
    timeline,
)
from ..services import (
    claim_accept,
    claim_approve_refund,
    claim_close,
    claim_decline_refund,
    claim_reject,
    claim_reply,
    claim_resolve_refund,
    claim_resolve_reweigh,
    order_refund_room,
    room_text,
)

TABS = ["open", "unanswered", *ClaimStatus.values, "all"]
TAB_LABELS = {
    # "To handle": open claims, and any claim whose customer wrote and waits for an answer.
    "open": gettext_lazy("To handle"),
    "unanswered": gettext_lazy("Unanswered"),
    "all": gettext_lazy("All"),
}


@operations_required
@require_GET
def ops_list(request):
    status = request.GET.get("status", "open")
    if status not in TABS:
        status = "open"
    q = request.GET.get("q", "").replace("\x00", "").strip()[:40]
    page = Paginator(claims_for_operations(status=status, q=q), 50).get_page(request.GET.get("page"))
    counts = status_counts()
    tabs = [(key, TAB_LABELS.get(key) or ClaimStatus(key).label, counts.get(key)) for key in TABS]
    query = urlencode({"status": status, **({"q": q} if q else {})})
    return render(
        request,
        "claims/ops_list.html",
        {"page": page, "status": status, "q": q, "tabs": tabs, "query": query},
    )


def _parcels(claim):
    return list(claim.consignment.parcels.order_by("piece_number", "pk"))


def _render(request, claim, *, forms=None, error=None, status=200):
    parcels = _parcels(claim)
    room = order_refund_room(claim.consignment, claim=claim)
    context = {
        "claim": claim,
        "events": timeline(claim),
        "charge": current_charge(claim.consignment),
        "balance": balance_of(claim.customer),
        "bound": room.remaining_vnd,
        "room": room,
        "room_text": room_text(room),
        **order_history(claim),
        "approval_above": settings.CLAIM_REFUND_APPROVAL_VND,
        "parcels": parcels,
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "decline_form": ReasonForm(),
        "refund_form": RefundForm(),
        "reweigh_form": ReweighForm(parcels=parcels),
        "error": error,
        "is_proposer": claim.refund_proposed_by_id == request.user.pk,
    }
    context.update(forms or {})
    return render(request, "claims/ops_detail.html", context, status=status)


def _claim(pk):
    claim = claim_for_operations(pk)
    if claim is None:
        raise Http404
    return claim


@operations_required
@require_GET
def ops_detail(request, pk):
    return _render(request, _claim(pk))


def _act(request, claim, form_name, form, action, done):
    """Validate `form`, call `action(cleaned)`; on success a message and back to the claim, else the page
    again with what was typed and the reason (400)."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except DomainError as exc:
            claim = _claim(claim.pk)
            return _render(request, claim, forms={form_name: form}, error=exc.message, status=400)
        messages.success(request, done(result) if callable(done) else done)
        return redirect("claims:ops_detail", pk=claim.pk)
    return _render(request, claim, forms={form_name: form}, status=400)


@operations_required
@require_POST
def ops_accept(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "note_form",
        NoteForm(request.POST),
        lambda d: claim_accept(claim=claim, by=request.user, text=d["text"]),
        _("Claim %(code)s is accepted for review.") % {"code": claim.code},
    )


@operations_required
@require_POST
def ops_reply(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "reply_form",
        ReplyForm(request.POST, request.FILES),
        lambda d: claim_reply(
            claim=claim, by=request.user, text=d["text"], photos=request.FILES.getlist("photos")
        ),
        _("Your message is sent to the customer."),
    )


@operations_required
@require_POST
def ops_refund(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "refund_form",
        RefundForm(request.POST),
        lambda d: claim_resolve_refund(
            claim=claim, amount_vnd=d["amount_vnd"], reason=d["reason"], fault=d["fault"], by=request.user
        ),
        lambda c: (
            _("The refund waits for another operations person's approval (above %(limit)s).")
            % {"limit": vnd(settings.CLAIM_REFUND_APPROVAL_VND)}
            if c.status == ClaimStatus.REFUND_PENDING
            else _("Refunded: %(amount)s credited to the customer's wallet.") % {"amount": vnd(c.refund_vnd)}
        ),
    )


@operations_required
@require_POST
def ops_approve(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "note_form",
        NoteForm(request.POST),
        lambda d: claim_approve_refund(claim=claim, by=request.user),
        _("Refund approved and credited to the customer's wallet."),
    )


@operations_required
@require_POST
def ops_decline(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "decline_form",
        ReasonForm(request.POST),
        lambda d: claim_decline_refund(claim=claim, by=request.user, reason=d["reason"]),
        _("The refund is not approved: the claim is back in review."),
    )


@operations_required
@require_POST
def ops_reweigh(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "reweigh_form",
        ReweighForm(request.POST, parcels=_parcels(claim)),
        lambda d: claim_resolve_reweigh(
            claim=claim,
            parcel_id=d["parcel"],
            weight_g=int(d["weight_kg"] * 1000),
            by=request.user,
            text=d["text"],
        ),
        _("The parcel is re-weighed and the order re-priced."),
    )


@operations_required
@require_POST
def ops_reject(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "reason_form",
        ReasonForm(request.POST),
        lambda d: claim_reject(claim=claim, by=request.user, reason=d["reason"]),
        _("Claim %(code)s is rejected.") % {"code": claim.code},
    )


@operations_required
@require_POST
def ops_close(request, pk):
    claim = _claim(pk)
    return _act(
        request,
        claim,
        "note_form",
        NoteForm(request.POST),
        lambda d: claim_close(claim=claim, by=request.user, text=d["text"]),
        _("Claim %(code)s is closed.") % {"code": claim.code},
    )


urlpatterns = [
    path("staff/ops/claims/", ops_list, name="ops_list"),
    path("staff/ops/claims/<int:pk>/", ops_detail, name="ops_detail"),
    path("staff/ops/claims/<int:pk>/accept/", ops_accept, name="ops_accept"),
    path("staff/ops/claims/<int:pk>/reply/", ops_reply, name="ops_reply"),
    path("staff/ops/claims/<int:pk>/refund/", ops_refund, name="ops_refund"),
    path("staff/ops/claims/<int:pk>/approve/", ops_approve, name="ops_approve"),
    path("staff/ops/claims/<int:pk>/decline/", ops_decline, name="ops_decline"),
    path("staff/ops/claims/<int:pk>/reweigh/", ops_reweigh, name="ops_reweigh"),
    path("staff/ops/claims/<int:pk>/reject/", ops_reject, name="ops_reject"),
    path("staff/ops/claims/<int:pk>/close/", ops_close, name="ops_close"),
]
