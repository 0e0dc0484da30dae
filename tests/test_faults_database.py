"""Issue 13: PostgreSQL drops the application's connection (a restart, a failover, an idle connection killed).

gunicorn serves the app with persistent connections (CONN_MAX_AGE=60, as production); the test signs a
station in over HTTP, scans, then kills every server-side session of the app with pg_terminate_backend. With
the health checks (base.py's CONN_HEALTH_CHECKS, on by default) the next page and scan succeed; without them
the first request after the kill fails, which shows the test causes the fault for real.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
from django.db import connection

from accounts.tests.factories import ChinaStaffFactory
from bench.http_load import Session, login
from conftest import need
from core.redis_server import free_port
from tests.conftest import ROOT, _test_database_url
from tracking.tests.factories import TrackingNumberFactory

pytestmark = [pytest.mark.postgres]

PASSWORD = "pw-for-tests-1"  # the factories' password


@contextlib.contextmanager
def gunicorn(*, health_checks: bool):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CONN_MAX_AGE": "60",
        "CONN_HEALTH_CHECKS": "true" if health_checks else "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    command = [
        *[sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        *["--workers", "1", "--worker-class", "gthread", "--threads", "1", "--graceful-timeout", "3"],
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _r, _c = Session("127.0.0.1", port).request("GET", "/accounts/login/")
                if status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        _terminate_other_sessions()  # so the test database can be dropped


def _terminate_other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("health_checks", [True, False], ids=["health-checks", "without"])
def test_the_next_request_after_the_connection_was_killed_reconnects(
    transactional_db, health_checks, customer
):
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    staff = ChinaStaffFactory(username="khodb")
    for n in range(3):
        TrackingNumberFactory(
            customer=customer, code=f"SF55000000000{n:02d}", raw_code=f"SF55000000000{n:02d}"
        )
    with gunicorn(health_checks=health_checks) as port:
        job = {
            "host": "127.0.0.1",
            "port": port,
            "username": staff.username,
            "password": PASSWORD,
            "login_path": "/accounts/login/",
            "page_path": "/staff/cn/scan/",
        }
        cookies, token = login(job)
        station = Session("127.0.0.1", port, cookies)
        headers = {"X-CSRFToken": token, "HX-Request": "true"}

        def scan(code):
            return station.request("POST", "/staff/cn/scan/", urlencode({"code": code}), headers)

        status, _r, content = scan("SF5500000000000")
        assert status == 200 and b'data-outcome="matched"' in content
        assert _terminate_other_sessions() >= 1  # the app's persistent connection, killed server-side

        status, _r, content = station.request("GET", "/staff/cn/scan/")
        if not health_checks:
            assert status == 500  # the stale connection: the fault is real
            status, _r, content = station.request(
                "GET", "/staff/cn/scan/"
            )  # Django closes it after the error
        assert status == 200
        status, _r, content = scan("SF5500000000001")
        assert status == 200 and b'data-outcome="matched"' in content

        _terminate_other_sessions()  # and again, straight before a scan
        status, _r, content = scan("SF5500000000002")
        if not health_checks:
            assert status == 500
            status, _r, content = scan("SF5500000000002")
        assert status == 200 and b'data-outcome="matched"' in content
    from consignments.models import Consignment

    assert Consignment.objects.filter(customer=customer).count() == 3  # one order per parcel
