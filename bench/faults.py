"""Scans through a Redis outage (issue 13): the share that succeed, and the notifications never delivered.

PostgreSQL only (gunicorn's workers share the bench database). Starts a redis-server of its own on a free
port (the cache, the sessions' cache and the Celery broker, as in production), gunicorn on the bench
database with production's gunicorn.conf.py and the Redis cache settings (KEEP_BASE_CACHE), and a real Celery
worker delivering the notification outbox. BENCH_FAULTS_CLIENTS stations (4), each signed in through the
login form, scan without pause in scan.py's mix: BENCH_FAULTS_BEFORE_S (5) seconds, then redis-server is
killed for BENCH_FAULTS_OUTAGE_S (10) seconds, then started again (empty), then BENCH_FAULTS_AFTER_S (5).

* scan_ok_redis_down: the share of scans sent during the outage that came back 200 with the expected outcome.
* notifications_lost_redis_down: orders made during the outage whose customer has no "arrived" notification
  once Redis is back and beat's next run (sent at once here instead of waiting up to a minute) is done.
"""

import contextlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.figures import Figure, env_int, percentile
from bench.http_load import OUTCOME, Session, login
from bench.scan import SEED, _load, _Planner
from bench.scan_http import PASSWORD, _database_url, _free_port, _stop, _wait_ready
from core.redis_server import RedisServer

DELIVERY_WAIT_S = 60


def run():
    if connection.vendor != "postgresql":
        yield f"faults: needs PostgreSQL (DATABASE_URL): gunicorn's workers cannot share {connection.vendor}; skipped"
        return
    redis = RedisServer()
    if not redis.available:
        yield "faults: redis-server is not installed; skipped"
        return
    n_codes = env_int("BENCH_FAULTS_CODES", 20_000)
    clients = env_int("BENCH_FAULTS_CLIENTS", 4)
    before, outage, after = (
        env_int("BENCH_FAULTS_BEFORE_S", 5),
        env_int("BENCH_FAULTS_OUTAGE_S", 10),
        env_int("BENCH_FAULTS_AFTER_S", 5),
    )
    staff, _customers = _load(n_codes, 500, staff_password=PASSWORD)
    planner = _Planner(random.Random(env_int("BENCH_SEED", SEED, minimum=0)), unknown_from=n_codes)
    per_client = min(2_000, n_codes // (2 * clients))
    plans = [planner.plan(n_codes, 0, per_client) for _ in range(clients)]
    queue = f"bench-faults-{uuid.uuid4().hex[:8]}"
    redis.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "REDIS_URL": redis.url,
        "KEEP_BASE_CACHE": "true",  # the degrading Redis cache and cached_db sessions, as in production
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    yield (
        f"faults: {n_codes} registered codes, {clients} stations scanning without pause; Redis (cache, "
        f"sessions, broker) on port {redis.port}, killed after {before} s for {outage} s, then started empty"
    )
    port = _free_port()
    logs = [
        Path(tempfile.mkstemp(prefix=f"bench-faults-{name}-", suffix=".log")[1]) for name in ("web", "worker")
    ]
    server = worker = None
    try:
        server = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "config.wsgi:application"],
                *["--config", str(Path(settings.BASE_DIR) / "gunicorn.conf.py")],
                *[
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                ],
                *["--error-logfile", str(logs[0]), "--capture-output"],
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        with open(logs[1], "wb") as log:
            worker = subprocess.Popen(
                [
                    *[sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"],
                    *["-n", f"{queue}@bench", "-Q", f"{queue},{queue}.imports", "--loglevel=WARNING"],
                    *["--without-mingle", "--without-gossip", "--without-heartbeat"],
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_ready(server, port, str(logs[0]))
        job = {
            "host": "127.0.0.1",
            "port": port,
            "username": staff.username,
            "password": PASSWORD,
            "login_path": reverse("accounts:login"),
            "page_path": reverse("warehouse:scan"),
        }
        samples = _scan_through_outage(job, plans, redis, before, outage, after)
        _beat_tick(redis.url, queue)
        lost, pending = _lost_notifications(samples)
        worker_log = logs[1].read_text(errors="replace")[-2000:] if pending else ""
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        stopped = _stop(server)
        redis.close()
        for path in logs:
            if os.environ.get("BENCH_KEEP_LOGS"):
                print(f"# kept {path}", flush=True)
                continue
            with contextlib.suppress(OSError):
                path.unlink()

    during = [s for s in samples["scans"] if s["phase"] == "outage"]
    ok = [s for s in during if s["ok"]]
    by_phase = {p: [s for s in samples["scans"] if s["phase"] == p] for p in ("before", "outage", "after")}
    yield (
        "faults: scans "
        + ", ".join(
            f"{phase} {len(rows)} ({sum(not r['ok'] for r in rows)} failed, p99 "
            f"{percentile([r['ms'] for r in rows], 99) if rows else 0:.0f} ms)"
            for phase, rows in by_phase.items()
        )
        + f"; gunicorn {stopped}"
    )
    if samples["errors"]:
        yield "faults: e.g. " + " | ".join(samples["errors"][:3])
    yield (
        f"faults: {samples['outage_orders']} orders made during the outage; {pending} notifications still "
        f"pending {DELIVERY_WAIT_S} s after beat's run at most"
    )
    if worker_log:
        yield "faults: the worker's log ends: " + " / ".join(worker_log.splitlines()[-8:])
    yield Figure("scan_ok_redis_down", 100 * len(ok) / len(during) if during else 0, "%", digits=1)
    yield Figure("notifications_lost_redis_down", lost, "count", digits=0)


def _scan_through_outage(job, plans, redis, before, outage, after) -> dict:
    cookies, token = login(job)
    headers = {"X-CSRFToken": token, "HX-Request": "true"}
    phase = {"name": "before"}
    stop = threading.Event()
    scans, errors = [], []
    lock = threading.Lock()

    def client(plan):
        session = Session(job["host"], job["port"], cookies)
        for expected, code in plan:
            if stop.is_set():
                return
            current = phase["name"]
            started = time.perf_counter()
            try:
                status, _response, content = session.request(
                    "POST", job["page_path"], urlencode({"code": code}), headers
                )
                found = OUTCOME.search(content)
                outcome = found.group(1).decode() if found else None
            except OSError as exc:
                status, outcome, content = 0, None, str(exc).encode()
            ok = status == 200 and outcome == expected
            with lock:
                scans.append({"phase": current, "ok": ok, "ms": (time.perf_counter() - started) * 1000})
                if not ok and len(errors) < 10:
                    errors.append(f"{code}: HTTP {status} {outcome!r} (expected {expected})")

    threads = [threading.Thread(target=client, args=(plan,), daemon=True) for plan in plans]
    for thread in threads:
        thread.start()
    time.sleep(before)
    redis.stop()
    phase["name"] = "outage"
    outage_from = timezone.now()
    time.sleep(outage)
    outage_to = timezone.now()
    phase["name"] = "after"
    redis.start()
    time.sleep(after)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    from consignments.models import Consignment

    made = Consignment.objects.filter(created_at__gte=outage_from, created_at__lt=outage_to)
    return {
        "scans": scans,
        "errors": errors,
        "outage_orders": made.count(),
        "outage_window": (outage_from, outage_to),
    }


def _beat_tick(redis_url: str, queue: str) -> None:
    """What beat does every minute: queue the outbox's delivery (sent at once here)."""
    from config.celery import app
    from notifications.tasks import deliver_notifications

    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=redis_url)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None  # made for the closed pool (an earlier module's broker)
    deliver_notifications.apply_async()


def _lost_notifications(samples) -> tuple[int, int]:
    from consignments.models import Consignment
    from notifications.models import Notification, NotificationKind, PendingNotification

    deadline = time.monotonic() + DELIVERY_WAIT_S
    while PendingNotification.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    start, end = samples["outage_window"]
    made = Consignment.objects.filter(created_at__gte=start, created_at__lt=end)
    told = Notification.objects.filter(kind=NotificationKind.ARRIVED_CHINA, consignment__in=made)
    lost = made.count() - told.values("consignment_id").distinct().count()
    return lost, PendingNotification.objects.count()
