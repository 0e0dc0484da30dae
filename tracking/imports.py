"""Spreadsheets of tracking numbers (mã vận đơn): the import a customer uploads, and the export of their list.

`import_start` (the upload request) checks the file and queues the `run_import` task; `import_run` (the task's
body) reads the rows as they stream out of the file, registers them CHUNK_ROWS at a time through
`tracking_register_many`, keeps the progress counters current for the progress bar, and writes a result file
with one line per row saying what became of it. `export_tracking_xlsx` writes a customer's list.

Spreadsheets are hostile input: nothing read from one ever raises out of `import_run` (a broken file ends the
import as FAILED with a reason a customer can act on), and nothing written to one can become a formula.
"""

import csv
import io
import re
import shutil
import tempfile
import unicodedata
import uuid
import zipfile
import zlib
from contextlib import ExitStack
from datetime import timedelta
from pathlib import PurePath
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape as xml_escape

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import formats, numberformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.broker import publish
from core.errors import DomainError

from .models import TrackingImport, TrackingStatus
from .normalize import Courier
from .services import LineVerdict, Verdict, _require_address, tracking_register_many
from .tasks import run_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What a 20 MB workbook may unpack to (its XML parts; pictures do not count). A zip bomb stops here.
MAX_UNPACKED_XML_BYTES = 300 * 1024 * 1024
MAX_ROWS = 100_000  # data rows per file; the rest is left unprocessed and the customer told to split it
CHUNK_ROWS = 5000  # rows per tracking_register_many call, and per progress update
MAX_COLUMNS = 64  # the code and note columns are looked for among the first MAX_COLUMNS
EXPORT_CHUNK = 2000

EXTENSIONS = (".xlsx", ".csv")
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls, or an .xlsx protected with a password
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A CSV without a BOM that is not UTF-8 was saved by Excel in the Windows code page of the computer:
# Vietnamese (cp1258: base letters, tone marks as combining characters), Chinese (GBK, read as gb18030) or,
# rarely, Western (cp1252). Nearly any bytes decode as cp1258 and as gb18030, so Vietnamese is chosen when
# every character outside ASCII is, once composed, a Vietnamese letter or a sign Vietnamese text uses
# (Chinese read as cp1258 gives "ï", "®", "¤"…) and those letters mostly sit in words with Latin letters
# (Chinese read as cp1258 gives runs like "ÀÁ" with none beside). Otherwise gb18030 where it decodes.
_VIETNAMESE_BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_CHARACTERS = frozenset(
    {unicodedata.normalize("NFC", base + tone) for base in _VIETNAMESE_BASES for tone in _TONES}
    | set("đĐ₫“”‘’–—…•°")
)
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
ASCII_LETTER = re.compile(r"[A-Za-z]")
CSV_DELIMITERS = ",;\t"
CSV_SNIFF_CHARS = 16 * 1024

# Header cells that name the code column and the note column (compared after _header_key).
CODE_HEADERS = frozenset(
    {
        "code",
        "tracking",
        "tracking number",
        "tracking no",
        "tracking code",
        "mã vận đơn",
        "ma van don",
        "mvđ",
        "mvd",
        "运单号",
        "运单号码",
        "快递单号",
        "单号",
    }
)
NOTE_HEADERS = frozenset({"note", "notes", "ghi chú", "ghi chu", "备注"})

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel or LibreOffice may read as a formula
_QUOTED_LITERAL = re.compile(r'^=\s*"([^"]*)"\s*$')  # ="78123456789012": how exports keep long numbers text

# What a broken or disguised file makes the reading libraries raise. Caught only around the reading itself.
_FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    InvalidFileException,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    ParseError,
    EOFError,
    OSError,
    zlib.error,
    csv.Error,
)


class ImportFileError(Exception):
    """The file cannot be read; the message is for the customer, already translated."""


# --- The upload ---------------------------------------------------------------------------------------------


@transaction.atomic
def import_start(*, customer, uploaded_file) -> TrackingImport:
    """Check an uploaded spreadsheet, keep it, and queue its import. Refusals say what to do instead."""
    _require_address(customer)
    if uploaded_file is None or not uploaded_file.size:
        raise DomainError(
            _("The file is empty. Choose a spreadsheet with your tracking numbers."), code="empty"
        )
    name = PurePath((uploaded_file.name or "").replace("\\", "/")).name
    extension = PurePath(name).suffix.lower()
    if extension == ".xls":
        raise DomainError(
            _("Old Excel files (.xls) cannot be read. Open it in Excel and save it as .xlsx or .csv."),
            code="extension",
        )
    if extension not in EXTENSIONS:
        raise DomainError(
            _("Upload an Excel file (.xlsx) or a CSV file (.csv); “%(name)s” is neither.")
            % {"name": name[:60]},
            code="extension",
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is %(size)s MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {
                "size": formats.number_format(uploaded_file.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            },
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(4096)
    uploaded_file.seek(0)
    if extension == ".xlsx":
        _check_xlsx(head, uploaded_file)
    else:
        _check_csv(head)

    imp = TrackingImport(customer=customer, original_name=name[:255])
    # A name of our own in storage: the customer's may be long, odd, or say more than it should.
    imp.file.save(f"{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
    imp.save()
    transaction.on_commit(lambda: publish(run_import, imp.pk))
    return imp


def _not_excel() -> DomainError:
    return DomainError(
        _(
            "This is not an Excel file, even though its name ends in .xlsx. Open it in Excel or Google Sheets "
            "and save it as .xlsx (Excel Workbook) or .csv."
        ),
        code="not_xlsx",
    )


def _check_xlsx(head: bytes, uploaded_file) -> None:
    if head.startswith(OLE_MAGIC):
        raise DomainError(
            _(
                "This file is an old Excel file (.xls) or is protected with a password. Open it in Excel, remove "
                "any password, and save it as .xlsx (Excel Workbook) or .csv."
            ),
            code="not_xlsx",
        )
    if not head.startswith(ZIP_MAGIC):
        raise _not_excel()
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _not_excel() from exc
    finally:
        uploaded_file.seek(0)
    if unpacked > MAX_UNPACKED_XML_BYTES:
        raise DomainError(
            _("This workbook holds far more than a list of tracking numbers. Split it into smaller files."),
            code="too_large",
        )


def _check_csv(head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise DomainError(
            _("This is an Excel workbook with a .csv name. Rename it to .xlsx, or save it as .csv in Excel."),
            code="not_csv",
        )
    if not head.startswith(UTF16_BOMS) and (head.startswith(OLE_MAGIC) or b"\x00" in head):
        raise DomainError(
            _("This is not a CSV text file. Open it in Excel and save it as .csv or .xlsx."), code="not_csv"
        )


# --- The import (the Celery task's body) -------------------------------------------------------------------


def import_run(*, import_id: int) -> None:
    """Register every row of an uploaded spreadsheet. Safe to run twice: only a PENDING import is started."""
    claimed = TrackingImport.objects.filter(pk=import_id, status=TrackingImport.Status.PENDING).update(
        status=TrackingImport.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    imp = TrackingImport.objects.select_related("customer").get(pk=import_id)
    # The task has no request: the results and messages are written in the site's language (Vietnamese).
    with translation.override(settings.LANGUAGE_CODE):
        importer = _Importer(imp)
        try:
            importer.run()
        except ImportFileError as exc:
            importer.fail(str(exc))
        except DomainError as exc:  # e.g. the customer removed their last address meanwhile
            importer.fail(str(exc.message))
        except SoftTimeLimitExceeded:
            importer.fail(
                _("This file took too long to process. Split it into smaller files and upload them again.")
            )
        except Exception:
            importer.fail(
                _(
                    "Something went wrong on our side with this file. We have been told; please try again later."
                ),
                keep_result=False,
            )
            raise


# run_import's hard time limit is 15 minutes: an import RUNNING for longer lost its worker (killed,
# restarted, out of memory) and will never finish by itself.
STALLED_AFTER = timedelta(minutes=20)
# A PENDING import whose message was lost (broker restarted before a worker took it) is queued again.
REQUEUE_AFTER = timedelta(minutes=10)


def imports_sweep(*, now=None) -> dict[str, int]:
    """The scheduled clean-up behind the import task: stalled imports end as FAILED with a message that
    says what to do, forgotten ones are queued again. Returns {"failed": n, "requeued": n}."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Processing stopped before the end of the file. Upload it again: numbers already registered are "
            "reported as “already yours” and nothing is registered twice."
        )
    # started_at is empty for imports started before it was kept: their upload time stands in for it.
    stalled = Q(started_at__lt=now - STALLED_AFTER) | Q(
        started_at__isnull=True, created_at__lt=now - STALLED_AFTER
    )
    failed = TrackingImport.objects.filter(stalled, status=TrackingImport.Status.RUNNING).update(
        status=TrackingImport.Status.FAILED, error=message, finished_at=now
    )
    requeued = 0
    forgotten = TrackingImport.objects.filter(
        status=TrackingImport.Status.PENDING, created_at__lt=now - REQUEUE_AFTER
    ).values_list("pk", flat=True)
    for import_id in forgotten:
        # Only a PENDING import is started, so a duplicate message does nothing.
        requeued += publish(run_import, import_id)
    return {"failed": failed, "requeued": requeued}


def _grouped(number: int) -> str:
    """100000 → "100.000" in Vietnamese, "100,000" in English (Django's vi format has no grouping size)."""
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


class _Importer:
    """One run over one file: reads, registers chunk by chunk, counts, and writes the result rows as it goes."""

    def __init__(self, imp: TrackingImport):
        self.imp = imp
        self.batch: list = []  # LineVerdict (refused on sight) or (row number, raw code, note)
        self.first_row: dict[str, int] = {}  # code → the row it first appeared on, across chunks
        self.counts = {"processed_rows": 0, "added": 0, "already": 0, "conflicts": 0, "refused": 0}
        self.estimate: int | None = None  # data rows expected, from the file's own count of its rows
        self.result = _ResultWriter()

    def run(self) -> None:
        extension = PurePath(self.imp.file.name).suffix.lower()
        truncated = False
        with ExitStack() as stack:
            fileobj = stack.enter_context(self.imp.file.open("rb"))
            opener = _open_xlsx if extension == ".xlsx" else _open_csv
            try:
                size_hint, rows, close = opener(fileobj)
            except _FILE_ERRORS as exc:
                raise _unreadable(extension) from exc
            stack.callback(close)

            code_col, note_col, seen_first = 0, 1, False
            for number, values in _guarded(rows, extension):
                if not seen_first:
                    if _is_empty(values):
                        continue
                    seen_first = True
                    header = _find_header(values)
                    if size_hint:
                        self.estimate = max(size_hint - (number if header else number - 1), 0)
                    if header:
                        code_col, note_col = header
                        continue
                code_value = values[code_col] if code_col < len(values) else None
                note_value = values[note_col] if note_col is not None and note_col < len(values) else None
                raw, note = _cell_text(code_value), _cell_text(note_value)
                if not raw and not note:
                    continue
                if self.counts["processed_rows"] + len(self.batch) >= MAX_ROWS:
                    truncated = True
                    break
                self._add(number, raw, note)
                if len(self.batch) >= CHUNK_ROWS:
                    self._flush()
            self._flush()

        processed = self.counts["processed_rows"]
        if not processed:
            raise ImportFileError(
                _(
                    "No tracking numbers were found in this file. Put them in column A, one per row, or give "
                    "their column the header “Mã vận đơn”."
                )
            )
        error = ""
        if truncated:
            error = _("Only the first %(limit)s rows were processed; split the file.") % {
                "limit": _grouped(MAX_ROWS)
            }
        result_name = self._save_result()
        TrackingImport.objects.filter(pk=self.imp.pk, status=TrackingImport.Status.RUNNING).update(
            status=TrackingImport.Status.DONE,
            total_rows=processed,
            error=error,
            result_file=result_name,
            finished_at=timezone.now(),
            **self.counts,
        )

    def fail(self, message: str, *, keep_result: bool = True) -> None:
        """End as FAILED. Rows registered before the problem stay registered; the result file lists them."""
        TrackingImport.objects.filter(pk=self.imp.pk).update(
            status=TrackingImport.Status.FAILED,
            error=message[:500],
            finished_at=timezone.now(),
            **self.counts,
        )
        processed = self.counts["processed_rows"]
        if not (processed and keep_result):
            self.result.discard()
            return
        # Failed already, whatever happens to the result file: a progress bar never waits on a dead import.
        message = "%s %s" % (  # noqa: UP031 - two translated sentences
            message,
            _("The %(count)s rows before the problem were registered; the result file lists them.")
            % {"count": _grouped(processed)},
        )
        TrackingImport.objects.filter(pk=self.imp.pk).update(
            error=message[:500], result_file=self._save_result()
        )

    def _add(self, number: int, raw: str, note: str) -> None:
        if raw.startswith("="):
            literal = _QUOTED_LITERAL.match(raw)
            if literal is None:
                self.batch.append(
                    LineVerdict(
                        number, raw[:100], "", Verdict.REFUSED, _("This cell holds a formula, not a code.")
                    )
                )
                return
            raw = literal.group(1).strip()
        self.batch.append((number, raw, note))

    def _flush(self) -> None:
        if not self.batch:
            return
        to_register = [item for item in self.batch if not isinstance(item, LineVerdict)]
        registered = iter(())
        if to_register:
            registered = iter(
                tracking_register_many(
                    customer=self.imp.customer,
                    entries=[(raw, note) for _number, raw, note in to_register],
                    first_line=to_register[0][0],
                )
            )
        for item in self.batch:
            if isinstance(item, LineVerdict):
                verdict = item
            else:
                # The service numbers entries contiguously; rows skipped as empty make the real numbers differ.
                verdict = next(registered)
                verdict.line = item[0]
            self._judge_repeat(verdict)
            self._count(verdict)
            self.result.add(verdict)
        self.batch = []
        self._report_progress()

    def _judge_repeat(self, verdict: LineVerdict) -> None:
        """A code seen earlier in the file is a repeat, whichever chunk it was in (the service sees one chunk)."""
        if verdict.verdict == Verdict.REFUSED or not verdict.code:
            return
        first = self.first_row.setdefault(verdict.code, verdict.line)
        if first != verdict.line:
            verdict.verdict = Verdict.DUPLICATE
            verdict.message = _("Same code as row %(row)d.") % {"row": first}

    def _count(self, verdict: LineVerdict) -> None:
        self.counts["processed_rows"] += 1
        counter = {
            Verdict.ADDED: "added",
            Verdict.ALREADY: "already",
            Verdict.DUPLICATE: "already",
            Verdict.CONFLICT: "conflicts",
            Verdict.REFUSED: "refused",
        }[verdict.verdict]
        self.counts[counter] += 1

    def _report_progress(self) -> None:
        processed = self.counts["processed_rows"]
        if self.estimate is not None:
            total = max(min(self.estimate, MAX_ROWS), processed)
        else:  # the file did not say how many rows it has: always one more chunk to go until it is done
            total = min(processed + CHUNK_ROWS, max(MAX_ROWS, processed))
        # One UPDATE, committed at once (no transaction around the run): the progress bar sees it.
        TrackingImport.objects.filter(pk=self.imp.pk).update(total_rows=total, **self.counts)

    def _save_result(self) -> str:
        stem = PurePath(self.imp.original_name).stem[:60] or "import"
        with tempfile.TemporaryFile() as tmp:
            self.result.save(tmp)
            tmp.seek(0)
            self.imp.result_file.save(f"{stem}-result.xlsx", File(tmp), save=False)
        return self.imp.result_file.name


class _ResultWriter:
    """The result file: one line per data row, in the order of the upload."""

    def __init__(self):
        self.sheet = _SheetWriter(
            title=_("Result"),
            header=[_("Row"), _("As written"), _("Tracking number"), _("Result"), _("Why")],
            widths=(8, 28, 24, 24, 80),
        )
        self.labels = {key: str(label) for key, label in Verdict.LABELS.items()}

    def add(self, verdict: LineVerdict) -> None:
        self.sheet.append(
            (
                verdict.line,
                safe_cell_text(verdict.raw[:100]),
                safe_cell_text(verdict.code),
                self.labels[verdict.verdict],
                safe_cell_text(str(verdict.message)),
            )
        )

    def save(self, fileobj) -> None:
        self.sheet.save(fileobj)

    def discard(self) -> None:
        self.sheet.close()


# --- Reading rows ------------------------------------------------------------------------------------------


def _open_xlsx(fileobj):
    """(rows the file says it has or None, iterator of (row number, values), close)."""
    # load_workbook(fileobj, read_only=True, data_only=True, keep_links=False), with a faster string table.
    reader = _WorkbookReader(fileobj, read_only=True, data_only=True, keep_links=False)
    reader.read()
    workbook = reader.wb
    sheet = workbook.active
    if not hasattr(sheet, "iter_rows"):  # the active sheet is a chart
        sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise ImportFileError(_("This workbook has no sheet with rows in it."))
    size_hint = sheet.max_row
    # The stored size is only what the writing program claimed; rows past a wrong one would be dropped.
    sheet.reset_dimensions()
    return size_hint, _xlsx_rows(sheet), workbook.close


_MAIN = "{%s}" % SHEET_MAIN_NS  # noqa: UP031
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_TEXT, _RUN, _STRING_ITEM = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}si"


class _WorkbookReader(ExcelReader):
    """openpyxl's reader (what load_workbook uses), with the shared-string table read by _read_shared_strings.

    openpyxl builds a Text object per string (~25 µs each here): 2.4 s for the 100,000 distinct codes of a
    full import, before the first row is read. The strings come out the same (a test compares them).
    """

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _read_shared_strings(source)


def _read_shared_strings(source) -> list[str]:
    """openpyxl.reader.strings.read_string_table, without its per-string objects."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag == _STRING_ITEM:
            strings.append(_rich_text_value(node).replace("x005F_", ""))
            node.clear()
    return strings


def _rich_text_value(node) -> str:
    """The text of an <si> or <is>: its plain <t>, then the <t> of each run; phonetic runs left out."""
    parts = [child.text or "" for child in node if child.tag == _TEXT]
    parts += [run.findtext(_TEXT) or "" for run in node if run.tag == _RUN]
    return "".join(parts)


def _xlsx_rows(sheet):
    """(row number, values) of a read-only sheet, as openpyxl's iter_rows(values_only=True) gives them.

    openpyxl's parser spends ~60 µs a cell on this machine (12 s for 100,000 rows of two cells); this one
    reads the same sheet XML with the same rules for the cell types that data_only can return, several times
    faster. It leans on attributes of openpyxl's read-only worksheet; where they are missing (another
    openpyxl) or the XML is not the usual dialect, openpyxl's own parser reads the sheet instead.
    """
    workbook = sheet.parent
    try:
        archive, path, strings = workbook._archive, sheet._worksheet_path, sheet._shared_strings
        date_styles, timedelta_styles, epoch = (
            workbook._date_formats,
            workbook._timedelta_formats,
            workbook.epoch,
        )
    except AttributeError:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        return

    number = 0
    with archive.open(path) as source:
        for index, (_event, element) in enumerate(iterparse(source)):
            tag = element.tag
            if tag != _ROW:
                if index == 0 and not tag.startswith(_MAIN):  # e.g. Strict OOXML: let openpyxl try
                    yield from enumerate(sheet.iter_rows(values_only=True), start=1)
                    return
                continue
            # Rows the file leaves out are empty: nothing is yielded for them (a row numbered in the
            # billions costs nothing), and cells past MAX_COLUMNS are not read (nor is a cell in XFD).
            number = int(element.get("r") or number + 1)
            values = []
            for cell in element:
                if cell.tag != _CELL:
                    continue
                ref = cell.get("r")
                if ref:
                    column = column_index_from_string(ref.rstrip("0123456789"))
                    if column > MAX_COLUMNS:
                        break
                    if column > len(values) + 1:
                        values.extend([None] * (column - len(values) - 1))
                elif len(values) >= MAX_COLUMNS:
                    break
                values.append(_xlsx_value(cell, strings, date_styles, timedelta_styles, epoch))
            element.clear()
            yield number, tuple(values)


def _xlsx_value(cell, strings, date_styles, timedelta_styles, epoch):
    """A cell's value as openpyxl's read-only data_only parser makes it (WorkSheetParser.parse_cell)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return None if inline is None else _rich_text_value(inline)
    value = cell.findtext(_VALUE) or None
    if value is None:
        return None
    if kind == "n":
        number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        style = cell.get("s")
        if style and int(style) in date_styles:
            try:
                return from_excel(number, epoch, timedelta=int(style) in timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # "str" (a formula's text result), "e" (an error such as #N/A)


def _open_csv(fileobj):
    """(lines in the file, iterator of (row number as Excel would show it, values), close)."""
    data = fileobj.read()  # at most MAX_UPLOAD_BYTES: the encoding is only known once all of it decodes
    text = _decode(data)
    del data
    delimiter = _sniff_delimiter(text)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return lines, enumerate(reader, start=1), lambda: None


def _decode(data: bytes) -> str:
    if data.startswith(UTF16_BOMS):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    vietnamese = _as_vietnamese(data)
    if vietnamese is not None and _reads_as_words(vietnamese):
        return vietnamese
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    if vietnamese is not None:  # Vietnamese letters only, though not in words: not Chinese at least
        return vietnamese
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    raise ImportFileError(
        _(
            "The letters in this CSV file could not be read. In Excel, save it again as “CSV UTF-8”, or as .xlsx."
        )
    )


def _as_vietnamese(data: bytes) -> str | None:
    """data read as cp1258 and composed (as typed), if all of it is Vietnamese; otherwise None."""
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None
    if not all(ch.isascii() or ch in VIETNAMESE_CHARACTERS for ch in text):
        return None
    return text


def _reads_as_words(text: str) -> bool:
    """Whether text's letters outside ASCII mostly sit in words with Latin letters, as Vietnamese's do."""
    # Vietnamese letters sit in words with Latin letters ("khoác", "được"); Chinese read as cp1258 gives
    # runs of them with none beside ("ÀÁ"). Only a few Vietnamese words ("ở", "ừ") stand alone.
    attached = alone = 0
    for run in NON_ASCII_RUN.finditer(text):
        before, after = text[run.start() - 1 : run.start()], text[run.end() : run.end() + 1]
        if ASCII_LETTER.match(before) or ASCII_LETTER.match(after):
            attached += 1
        else:
            alone += 1
    return attached >= alone


def _sniff_delimiter(text: str) -> str:
    sample = text[:CSV_SNIFF_CHARS]
    if len(text) > CSV_SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:  # one column, or too little to tell: the delimiter the first line has most of
        first = next((line for line in sample.splitlines() if line.strip()), "")
        best = max(CSV_DELIMITERS, key=first.count)
        return best if first.count(best) else ","


def _guarded(rows, extension: str):
    """The rows, with the reading libraries' errors turned into a message for the customer."""
    try:
        yield from rows
    except _FILE_ERRORS as exc:
        raise _unreadable(extension) from exc


def _unreadable(extension: str) -> ImportFileError:
    if extension == ".csv":
        return ImportFileError(
            _(
                "This CSV file is damaged and could not be read. Open it in Excel and save it again as .csv or .xlsx."
            )
        )
    return ImportFileError(
        _(
            "This file could not be read as an Excel workbook: it is damaged or not really .xlsx. Open it in "
            "Excel and save it again as .xlsx (Excel Workbook) or .csv."
        )
    )


def _is_empty(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _header_key(value) -> str:
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(text.split()).strip(" :*#.")


def _find_header(values) -> tuple[int, int | None] | None:
    """(code column, note column or None) if this row names a code column; None if it is data."""
    keys = [_header_key(value) for value in values]
    code_col = next((i for i, key in enumerate(keys) if key in CODE_HEADERS), None)
    if code_col is None:
        return None
    note_col = next((i for i, key in enumerate(keys) if key in NOTE_HEADERS and i != code_col), None)
    return code_col, note_col


def _cell_text(value) -> str:
    """A cell as the text a customer meant: numbers without '.0', numbers that lost digits as they now read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:  # Excel keeps 15 significant digits: these are exact
            return str(int(value))
        # Past 15 digits Excel has rounded the number: keep the rounded form, which normalisation refuses.
        return format(value, ".15G")
    return str(value).strip()


# --- Writing cells -----------------------------------------------------------------------------------------


def safe_cell_text(value: str) -> str:
    """Text as a spreadsheet cell that never turns into a formula and never breaks the file."""
    value = value or ""
    if not value.isprintable():  # a quick test for the rare control character
        value = _XML_ILLEGAL.sub("", value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_PART = "xl/worksheets/sheet1.xml"


class _SheetWriter:
    """A one-sheet .xlsx of plain values (int, str, None), written fast.

    openpyxl's write-only mode builds and serialises an XML element per cell (~35 µs a cell on this machine
    without lxml: 17 s for a 100,000-row result). Here openpyxl still makes the package (workbook, styles,
    column widths, the header row) and the data rows are streamed into its sheet as XML text, with strings
    inline, as openpyxl itself writes them. Strings are only ever text: no cell can become a formula.
    """

    def __init__(self, *, title: str, header, widths):
        self.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
        self.header, self.widths = list(header), widths
        self.columns = [get_column_letter(i) for i in range(1, len(self.header) + 1)]
        self.rows = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by save/close
        self.pending: list[str] = []
        self.count = 1  # the header

    def append(self, values) -> None:
        self.count += 1
        row = self.count
        cells = []
        for letter, value in zip(self.columns, values, strict=True):
            if value is None or value == "":
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                cells.append(f'<c r="{letter}{row}" t="n"><v>{value}</v></c>')
            else:
                text = str(value)
                if not text.isprintable():
                    text = _XML_ILLEGAL.sub("", text)
                text = xml_escape(text)
                cells.append(
                    f'<c r="{letter}{row}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        self.pending.append(f'<row r="{row}">{"".join(cells)}</row>')
        if len(self.pending) >= 1000:
            self._spill()

    def _spill(self) -> None:
        self.rows.write("".join(self.pending).encode())
        self.pending = []

    def save(self, stream) -> None:
        """Write the .xlsx to a binary stream; it need not be seekable (an HttpResponse will do)."""
        self._spill()
        skeleton = Workbook()
        sheet = skeleton.active
        sheet.title = self.title
        for letter, width in zip(self.columns, self.widths, strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.append(self.header)
        buffer = io.BytesIO()
        skeleton.save(buffer)
        with (
            zipfile.ZipFile(buffer) as source,
            zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
        ):
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename != _SHEET_PART:
                    target.writestr(item.filename, data)
                    continue
                head, tail = data.split(b"</sheetData>", 1)
                head = re.sub(
                    rb'<dimension ref="[^"]*"',
                    f'<dimension ref="A1:{self.columns[-1]}{self.count}"'.encode(),
                    head,
                )
                self.rows.seek(0)
                with target.open(item.filename, "w") as part:
                    part.write(head)
                    shutil.copyfileobj(self.rows, part, 1024 * 1024)
                    part.write(b"</sheetData>" + tail)
        self.close()

    def close(self) -> None:
        self.rows.close()


# --- The export --------------------------------------------------------------------------------------------


def export_tracking_xlsx(queryset, stream) -> None:
    """Write these tracking numbers as an .xlsx to a binary stream (a file, or an HttpResponse)."""
    sheet = _SheetWriter(
        title=_("Tracking numbers"),
        header=[
            _("Tracking number"),
            _("Courier"),
            _("Note"),
            _("Registered on"),
            _("Status"),
            _("Order code"),
        ],
        widths=(24, 24, 40, 18, 20, 16),
    )
    zone = timezone.get_default_timezone()  # settings.TIME_ZONE, Asia/Ho_Chi_Minh
    statuses = {value: str(label) for value, label in TrackingStatus.choices}
    couriers = {value: str(label) for value, label in Courier.choices}
    for tracking in queryset.select_related("consignment").iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(
            (
                safe_cell_text(tracking.code),
                couriers.get(tracking.courier, ""),
                safe_cell_text(tracking.note),
                timezone.localtime(tracking.created_at, zone).strftime("%d/%m/%Y %H:%M"),
                statuses.get(tracking.status, tracking.status),
                tracking.consignment.code if tracking.consignment_id else "",
            )
        )
    sheet.save(stream)
