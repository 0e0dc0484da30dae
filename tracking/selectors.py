from .models import TrackingNumber


def tracking_numbers_for(*, customer):
    return TrackingNumber.objects.filter(customer=customer).select_related("consignment")


def open_registrations_for_code(*, code: str):
    """Registrations of this code that no consignment has taken yet."""
    return TrackingNumber.objects.filter(code=code, consignment__isnull=True).select_related("customer")
