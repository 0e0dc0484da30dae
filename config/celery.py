import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("kygui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Spreadsheet imports run up to 15 minutes each. On the default queue, two of them would hold a worker's
# slots while notifications and the matching of parcels waited; they get a queue of their own.
LONG_TASKS = frozenset({"tracking.tasks.run_import"})


def imports_queue(default_queue: str) -> str:
    return f"{default_queue}.imports"


def route_task(name, args, kwargs, options, task=None, **kw):
    """CELERY_TASK_ROUTES: long tasks to `<default queue>.imports`, read when sent (tests change the default)."""
    if name in LONG_TASKS:
        return {"queue": imports_queue(app.conf.task_default_queue)}
    return None


def _survive_broker_loss_with_messages_in_hand() -> None:
    """Keep the worker alive when Redis goes away while it holds unacknowledged messages.

    With acks_late and the outbox's one-second countdown, a worker nearly always holds a message. When Redis
    dies, kombu closes the channel and tries to put those messages back, through a connection it has just
    dropped: an AttributeError ('NoneType' object has no attribute 'hostname') that Celery treats as
    unrecoverable, and the worker exits for good (the bench in bench/faults.py found it). The messages are
    in Redis's unacked set anyway and come back after the visibility timeout (or, with Redis restarted empty,
    are found by the outbox and the sweeps); so a failed restore is logged and the worker reconnects.
    """
    import logging

    from kombu.transport import redis as redis_transport

    original = redis_transport.QoS.restore_unacked
    if getattr(original, "survives_broker_loss", False):
        return

    def restore_unacked(self, client=None):
        try:
            return original(self, client)
        except (AttributeError, OSError, *redis_transport.get_redis_error_classes().connection_errors) as exc:
            logging.getLogger(__name__).warning(
                "broker gone: %d unacknowledged messages left in Redis for redelivery (%s)",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()
            return None

    restore_unacked.survives_broker_loss = True
    redis_transport.QoS.restore_unacked = restore_unacked


_survive_broker_loss_with_messages_in_hand()
