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
