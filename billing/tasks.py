from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=10)
def price_requested(self) -> int:
    """Price the orders waiting in the pricing outbox (billing.models.PricingRequest): woken after the
    commits that ask (an order reaching Chờ giao), and every minute by beat."""
    from .services.charges import charges_price_requested

    try:
        return charges_price_requested()
    except Exception as exc:  # a passing database fault: try again later
        raise self.retry(exc=exc) from exc
