"""Loading many TrackingNumber rows fast: PostgreSQL COPY in one stream, bulk_create elsewhere.

`copy_tracking_numbers(rows)` takes (customer_id, code, overrides) tuples, where overrides is a dict of other
column values (status, courier, created_at, note…) or None; every column not given gets what a new
TrackingNumber would get (its defaults, auto_now timestamps), so rows stay right when fields are added.

`secondary_indexes_dropped(model)` is what pg_restore does for a big load: inside the caller's transaction it
drops the table's secondary indexes, UNIQUE and FOREIGN KEY constraints (all read from the catalogue, so new
ones are covered), and recreates them afterwards, each index built in one sort and each foreign key checked
in one join instead of row by row. The result is the same table; only the indexes are freshly packed.
"""

import contextlib
import io

from django.db import connection

from tracking.models import TrackingNumber

BATCH = 5000  # rows per bulk_create
STREAM_BUFFER = 1 << 20  # characters buffered before they are written into the COPY stream


def copy_tracking_numbers(rows) -> int:
    """Insert (customer_id, code, overrides) rows; returns how many. COPY on PostgreSQL."""
    if connection.vendor != "postgresql":
        return _bulk_create(rows)
    meta = TrackingNumber._meta
    template = TrackingNumber(customer_id=0, code="", raw_code="")
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    defaults = {
        field.attname: _copy_value(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        for field in fields
    }
    attnames = [field.attname for field in fields]
    prep = {field.attname: field for field in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        stream = _Stream()

        def lines():
            nonlocal count
            for customer_id, code, overrides in rows:
                values = dict(defaults, customer_id=str(customer_id), code=_copy_value(code))
                values["raw_code"] = values["code"]
                for attname, value in (overrides or {}).items():
                    field = prep[attname]
                    values[attname] = _copy_value(field.get_db_prep_save(value, connection))
                count += 1
                yield "\t".join(values[name] for name in attnames) + "\n"

        stream.source = lines()
        raw.copy_expert(sql, stream, size=STREAM_BUFFER)
    return count


class _Stream(io.TextIOBase):
    """A file-like view of a generator of lines, so one COPY takes any number of rows without a temp file."""

    source = iter(())
    _pending = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, have = [self._pending], len(self._pending)
        if size < 0 or have < size:
            for line in self.source:
                parts.append(line)
                have += len(line)
                if 0 <= size <= have:
                    break
        text = "".join(parts)
        if size < 0 or len(text) <= size:
            self._pending = ""
            return text
        self._pending = text[size:]
        return text[:size]


def _bulk_create(rows) -> int:
    count, batch = 0, []
    for customer_id, code, overrides in rows:
        batch.append(TrackingNumber(customer_id=customer_id, code=code, raw_code=code, **(overrides or {})))
        if len(batch) == BATCH:
            count += _flush(batch)
    return count + _flush(batch)


def _flush(batch: list) -> int:
    given = [row.created_at for row in batch]
    TrackingNumber.objects.bulk_create(batch)
    if any(given):  # auto_now_add overwrote the given registration times: put them back
        field = TrackingNumber._meta.get_field("created_at")
        table, quote = TrackingNumber._meta.db_table, connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(field.column)} = %s WHERE id = %s",  # noqa: S608 (model names)
                [
                    (field.get_db_prep_save(when, connection), row.pk)
                    for row, when in zip(batch, given, strict=True)
                    if when is not None
                ],
            )
    count = len(batch)
    batch.clear()
    return count


@contextlib.contextmanager
def secondary_indexes_dropped(model):
    """Drop the table's secondary indexes and UNIQUE/FOREIGN KEY constraints, yield, recreate them.

    Call inside transaction.atomic(): a failure then leaves the table as it was. No-op except on PostgreSQL.
    """
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [table],
        )
        constraints = cursor.fetchall()  # UNIQUE first: they must exist again before the FOREIGN KEYs
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in reversed(constraints):
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # each index sorted in memory
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def analyze(model=None) -> None:
    """What autovacuum does after a big load: planner statistics and, for one table, a VACUUM too (PostgreSQL
    13+ vacuums after many inserts), which sets the visibility map that index-only scans rely on."""
    with connection.cursor() as cursor:
        if model is None:
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


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
