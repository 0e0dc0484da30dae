"""The one way a delivery request or a release note changes status: checked against its table of moves
(delivery.models.REQUEST_TRANSITIONS, RELEASE_TRANSITIONS), compare-and-set, and a history row (old, new,
who, when, note). Creating one writes its first row ("" → its first status)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import (
    RELEASE_TRANSITIONS,
    REQUEST_TRANSITIONS,
    DeliveryRequest,
    DeliveryRequestEvent,
    ReleaseNote,
    ReleaseNoteEvent,
    ReleaseStatus,
    RequestStatus,
)


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


def request_started(*, request, by, note: str = "") -> DeliveryRequestEvent:
    """The first history row of a request just created ("" → its status)."""
    return DeliveryRequestEvent.objects.create(
        request=request, old_status="", new_status=request.status, by=by, note=note[:255]
    )


def release_started(*, release_note, by, note: str = "") -> ReleaseNoteEvent:
    """The first history row of a release note just created ("" → its status)."""
    return ReleaseNoteEvent.objects.create(
        release_note=release_note, old_status="", new_status=release_note.status, by=by, note=note[:255]
    )


@transaction.atomic
def request_transition(*, request, to: str, by, note: str = "", **fields) -> DeliveryRequest:
    """Move `request` from the status it has (as read by the caller) to `to`, setting `fields` in the same
    UPDATE. Refused (DomainError): a move the table does not allow ("illegal_transition"), or the request
    moved meanwhile ("stale": a second click, another desk) — nothing is written then."""
    old = request.status
    if to not in REQUEST_TRANSITIONS.get(old, ()):
        raise DomainError(
            _("Delivery request %(code)s is “%(old)s” and cannot become “%(new)s”.")
            % {"code": request.code, "old": _label(RequestStatus, old), "new": _label(RequestStatus, to)},
            code="illegal_transition",
        )
    fields = {"status": to, "updated_at": timezone.now(), **fields}
    if DeliveryRequest.objects.filter(pk=request.pk, status=old).update(**fields) != 1:
        raise DomainError(
            _("Delivery request %(code)s was changed by someone else just now; reload and try again.")
            % {"code": request.code},
            code="stale",
        )
    DeliveryRequestEvent.objects.create(
        request=request, old_status=old, new_status=to, by=by, note=note[:255]
    )
    for name, value in fields.items():
        setattr(request, name, value)
    return request


@transaction.atomic
def release_transition(*, release_note, to: str, by, note: str = "", **fields) -> ReleaseNote:
    """Move `release_note` from the status it has (as read by the caller) to `to`, setting `fields` in the
    same UPDATE. Refused (DomainError) as request_transition: "illegal_transition" or "stale"."""
    old = release_note.status
    if to not in RELEASE_TRANSITIONS.get(old, ()):
        raise DomainError(
            _("Release note %(code)s is “%(old)s” and cannot become “%(new)s”.")
            % {
                "code": release_note.code,
                "old": _label(ReleaseStatus, old),
                "new": _label(ReleaseStatus, to),
            },
            code="illegal_transition",
        )
    fields = {"status": to, **fields}
    if ReleaseNote.objects.filter(pk=release_note.pk, status=old).update(**fields) != 1:
        raise DomainError(
            _("Release note %(code)s was changed by someone else just now; reload and try again.")
            % {"code": release_note.code},
            code="stale",
        )
    ReleaseNoteEvent.objects.create(
        release_note=release_note, old_status=old, new_status=to, by=by, note=note[:255]
    )
    for name, value in fields.items():
        setattr(release_note, name, value)
    return release_note
