from celery import shared_task

from .services import parcels_rematch, registration_match


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=5)
def match_registration(self, tracking_id: int):
    """Match a newly registered code against a parcel that arrived before it. Safe to run twice."""
    try:
        consignment = registration_match(tracking_id=tracking_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc
    return consignment.code if consignment else None


@shared_task(acks_late=True)
def rematch_unidentified_parcels():
    return parcels_rematch()
