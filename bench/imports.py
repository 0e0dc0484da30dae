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
import zipfile
from xml.sax.saxutils import escape as xml_escape

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.test import override_settings

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
            started, cpu_started = time.perf_counter(), time.process_time()
            imports.import_run(import_id=imp.pk)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
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
            f"file, progress, result file) {seconds - register['seconds']:.1f} s; CPU time of this process "
            f"{cpu:.1f} s (the rest is the database's, and other processes')"
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
    """An .xlsx as Excel saves one: strings in the shared-string table, a <dimension>, a styles part.

    (openpyxl would write strings inline and no <dimension>, which read-only openpyxl then finds by parsing
    the whole sheet once more: neither is what a customer's file looks like.)
    """
    strings: dict[str, int] = {}

    def ref(text: str) -> int:
        return strings.setdefault(text, len(strings))

    rows = [
        f'<row r="1"><c r="A1" t="s"><v>{ref("Mã vận đơn")}</v></c><c r="B1" t="s"><v>{ref("Ghi chú")}</v></c></row>'
    ]
    for n in range(n_rows):
        r = n + 2
        code, note = ref(CODE.format(n)), ref(f"Áo khoác size {n % 5 + 1}, {n % 3 + 1} cái")
        rows.append(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{code}</v></c><c r="B{r}" t="s"><v>{note}</v></c></row>'
        )
    shared = "".join(f"<si><t>{xml_escape(text)}</t></si>" for text in strings)
    parts = {
        **_PACKAGE,
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}" count="{2 * n_rows + 2}" uniqueCount="{len(strings)}">'
        f"{shared}</sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:B{n_rows + 1}"/><sheetData>'
        f"{''.join(rows)}</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return buffer.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
    '<sheet name="Mã vận đơn" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/styles.xml": f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1">'
    '<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def _instrument() -> dict:
    """Wrap the registration and the matching task so the figure can say where its time went."""
    import warehouse.tasks

    timings = {"register": {"seconds": 0.0, "calls": 0}, "match": {"seconds": 0.0, "calls": 0}}
    originals = {"register": imports.run.tracking_register_many, "match": warehouse.tasks.codes_match}

    def timed(key, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[key]["seconds"] += time.perf_counter() - started
                timings[key]["calls"] += 1

        return wrapper

    imports.run.tracking_register_many = timed("register", originals["register"])
    warehouse.tasks.codes_match = timed("match", originals["match"])
    timings["_originals"] = originals
    return timings


def _restore(timings: dict) -> None:
    import warehouse.tasks

    originals = timings.pop("_originals")
    imports.run.tracking_register_many = originals["register"]
    warehouse.tasks.codes_match = originals["match"]
