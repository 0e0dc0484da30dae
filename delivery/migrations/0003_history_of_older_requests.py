from django.db import migrations

NOTE = "recorded later from the request's dates"
BATCH = 500


def rows_of(request, note, RequestEvent, NoteEvent):
    """The history rows a request made before history rows existed would have written, from the dates and
    people it keeps (created, started, out, closed, cancelled)."""
    made = [
        RequestEvent(
            request=request,
            old_status="",
            new_status="new",
            by_id=request.customer_id,
            at=request.created_at,
            note=NOTE,
        )
    ]
    if note is not None:
        started = {"by_id": note.created_by_id, "at": note.created_at, "note": NOTE}
        made.append(RequestEvent(request=request, old_status="new", new_status="in_progress", **started))
        made.append(NoteEvent(release_note=note, old_status="", new_status="preparing", **started))
        if note.out_at is not None:
            made.append(
                NoteEvent(
                    release_note=note,
                    old_status="preparing",
                    new_status="out",
                    by_id=note.out_by_id,
                    at=note.out_at,
                    note=NOTE,
                )
            )
        if note.closed_at is not None and note.status in ("delivered", "refused"):
            closed = {"by_id": note.closed_by_id, "at": note.closed_at, "note": NOTE}
            made.append(NoteEvent(release_note=note, old_status="out", new_status=note.status, **closed))
            if request.status == "done":
                made.append(
                    RequestEvent(request=request, old_status="in_progress", new_status="done", **closed)
                )
    elif request.status == "cancelled":
        made.append(
            RequestEvent(
                request=request,
                old_status="new",
                new_status="cancelled",
                by_id=request.cancelled_by_id,
                at=request.cancelled_at or request.updated_at,
                note=NOTE,
            )
        )
    return made


def backfill(apps, schema_editor):
    """Requests made before delivery.services.status wrote history rows get theirs, so that every request
    has a timeline. Requests that already have rows are left alone (running it again adds nothing)."""
    DeliveryRequest = apps.get_model("delivery", "DeliveryRequest")
    ReleaseNote = apps.get_model("delivery", "ReleaseNote")
    RequestEvent = apps.get_model("delivery", "DeliveryRequestEvent")
    NoteEvent = apps.get_model("delivery", "ReleaseNoteEvent")
    fields = [RequestEvent._meta.get_field("at"), NoteEvent._meta.get_field("at")]
    for field in fields:  # the rows carry the times they happened, not the time of this migration
        field.auto_now_add = False
    try:
        pending = list(DeliveryRequest.objects.filter(events__isnull=True).order_by("pk"))
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            notes = {n.request_id: n for n in ReleaseNote.objects.filter(request__in=chunk)}
            made = [row for r in chunk for row in rows_of(r, notes.get(r.pk), RequestEvent, NoteEvent)]
            RequestEvent.objects.bulk_create([r for r in made if isinstance(r, RequestEvent)])
            NoteEvent.objects.bulk_create([r for r in made if isinstance(r, NoteEvent)])
    finally:
        for field in fields:
            field.auto_now_add = True


class Migration(migrations.Migration):
    dependencies = [("delivery", "0002_status_history")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
