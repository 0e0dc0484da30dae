"""What the claim services share: the one status change (compare-and-set), history rows, notices, photos."""

import logging
import uuid
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import DomainError
from notifications.services import notification_send
from warehouse.services import _prepare_photo, _store, _unstore

from ..models import TRANSITIONS, Claim, ClaimEvent, ClaimPhoto, ClaimStatus, EventKind

# The notice this app sends at each step. notifications.models.NotificationKind has no such choice yet (its
# owner is asked to add it with its text); until then the value is stored as it will be, and the notice
# names the order (consignment), so opening it leads to the order page and its claims.
logger = logging.getLogger(__name__)
CLAIM_UPDATED = "claim_updated"
MAX_TEXT = 2000
MAX_PHOTOS_PER_CLAIM = 20
MAX_PHOTOS_AT_ONCE = 5


def require_operations(by) -> None:
    if by is None or getattr(by, "role", "") != Role.OPERATIONS:
        raise DomainError(_("Only operations can do this."), code="forbidden")


def clean_text(text, *, required: bool, what: str = "") -> str:
    text = str(text or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(what or _("Write a few words."), code="text")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("Write at most %(max)d characters (this is %(n)d).") % {"max": MAX_TEXT, "n": len(text)},
            code="text",
        )
    return text


def event_add(claim: Claim, *, kind, by, old_status=None, text="", data=None) -> ClaimEvent:
    """A history row; `old_status` "" for the opening, None for a row that changes no status."""
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        old_status=claim.status if old_status is None else old_status,
        new_status=claim.status,
        by=by,
        text=text,
        data=data or {},
    )


def notify(claim: Claim, *, reply: bool = False) -> None:
    """Tell the customer (notifications' CLAIM_UPDATED: the new status, or that operations wrote)."""
    data = {"claim": claim.code, "claim_id": claim.pk, "status": claim.status}
    if reply:
        data["reply"] = True
    notification_send(
        user_id=claim.customer_id, kind=CLAIM_UPDATED, consignment_id=claim.consignment_id, data=data
    )


def claim_transition(*, claim: Claim, to: str, by, text: str = "", data=None, **fields) -> Claim:
    """Move a claim from the status it had when read to `to` (compare-and-set): an illegal move, or a claim
    someone else changed meanwhile, raises DomainError and changes nothing. Writes the history row, sets
    `fields` in the same UPDATE (and clears the customer's unanswered mark: operations acted) and notifies the
    customer. Call it inside transaction.atomic()."""
    old = claim.status
    if to not in TRANSITIONS.get(old, ()):
        raise DomainError(
            _("Claim %(code)s is “%(status)s”: it cannot become “%(to)s”.")
            % {"code": claim.code, "status": claim.get_status_display(), "to": ClaimStatus(to).label},
            code="illegal",
        )
    now = timezone.now()
    fields.setdefault("customer_waiting_since", None)  # operations acted: the customer is answered
    if to == ClaimStatus.CLOSED:
        fields["closed_at"] = now
    changed = Claim.objects.filter(pk=claim.pk, status=old).update(status=to, updated_at=now, **fields)
    if not changed:
        raise DomainError(
            _("Claim %(code)s was changed by someone else meanwhile: look at it again.")
            % {"code": claim.code},
            code="changed",
        )
    claim.status = to
    claim.updated_at = now
    for name, value in fields.items():
        setattr(claim, name, value)
    event_add(claim, kind=EventKind.STATUS, by=by, old_status=old, text=text, data=data)
    notify(claim)
    return claim


def prepare_photos(claim_or_none, files, *, already: int = 0) -> list:
    """Every upload checked and made a (photo, thumbnail) pair before any is saved: one bad file saves none
    and says which. Outside the transaction: decoding and resizing take a moment."""
    files = [f for f in files if f]
    if len(files) > MAX_PHOTOS_AT_ONCE:
        raise DomainError(
            _("Attach at most %(n)d photos at a time.") % {"n": MAX_PHOTOS_AT_ONCE}, code="photos"
        )
    if already + len(files) > MAX_PHOTOS_PER_CLAIM:
        raise DomainError(
            _("A claim may have at most %(n)d photos.") % {"n": MAX_PHOTOS_PER_CLAIM}, code="photos"
        )
    prepared = []
    for upload in files:
        try:
            prepared.append(_prepare_photo(upload, stem=f"claim-{uuid.uuid4().hex[:12]}"))
        except DomainError as exc:
            raise DomainError(f"{upload.name}: {exc.message}", code=exc.code) from exc
    return prepared


@contextmanager
def photo_files():
    """Around the transaction that saves photos: yields the list of files written; if anything fails (the
    transaction rolls back, or the disk is full) they are removed again: no file without its row."""
    stored: list[str] = []
    try:
        yield stored
    except OSError as exc:  # the media storage is full, read-only or gone
        _unstore(stored)
        logger.error("claim photo not stored (%s)", exc)
        raise DomainError(
            _(
                "The photo could not be stored: the server's storage is full. Nothing was saved; try again later."
            ),
            code="storage",
        ) from exc
    except BaseException:
        _unstore(stored)
        raise


def photos_save(claim: Claim, prepared, *, by, stored: list[str], event=None) -> list[ClaimPhoto]:
    assert transaction.get_connection().in_atomic_block
    photos = []
    for photo, thumb in prepared:
        row = ClaimPhoto(claim=claim, event=event, uploaded_by=by)
        _store(row.image, photo, stored)
        _store(row.thumbnail, thumb, stored)
        row.save()
        photos.append(row)
    return photos
