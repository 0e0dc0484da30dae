"""A customer opens a claim on one of their orders; either side replies while it is not closed."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentStatus
from core.errors import DomainError

from ..models import Claim, ClaimKind, ClaimStatus, EventKind
from .common import clean_text, event_add, notify, photo_files, photos_save, prepare_photos

MAX_ASKED_VND = 10_000_000_000  # what billing accepts in one ledger entry

# Orders a customer may claim on: weighed (there is something to dispute) and not cancelled. An order still at
# the China warehouse may be claimed once weighed (a wrong weight is best fixed before it leaves).
CLAIMABLE = frozenset(
    {
        ConsignmentStatus.CN_RECEIVED,
        ConsignmentStatus.IN_TRANSIT,
        ConsignmentStatus.AWAITING_DELIVERY,
        ConsignmentStatus.DELIVERING,
        ConsignmentStatus.DELIVERED,
        ConsignmentStatus.LOST,
        ConsignmentStatus.REFUSED,
    }
)


def claimable(consignment: Consignment) -> bool:
    return consignment.status in CLAIMABLE and consignment.weight_g is not None


def claim_open(*, customer, consignment, kind: str, description: str, amount_asked_vnd: int = 0, photos=()):
    """Open a claim (status waiting) on the customer's own weighed order; photos checked before anything is
    saved. One open claim per order and kind, by a unique constraint, whatever runs at the same time."""
    if consignment.customer_id != customer.pk:
        raise DomainError(_("This order is not yours."), code="not_yours")
    if not claimable(consignment):
        raise DomainError(
            _("Order %(code)s cannot be claimed on yet: a claim opens once the order is weighed.")
            % {"code": consignment.code}
            if consignment.status != ConsignmentStatus.CANCELLED
            else _("Order %(code)s is cancelled: there is nothing to claim.") % {"code": consignment.code},
            code="not_claimable",
        )
    if kind not in ClaimKind.values:
        raise DomainError(_("Choose what happened."), code="kind")
    description = clean_text(description, required=True, what=_("Describe what happened."))
    if not isinstance(amount_asked_vnd, int) or not 0 <= amount_asked_vnd <= MAX_ASKED_VND:
        raise DomainError(_("Enter an amount between 0 and 10,000,000,000 ₫."), code="amount")
    prepared = prepare_photos(None, photos)
    try:
        with photo_files() as stored, transaction.atomic():
            claim = Claim.objects.create(
                customer=customer,
                consignment=consignment,
                kind=kind,
                description=description,
                amount_asked_vnd=amount_asked_vnd,
            )
            event = event_add(claim, kind=EventKind.STATUS, by=customer, old_status="", text=description)
            photos_save(claim, prepared, by=customer, event=event, stored=stored)
            notify(claim)
    except IntegrityError as exc:
        raise DomainError(
            _("You already have an open claim of this kind on order %(code)s: write in that one.")
            % {"code": consignment.code},
            code="duplicate",
        ) from exc
    return claim


def claim_reply(*, claim: Claim, by, text: str, photos=()) -> Claim:
    """A message on the claim, from its customer or from operations, while it is not closed. Operations'
    messages are notified to the customer; the customer's mark the claim unanswered until operations write
    or act (Claim.customer_waiting_since), whatever its status."""
    from accounts.models import Role

    is_ops = getattr(by, "role", "") == Role.OPERATIONS
    if not is_ops and claim.customer_id != by.pk:
        raise DomainError(_("This claim is not yours."), code="not_yours")
    text = clean_text(text, required=not photos, what=_("Write a message or attach a photo."))
    already = claim.photos.count()
    prepared = prepare_photos(claim, photos, already=already)
    if not text and not prepared:
        raise DomainError(_("Write a message or attach a photo."), code="text")
    with photo_files() as stored, transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == ClaimStatus.CLOSED:
            raise DomainError(
                _("Claim %(code)s is closed: open a new claim if something is still wrong.")
                % {"code": claim.code},
                code="closed",
            )
        event = event_add(locked, kind=EventKind.REPLY, by=by, text=text)
        photos_save(locked, prepared, by=by, event=event, stored=stored)
        # A customer's message waits for operations (since the first unanswered one); theirs answers it.
        waiting = None if is_ops else (locked.customer_waiting_since or event.at)
        Claim.objects.filter(pk=locked.pk).update(updated_at=event.at, customer_waiting_since=waiting)
        locked.updated_at, locked.customer_waiting_since = event.at, waiting
        if is_ops:
            notify(locked, reply=True)
    return locked
