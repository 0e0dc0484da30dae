from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .models import TrackingImport, TrackingNumber, TrackingStatus

STALE = "stale"  # a list filter beside the statuses: registered long ago, not received (lâu nhận)


def stale_after_days() -> int:
    """After this many days without the parcel, a registration is flagged and its owner told (lâu nhận)."""
    return settings.TRACKING_STALE_DAYS


def stale_cutoff(now=None):
    return (now or timezone.now()) - timezone.timedelta(days=stale_after_days())


def reuse_cutoff(now=None):
    """Orders finished before this moment no longer own their waybill number: couriers recycle numbers, and
    the next parcel under it is a new shipment (settings.TRACKING_REUSE_AFTER_DAYS, default 60)."""
    return (now or timezone.now()) - timezone.timedelta(days=settings.TRACKING_REUSE_AFTER_DAYS)


def past_registration_q(now=None) -> Q:
    """Registrations whose order finished (delivered, cancelled, lost) before the reuse cutoff, or whose
    number a newer shipment has taken: history, no longer a claim on the number. (An order's finished_at is
    set only by its move to a final status, which it never leaves.)"""
    return Q(consignment__retired_at__isnull=False) | Q(consignment__finished_at__lt=reuse_cutoff(now))


def tracking_numbers_for(*, customer):
    return TrackingNumber.objects.filter(customer=customer).select_related("consignment__destination")


def tracking_numbers_filtered(*, customer, status: str = "", courier: str = "", q: str = ""):
    """The customer's list with its filters."""
    qs = tracking_numbers_for(customer=customer)
    if status == STALE:
        qs = qs.filter(status=TrackingStatus.REGISTERED, created_at__lt=stale_cutoff())
    elif status in TrackingStatus.values:
        qs = qs.filter(status=status)
    if courier:
        qs = qs.filter(courier=courier)
    if q:
        qs = qs.filter(code__contains=q)
    return qs


def mark_conflicts(*, customer, rows) -> list:
    """Set `is_conflict` on these rows (one page): someone else registered the code too. One query, for the
    page only: an annotation would be evaluated for every row an OFFSET skips."""
    rows = list(rows)
    codes = [row.code for row in rows]
    taken = set(
        TrackingNumber.objects.filter(code__in=codes)
        .exclude(customer=customer)
        .exclude(past_registration_q())
        .values_list("code", flat=True)
    )
    for row in rows:
        row.is_conflict = row.code in taken
    return rows


def open_registrations_for_code(*, code: str):
    """Registrations of this code that no consignment has taken yet."""
    return TrackingNumber.objects.filter(code=code, consignment__isnull=True).select_related("customer")


def tracking_imports_for(*, customer):
    return TrackingImport.objects.filter(customer=customer)


def conflicted_codes():
    """Codes registered by more than one customer and not matched yet: operations decide."""
    return (
        TrackingNumber.objects.filter(consignment__isnull=True)
        .values("code")
        .annotate(customers=Count("customer", distinct=True))
        .filter(customers__gt=1)
        .order_by("code")
    )
