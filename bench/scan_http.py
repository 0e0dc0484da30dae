"""Scans per second through a real HTTP server: gunicorn serving config.wsgi on 127.0.0.1.

PostgreSQL only (gunicorn's worker processes cannot share the bench's in-memory SQLite database). Loads
BENCH_HTTP_CODES registered codes (1,000,000) as bench/scan.py does, starts gunicorn with production's
gunicorn.conf.py and BENCH_HTTP_WORKERS workers (2) on the bench database (config.settings.test, CONN_MAX_AGE=60, Celery not eager: tasks are
published to Redis on a queue of the bench's own that no worker consumes, deleted afterwards), and runs
bench/http_load.py in another process: BENCH_HTTP_CLIENTS threads (workers × threads: 8), each logged in
with the session of one login through /accounts/login/, posting scans as htmx does (X-CSRFToken, HX-Request)
in scan.py's mix. After BENCH_HTTP_WARMUP untimed scans a client (25), the timed run stops after
BENCH_HTTP_SECONDS (15) or BENCH_HTTP_REQUESTS scans (12,000), whichever comes first. gunicorn is always stopped, even on error.
"""

import contextlib
import json
import math
import os
import random
import resource
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.urls import reverse

from bench.figures import Figure, env_int, percentile
from bench.scan import SEED, _load, _Planner, _top_up

PASSWORD = "bench-http-password"  # the staff member's, on a throwaway database
START_TIMEOUT = 60  # seconds for gunicorn to answer
STOP_TIMEOUT = 20  # seconds for gunicorn to stop after SIGTERM, before SIGKILL


def run():
    if connection.vendor != "postgresql":
        yield (
            f"scan_http: needs PostgreSQL (DATABASE_URL): gunicorn's workers cannot share the bench's "
            f"{connection.vendor} test database; skipped"
        )
        return
    n_codes = env_int("BENCH_HTTP_CODES", 1_000_000)  # the figures are at 1,000,000 codes
    workers = env_int("BENCH_HTTP_WORKERS", 2)
    # sync workers serve one request at a time (gunicorn turns a sync worker with threads into gthread)
    sync = os.environ.get("BENCH_HTTP_WORKER_CLASS") == "sync"
    threads = 1 if sync else env_int("BENCH_HTTP_THREADS", _gunicorn_conf()["threads"])
    # As many stations posting at once as the server has threads: the server is offered all it can take
    # (throughput is measured at saturation), as a busy intake floor would.
    clients = env_int("BENCH_HTTP_CLIENTS", workers * threads)
    warmup = env_int("BENCH_HTTP_WARMUP", 25, minimum=0)
    seconds = env_int("BENCH_HTTP_SECONDS", 15)
    max_requests = env_int("BENCH_HTTP_REQUESTS", 12_000, minimum=clients)
    rng = random.Random(env_int("BENCH_SEED", SEED, minimum=0))

    first = min(n_codes, 10_000)
    staff, customer_ids = _load(first, 1000, staff_password=PASSWORD)
    if n_codes > first:  # the rest in one COPY with the indexes rebuilt after, as bench/scan.py does
        _top_up(first, n_codes, customer_ids)
    planner = _Planner(rng, unknown_from=n_codes)  # nothing above n_codes is registered
    per_client = math.ceil(max_requests / clients)
    plans = [planner.plan(n_codes, warmup, per_client) for _ in range(clients)]

    redis_url, queue, broker_note = _broker()
    yield (
        f"scan_http: {n_codes} registered codes; gunicorn {workers} "
        f"{os.environ.get('BENCH_HTTP_WORKER_CLASS', 'gunicorn.conf.py')} workers × {threads} threads, "
        f"{clients} client threads "
        f"(keep-alive; sync workers would close every connection), {warmup} warm-up scans a client, "
        f"then at most {seconds} s or {max_requests} scans; {broker_note}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "KEEP_BASE_CACHE": "true",  # sessions in Redis (cached_db), as in production
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    log.close()
    command = [
        *[sys.executable, "-m", "gunicorn", "config.wsgi:application"],
        *["--config", str(Path(settings.BASE_DIR) / "gunicorn.conf.py")],  # production's settings, then:
        *["--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        *(
            ["--worker-class", os.environ["BENCH_HTTP_WORKER_CLASS"]]
            if "BENCH_HTTP_WORKER_CLASS" in os.environ
            else []
        ),
        *["--threads", str(threads)],
        *["--graceful-timeout", "5", "--error-logfile", log.name, "--capture-output"],
    ]
    server = None
    try:
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the workers can be killed with the master
        )
        _wait_ready(server, port, log.name)
        job = {
            "host": "127.0.0.1",
            "port": port,
            "username": staff.username,
            "password": PASSWORD,
            "login_path": reverse("accounts:login"),
            "page_path": reverse("warehouse:scan"),
            "scan_path": reverse("warehouse:scan"),
            "plans": plans,
            "warmup": warmup,
            "seconds": seconds,
        }
        time.sleep(1)  # let every worker finish booting (its Django import is not serving CPU)
        workers_before = _cpu_ms(_children(server.pid))
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        loader = subprocess.run(
            [sys.executable, "-m", "bench.http_load"],
            cwd=settings.BASE_DIR,
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=seconds + 300,
            check=False,
        )
        if loader.returncode != 0:
            raise RuntimeError(
                f"bench.http_load failed ({loader.returncode}):\n{loader.stderr[-3000:]}\n"
                f"gunicorn log:\n{_tail(log.name)}"
            )
        report = json.loads(loader.stdout)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {
            "gunicorn workers": _cpu_ms(_children(server.pid)) - workers_before,
            "PostgreSQL sessions": _cpu_ms(_backends()),
            "load generator": 1000
            * (
                children_after.ru_utime
                + children_after.ru_stime
                - children_before.ru_utime
                - children_before.ru_stime
            ),
        }
        if report["n_errors"]:
            raise RuntimeError(
                f"{report['n_errors']} scans over HTTP went wrong, e.g.:\n" + "\n".join(report["errors"][:5])
            )
    finally:
        stopped = _stop(server)
        published = _purge(redis_url, queue)
        with contextlib.suppress(OSError):
            os.unlink(log.name)
    samples = report["samples"]
    yield (
        f"scan_http: {len(samples)} timed scans in {report['elapsed']:.1f} s, no errors; gunicorn {stopped}; "
        f"{published}"
    )
    requests = len(samples) + warmup * clients + 3  # and the login: GET the form, POST it, GET the page
    per_request = {name: ms / requests for name, ms in cpu.items()}
    total = sum(per_request.values())
    yield (
        "scan_http: CPU per request over the whole run (warm-up included): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_request.items())
        + f"; so {os.cpu_count()} cores serve at most ~{1000 * (os.cpu_count() or 1) / total:.0f} rps here"
    )
    yield Figure("scan_http_rps", len(samples) / report["elapsed"], "rps", digits=0)
    yield Figure("scan_http_p50_ms", percentile(samples, 50), "ms")
    yield Figure("scan_http_p99_ms", percentile(samples, 99), "ms")


def _gunicorn_conf() -> dict:
    """The settings production's gunicorn.conf.py gives (it reads only the environment)."""
    return runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))


def _broker() -> tuple[str, str, str]:
    """(REDIS_URL for gunicorn or "", a queue name of the bench's own, a comment)."""
    queue = f"bench-http-{uuid.uuid4().hex[:10]}"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as exc:  # no Redis: each worker publishes to an in-memory broker instead
        return "", queue, f"Redis at {redis_url} does not answer ({exc}): tasks go to an in-memory broker"
    return redis_url, queue, f"tasks published to Redis queue {queue}, which no worker consumes"


def _purge(redis_url: str, queue: str) -> str:
    """Delete the bench's queue (and kombu's binding for it) so no worker ever sees these messages."""
    if not redis_url:
        return "no Redis queue to delete"
    import redis

    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        keys = [queue, *client.scan_iter(f"{queue}\x06\x16*"), *client.scan_iter(f"_kombu.binding*.{queue}")]
        messages = sum(client.llen(key) for key in keys if client.type(key) == b"list")
        client.delete(*keys)
    except redis.RedisError as exc:
        return f"could not delete Redis queue {queue}: {exc}"
    return f"{messages} Celery messages published to {queue}, queue deleted"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    name = db["NAME"]
    if not str(name).startswith("test_"):
        raise SystemExit(f"Refusing to point gunicorn at a non-test database {name!r}")
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(name, safe='')}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(server: subprocess.Popen, port: int, log_path: str) -> None:
    import http.client

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{_tail(log_path)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", reverse("accounts:login"))
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{_tail(log_path)}")
        time.sleep(0.2)


def _stop(server: subprocess.Popen | None) -> str:
    """SIGTERM (graceful), then SIGKILL to the whole process group; wait until its DB sessions are gone."""
    if server is None:
        return "not started"
    how = "stopped"
    if server.poll() is None:
        server.terminate()  # the master stops its workers (graceful timeout 5 s) and exits
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            how = "killed"
            # The master is still alive, so its process group (started by us) is still ours to kill.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    # The test database is dropped at the end, which PostgreSQL refuses while a worker's session lingers.
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)
    return how


def _children(pid: int) -> list[int]:
    """The pids whose parent is pid (gunicorn's workers), from /proc; [] where there is no /proc."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(entry.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.parent.name))
    return found


def _backends() -> list[int]:
    """The pids of the other sessions on the bench database (gunicorn's, kept open by CONN_MAX_AGE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def _cpu_ms(pids: list[int]) -> float:
    """User + system CPU of these processes so far, in ms (from /proc/<pid>/stat; 0 where unreadable)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _tail(path: str, chars: int = 4000) -> str:
    try:
        return Path(path).read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"
