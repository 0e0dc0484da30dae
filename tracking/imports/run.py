"""The import itself, the Celery task's body: read the rows, register them chunk by chunk with progress, and
write the result file with one line per row saying what became of it. Also the sweep behind the task.

Spreadsheets are hostile input: nothing read from one ever raises out of `import_run` (a broken file ends the
import as FAILED with a reason a customer can act on), and nothing written to one can become a formula.
"""

import re
import tempfile
from contextlib import ExitStack
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import numberformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from core.broker import publish
from core.errors import DomainError
from core.files import file_extension, file_stem

from ..models import TrackingImport, TrackingNumber
from ..selectors import past_registration_q
from ..services import IMPORT_COUNTERS, LineVerdict, Verdict, tracking_register_many
from ..tasks import run_import
from .common import CHUNK_ROWS, FILE_ERRORS, MAX_ROWS, ImportFileError
from .export import SheetWriter, safe_cell_text
from .headers import find_layout
from .number_formats import WithDecimals
from .reading import cell_text, guarded, open_rows, unreadable

REFUSED_SHOWN = 20  # refused rows listed on the import's page; the result file lists them all

_QUOTED_LITERAL = re.compile(r'^=\s*"([^"]*)"\s*$')  # ="78123456789012": how exports keep long numbers text


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


def _restart_note() -> str:
    """Kept in `error` while an import runs a second time: the sweep restarts a stalled import only once."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Processing was interrupted and started again from the beginning of the file.")


def imports_sweep(*, now=None) -> dict[str, int]:
    """The scheduled clean-up behind the import task. A stalled import (its worker was killed, restarted or
    ran out of memory) starts again from the beginning, once: rows the first run registered are not registered
    twice and still count as added. Stalled a second time, it ends as FAILED with a message that says what to
    do. Forgotten ones (the message lost) are queued again. Returns {"restarted", "failed", "requeued"}."""
    now = now or timezone.now()
    note = _restart_note()
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Processing stopped before the end of the file. Upload it again: numbers already registered are "
            "reported as “already yours” and nothing is registered twice."
        )
    # started_at is empty for imports started before it was kept: their upload time stands in for it.
    stalled = Q(started_at__lt=now - STALLED_AFTER) | Q(
        started_at__isnull=True, created_at__lt=now - STALLED_AFTER
    )
    running = TrackingImport.objects.filter(stalled, status=TrackingImport.Status.RUNNING)
    failed = running.filter(error=note).update(
        status=TrackingImport.Status.FAILED, error=message, finished_at=now
    )
    # Back to PENDING with its counters at zero; queued below with the forgotten ones (it was uploaded long ago).
    restarted = running.exclude(error=note).update(
        status=TrackingImport.Status.PENDING,
        started_at=None,
        error=note,
        total_rows=0,
        processed_rows=0,
        refused_rows=[],
        **dict.fromkeys(IMPORT_COUNTERS.values(), 0),
    )
    requeued = 0
    forgotten = TrackingImport.objects.filter(
        status=TrackingImport.Status.PENDING, created_at__lt=now - REQUEUE_AFTER
    ).values_list("pk", flat=True)
    for import_id in forgotten:
        # Only a PENDING import is started, so a duplicate message does nothing.
        requeued += publish(run_import, import_id)
    return {"restarted": restarted, "failed": failed, "requeued": requeued}


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
        self.counts = {"processed_rows": 0, **dict.fromkeys(IMPORT_COUNTERS.values(), 0)}
        self.refused_rows: list[list] = []  # the first REFUSED_SHOWN, for the page
        self.estimate: int | None = None  # data rows expected, from the file's own count of its rows
        self.result = _ResultWriter()
        self.restarted = imp.error == _restart_note()  # the sweep started it again after an interruption

    def run(self) -> None:
        extension = file_extension(self.imp.file.name)
        truncated = False
        with ExitStack() as stack:
            fileobj = stack.enter_context(self.imp.file.open("rb"))
            try:
                source = open_rows(fileobj, extension, self.imp.csv_separator)
            except FILE_ERRORS as exc:
                raise unreadable(extension) from exc
            stack.callback(source.close)

            layout, rows = find_layout(guarded(source.rows, extension))
            code_col, note_col = layout.code_col, layout.note_col
            # A CSV note in the header's last column keeps the separators written in it without quotes
            # ("áo, size M"): the cells past the header's width are its own.
            joined_note = bool(source.delimiter and layout.header_row and note_col == layout.width - 1)
            for number, values in rows:
                if self.estimate is None and source.size_hint:
                    skipped = layout.header_row if layout.header_row else number - 1
                    self.estimate = max(source.size_hint - skipped, 0)
                code_value = values[code_col] if code_col < len(values) else None
                note_value = values[note_col] if note_col is not None and note_col < len(values) else None
                if joined_note and len(values) > layout.width:
                    cells = list(values[note_col:])
                    while cells and not cells[-1].strip():
                        cells.pop()
                    note_value = source.delimiter.join(cells)
                raw, note = cell_text(code_value), cell_text(note_value)
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
            refused_rows=self.refused_rows,
            **self.counts,
        )

    def fail(self, message: str, *, keep_result: bool = True) -> None:
        """End as FAILED. Rows registered before the problem stay registered; the result file lists them."""
        TrackingImport.objects.filter(pk=self.imp.pk).update(
            status=TrackingImport.Status.FAILED,
            error=message[:500],
            finished_at=timezone.now(),
            refused_rows=self.refused_rows,
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
        if isinstance(raw, WithDecimals):
            self._refuse(
                number,
                raw,
                _(
                    "“%(raw)s” is a number with decimals, not a tracking number. Format the column as Text in "
                    "Excel and type the code again."
                )
                % {"raw": raw[:30]},
            )
            return
        if raw.startswith("="):
            literal = _QUOTED_LITERAL.match(raw)
            if literal is None:
                self._refuse(number, raw, _("This cell holds a formula, not a code."))
                return
            raw = literal.group(1).strip()
        self.batch.append((number, raw, note))

    def _refuse(self, number: int, raw: str, message: str) -> None:
        self.batch.append(LineVerdict(number, raw[:100], "", Verdict.REFUSED, message))

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
        verdicts = []
        for item in self.batch:
            if isinstance(item, LineVerdict):
                verdict = item
            else:
                # The service numbers entries contiguously; rows skipped as empty make the real numbers differ.
                verdict = next(registered)
                verdict.line = item[0]
            verdicts.append(verdict)
        if self.restarted:
            self._claim_earlier_run([v for v in verdicts if v.verdict == Verdict.ALREADY])
        for verdict in verdicts:
            self._judge_repeat(verdict)
            self._count(verdict)
            self.result.add(verdict)
        self.batch = []
        self._report_progress()

    def _claim_earlier_run(self, already: list[LineVerdict]) -> None:
        """A restarted import: codes "already yours" registered since the upload are this file's own rows,
        registered by the run that was interrupted: added (or conflicts), as the first run would have said."""
        if not already:
            return
        customer = self.imp.customer
        mine = set(
            TrackingNumber.objects.filter(
                customer=customer, code__in=[v.code for v in already], created_at__gte=self.imp.created_at
            ).values_list("code", flat=True)
        )
        others = set(
            TrackingNumber.objects.filter(code__in=mine)
            .exclude(customer=customer)
            .exclude(past_registration_q())
            .values_list("code", flat=True)
        )
        for verdict in already:
            if verdict.code in others:
                verdict.verdict = Verdict.CONFLICT
                verdict.message = _(
                    "Another customer registered this code too. It is kept; when the parcel arrives, the "
                    "customer code on its label decides whose it is."
                )
            elif verdict.code in mine:
                verdict.verdict, verdict.message = Verdict.ADDED, ""

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
        self.counts[IMPORT_COUNTERS[verdict.verdict]] += 1  # the verdict the result file writes, nothing else
        if verdict.verdict == Verdict.REFUSED and len(self.refused_rows) < REFUSED_SHOWN:
            self.refused_rows.append([verdict.line, verdict.raw[:100], str(verdict.message)[:300]])

    def _report_progress(self) -> None:
        processed = self.counts["processed_rows"]
        if self.estimate is not None:
            total = max(min(self.estimate, MAX_ROWS), processed)
        else:  # the file did not say how many rows it has: always one more chunk to go until it is done
            total = min(processed + CHUNK_ROWS, max(MAX_ROWS, processed))
        # One UPDATE, committed at once (no transaction around the run): the progress bar sees it.
        TrackingImport.objects.filter(pk=self.imp.pk).update(
            total_rows=total, refused_rows=self.refused_rows, **self.counts
        )

    def _save_result(self) -> str:
        stem = file_stem(self.imp.original_name, "import")[:60]
        with tempfile.TemporaryFile() as tmp:
            self.result.save(tmp)
            tmp.seek(0)
            self.imp.result_file.save(f"{stem}-result.xlsx", File(tmp), save=False)
        return self.imp.result_file.name


class _ResultWriter:
    """The result file: one line per data row, in the order of the upload."""

    def __init__(self):
        self.sheet = SheetWriter(
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
