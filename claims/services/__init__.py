"""Every write of the claims app: one function per business action (STYLE.md)."""

from .common import CLAIM_UPDATED, claim_transition
from .limits import RefundRoom, lock_order_claims, order_refund_room, refund_bound_vnd
from .opening import CLAIMABLE, claim_open, claim_reply, claimable
from .resolution import (
    claim_accept,
    claim_approve_refund,
    claim_close,
    claim_decline_refund,
    claim_reject,
    claim_resolve_refund,
    claim_resolve_reweigh,
    refund_key,
    room_text,
)

__all__ = [
    "CLAIMABLE",
    "CLAIM_UPDATED",
    "RefundRoom",
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
    "lock_order_claims",
    "order_refund_room",
    "refund_bound_vnd",
    "refund_key",
    "room_text",
]
