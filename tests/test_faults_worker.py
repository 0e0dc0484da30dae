"""Issue 13: the Celery worker is killed (SIGKILL: out of memory, a host restart) in the middle of a task.

A real worker on PostgreSQL and a redis-server of the test's own. The import is a small one made slow (chunks
of IMPORT_CHUNK_ROWS rows, so it takes seconds), killed once it has registered some rows; a second worker
then takes over what the sweep queues again, and the message of the killed run comes back too (a short
visibility timeout here; an hour in production). Its effect happens exactly once: every row registered once,
the import complete, its counters right. And a worker killed half-way through delivering the notification
outbox: its transaction dies with it, and the next run delivers each notification exactly once.
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
from tests.test_faults_redis import forget_broker_connections
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
    request.addfinalizer(forget_broker_connections)  # runs after the worker's own teardown
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


@pytest.fixture
def worker_on_own_redis(transactional_db, redis_server, monkeypatch, request):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    request.addfinalizer(forget_broker_connections)
    return request.getfixturevalue("celery_worker")


def test_a_worker_killed_while_delivering_notifications_delivers_none_twice(worker_on_own_redis, customer):
    """The worker is killed in the middle of delivering the outbox: it has taken the pending rows (FOR UPDATE)
    and is writing the notifications, held there by a table lock the test takes. Its transaction dies with
    it; the next run delivers every notification, each exactly once."""
    from django.db import connection, transaction

    from notifications.models import Notification, NotificationKind, PendingNotification
    from notifications.services import notifications_deliver_pending
    from notifications.tasks import deliver_notifications

    PendingNotification.objects.bulk_create(
        PendingNotification(user=customer, kind=NotificationKind.FEES_ANNOUNCED, data={"n": n})
        for n in range(30)
    )
    worker = worker_on_own_redis
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE notifications_notification IN EXCLUSIVE MODE")
        deliver_notifications.apply_async()

        def worker_blocked_inserting():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh look, inside this transaction
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO %%notifications_notification%%'"
                )
                return cursor.fetchone()[0]

        wait_for(worker_blocked_inserting, 20, "the worker to be half-way through a delivery")
        worker.process.kill()
        worker.process.wait(timeout=10)
    # The lock is released: the dead worker's backend finishes its INSERT, cannot answer, and rolls back.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _other_sessions():
        time.sleep(0.1)
    assert PendingNotification.objects.count() == 30  # nothing delivered, nothing lost
    assert not Notification.objects.exists()

    assert notifications_deliver_pending() == 30  # the next run (beat's minute, or a restarted worker)
    assert sorted(Notification.objects.values_list("data__n", flat=True)) == list(range(30))
    assert not PendingNotification.objects.exists()


def _other_sessions() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state <> 'idle'"
        )
        return cursor.fetchone()[0]
