"""The China warehouse scan station: warehouse:scan, POST to response, as htmx sends it, at two table sizes.

Loads BENCH_CODES registered tracking numbers (default 10,000) over BENCH_CUSTOMERS customers (1,000) and
times a series of BENCH_SCANS scans (1,000); then, on PostgreSQL, tops the registrations up to
BENCH_CODES_LARGE (1,000,000), runs VACUUM ANALYZE (what autovacuum would do) and times a second series in
the same mix. Each series starts with gc.collect() and BENCH_SCAN_WARMUP untimed scans (50). The mix: 80%
registered codes (matched: a consignment is created), 10% repeats of a code matched earlier in the series
(duplicate), 10% codes nobody registered (unidentified). BENCH_SHOW_SQL=1 also prints the SQL of one scan
of each kind.
"""

import contextlib
import gc
import os
import random
import re
import time
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from bench.figures import Figure, env_int, percentile
from bench.loading import analyze, copy_tracking_numbers, secondary_indexes_dropped
from tracking.models import TrackingNumber
from tracking.normalize import clean_tracking_code
from warehouse.models import Warehouse

BATCH = 5000  # users per bulk_create
SEED = 20_240_601
MATCHED, DUPLICATE, UNIDENTIFIED = "matched", "duplicate", "unidentified"
MIX = ((MATCHED, 0.8), (DUPLICATE, 0.1), (UNIDENTIFIED, 0.1))
# Tracking number shapes of the usual couriers (SF, YTO, J&T, ZTO, STO, Yunda, JD), numbered so none repeats.
SHAPES = ("SF{:013d}", "YT{:013d}", "JT{:013d}", "78{:012d}", "77{:011d}", "43{:011d}", "JDV{:012d}")
OUTCOME_RE = re.compile(rb'data-outcome="([a-z_]*)"')
# Transaction control is not a data query: it costs a round trip but no planning or row access, and how
# many there are depends on how the view nests atomic blocks, not on the work. scan_queries leaves it out.
TX_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I
)


def code_for(number: int) -> str:
    """Tracking code number n, already normalised. Numbers below the loaded count are registered."""
    return SHAPES[number % len(SHAPES)].format(number)


def size_label(count: int) -> str:
    """10000 → '10k', 1000000 → '1m', 250000 → '250k', 1234 → '1234': the suffix of a per-size figure."""
    for divisor, suffix in ((1_000_000, "m"), (1000, "k")):
        if count % divisor == 0:
            return f"{count // divisor}{suffix}"
    return str(count)


def run():
    n_small = env_int("BENCH_CODES", 10_000)
    n_large = env_int("BENCH_CODES_LARGE", 1_000_000)
    n_customers = env_int("BENCH_CUSTOMERS", 1000)
    n_scans = env_int("BENCH_SCANS", 1000, minimum=2)
    warmup = env_int("BENCH_SCAN_WARMUP", 50, minimum=0)
    rng = random.Random(env_int("BENCH_SEED", SEED, minimum=0))
    if n_large <= n_small:
        raise SystemExit(f"BENCH_CODES_LARGE={n_large} must be more than BENCH_CODES={n_small}.")
    sizes = [n_small, n_large] if connection.vendor == "postgresql" else [n_small]
    # Unknown codes are numbered above every registered one, so a later top-up never registers them.
    planner = _Planner(rng, unknown_from=n_large)

    started = time.perf_counter()
    staff, customer_ids = _load(n_small, n_customers)
    yield (
        f"scan: {n_small} registered codes over {n_customers} customers loaded in "
        f"{time.perf_counter() - started:.1f} s; {n_scans} timed scans a size, each series after "
        f"gc.collect() and {warmup} warm-up scans"
    )

    client = Client()
    client.force_login(staff)
    url = reverse("warehouse:scan")
    series = {}  # size → [(kind, ms, data queries)]
    db_medians = {}  # size → median ms a scan spends in the database driver (round trips included)
    first_sql = {}
    for size in sizes:
        if size > n_small:
            started = time.perf_counter()
            _top_up(n_small, size, customer_ids)
            yield (
                f"scan: topped up to {size} registered codes (one COPY stream, indexes rebuilt after) and "
                f"VACUUM ANALYZEd in {time.perf_counter() - started:.1f} s"
            )
        plan = planner.plan(size, warmup, n_scans)
        # As in production: the request only publishes its Celery messages (the notification), a worker
        # does the rest elsewhere. An in-memory broker stands in for Redis.
        with _publish_only():
            for kind, code in plan[:warmup]:
                _scan(client, url, code, kind)
            gc.collect()
            samples, first_sql, db_ms = [], {}, []
            timer = _DatabaseTime()
            with connection.execute_wrapper(timer):
                for kind, code in plan[warmup:]:
                    timer.ms = 0.0
                    ms, queries = _scan(client, url, code, kind)
                    data = [q for q in queries if not TX_CONTROL.match(q["sql"])]
                    samples.append((kind, ms, len(data)))
                    db_ms.append(timer.ms)
                    first_sql.setdefault(kind, queries)
        series[size] = samples
        db_medians[size] = percentile(db_ms, 50)
        times = [ms for _kind, ms, _q in samples]
        label = size_label(size)
        yield Figure(f"scan_p50_ms_{label}", percentile(times, 50), "ms")
        yield Figure(f"scan_p99_ms_{label}", percentile(times, 99), "ms")
        yield Figure(f"scan_queries_{label}", max(q for _k, _ms, q in samples), "queries", digits=0)

    # The headline figures are those of the largest table measured.
    samples = series[sizes[-1]]
    times = [ms for _kind, ms, _q in samples]
    counts = [q for _kind, _ms, q in samples]
    yield f"scan: scan_p50_ms, scan_p99_ms, scan_queries… below are at {sizes[-1]} registered codes"
    yield Figure("scan_p50_ms", percentile(times, 50), "ms")
    yield Figure("scan_p99_ms", percentile(times, 99), "ms")
    yield Figure("scan_queries", max(counts), "queries", digits=0)
    yield Figure("scan_queries_spread", max(counts) - min(counts), "queries", digits=0)
    by_kind = defaultdict(list)
    for kind, ms, queries in samples:
        by_kind[kind].append((ms, queries))
    for kind, _share in MIX:
        rows = by_kind.get(kind)
        if rows:
            yield Figure(f"scan_p50_ms_{kind}", percentile([ms for ms, _q in rows], 50), "ms")
            yield Figure(f"scan_queries_{kind}", max(q for _ms, q in rows), "queries", digits=0)
    if len(sizes) > 1:
        small, large = (percentile([ms for _k, ms, _q in series[size]], 99) for size in sizes)
        yield Figure("scan_p99_growth", large / small, "x")
        p50s = [percentile([ms for _k, ms, _q in series[size]], 50) for size in sizes]
        yield (
            f"scan: {size_label(sizes[1])}/{size_label(sizes[0])}: p50 {p50s[1] / p50s[0]:.2f}x; median time in the "
            f"database per scan {db_medians[sizes[0]]:.2f} → {db_medians[sizes[1]]:.2f} ms "
            f"({db_medians[sizes[1]] / db_medians[sizes[0]]:.2f}x). The p99 ratio rests on ~10 samples a side: "
            f"on a shared machine it moves with whatever else runs, so repeat it before believing a change"
        )
    else:
        yield (
            f"scan: scan_p99_ms_{size_label(n_large)} and scan_p99_growth need PostgreSQL (DATABASE_URL); "
            f"on {connection.vendor} only the {size_label(n_small)} series runs"
        )

    if os.environ.get("BENCH_SHOW_SQL") == "1":
        for kind, queries in first_sql.items():
            yield f"SQL of one {kind} scan ({len(queries)} statements, transaction control included):"
            for number, query in enumerate(queries, 1):
                yield f"  {number:2d}. {query['sql']}"


@contextlib.contextmanager
def _publish_only():
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://localhost/"
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


class _Planner:
    """Scan plans for successive series: a code matched in one series is never planned as a match again."""

    def __init__(self, rng: random.Random, unknown_from: int):
        self.rng = rng
        self.matched: set[int] = set()
        self.next_unknown = unknown_from

    def plan(self, n_codes: int, warmup: int, n_scans: int) -> list[tuple[str, str]]:
        """(expected outcome, code) for the warm-up scans, then the timed ones, in the MIX."""
        rng = self.rng
        kinds = _kinds(rng, warmup) + _kinds(rng, n_scans)
        needed = kinds.count(MATCHED)
        if needed + len(self.matched) > n_codes:
            raise SystemExit(f"{n_codes} registered codes are too few for {needed} more matching scans.")
        pool = rng.sample(range(n_codes), needed + len(self.matched))
        registered = iter([n for n in pool if n not in self.matched][:needed])
        scanned, plan = [], []
        for kind in kinds:
            if kind == MATCHED:
                number = next(registered)
                self.matched.add(number)
                code = code_for(number)
                scanned.append(code)
            elif kind == DUPLICATE:
                code = rng.choice(scanned)
            else:
                code = code_for(self.next_unknown)
                self.next_unknown += 1
            plan.append((kind, code))
        for _kind, code in plan:  # registrations are stored as the app normalises them: check it agrees
            if clean_tracking_code(code) != code:
                raise SystemExit(
                    f"The app now normalises {code} to {clean_tracking_code(code)}: update SHAPES."
                )
        return plan


def _kinds(rng: random.Random, count: int) -> list[str]:
    """Exactly the MIX's shares of count scans, shuffled, starting with a match (to have a repeat)."""
    if count == 0:
        return []
    kinds = []
    for kind, share in MIX[1:]:
        kinds += [kind] * round(count * share)
    kinds += [MATCHED] * (count - len(kinds))
    rng.shuffle(kinds)
    first = kinds.index(MATCHED)
    kinds[0], kinds[first] = kinds[first], kinds[0]
    return kinds


class _DatabaseTime:
    """connection.execute_wrapper: adds every statement's wall time (driver and round trip) to .ms."""

    ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _scan(client: Client, url: str, code: str, expected: str) -> tuple[float, list[dict]]:
    reset_queries()  # the query log keeps 9,000 entries: a full one would make the capture empty
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post(url, {"code": code}, headers={"HX-Request": "true"})
        ms = (time.perf_counter() - started) * 1000
    found = OUTCOME_RE.search(response.content)
    outcome = found.group(1).decode() if found else None
    if response.status_code != 200 or outcome != expected:
        raise RuntimeError(
            f"Scan of {code}: expected {expected}, got HTTP {response.status_code} outcome {outcome!r}:\n"
            f"{response.content[:2000].decode(errors='replace')}"
        )
    return ms, captured.captured_queries


def _load(n_codes: int, n_customers: int, staff_password: str | None = None) -> tuple[User, list[int]]:
    """The station, its China staff member, the customers and their registrations.

    Returns the staff member and the customers' ids. Registration n belongs to customer n mod n_customers.
    """
    with transaction.atomic():
        station = Warehouse.objects.create(
            code="BENCH",
            name="Bench warehouse",
            kind=Warehouse.Kind.CHINA,
            address="广东省广州市白云区 (bench)",
        )
        staff = User.objects.create(
            username="benchstaff",
            role=Role.CHINA_STAFF,
            warehouse=station,
            password=make_password(staff_password),  # None: unusable, force_login only
        )
        password = make_password(None)  # nobody signs in as a bench customer
        User.objects.bulk_create(
            (
                User(
                    username=f"bench{i:06d}", customer_code=f"B{i:06d}", role=Role.CUSTOMER, password=password
                )
                for i in range(n_customers)
            ),
            batch_size=BATCH,
        )
        customer_ids = list(
            User.objects.filter(role=Role.CUSTOMER).order_by("pk").values_list("pk", flat=True)
        )
        copy_tracking_numbers(_registrations(0, n_codes, customer_ids))
    analyze()
    return staff, customer_ids


def _top_up(start: int, stop: int, customer_ids: list[int]) -> None:
    """Registrations start…stop-1, in one COPY stream with the secondary indexes rebuilt after."""
    with transaction.atomic(), secondary_indexes_dropped(TrackingNumber):
        copy_tracking_numbers(_registrations(start, stop, customer_ids))
    analyze(TrackingNumber)
    if (count := TrackingNumber.objects.count()) != stop:
        raise RuntimeError(f"{count} registrations after the top-up, not {stop}")


def _registrations(start: int, stop: int, customer_ids: list[int]):
    for n in range(start, stop):
        yield customer_ids[n % len(customer_ids)], code_for(n), None
