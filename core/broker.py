"""Publishing Celery tasks from requests without letting a broker outage fail the request."""

import logging
import time
from importlib import import_module

from django.conf import settings
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


class Kick:
    """Wake a Celery task after commits, at most once per `delay` seconds per process.

    A busy station commits hundreds of changes a second; one broker message each would cost a scan more
    CPU than its own SQL. The first commit publishes the task to run `delay` seconds later, and the commits
    of that window publish nothing: the task handles everything committed before it runs (it reads an
    outbox table, never arguments). Each such task also runs every minute from beat, so a lost wake-up
    delays the work by a minute at most. In-process (CELERY_TASK_ALWAYS_EAGER: tests, `make run` without
    Redis) the task runs at once, every time.

    `task_path`: "app.tasks.name", imported on first use (tasks import the services that kick them).
    """

    def __init__(self, task_path: str, delay: float = 1.0):
        self.task_path = task_path
        self.delay = delay
        self._next = 0.0

    def _task(self):
        module, name = self.task_path.rsplit(".", 1)
        return getattr(import_module(module), name)

    def __call__(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            publish(self._task())
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.delay
        publish(self._task(), countdown=self.delay)
