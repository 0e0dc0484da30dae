"""Fixtures for the end-to-end tests: Debian's Chromium through Playwright, and a real Celery worker.

* ``browser``: one headless Chromium for the session.
* ``page``: ``page(user_or_persona)`` opens a fresh browser context (phone for customers, desktop for
  staff) on the live server and, given a user, logs in through the real login form.
* ``shot``: ``shot(page, "name")`` saves a full-page screenshot to artifacts/screens/NN-name.png.
* ``celery_worker``: a real ``celery worker`` subprocess on PostgreSQL and Redis, on a queue of its own.

On a laptop without Chromium, PostgreSQL or Redis these skip with a reason; with REQUIRE_SERVICES=1 they
fail instead (``need`` in the root conftest).
"""

import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from conftest import need

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PASSWORD = "pw-for-tests-1"  # the factories' password
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SCREENS = ARTIFACTS / "screens"
WORKER_START_TIMEOUT = 30


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, and attach the Celery worker's log to a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    log_path = getattr(item, "celery_worker_log", None)
    if report.failed and log_path is not None and Path(log_path).exists():
        report.sections.append(("celery worker log", Path(log_path).read_text(errors="replace")[-20_000:]))
    return report


# --- the browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    need(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class PageFactory:
    """``page(user)`` → a logged-in Page; ``page("customer")`` / ``page("staff")`` → an anonymous one."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts = browser, base_url, []

    def __call__(self, who, *, password=PASSWORD):
        user = None if isinstance(who, str) else who
        persona = who if user is None else ("customer" if user.is_customer else "staff")
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=PHONE if persona == "customer" else DESKTOP,
            is_mobile=persona == "customer",
            has_touch=persona == "customer",
            device_scale_factor=2 if persona == "customer" else 1,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(8_000)
        self.contexts.append(context)
        page = context.new_page()
        if user is not None:
            self.login(page, user.username, password)
        return page

    @staticmethod
    def login(page, username, password=PASSWORD):
        """Log in through the real form, as a person would, and wait for the landing page."""
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/accounts/login/" not in page.url, f"login as {username} failed: {page.inner_text('main')}"

    def close(self, failed_test=None):
        for n, context in enumerate(self.contexts):
            if failed_test:
                for m, open_page in enumerate(context.pages):
                    with contextlib.suppress(Exception):  # the test's own failure is what matters
                        open_page.screenshot(
                            path=SCREENS / f"FAILED-{failed_test}-{n}{m}.png", full_page=True
                        )
            context.close()


@pytest.fixture
def page(request, browser, live_server):
    factory = PageFactory(browser, live_server.url)
    yield factory
    call = getattr(request.node, "rep_call", None)
    factory.close(failed_test=request.node.name if call is not None and call.failed else None)


@pytest.fixture(scope="session")
def shot():
    """shot(page, "name"): a numbered full-page screenshot in artifacts/screens/."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name):
        path = SCREENS / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


# --- the real Celery worker ------------------------------------------------------------------------------


@dataclass
class RunningWorker:
    queue: str
    nodename: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, *, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Wait until the worker's log has `count` matches of a regex (a task logs after it commits)."""
        deadline = time.monotonic() + timeout
        while len(found := re.findall(pattern, self.log())) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"the worker's log has {len(found)} of {count} lines matching {pattern!r}")
            time.sleep(0.1)
        return found


def _test_database_url() -> str:
    """The URL of the database pytest-django created (test_…), for the worker subprocess."""
    db = settings.DATABASES["default"]
    name = db["NAME"]
    assert str(name).startswith("test_"), f"refusing to point a worker at a non-test database {name!r}"
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(name, safe='')}"


def _forget_broker_pools(app) -> None:
    """Close and drop the app's broker connection pool and the producer pool built on it ("Acquire on closed
    pool" otherwise), so the next publish or ping connects afresh to the broker configured then."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu's own registry of connection and producer pools, per broker URL
    # The control mailbox (ping) keeps the producer pool it first used.
    with contextlib.suppress(AttributeError):
        del app.control.mailbox.producer_pool


@pytest.fixture(autouse=True)
def _fresh_broker_pools():
    """Every test here starts with no broker connection left by another: a worker test or a fault test may
    have stopped the Redis those connections were made to (eager Celery acquires a producer too)."""
    from config.celery import app

    _forget_broker_pools(app)


@pytest.fixture
def celery_worker(request, transactional_db):
    """A real worker on the test database, consuming a queue no other worker listens to.

    Depends on transactional_db, so it starts after the test database exists and stops before
    pytest-django empties it. While it runs, this process sends tasks to Redis instead of running them.
    """
    need(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        "the real worker needs PostgreSQL (DATABASE_URL)",
    )
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "the real worker needs Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        redis_ok, why = True, ""
    except redis.RedisError as exc:
        redis_ok, why = False, str(exc)
    need(redis_ok, f"Redis at {redis_url} does not answer: {why}")

    from config.celery import app, imports_queue

    queue = f"e2e-{uuid.uuid4().hex[:10]}"
    nodename = f"{queue}@e2e"
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"celery-worker-{queue}.log"
    request.node.celery_worker_log = log_path
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        *[sys.executable, "-m", "celery"],  # the venv's `celery`, under the interpreter running pytest
        *["-A", "config", "worker", "--pool=solo", "--concurrency=1", "-n", nodename],
        *["-Q", f"{queue},{imports_queue(queue)}"],  # both, as a plain worker does (config/celery.py)
        *["--loglevel=INFO", "--without-mingle", "--without-gossip", "--without-heartbeat"],
    ]

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue", "broker_url")}
    _forget_broker_pools(
        app
    )  # connections an earlier test made (perhaps to a Redis of its own, stopped since)
    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=redis_url)

    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                state = "exited" if process.poll() is not None else "did not answer a ping"
                pytest.fail(
                    f"the Celery worker {state} within {WORKER_START_TIMEOUT} s; its log:\n"
                    + log_path.read_text(errors="replace")[-20_000:]
                )
        yield RunningWorker(queue=queue, nodename=nodename, log_path=log_path, process=process)
    finally:
        process.terminate()  # SIGTERM: warm shutdown, the task in hand finishes first
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        app.conf.update(saved)
        _forget_broker_pools(app)  # the next test must not publish through this test's connections
        with contextlib.suppress(redis.RedisError):  # tidy Redis: this queue is never used again
            client = redis.Redis.from_url(redis_url)
            for name in (queue, imports_queue(queue)):
                client.delete(name, *client.scan_iter(f"_kombu.binding*.{name}"))
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.passed:
            log_path.unlink(missing_ok=True)
