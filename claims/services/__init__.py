"""Every write of the claims app: one function per business action (STYLE.md)."""

from .common import CLAIM_UPDATED, claim_transition
from .opening import CLAIMABLE, claim_open, claim_reply, claimable
from .resolution import (
    claim_accept,
    claim_approve_refund,
    claim_close,
    claim_decline_refund,
    claim_reject,
    claim_resolve_refund,
    claim_resolve_reweigh,
    refund_bound_vnd,
    refund_key,
)

__all__ = [
    "CLAIMABLE",
    "CLAIM_UPDATED",
    "claim_accept",
    "claim_approve_refund",
    "claim_close",
    "claim_decline_refund",
    "claim_open",
    "claim_reject",
    "claim_reply",
    "claim_resolve_refund",
    "claim_resolve_reweigh",
    "claim_transition",
    "claimable",
    "refund_bound_vnd",
    "refund_key",
]
