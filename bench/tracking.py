"""Tracking numbers from the customer's side: pasting a list, and the list page at 1,000 and 100,000 codes.

bulk_paste_5000_ms: a signed-in customer with a delivery address posts BENCH_PASTE_LINES (5,000) distinct
valid codes, one a line, to tracking:paste through django.test.Client; BENCH_PASTE_RUNS (5) runs, fresh codes
each, median. Celery only publishes (in-memory broker), so the match_codes tasks are queued, not run.

tracking_list_*: one customer with BENCH_LIST_SMALL (1,000) registrations, then topped up to
BENCH_LIST_LARGE (100,000), spread over ~70 days (1 a minute), 5% received, a third with a note, 1%
registered by another customer too (conflict flag). Each variant is requested BENCH_LIST_REQUESTS (20) times
after 2 untimed ones; median time, maximum data queries (transaction control left out, as in scan.py).
Variants: page 1 of everything; a search with a status filter (?q=123&status=registered); the last page
(?page=999999, which Paginator.get_page turns into the last), BENCH_LIST_DEEP_REQUESTS (5) times only.
BENCH_EXPLAIN=1 prints EXPLAIN ANALYZE of each variant's statements at the large size (PostgreSQL).
"""

import gc
import os
import re
import statistics
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from addresses.models import DeliveryAddress
from bench.figures import Figure, env_int
from bench.loading import analyze, copy_tracking_numbers, secondary_indexes_dropped
from bench.scan import TX_CONTROL, _publish_only, code_for, size_label
from tracking.models import TrackingNumber, TrackingStatus
from tracking.normalize import clean_tracking_code, recognise_courier

PASTE_FROM = 50_000_000  # pasted codes are numbered from here: never one of the list's
LIST_WARMUP = 2
ADDED_RE = re.compile(rb'data-testid="count-added">[^<]*?(\d+)</span>')
ROW_RE = re.compile(rb'data-testid="tracking-row"')


def run():
    n_small = env_int("BENCH_LIST_SMALL", 1000)
    n_large = env_int("BENCH_LIST_LARGE", 100_000)
    repeats = env_int("BENCH_LIST_REQUESTS", 20)
    paste_lines = env_int("BENCH_PASTE_LINES", 5000)
    paste_runs = env_int("BENCH_PASTE_RUNS", 5)
    if n_large <= n_small:
        raise SystemExit(f"BENCH_LIST_LARGE={n_large} must be more than BENCH_LIST_SMALL={n_small}.")

    lister, other = _customer("benchlister", "BL001"), _customer("benchother", "BO001")
    start = timezone.now() - timedelta(minutes=n_large)
    client = Client()
    client.force_login(lister)
    url = reverse("tracking:list")
    deep_repeats = env_int("BENCH_LIST_DEEP_REQUESTS", 5)
    variants = {  # figure name → (query string, timed requests)
        "tracking_list_ms": ("", repeats),
        "tracking_list_search_ms": ("?q=123&status=registered", repeats),
        # Past the end: Paginator.get_page gives the last page. Slow by design of OFFSET, so fewer requests.
        "tracking_list_last_page_ms": ("?page=999999", deep_repeats),
    }
    measured = {}  # size → {figure: (median ms, data queries, rows on the page)}
    loaded = 0
    for size in (n_small, n_large):
        started = time.perf_counter()
        _load_list(lister, other, loaded, size, start)
        loaded = size
        yield f"tracking: list customer has {size} registrations (loaded in {time.perf_counter() - started:.1f} s)"
        measured[size] = {name: _measure(client, url + qs, count) for name, (qs, count) in variants.items()}
        if size == n_small:
            yield "tracking: at {}: {}".format(
                size,
                "; ".join(
                    f"{name} {ms:.1f} ms, {queries} queries"
                    for name, (ms, queries, _rows) in measured[size].items()
                ),
            )
    large = measured[n_large]
    if n_large != 100_000:
        yield f"tracking: the list figures below are at {size_label(n_large)} registrations, not 100k"
    for name, (ms, _queries, rows) in large.items():
        if rows == 0:
            raise RuntimeError(f"{name}: the page shows no rows, so the figure would measure an empty list")
        yield Figure(name, ms, "ms")
    yield Figure("tracking_list_queries", max(q for _ms, q, _rows in large.values()), "queries", digits=0)
    growth = max(large[name][1] - measured[n_small][name][1] for name in variants)
    yield Figure("tracking_list_queries_growth", max(growth, 0), "queries", digits=0)
    if growth < 0:
        yield f"tracking: fewer queries at {n_large} than at {n_small} ({growth})"
    if os.environ.get("BENCH_EXPLAIN") == "1" and connection.vendor == "postgresql":
        for name, (qs, _count) in variants.items():
            yield from _explain(client, url + qs, name)

    paster = _customer("benchpaster", "BP001")
    client.force_login(paster)
    timings, queries = [], []
    with _publish_only():
        for run_index in range(paste_runs + 1):  # the first run warms up and is not counted
            first = PASTE_FROM + run_index * paste_lines
            codes = [code_for(n) for n in range(first, first + paste_lines)]
            if clean_tracking_code(codes[0]) != codes[0]:
                raise SystemExit(f"The app now normalises {codes[0]} differently: update bench.scan.SHAPES.")
            ms, count = _paste(client, "\n".join(codes), paster, paste_lines)
            if run_index:
                timings.append(ms)
                queries.append(count)
    name = "bulk_paste_5000" if paste_lines == 5000 else f"bulk_paste_{paste_lines}"
    yield (
        f"tracking: {name}: {paste_runs} runs after 1 warm-up, fresh codes each, table of "
        f"{TrackingNumber.objects.count()} registrations at the end; runs {', '.join(f'{t:.0f}' for t in timings)} ms"
    )
    yield Figure(f"{name}_ms", statistics.median(timings), "ms")
    yield Figure(f"{name}_queries", max(queries), "queries", digits=0)


def _customer(username: str, code: str) -> User:
    customer = User.objects.create(
        username=username, customer_code=code, role=Role.CUSTOMER, password=make_password(None)
    )
    DeliveryAddress.objects.create(
        customer=customer,
        recipient_name="Nguyễn Văn A",
        phone="0912345678",
        province="Hà Nội",
        district="Cầu Giấy",
        street="Số 1 Trần Thái Tông",
        is_default=True,
    )
    return customer


def _load_list(lister: User, other: User, first: int, stop: int, start) -> None:
    """Registrations first…stop-1 of the list customer, one a minute from `start`; 1% also the other's."""

    def rows():
        for n in range(first, stop):
            code = code_for(n)
            yield (
                lister.pk,
                code,
                {
                    "created_at": start + timedelta(minutes=n),
                    "status": TrackingStatus.RECEIVED if n % 20 == 7 else TrackingStatus.REGISTERED,
                    "courier": recognise_courier(code) or "",
                    "note": "Áo khoác size M, 2 cái" if n % 3 == 0 else "",
                },
            )
            if n % 100 == 42:
                yield other.pk, code, {"created_at": start + timedelta(minutes=n)}

    big = stop - first > 20_000
    with transaction.atomic():
        if big:
            with secondary_indexes_dropped(TrackingNumber):
                copy_tracking_numbers(rows())
        else:
            copy_tracking_numbers(rows())
    analyze(TrackingNumber)
    if (count := TrackingNumber.objects.filter(customer=lister).count()) != stop:
        raise RuntimeError(f"the list customer has {count} registrations, not {stop}")


def _measure(client: Client, url: str, repeats: int) -> tuple[float, int, int]:
    """(median ms, most data queries, rows on the page) of GET url."""
    for _ in range(LIST_WARMUP):
        _get(client, url)
    gc.collect()
    timings, counts, rows = [], [], 0
    for _ in range(repeats):
        ms, queries, content = _get(client, url)
        timings.append(ms)
        counts.append(len([q for q in queries if not TX_CONTROL.match(q["sql"])]))
        rows = len(ROW_RE.findall(content))
    return statistics.median(timings), max(counts), rows


def _get(client: Client, url: str):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}: {response.content[:1000]!r}")
    return ms, captured.captured_queries, response.content


def _paste(client: Client, text: str, customer: User, lines: int) -> tuple[float, int]:
    before = TrackingNumber.objects.filter(customer=customer).count()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.post(reverse("tracking:paste"), {"text": text})
        ms = (time.perf_counter() - started) * 1000
    found = ADDED_RE.search(response.content)
    added = int(found.group(1)) if found else None
    after = TrackingNumber.objects.filter(customer=customer).count()
    if response.status_code != 200 or added != lines or after - before != lines:
        raise RuntimeError(
            f"Paste of {lines} codes: HTTP {response.status_code}, {added} reported added, "
            f"{after - before} stored:\n{response.content[:2000].decode(errors='replace')}"
        )
    return ms, len([q for q in captured.captured_queries if not TX_CONTROL.match(q["sql"])])


def _explain(client: Client, url: str, name: str):
    """EXPLAIN (ANALYZE, BUFFERS) of every data statement one GET of url runs."""
    _ms, queries, _content = _get(client, url)
    yield f"tracking: {name} ({url}): {len(queries)} statements"
    for query in queries:
        sql = query["sql"]
        if TX_CONTROL.match(sql) or not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        yield f"  [{float(query['time']) * 1000:.1f} ms] {sql[:400]}"
        for line in plan:
            yield f"      {line}"
