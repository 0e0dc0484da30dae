"""How much may still be refunded on an order, whichever of its claims refunds it.

The limit belongs to the ORDER, not to a claim: what the customer paid for it (wallet payments of its
charges; an estimate not paid yet counts nothing) plus its declared goods value (quantity × unit value, at
the CNY rate in force), less what was already refunded on it (refund entries of the wallet for this order,
by any claim or by hand, less their reversals) and less the refunds other claims of the order have proposed
that await approval. Beyond that a refund is a typo, or a matter for a wallet adjustment.

Race-safe: the refund services lock every claim of the order (lock_order_claims) before they read the room,
so two claims of one order refunding at once queue, and the second sees the first's refund.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, Sum

from billing.models import EntryKind, WalletEntry
from billing.selectors import exchange_rate_at

from ..models import Claim, ClaimStatus


@dataclass(frozen=True)
class RefundRoom:
    paid_vnd: int  # paid for the order (its charges, from the wallet)
    declared_vnd: int  # its declared goods value in đồng
    refunded_vnd: int  # already refunded on the order (net of reversals)
    pending_vnd: int  # proposed by other claims of the order, awaiting approval

    @property
    def remaining_vnd(self) -> int:
        return max(0, self.paid_vnd + self.declared_vnd - self.refunded_vnd - self.pending_vnd)


def declared_vnd(order) -> int:
    if not (order.goods_quantity and order.goods_unit_value_fen):
        return 0
    rate = exchange_rate_at()
    if rate is None:
        return 0
    cny = Decimal(order.goods_quantity * order.goods_unit_value_fen) / 100
    return int((cny * rate.vnd_per_cny).to_integral_value(rounding=ROUND_DOWN))


def order_refund_room(order, *, claim: Claim | None = None) -> RefundRoom:
    """The order's refund room; `claim`'s own proposal awaiting approval is not counted against it (it is
    what is being decided). Two queries."""
    sums = WalletEntry.objects.filter(consignment=order).aggregate(
        paid=Sum("amount_vnd", filter=Q(kind=EntryKind.PAYMENT)),
        refunded=Sum(
            "amount_vnd",
            filter=Q(kind=EntryKind.REFUND) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.REFUND),
        ),
    )
    pending = Claim.objects.filter(consignment=order, status=ClaimStatus.REFUND_PENDING)
    if claim is not None and claim.pk:
        pending = pending.exclude(pk=claim.pk)
    return RefundRoom(
        paid_vnd=-(sums["paid"] or 0),
        declared_vnd=declared_vnd(order),
        refunded_vnd=sums["refunded"] or 0,
        pending_vnd=pending.aggregate(n=Sum("refund_vnd"))["n"] or 0,
    )


def refund_bound_vnd(claim: Claim) -> int:
    """The most `claim` may refund now: what is left of its order's refund room."""
    return order_refund_room(claim.consignment, claim=claim).remaining_vnd


def lock_order_claims(claim: Claim) -> Claim:
    """Lock every claim of `claim`'s order (in id order, so two of them never wait on each other) and
    return `claim` re-read: refunds of one order are decided one at a time. Inside transaction.atomic()."""
    order_id = Claim.objects.values_list("consignment_id", flat=True).get(pk=claim.pk)
    rows = list(
        Claim.objects.select_for_update(of=("self",))
        .select_related("consignment")
        .filter(consignment_id=order_id)
        .order_by("pk")
    )
    return next(row for row in rows if row.pk == claim.pk)
