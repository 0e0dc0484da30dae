"""Reads of the claims app: querysets for lists and the one-object helpers the views use (never trust an id)."""

from django.db.models import Count, F, Q

from .models import OPEN, Claim, ClaimPhoto, ClaimStatus


def open_claims():
    """Claims operations still have to handle (waiting, in review, refund awaiting approval): the
    operations dashboard counts these."""
    return Claim.objects.filter(status__in=OPEN)


def unanswered_claims():
    """Claims whose customer wrote and nobody from operations answered or acted since, whatever their
    status (a message on a resolved or rejected claim too): the dashboard counts these."""
    return Claim.objects.filter(customer_waiting_since__isnull=False)


def refunds_awaiting_approval():
    return Claim.objects.filter(status=ClaimStatus.REFUND_PENDING)


def waiting_counts() -> dict[str, int]:
    """{"unanswered": n, "refund_pending": n} for the operations dashboard, in one query."""
    return Claim.objects.aggregate(
        unanswered=Count("pk", filter=Q(customer_waiting_since__isnull=False)),
        refund_pending=Count("pk", filter=Q(status=ClaimStatus.REFUND_PENDING)),
    )


# The operations list's default tab: open claims and unanswered ones, the unanswered first (oldest wait first).
TO_HANDLE = Q(status__in=OPEN) | Q(customer_waiting_since__isnull=False)


def claims_of(customer):
    return Claim.objects.filter(customer=customer).select_related("consignment")


def claim_of(customer, pk) -> Claim | None:
    """The customer's own claim, or None (the view answers 404, as if there were none)."""
    return Claim.objects.filter(pk=pk, customer=customer).select_related("consignment").first()


def claim_for_operations(pk) -> Claim | None:
    return (
        Claim.objects.filter(pk=pk)
        .select_related("consignment", "customer", "refund_proposed_by", "refund_approved_by", "wallet_entry")
        .first()
    )


def claims_for_operations(*, status: str | None = None, q: str = ""):
    qs = Claim.objects.select_related("consignment", "customer")
    if status == "open":
        qs = qs.filter(TO_HANDLE).order_by(F("customer_waiting_since").asc(nulls_last=True), "-created_at")
    elif status == "unanswered":
        qs = qs.filter(customer_waiting_since__isnull=False).order_by("customer_waiting_since", "pk")
    elif status in ClaimStatus.values:
        qs = qs.filter(status=status)
    if q:
        match = (
            Q(consignment__code__iexact=q)
            | Q(customer__customer_code__iexact=q)
            | Q(customer__username__iexact=q)
        )
        number = q[2:] if q[:2].upper() == "KN" else q
        if number.isascii() and number.isdigit() and len(number) < 12:
            match |= Q(pk=int(number))
        qs = qs.filter(match)
    return qs


def status_counts() -> dict[str, int]:
    """{status: count} for the tabs, plus "open" (open or unanswered) and "unanswered"; one query."""
    rows = Claim.objects.values("status").annotate(
        n=Count("id"),
        unanswered=Count("id", filter=Q(customer_waiting_since__isnull=False)),
    )
    counts = dict.fromkeys(ClaimStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["unanswered"] = sum(row["unanswered"] for row in rows)
    counts["open"] = sum(counts[s] for s in OPEN) + sum(
        row["unanswered"] for row in rows if row["status"] not in OPEN
    )
    return counts


def timeline(claim):
    return claim.events.select_related("by").prefetch_related("photos")


def claims_of_order(consignment):
    return Claim.objects.filter(consignment=consignment)


def order_history(claim) -> dict:
    """For operations deciding a claim: the order's other claims and every refund already made on the
    order (wallet refund entries, by a claim or by hand, and their reversals). Two queries."""
    from billing.models import EntryKind, WalletEntry

    return {
        "other_claims": list(claims_of_order(claim.consignment_id).exclude(pk=claim.pk).order_by("-id")),
        "order_refunds": list(
            WalletEntry.objects.filter(consignment_id=claim.consignment_id)
            .filter(Q(kind=EntryKind.REFUND) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.REFUND))
            .select_related("by")
            .order_by("-id")
        ),
    }


def photo_for(*, user, pk) -> ClaimPhoto | None:
    """A claim photo for whoever may see it: the claim's customer, or operations. None for anyone else."""
    qs = ClaimPhoto.objects.filter(pk=pk)
    if getattr(user, "role", "") == "ops":
        return qs.first()
    return qs.filter(claim__customer=user).first()
