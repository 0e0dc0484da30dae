import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from addresses.selectors import customer_has_address
from core.errors import DomainError

from .models import TrackingNumber, TrackingStatus
from .normalize import clean_tracking_code, recognise_courier
from .selectors import past_registration_q, reuse_cutoff, stale_cutoff
from .signals import codes_registered

MAX_PASTE_LINES = 5000
MAX_NOTE_LENGTH = 255
_QUERY_CHUNK = 900  # stay under SQLite's bound-parameter limit
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a textarea sends (CRLF), or a pasted file's own breaks
_WITHIN_LINE = re.compile(r"[,;\t]+")
# Characters a text column cannot hold (PostgreSQL refuses a zero byte; a lone surrogate has no UTF-8).
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


class Verdict:
    ADDED = "added"
    ALREADY = "already"  # this customer registered it before
    CONFLICT = "conflict"  # added, but another customer registered it too
    DUPLICATE = "duplicate"  # the same code earlier in this list
    REFUSED = "refused"

    LABELS = {
        ADDED: gettext_lazy("Added"),
        ALREADY: gettext_lazy("Already yours"),
        CONFLICT: gettext_lazy("Registered by someone else"),
        DUPLICATE: gettext_lazy("Repeated in this list"),
        REFUSED: pgettext_lazy("verdict", "Refused"),
    }


# Each verdict's counter on TrackingImport: an import's page counts exactly what its result file says, row by
# row (a code repeated within the file is "repeated" on both, never "already yours").
IMPORT_COUNTERS = {
    Verdict.ADDED: "added",
    Verdict.ALREADY: "already",
    Verdict.DUPLICATE: "repeated",
    Verdict.CONFLICT: "conflicts",
    Verdict.REFUSED: "refused",
}


def import_verdict_counts(imp) -> list[tuple[str, str, int]]:
    """(verdict, label, rows) of an import, in the result file's words."""
    return [(key, str(label), getattr(imp, IMPORT_COUNTERS[key])) for key, label in Verdict.LABELS.items()]


@dataclass
class LineVerdict:
    line: int
    raw: str
    code: str
    verdict: str
    message: str = ""

    @property
    def label(self) -> str:
        return str(Verdict.LABELS[self.verdict])

    @property
    def is_good(self) -> bool:
        return self.verdict in (Verdict.ADDED, Verdict.ALREADY, Verdict.CONFLICT, Verdict.DUPLICATE)


def split_pasted(text: str) -> list[tuple[int, str]]:
    """A pasted list → its non-empty entries, split on new lines, commas, semicolons and tabs, each with the
    number of its line in the box (from 1; blank lines count, several entries of one line share it)."""
    return [
        (number, part)
        for number, line in enumerate(_LINE_BREAK.split(text or ""), start=1)
        for part in _WITHIN_LINE.split(line)
        if part.strip()
    ]


def _unreadable_message() -> str:
    return _(
        "This line holds a character that cannot be read (shown as “�”): type the code again instead of "
        "copying it."
    )


def _chunks(items, size=_QUERY_CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _require_address(customer) -> None:
    if not customer_has_address(customer=customer):
        raise DomainError(_("Add a Vietnam delivery address first."), code="no_address")


def tracking_register_many(
    *, customer, entries: list[tuple[str, str]], first_line: int = 1, lines: list[int] | None = None
) -> list[LineVerdict]:
    """Register many (raw code, note) pairs at once; one verdict per entry, in order, numbered from
    first_line on, or by `lines` (one number per entry: the line of a pasted box).

    A bad entry never costs the good ones: each is judged on its own, and every good new code is saved in
    one transaction. Work is a handful of queries whatever the size (chunked `IN` look-ups, bulk insert).
    An entry with a character a database text cannot hold (a zero byte) is refused, and costs only itself.
    """
    _require_address(customer)
    verdicts: list[LineVerdict] = []
    first_seen: dict[str, int] = {}
    fresh: dict[str, tuple[str, str]] = {}
    for offset, (raw, note) in enumerate(entries):
        line = lines[offset] if lines is not None else first_line + offset
        raw_text = (raw or "").strip()
        note = _UNREADABLE.sub("", note or "")
        if _UNREADABLE.search(raw_text):
            shown = _UNREADABLE.sub("\ufffd", raw_text)
            verdicts.append(LineVerdict(line, shown, "", Verdict.REFUSED, _unreadable_message()))
            continue
        try:
            code = clean_tracking_code(raw_text)
        except ValidationError as exc:
            verdicts.append(LineVerdict(line, raw_text, "", Verdict.REFUSED, exc.messages[0]))
            continue
        if code in first_seen:
            verdicts.append(
                LineVerdict(
                    line,
                    raw_text,
                    code,
                    Verdict.DUPLICATE,
                    _("Same code as line %(line)d.") % {"line": first_seen[code]},
                )
            )
            continue
        first_seen[code] = line
        fresh[code] = (raw_text[:200], (note or "").strip()[:MAX_NOTE_LENGTH])
        verdicts.append(LineVerdict(line, raw_text, code, Verdict.ADDED))

    codes = list(fresh)
    others = set()
    for chunk in _chunks(codes):
        others.update(
            TrackingNumber.objects.filter(code__in=chunk)
            .exclude(customer=customer)
            .exclude(past_registration_q())
            .order_by()
            .values_list("code", flat=True)
        )
    with transaction.atomic():
        new_codes = _insert_new(customer=customer, fresh=fresh)
        if new_codes:
            # The parcels may be here already: matching (the warehouse app) enqueues itself on commit.
            codes_registered.send(sender=TrackingNumber, codes=new_codes)

    inserted = set(new_codes)
    for v in verdicts:
        if v.verdict != Verdict.ADDED:
            continue
        if v.code not in inserted:
            v.verdict, v.message = Verdict.ALREADY, _("You registered this code before.")
        elif v.code in others:
            v.verdict = Verdict.CONFLICT
            v.message = _(
                "Another customer registered this code too. It is kept; when the parcel arrives, the customer "
                "code on its label decides whose it is."
            )
    return verdicts


# Skips what the customer holds: an open registration of the code (the conflict target), or one matched to an
# order that still owns the number (not retired, not finished before the reuse cutoff: _held's rule).
_INSERT_MANY = """
    INSERT INTO tracking_trackingnumber (customer_id, code, raw_code, note, courier, status, created_at, updated_at)
    SELECT %(customer)s, t.code, t.raw_code, t.note, t.courier, %(status)s, %(now)s, %(now)s
    FROM unnest(%(codes)s::text[], %(raws)s::text[], %(notes)s::text[], %(couriers)s::text[])
        AS t(code, raw_code, note, courier)
    WHERE NOT EXISTS (
        SELECT 1 FROM tracking_trackingnumber x JOIN consignments_consignment c ON c.id = x.consignment_id
        WHERE x.customer_id = %(customer)s AND x.code = t.code
          AND c.retired_at IS NULL AND (c.finished_at IS NULL OR c.finished_at >= %(cutoff)s)
    )
    ON CONFLICT (customer_id, code) WHERE consignment_id IS NULL DO NOTHING
    RETURNING code
"""


def _held(*, customer, codes: list[str]) -> set[str]:
    """Codes this customer holds: registered and open, or matched to an order that still owns the number
    (a registration whose order finished long ago is history: the number may be registered again)."""
    held = set()
    for chunk in _chunks(codes):
        held.update(
            TrackingNumber.objects.filter(customer=customer, code__in=chunk)
            .exclude(past_registration_q())
            .order_by()
            .values_list("code", flat=True)
        )
    return held


def _insert_new(*, customer, fresh: dict[str, tuple[str, str]]) -> list[str]:
    """Insert the codes this customer does not hold yet (_held); return those inserted (in order).

    PostgreSQL: one statement per 5,000 codes, which skips the codes held (the same rule, in SQL) and one
    inserted meanwhile by a parallel paste (one open registration per customer and code), and says which rows
    it wrote. Elsewhere: look up, then bulk_create.
    """
    if connection.vendor == "postgresql":
        now = timezone.now()
        items = list(fresh.items())
        inserted = []
        with connection.cursor() as cursor:
            for start in range(0, len(items), 5000):
                batch = items[start : start + 5000]
                cursor.execute(
                    _INSERT_MANY,
                    {
                        "customer": customer.pk,
                        "status": TrackingStatus.REGISTERED,
                        "now": now,
                        "cutoff": reuse_cutoff(now),
                        "codes": [code for code, _rest in batch],
                        "raws": [raw for _code, (raw, _note) in batch],
                        "notes": [note for _code, (_raw, note) in batch],
                        "couriers": [recognise_courier(code) or "" for code, _rest in batch],
                    },
                )
                inserted.extend(row[0] for row in cursor.fetchall())
        return inserted
    held = _held(customer=customer, codes=list(fresh))
    rows = [
        TrackingNumber(
            customer=customer, code=code, raw_code=raw, note=note, courier=recognise_courier(code) or ""
        )
        for code, (raw, note) in fresh.items()
        if code not in held
    ]
    TrackingNumber.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return [row.code for row in rows]


def tracking_register(*, customer, raw_code: str, note: str = "") -> TrackingNumber:
    """Register one supplier tracking number. If the parcel is already here, a task matches it."""
    (verdict,) = tracking_register_many(customer=customer, entries=[(raw_code, note)])
    if verdict.verdict == Verdict.REFUSED:
        raise DomainError(verdict.message, code="refused")
    if verdict.verdict == Verdict.ALREADY:
        raise DomainError(
            _("You have already registered %(code)s.") % {"code": verdict.code}, code="duplicate"
        )
    tracking = TrackingNumber.objects.filter(customer=customer, code=verdict.code).order_by("-id").first()
    tracking.conflict = verdict.verdict == Verdict.CONFLICT
    return tracking


def tracking_register_pasted(*, customer, text: str) -> tuple[list[LineVerdict], str]:
    """A pasted list: the first MAX_PASTE_LINES entries are registered; the rest is handed back untouched."""
    entries = split_pasted(text)
    if not entries:
        raise DomainError(_("Paste at least one tracking number, one per line."), code="empty")
    taken, rest = entries[:MAX_PASTE_LINES], entries[MAX_PASTE_LINES:]
    verdicts = tracking_register_many(
        customer=customer, entries=[(raw, "") for _line, raw in taken], lines=[line for line, _raw in taken]
    )
    return verdicts, "\n".join(_UNREADABLE.sub("\ufffd", raw) for _line, raw in rest)


def _locked_for_change(*, customer, pk) -> TrackingNumber:
    tracking = TrackingNumber.objects.select_for_update().filter(pk=pk, customer=customer).first()
    if tracking is None:
        raise DomainError(_("This tracking number does not exist."), code="not_found")
    if tracking.is_locked:
        raise DomainError(
            _("The warehouse has received %(code)s: it can no longer be changed.") % {"code": tracking.code},
            code="locked",
        )
    return tracking


@transaction.atomic
def tracking_update_note(*, customer, pk: int, note: str) -> TrackingNumber:
    tracking = _locked_for_change(customer=customer, pk=pk)
    tracking.note = (note or "").strip()[:MAX_NOTE_LENGTH]
    tracking.save(update_fields=["note", "updated_at"])
    return tracking


@transaction.atomic
def tracking_cancel(*, customer, pk: int) -> str:
    """Withdraw a registration before the parcel arrives. Returns the code."""
    tracking = _locked_for_change(customer=customer, pk=pk)
    code = tracking.code
    tracking.delete()
    return code


def tracking_mark_matched(*, tracking: TrackingNumber, consignment) -> None:
    TrackingNumber.objects.filter(pk=tracking.pk).update(
        status=TrackingStatus.MATCHED, consignment=consignment
    )
    tracking.status = TrackingStatus.MATCHED
    tracking.consignment = consignment


def trackings_notify_stale(*, now=None) -> int:
    """Tell each customer, once per code, that a registered parcel has not reached the warehouse in N days."""
    from notifications.models import NotificationKind
    from notifications.services import notification_send

    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    told = 0
    candidates = TrackingNumber.objects.filter(
        status=TrackingStatus.REGISTERED, created_at__lt=cutoff, stale_notified_at__isnull=True
    ).values_list("pk", "customer_id")
    for pk, customer_id in candidates.iterator(chunk_size=2000):
        with transaction.atomic():
            # compare-and-set: two runs at once tell the customer once
            if TrackingNumber.objects.filter(pk=pk, stale_notified_at__isnull=True).update(
                stale_notified_at=now
            ):
                notification_send(user_id=customer_id, kind=NotificationKind.TRACKING_STALE, tracking_id=pk)
                told += 1
    return told
