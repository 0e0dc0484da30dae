"""Operations handle a claim: accept it for review, refund (a second person approves a large refund),
re-weigh a parcel (the order is re-priced), reject it, close it."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from billing.selectors import current_charge
from billing.services.wallet import wallet_refund
from core.errors import DomainError
from core.money import vnd
from warehouse.models import Parcel
from warehouse.services import parcel_measure

from ..models import Claim, ClaimStatus, EventKind, Fault
from .common import claim_transition, clean_text, event_add, require_operations
from .limits import lock_order_claims, order_refund_room

S = ClaimStatus


def refund_key(claim: Claim) -> str:
    """The wallet entry's idempotency key: whatever runs twice, a claim refunds once."""
    return f"claim:{claim.pk}:refund"


def _locked(claim: Claim) -> Claim:
    """The claim re-read under its row lock: what the form was drawn from may be out of date."""
    return Claim.objects.select_for_update().select_related("consignment").get(pk=claim.pk)


@transaction.atomic
def claim_accept(*, claim: Claim, by, text: str = "") -> Claim:
    require_operations(by)
    return claim_transition(claim=claim, to=S.REVIEW, by=by, text=clean_text(text, required=False))


@transaction.atomic
def claim_reject(*, claim: Claim, by, reason: str) -> Claim:
    require_operations(by)
    reason = clean_text(
        reason, required=True, what=_("Say why the claim is rejected: the customer reads it.")
    )
    return claim_transition(claim=claim, to=S.REJECTED, by=by, text=reason, reject_reason=reason[:500])


@transaction.atomic
def claim_close(*, claim: Claim, by, text: str = "") -> Claim:
    require_operations(by)
    return claim_transition(claim=claim, to=S.CLOSED, by=by, text=clean_text(text, required=False))


def room_text(room) -> str:
    """The order's refund room in words, for the refund form and the message refusing too much."""
    text = _("paid %(paid)s + declared value %(declared)s − already refunded %(refunded)s") % {
        "paid": vnd(room.paid_vnd),
        "declared": vnd(room.declared_vnd),
        "refunded": vnd(room.refunded_vnd),
    }
    if room.pending_vnd:
        text += " " + _("− awaiting approval on other claims %(pending)s") % {
            "pending": vnd(room.pending_vnd)
        }
    return text


def _check_room(claim: Claim, amount_vnd: int) -> None:
    room = order_refund_room(claim.consignment, claim=claim)
    if amount_vnd > room.remaining_vnd:
        raise DomainError(
            _(
                "At most %(remaining)s can still be refunded on order %(code)s (%(room)s). "
                "For more, adjust the wallet."
            )
            % {"remaining": vnd(room.remaining_vnd), "code": claim.consignment.code, "room": room_text(room)},
            code="amount",
        )


def _refund(claim: Claim, *, by):
    return wallet_refund(
        customer=claim.customer,
        amount_vnd=claim.refund_vnd,
        reason=_("claim %(code)s: %(reason)s") % {"code": claim.code, "reason": claim.refund_reason},
        by=by,
        key=refund_key(claim),
        consignment=claim.consignment,
    )


@transaction.atomic
def claim_resolve_refund(*, claim: Claim, amount_vnd: int, reason: str, fault: str, by) -> Claim:
    """Resolve with a refund to the wallet. Up to settings.CLAIM_REFUND_APPROVAL_VND it is credited at once
    (resolved); above it, it waits for another operations person (refund awaiting approval)."""
    require_operations(by)
    claim = lock_order_claims(claim)  # the order's refunds are decided one at a time
    if claim.status != S.REVIEW:
        raise DomainError(
            _("Accept claim %(code)s for review before resolving it.") % {"code": claim.code}
            if claim.status == S.WAITING
            else _("Claim %(code)s is “%(status)s”: it cannot be refunded now.")
            % {"code": claim.code, "status": claim.get_status_display()},
            code="illegal",
        )
    if fault not in Fault.values:
        raise DomainError(_("Say who was at fault."), code="fault")
    reason = clean_text(
        reason, required=True, what=_("Say why: the customer sees the reason on their statement.")
    )
    if not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise DomainError(_("Enter an amount above 0 ₫."), code="amount")
    _check_room(claim, amount_vnd)
    proposal = {
        "refund_vnd": amount_vnd,
        "refund_reason": reason[:255],
        "fault": fault,
        "refund_proposed_by": by,
    }
    data = {"amount_vnd": amount_vnd, "fault": fault}
    if amount_vnd > settings.CLAIM_REFUND_APPROVAL_VND:
        return claim_transition(claim=claim, to=S.REFUND_PENDING, by=by, text=reason, data=data, **proposal)
    claim = claim_transition(claim=claim, to=S.RESOLVED, by=by, text=reason, data=data, **proposal)
    entry = _refund(claim, by=by)
    Claim.objects.filter(pk=claim.pk).update(wallet_entry=entry)
    claim.wallet_entry = entry
    return claim


@transaction.atomic
def claim_approve_refund(*, claim: Claim, by) -> Claim:
    """A second operations person approves the refund proposed by another: the wallet is credited once,
    whoever approves at the same time (compare-and-set on the status, and the entry's idempotency key)."""
    require_operations(by)
    claim = lock_order_claims(claim)
    if claim.status != S.REFUND_PENDING:
        raise DomainError(
            _("Claim %(code)s has no refund awaiting approval (now “%(status)s”).")
            % {"code": claim.code, "status": claim.get_status_display()},
            code="illegal",
        )
    if claim.refund_proposed_by_id == by.pk:
        raise DomainError(
            _("You proposed this refund: another operations person must approve it."), code="same_person"
        )
    _check_room(claim, claim.refund_vnd)  # refunded meanwhile on the order: decline, propose again
    claim = claim_transition(
        claim=claim,
        to=S.RESOLVED,
        by=by,
        text=_("Refund approved"),
        data={"amount_vnd": claim.refund_vnd, "fault": claim.fault, "approved": True},
        refund_approved_by=by,
    )
    entry = _refund(claim, by=by)
    Claim.objects.filter(pk=claim.pk).update(wallet_entry=entry)
    claim.wallet_entry = entry
    return claim


@transaction.atomic
def claim_decline_refund(*, claim: Claim, by, reason: str) -> Claim:
    """The second person does not approve: the claim goes back to review, the proposal is kept in the timeline."""
    require_operations(by)
    claim = _locked(claim)  # the proposer may withdraw their own proposal this way too
    reason = clean_text(reason, required=True, what=_("Say why the refund is not approved."))
    return claim_transition(
        claim=claim,
        to=S.REVIEW,
        by=by,
        text=reason,
        data={"declined_vnd": claim.refund_vnd},
        refund_vnd=None,
        refund_reason="",
        fault="",
        refund_proposed_by=None,
    )


@transaction.atomic
def claim_resolve_reweigh(*, claim: Claim, parcel_id: int, weight_g: int, by, text: str = "") -> Claim:
    """Resolve by weighing a parcel of the order again (warehouse.services.parcel_measure, which re-prices
    the order through billing): the old and new weights and totals go into the timeline. The warehouse allows
    it only while the order is at the China warehouse (its DomainError says so otherwise)."""
    require_operations(by)
    claim = _locked(claim)
    if claim.status != S.REVIEW:
        raise DomainError(
            _("Accept claim %(code)s for review before resolving it.") % {"code": claim.code}
            if claim.status == S.WAITING
            else _("Claim %(code)s is “%(status)s”: it cannot be re-weighed now.")
            % {"code": claim.code, "status": claim.get_status_display()},
            code="illegal",
        )
    parcel = Parcel.objects.filter(pk=parcel_id, consignment_id=claim.consignment_id).first()
    if parcel is None:
        raise DomainError(_("Choose a parcel of this order."), code="parcel")
    text = clean_text(text, required=False)
    before = current_charge(claim.consignment)
    old_weight = parcel.weight_g
    parcel_measure(
        parcel=parcel,
        weight_g=weight_g,
        by=by,
        length_mm=parcel.length_mm,
        width_mm=parcel.width_mm,
        height_mm=parcel.height_mm,
    )
    after = current_charge(claim.consignment)
    event_add(
        claim,
        kind=EventKind.REWEIGH,
        by=by,
        data={
            "parcel_id": parcel.pk,
            "piece": parcel.piece_number,
            "old_weight_g": old_weight,
            "new_weight_g": weight_g,
            "old_total_vnd": before.total_vnd if before else None,
            "new_total_vnd": after.total_vnd if after else None,
        },
    )
    claim = claim_transition(claim=claim, to=S.RESOLVED, by=by, text=text)
    return claim
