from celery import shared_task

from .services import trackings_notify_stale


@shared_task(acks_late=True)
def notify_stale_registrations():
    return trackings_notify_stale()


@shared_task(
    bind=True, acks_late=True, max_retries=3, default_retry_delay=10, soft_time_limit=600, time_limit=900
)
def run_import(self, import_id: int):
    """Register every row of an uploaded spreadsheet, with progress, and write the result file."""
    from .imports import import_run

    import_run(import_id=import_id)


@shared_task(acks_late=True)
def sweep_imports():
    """Every few minutes: end imports whose worker died, queue again those whose message was lost."""
    from .imports import imports_sweep

    return imports_sweep()
