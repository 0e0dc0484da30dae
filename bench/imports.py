"""The spreadsheet import: the run_import task's body (tracking.imports.import_run), end to end.

Builds a BENCH_IMPORT_ROWS-row .xlsx (default 100,000) the way a customer's would look: a header, then one
unique SF code and a short note a row. BENCH_IMPORT_CONFLICT_PCT percent of the codes (default 1) are
registered beforehand by another customer, so the conflict path runs too. The upload is stored as
import_start would store it, then import_run is timed in-process: reading, normalising, registering in
chunks with progress updates, and writing the result file. Celery runs eagerly here, so the match_codes
tasks each chunk queues run inside the timed span (a worker would run them beside it).
"""

import io
import tempfile
import time

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.test import override_settings
from openpyxl import Workbook

import tracking.imports as imports
from accounts.models import Role, User
from addresses.models import DeliveryAddress
from bench.figures import Figure, env_int
from tracking.models import TrackingImport, TrackingNumber
from tracking.normalize import clean_tracking_code

CODE = "SF{:013d}"
BATCH = 5000


def run():
    n_rows = env_int("BENCH_IMPORT_ROWS", 100_000)
    conflict_pct = env_int("BENCH_IMPORT_CONFLICT_PCT", 1, minimum=0)
    name = "import_100k_s" if n_rows == 100_000 else f"import_{n_rows}_rows_s"
    if n_rows > imports.MAX_ROWS:
        raise SystemExit(f"BENCH_IMPORT_ROWS={n_rows} is over the import limit of {imports.MAX_ROWS} rows.")
    if clean_tracking_code(CODE.format(1)) != CODE.format(1):
        raise SystemExit(f"The app now normalises {CODE.format(1)} differently: update CODE.")

    with (
        tempfile.TemporaryDirectory(prefix="kygui-bench-media-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        started = time.perf_counter()
        customer, conflicts = _load(n_rows, conflict_pct)
        content = _workbook(n_rows)
        imp = TrackingImport(customer=customer, original_name="bench.xlsx")
        imp.file.save("bench.xlsx", ContentFile(content), save=False)
        imp.save()
        yield (
            f"import: {n_rows} rows, {len(content) / 1e6:.1f} MB .xlsx, {conflicts} codes registered by "
            f"another customer; built in {time.perf_counter() - started:.1f} s"
        )

        timings = _instrument()
        try:
            started = time.perf_counter()
            imports.import_run(import_id=imp.pk)
            seconds = time.perf_counter() - started
        finally:
            _restore(timings)

        imp.refresh_from_db()
        expected = (TrackingImport.Status.DONE, n_rows, n_rows - conflicts, conflicts)
        got = (imp.status, imp.processed_rows, imp.added, imp.conflicts)
        if got != expected or TrackingNumber.objects.filter(customer=customer).count() != n_rows:
            raise RuntimeError(f"Import ended as {got} ({imp.error!r}); expected {expected}")

        yield Figure(name, seconds, "s")
        yield Figure("import_rows_per_s", n_rows / seconds, "rows/s", digits=0)
        register = timings["register"]
        yield (
            f"import: tracking_register_many {register['seconds']:.1f} s over {register['calls']} chunks "
            f"(of which match_codes, eager, {timings['match']['seconds']:.1f} s); the rest (reading the "
            f"file, progress, result file) {seconds - register['seconds']:.1f} s"
        )


def _load(n_rows: int, conflict_pct: int) -> tuple[User, int]:
    """The importing customer (with an address) and another who registered some of the same codes."""
    password = make_password(None)
    customer = User.objects.create(
        username="benchimporter", customer_code="BI001", role=Role.CUSTOMER, password=password
    )
    DeliveryAddress.objects.create(
        customer=customer,
        recipient_name="Nguyễn Văn A",
        phone="0912345678",
        province="Hà Nội",
        street="Số 1 Trần Thái Tông",
        is_default=True,
    )
    other = User.objects.create(
        username="benchother", customer_code="BO001", role=Role.CUSTOMER, password=password
    )
    step = 100 // conflict_pct if conflict_pct else 0
    taken = [CODE.format(n) for n in range(0, n_rows, step)] if step else []
    for start in range(0, len(taken), BATCH):
        TrackingNumber.objects.bulk_create(
            TrackingNumber(customer=other, code=code, raw_code=code) for code in taken[start : start + BATCH]
        )
    return customer, len(taken)


def _workbook(n_rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Mã vận đơn")
    sheet.append(["Mã vận đơn", "Ghi chú"])
    for n in range(n_rows):
        sheet.append([CODE.format(n), f"Áo khoác size {n % 5 + 1}, {n % 3 + 1} cái"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instrument() -> dict:
    """Wrap the registration and the matching task so the figure can say where its time went."""
    import warehouse.tasks

    timings = {"register": {"seconds": 0.0, "calls": 0}, "match": {"seconds": 0.0, "calls": 0}}
    originals = {"register": imports.tracking_register_many, "match": warehouse.tasks.codes_match}

    def timed(key, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[key]["seconds"] += time.perf_counter() - started
                timings[key]["calls"] += 1

        return wrapper

    imports.tracking_register_many = timed("register", originals["register"])
    warehouse.tasks.codes_match = timed("match", originals["match"])
    timings["_originals"] = originals
    return timings


def _restore(timings: dict) -> None:
    import warehouse.tasks

    originals = timings.pop("_originals")
    imports.tracking_register_many = originals["register"]
    warehouse.tasks.codes_match = originals["match"]
