"""Issue 13: the Celery worker is killed (SIGKILL: out of memory, a host restart) in the middle of a task.

A real worker on PostgreSQL and a redis-server of the test's own. The import is a small one made slow (chunks
of IMPORT_CHUNK_ROWS rows, so it takes seconds), killed once it has registered some rows; a second worker
then takes over what the sweep queues again, and the message of the killed run comes back too (a short
visibility timeout here; an hour in production). Its effect happens exactly once: every row registered once,
the import complete, its counters right.
"""

import os
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import need
from core.redis_server import RedisServer
from tests.conftest import ROOT, _test_database_url
from tracking.imports import import_start, imports_sweep
from tracking.models import TrackingImport, TrackingNumber

pytestmark = [pytest.mark.postgres, pytest.mark.worker]

ROWS = 2000
CHUNK = 20


@pytest.fixture
def redis_server():
    server = RedisServer()
    need(server.available, "redis-server is not installed (apt-get install redis-server)")
    server.start()
    yield server
    server.close()


@pytest.fixture
def slow_import_worker(transactional_db, redis_server, monkeypatch, request):
    """The conftest worker, on this test's Redis, importing CHUNK rows at a time; messages of a dead worker
    come back after 3 s."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("IMPORT_CHUNK_ROWS", str(CHUNK))
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3")
    return request.getfixturevalue("celery_worker")


def second_worker(first, redis_url: str, log_path) -> subprocess.Popen:
    """Another worker on the same queues, as a restarted container would be."""
    command = list(first.process.args)
    command[command.index("-n") + 1] = f"second-{first.nodename}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": first.queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "IMPORT_CHUNK_ROWS": str(CHUNK),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "PYTHONUNBUFFERED": "1",
    }
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.05)
    return value


def test_an_import_whose_worker_is_killed_completes_once(
    slow_import_worker, redis_server, customer, tmp_path
):
    codes = [f"JT{n:013d}" for n in range(ROWS)]
    upload = SimpleUploadedFile("don-hang.csv", ("\n".join(codes) + "\n").encode(), content_type="text/csv")
    imp = import_start(customer=customer, uploaded_file=upload)

    def part_done():
        imp.refresh_from_db()
        return imp.status == TrackingImport.Status.RUNNING and imp.processed_rows >= 5 * CHUNK

    wait_for(part_done, 30, "the import to register a few chunks")
    slow_import_worker.process.kill()  # SIGKILL mid-import: no chance to finish or to acknowledge
    slow_import_worker.process.wait(timeout=10)
    imp.refresh_from_db()
    registered_by_dead_run = TrackingNumber.objects.filter(customer=customer).count()
    assert imp.status == TrackingImport.Status.RUNNING  # stuck: nobody will finish it by itself
    assert 0 < registered_by_dead_run < ROWS, "killed too late: make the import slower"

    # The sweep (beat, every 5 minutes) finds it once it has stalled past the hard time limit.
    later = timezone.now() + timedelta(minutes=25)
    TrackingImport.objects.filter(pk=imp.pk).update(created_at=imp.created_at - timedelta(minutes=30))
    assert imports_sweep(now=later) == {"restarted": 1, "failed": 0, "requeued": 1}

    log_path = tmp_path / "second-worker.log"
    worker = second_worker(slow_import_worker, redis_server.url, log_path)
    try:

        def done():
            imp.refresh_from_db()
            return imp.is_finished

        wait_for(done, 90, "the restarted import to finish")
        time.sleep(4)  # the killed run's message comes back (visibility timeout): it must change nothing
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
    log = log_path.read_text(errors="replace")
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.DONE, (imp.error, log[-3000:])
    assert (imp.processed_rows, imp.added, imp.already, imp.refused) == (ROWS, ROWS, 0, 0)
    assert TrackingNumber.objects.filter(customer=customer).count() == ROWS  # none twice
    assert set(TrackingNumber.objects.values_list("code", flat=True)) == set(codes)
    assert log.count("tracking.tasks.run_import[") >= 2, log[-3000:]  # the sweep's message and the redelivery
