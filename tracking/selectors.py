from django.conf import settings
from django.utils import timezone

from .models import TrackingNumber


def tracking_numbers_for(*, customer):
    return TrackingNumber.objects.filter(customer=customer).select_related("consignment")


def open_registrations_for_code(*, code: str):
    """Registrations of this code that no consignment has taken yet."""
    return TrackingNumber.objects.filter(code=code, consignment__isnull=True).select_related("customer")


def stale_after_days() -> int:
    """After this many days without the parcel, a registration is flagged and its owner told (lâu nhận)."""
    return settings.TRACKING_STALE_DAYS


def stale_cutoff(now=None):
    return (now or timezone.now()) - timezone.timedelta(days=stale_after_days())
