from celery import shared_task

from .services.autocomplete import deliveries_autocomplete


@shared_task(acks_late=True)
def autocomplete_deliveries():
    """Orders out for delivery longer than DELIVERY_AUTOCOMPLETE_DAYS become delivered. Takes nothing; safe to
    run twice (or twice at once): what is done is not done again. Scheduled by beat (config/settings)."""
    return len(deliveries_autocomplete())
