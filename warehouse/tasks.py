from celery import shared_task

from .matching import codes_match, parcels_rematch


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=5)
def match_codes(self, codes: list[str]):
    """Match newly registered codes against parcels that arrived before them. Safe to run twice."""
    try:
        return [c.code for c in codes_match(codes=codes)]
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def rematch_unidentified_parcels():
    return parcels_rematch()
