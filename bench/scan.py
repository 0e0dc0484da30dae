"""The China warehouse scan station: warehouse:scan, POST to response, as htmx sends it.

Loads BENCH_CODES registered tracking numbers (default 10,000) over BENCH_CUSTOMERS customers (1,000),
then times BENCH_SCANS scans (500) after WARMUP untimed ones, in a fixed mix: 80% registered codes
(matched: a consignment is created), 10% repeats of an already matched code (duplicate), 10% codes
nobody registered (unidentified). BENCH_SHOW_SQL=1 also prints the SQL of one scan of each kind.
"""

import contextlib
import io
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
from tracking.models import TrackingNumber
from tracking.normalize import clean_tracking_code
from warehouse.models import Warehouse

BATCH = 5000  # rows per bulk_create
COPY_CHUNK = 100_000  # rows per COPY on PostgreSQL
WARMUP = 20
SEED = 20_240_601
MATCHED, DUPLICATE, UNIDENTIFIED = "matched", "duplicate", "unidentified"
MIX = ((MATCHED, 0.8), (DUPLICATE, 0.1), (UNIDENTIFIED, 0.1))
# Tracking number shapes of the usual couriers (SF, YTO, J&T, ZTO, STO, Yunda, JD), numbered so none repeats.
SHAPES = ("SF{:013d}", "YT{:013d}", "JT{:013d}", "78{:012d}", "77{:011d}", "43{:011d}", "JDV{:012d}")
OUTCOME_RE = re.compile(rb'data-outcome="([a-z_]*)"')


def code_for(number: int) -> str:
    """Tracking code number n, already normalised: registered for n < BENCH_CODES, nobody's above."""
    return SHAPES[number % len(SHAPES)].format(number)


def run():
    n_codes = env_int("BENCH_CODES", 10_000)
    n_customers = env_int("BENCH_CUSTOMERS", 1000)
    n_scans = env_int("BENCH_SCANS", 500, minimum=2)
    rng = random.Random(env_int("BENCH_SEED", SEED, minimum=0))
    plan = _plan(rng, n_codes, n_scans)

    started = time.perf_counter()
    staff = _load(n_codes, n_customers)
    yield (
        f"scan: {n_codes} registered codes over {n_customers} customers loaded in "
        f"{time.perf_counter() - started:.1f} s; {n_scans} timed scans after {WARMUP} warm-up"
    )

    client = Client()
    client.force_login(staff)
    url = reverse("warehouse:scan")
    samples = []  # (kind, ms, queries)
    first_sql = {}
    # As in production: the request only publishes its Celery messages (the notification), a worker does
    # the rest elsewhere. An in-memory broker stands in for Redis.
    with _publish_only():
        for index, (kind, code) in enumerate(plan):
            ms, queries = _scan(client, url, code, kind)
            if index >= WARMUP:
                data = [q for q in queries if not TX_CONTROL.match(q["sql"])]
                samples.append((kind, ms, len(data)))
                first_sql.setdefault(kind, queries)

    times = [ms for _kind, ms, _q in samples]
    counts = [q for _kind, _ms, q in samples]
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

    if os.environ.get("BENCH_SHOW_SQL") == "1":
        for kind, queries in first_sql.items():
            yield f"SQL of one {kind} scan ({len(queries)} queries):"
            for number, query in enumerate(queries, 1):
                yield f"  {number:2d}. {query['sql']}"


TX_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I
)


@contextlib.contextmanager
def _publish_only():
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


def _plan(rng: random.Random, n_codes: int, n_scans: int) -> list[tuple[str, str]]:
    """(expected outcome, raw code) for the warm-up scans, then the timed ones, in the MIX."""
    kinds = _kinds(rng, WARMUP) + _kinds(rng, n_scans)
    needed = kinds.count(MATCHED)
    if needed > n_codes:
        raise SystemExit(f"BENCH_CODES={n_codes} is too few for {needed} matching scans: raise it.")
    registered = iter(rng.sample(range(n_codes), needed))
    unknown = iter(range(n_codes, n_codes + len(kinds)))
    scanned, plan = [], []
    for kind in kinds:
        if kind == MATCHED:
            code = code_for(next(registered))
            scanned.append(code)
        elif kind == DUPLICATE:
            code = rng.choice(scanned)
        else:
            code = code_for(next(unknown))
        plan.append((kind, code))
    for _kind, code in plan:  # registrations are stored as the app normalises them: check it agrees
        if clean_tracking_code(code) != code:
            raise SystemExit(f"The app now normalises {code} to {clean_tracking_code(code)}: update SHAPES.")
    return plan


def _kinds(rng: random.Random, count: int) -> list[str]:
    """Exactly the MIX's shares of count scans, shuffled, starting with a match (to have a repeat)."""
    kinds = []
    for kind, share in MIX[1:]:
        kinds += [kind] * round(count * share)
    kinds += [MATCHED] * (count - len(kinds))
    rng.shuffle(kinds)
    first = kinds.index(MATCHED)
    kinds[0], kinds[first] = kinds[first], kinds[0]
    return kinds


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


def _load(n_codes: int, n_customers: int) -> User:
    """The station, its China staff member, the customers and their registrations. Returns the staff."""
    password = make_password(None)  # unusable: nobody signs in as a bench customer
    with transaction.atomic():
        station = Warehouse.objects.create(
            code="BENCH",
            name="Bench warehouse",
            kind=Warehouse.Kind.CHINA,
            address="广东省广州市白云区 (bench)",
        )
        staff = User.objects.create(
            username="benchstaff", role=Role.CHINA_STAFF, warehouse=station, password=password
        )
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
        if connection.vendor == "postgresql":
            _copy_registrations(n_codes, customer_ids)
        else:
            _bulk_create_registrations(n_codes, customer_ids)
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would give
        cursor.execute("ANALYZE")
    return staff


def _bulk_create_registrations(n_codes: int, customer_ids: list[int]) -> None:
    for start in range(0, n_codes, BATCH):
        TrackingNumber.objects.bulk_create(
            [
                TrackingNumber(
                    customer_id=customer_ids[n % len(customer_ids)], code=code_for(n), raw_code=code_for(n)
                )
                for n in range(start, min(start + BATCH, n_codes))
            ],
            batch_size=BATCH,
        )


def _copy_registrations(n_codes: int, customer_ids: list[int]) -> None:
    """PostgreSQL COPY: several times faster than bulk_create, for the million-code runs.

    Every other column gets what a new TrackingNumber would get (its defaults, auto_now timestamps),
    so the rows stay right when fields are added to the model.
    """
    template = TrackingNumber(customer_id=customer_ids[0], code="", raw_code="")
    varying = [TrackingNumber._meta.get_field(name) for name in ("customer", "code", "raw_code")]
    constant = [
        field
        for field in TrackingNumber._meta.concrete_fields
        if field not in varying and not field.primary_key
    ]
    tail = "\t".join(
        _copy_value(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        for field in constant
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in varying + constant)
    sql = f"COPY {quote(TrackingNumber._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, n_codes, COPY_CHUNK):
            buffer = io.StringIO()
            for n in range(start, min(start + COPY_CHUNK, n_codes)):
                code = code_for(n)
                buffer.write(f"{customer_ids[n % len(customer_ids)]}\t{code}\t{code}\t{tail}\n")
            buffer.seek(0)
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, buffer)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(buffer.getvalue())


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text
