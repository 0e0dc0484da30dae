"""Reads of the claims app: querysets for lists and the one-object helpers the views use (never trust an id)."""

from django.db.models import Count, Q

from .models import OPEN, Claim, ClaimPhoto, ClaimStatus


def open_claims():
    """Claims operations still have to handle (waiting, in review, refund awaiting approval): the
    operations dashboard counts these."""
    return Claim.objects.filter(status__in=OPEN)


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
        qs = qs.filter(status__in=OPEN)
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
    """{status: count} for the tabs, plus "open"; one query."""
    rows = Claim.objects.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(ClaimStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["open"] = sum(counts[s] for s in OPEN)
    return counts


def timeline(claim):
    return claim.events.select_related("by").prefetch_related("photos")


def claims_of_order(consignment):
    return Claim.objects.filter(consignment=consignment)


def photo_for(*, user, pk) -> ClaimPhoto | None:
    """A claim photo for whoever may see it: the claim's customer, or operations. None for anyone else."""
    qs = ClaimPhoto.objects.filter(pk=pk)
    if getattr(user, "role", "") == "ops":
        return qs.first()
    return qs.filter(claim__customer=user).first()
