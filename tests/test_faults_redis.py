"""Issue 13: Redis (cache, sessions, broker) stops and comes back; the warehouse keeps working.

Each test starts a redis-server of its own on a free port (core.redis_server), points the cache (and, with
the worker, the broker) at it, and kills it for real in the middle of the work.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import ChinaStaffFactory
from conftest import need
from consignments.models import Consignment
from core.redis_server import RedisServer
from notifications.models import Notification, NotificationKind, PendingNotification
from tracking.models import TrackingNumber
from tracking.tests.factories import TrackingNumberFactory

PASSWORD = "pw-for-tests-1"  # the factories' password
HTMX = {"HX-Request": "true"}
SLOW_S = 1.5  # a request during the outage may be slower, never this slow


@pytest.fixture
def redis_server():
    server = RedisServer()
    need(server.available, "redis-server is not installed (apt-get install redis-server)")
    server.start()
    yield server
    server.close()


@pytest.fixture
def degrading_cache(settings, redis_server):
    """The production cache settings (base.py with REDIS_URL) on the test's own redis-server."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "retry": Retry(NoBackoff(), 1),
            },
        }
    }
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    caches["default"].close()


def forget_broker_connections() -> None:
    """The producer pool this process made for the test's own Redis (stopped now): later tests that start a
    worker on the usual Redis must not reuse it (conftest's worker resets it only when the URL differs)."""
    from config.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None  # it holds the closed pool: "Acquire on closed pool" otherwise


def signed_in(user) -> Client:
    """Sign in through the login form, as a station does: the session is written to Redis and the database."""
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def scan(client, code):
    response, took = timed(client.post, reverse("warehouse:scan"), {"code": code}, headers=HTMX)
    assert response.status_code == 200
    assert b'data-outcome="matched"' in response.content, response.content[:800]
    assert took < SLOW_S, f"a scan took {took:.2f} s"
    return response


def test_redis_down_the_station_stays_signed_in_and_keeps_scanning(degrading_cache, redis_server, customer):
    """The issue's 500: Redis stopped, a station already signed in. Now every page and scan answers, the
    session is read from the database, and once Redis is back (empty: a restart) the cache is used again."""
    staff = ChinaStaffFactory(username="khofault")
    codes = [f"SF70000000{n:05d}" for n in range(6)]
    for code in codes:
        TrackingNumberFactory(customer=customer, code=code, raw_code=code)
    station_client = signed_in(staff)
    customer_client = signed_in(customer)
    scan(station_client, codes[0])
    session_key = station_client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert degrading_cache.has_key(f"django.contrib.sessions.cached_db{session_key}")

    redis_server.stop()  # the outage
    page, took = timed(station_client.get, reverse("warehouse:scan"))
    assert page.status_code == 200 and took < SLOW_S
    assert b'name="code"' in page.content  # still signed in: the session came from the database
    for code in codes[1:4]:
        scan(station_client, code)
    assert not degrading_cache.is_available  # the breaker skips Redis: no timeout per call
    mine, took = timed(customer_client.get, reverse("consignments:list"))
    assert mine.status_code == 200 and took < SLOW_S
    assert codes[2].encode() in mine.content
    tracking = customer_client.get(reverse("tracking:list"))
    assert tracking.status_code == 200
    # Registration (the customer pastes a number) and weighing (the station) write as usual.
    pasted, took = timed(customer_client.post, reverse("tracking:paste"), {"text": "JT5500000000009"})
    assert pasted.status_code in (200, 302) and took < SLOW_S
    assert TrackingNumber.objects.filter(customer=customer, code="JT5500000000009").exists()
    parcel = Consignment.objects.get(tracking_code=codes[1]).parcels.get()
    weighed, took = timed(
        station_client.post, reverse("warehouse:weigh", args=[parcel.pk]), {"weight_kg": "1.2"}
    )
    assert weighed.status_code in (200, 302) and took < SLOW_S
    parcel.refresh_from_db()
    assert parcel.weight_g == 1200

    redis_server.start()  # back, empty
    degrading_cache._open_until = 0  # what BREAK_SECONDS of waiting would do
    for code in codes[4:]:
        scan(station_client, code)
    assert station_client.get(reverse("warehouse:scan")).status_code == 200
    assert degrading_cache.is_available
    assert degrading_cache.has_key(f"django.contrib.sessions.cached_db{session_key}")  # cached again
    assert Consignment.objects.filter(customer=customer).count() == len(codes)  # one order per parcel
    assert PendingNotification.objects.count() + Notification.objects.count() == len(codes)


def test_a_sign_out_during_the_outage_does_not_come_back_with_redis(degrading_cache, redis_server, customer):
    """A session deleted while Redis was unreachable (but not restarted: a network cut) would come back from
    its cached copy; the delete is replayed as soon as Redis answers."""
    client = signed_in(customer)
    assert client.get(reverse("consignments:list")).status_code == 200
    old_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    # A network cut: the server keeps its data, this process cannot reach it (the pool points elsewhere).
    from redis import ConnectionPool

    pools = degrading_cache._cache._pools
    pools[0] = ConnectionPool.from_url("redis://127.0.0.1:1/0")  # nothing listens there
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("consignments:list")).status_code == 302  # signed out
    assert degrading_cache._dirty  # the dropped delete, remembered

    pools.clear()  # the network is back: the next call connects to the server again
    degrading_cache._open_until = 0
    stale = Client()
    stale.cookies[django_settings.SESSION_COOKIE_NAME] = (
        old_cookie  # the old cookie, as a copied one would be
    )
    assert stale.get(reverse("consignments:list")).status_code == 302  # not signed in again
    assert not degrading_cache._dirty


def test_the_public_tracking_limit_lets_look_ups_through_while_redis_is_down(
    degrading_cache, redis_server, client, db
):
    redis_server.stop()
    for _ in range(3):
        response, took = timed(client.get, reverse("delivery:track"), {"q": "SF1234567890123"})
        assert response.status_code == 200 and took < SLOW_S


@pytest.mark.postgres
@pytest.mark.worker
def test_notifications_of_scans_during_an_outage_are_delivered_once_when_redis_is_back(
    transactional_db, redis_server, monkeypatch, request, settings, customer
):
    """Redis is the broker too: scans during the outage cannot wake the worker. Their notifications wait in
    the outbox; when Redis is back, beat's next run (sent here at once) delivers each exactly once."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    request.addfinalizer(forget_broker_connections)  # runs after the worker's own teardown
    worker = request.getfixturevalue("celery_worker")
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    from notifications.tasks import deliver_notifications

    staff = ChinaStaffFactory(username="khofault2")
    codes = [f"YT80000000{n:05d}" for n in range(8)]
    for code in codes:
        TrackingNumberFactory(customer=customer, code=code, raw_code=code)
    station = signed_in(staff)
    scan(station, codes[0])
    worker.wait_for_log(r"deliver_notifications\[[^\]]+\] succeeded", timeout=15)

    # The worker holds a message when Redis dies (a kick's one-second countdown, here a longer one): kombu's
    # attempt to give it back used to end the worker for good (config/celery.py).
    deliver_notifications.apply_async(countdown=30)
    worker.wait_for_log(r"deliver_notifications\[[^\]]+\] received", count=2, timeout=10)
    redis_server.stop()
    for code in codes[1:5]:
        scan(station, code)
    assert PendingNotification.objects.count() == 4  # waiting, not lost

    redis_server.start()
    time.sleep(1.5)  # the worker reconnects to the restarted broker
    for code in codes[5:]:
        scan(station, code)
    assert worker.process.poll() is None, worker.log()[-3000:]  # the worker lived through the outage
    deliver_notifications.apply_async()  # beat's minute (or the next kick)
    deadline = time.monotonic() + 20
    while PendingNotification.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    deliver_notifications.apply_async()  # a second beat run: nothing left to deliver twice
    time.sleep(1)
    assert not PendingNotification.objects.exists()
    arrived = Notification.objects.filter(user=customer, kind=NotificationKind.ARRIVED_CHINA)
    assert arrived.count() == len(codes)
    assert arrived.values("consignment_id").distinct().count() == len(codes)  # one each, none twice


def test_with_nothing_listening_every_cache_call_is_a_quick_miss_or_a_dropped_write(caplog):
    """No redis-server needed: a port nothing listens on. One warning line, then the breaker is open and
    Redis is not even tried (no connection attempt per call)."""
    from core.cache import DegradingRedisCache

    cache = DegradingRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.25}})
    with caplog.at_level("WARNING", logger="core.cache"):
        started = time.monotonic()
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.add("k", 1) is False
        assert cache.set("k", 1) is None
        assert cache.set_many({"a": 1}) == []
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.delete_many(["a"]) is None
        assert cache.get_or_set("computed", lambda: 42) == 42
        with pytest.raises(ValueError):
            cache.incr("k")
        assert time.monotonic() - started < 0.5
    assert len([r for r in caplog.records if "cache unreachable" in r.getMessage()]) == 1
    assert not cache.is_available
    pool = cache._cache._get_connection_pool(write=True)
    assert cache.get("k") is None and pool._created_connections <= 1  # the breaker: no new attempt
    assert cache._dirty  # the dropped writes, to delete once Redis answers
