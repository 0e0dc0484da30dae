"""The customer's statement: its entries with the page's filters, and the same as an .xlsx file.

Both read the ledger by keyset (the newest first, `id` below a cursor) on the (wallet, -id) and
(wallet, kind, -id) indexes, and never count it: a statement of 100,000 entries costs the same queries as
one of ten.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.imports.export import SheetWriter, safe_cell_text

from .models import EntryKind, WalletEntry

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
EXPORT_CHUNK = 2_000


def _local_midnight(day: date) -> datetime:
    """The start of a local (Asia/Ho_Chi_Minh) day, as an aware moment."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def statement_entries(
    *, customer, kind: str = "", date_from: date | None = None, date_to: date | None = None
):
    """A customer's ledger entries, newest first, filtered by kind and by local dates (both ends included)."""
    qs = WalletEntry.objects.filter(wallet_id=customer.pk)  # a wallet's key is its customer's
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(at__lt=_local_midnight(date_to + timedelta(days=1)))
    return qs.order_by("-id")


def statement_page(queryset, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE):
    """One page of entries by keyset: older than `before`, or newer than `after` (newest first either way).
    Returns (entries, older_cursor, newer_cursor); a cursor is None when there is nothing that way."""
    queryset = queryset.select_related("consignment").only(
        "id", "kind", "amount_vnd", "balance_after_vnd", "reason", "at", "consignment__code"
    )
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return rows, (rows[-1].id if rows else None), (rows[0].id if rows and more_newer else None)
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    older = rows[-1].id if rows and more_older else None
    newer = rows[0].id if rows and before is not None else None
    return rows, older, newer


def export_statement_xlsx(queryset, stream, *, limit: int | None = None) -> int:
    """Write these entries (at most `limit`, newest first) as an .xlsx to a binary stream; returns how many.

    Written with the tracking export's sheet writer (openpyxl makes the package, rows are streamed as
    XML): 100,000 rows in seconds where openpyxl's write-only mode takes about 17 s. Text can never
    become a formula.
    """
    limit = limit or EXPORT_MAX_ROWS
    sheet = SheetWriter(
        title=_("Statement"),
        header=[
            _("Time"),
            _("Kind"),
            _("Amount (VND)"),
            _("Balance after (VND)"),
            _("Order"),
            _("Reason"),
        ],
        widths=(18, 16, 16, 20, 16, 50),
    )
    zone = timezone.get_default_timezone()
    kinds = {value: str(label) for value, label in EntryKind.choices}
    rows = queryset.values_list(
        "at", "kind", "amount_vnd", "balance_after_vnd", "consignment__code", "reason"
    )
    count = 0
    for at, kind, amount, balance, code, reason in rows[:limit].iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(
            (
                timezone.localtime(at, zone).strftime("%d/%m/%Y %H:%M"),
                kinds.get(kind, kind),
                amount,
                balance,
                code or "",
                safe_cell_text(reason),
            )
        )
        count += 1
    sheet.save(stream)
    return count
