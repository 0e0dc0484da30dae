"""Publishing Celery tasks from requests without letting a broker outage fail the request."""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def publish(task, *args, countdown: float | None = None, **kwargs) -> bool:
    """Queue `task`; if the broker cannot be reached, log it and return False instead of raising.

    Called after a commit (transaction.on_commit): the change is already saved, and every task published
    this way has a scheduled safety net that finds the work by itself (the notification outbox every
    minute, unmatched parcels every 15 minutes, forgotten imports every 5), so a Redis restart delays the
    work instead of showing the person an error for something that succeeded. In-process
    (CELERY_TASK_ALWAYS_EAGER) the task runs at once and its own errors still propagate.
    """
    options = {} if countdown is None else {"countdown": countdown}
    try:
        task.apply_async(args=args, kwargs=kwargs or None, **options)
    except OperationalError:
        logger.warning("broker unreachable: %s not queued; its scheduled safety net will do it", task.name)
        return False
    except RuntimeError:
        # kombu's "Acquire on closed pool": the connection pool was torn down under us (a broker reset).
        # Sending failed like an outage does; in-process, a task's own RuntimeError still propagates.
        if task.app.conf.task_always_eager:
            raise
        logger.warning("broker connection pool closed: %s not queued; its safety net will do it", task.name)
        task.app._pool = None  # the next send builds a fresh pool
        task.app.amqp._producer_pool = None
        return False
    return True
