from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from addresses.selectors import customer_has_address
from core.errors import DomainError

from .models import TrackingNumber, TrackingStatus
from .normalize import clean_tracking_code


@transaction.atomic
def tracking_register(*, customer, raw_code: str, note: str = "") -> TrackingNumber:
    """Register one supplier tracking number. If the parcel is already here, a task matches it."""
    if not customer_has_address(customer=customer):
        raise DomainError(_("Add a Vietnam delivery address first."), code="no_address")
    try:
        code = clean_tracking_code(raw_code)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid") from exc
    try:
        with transaction.atomic():
            tracking = TrackingNumber.objects.create(
                customer=customer, code=code, raw_code=raw_code[:200], note=note.strip()[:255]
            )
    except IntegrityError as exc:
        raise DomainError(
            _("You have already registered %(code)s.") % {"code": code}, code="duplicate"
        ) from exc

    from warehouse.tasks import match_registration

    transaction.on_commit(lambda: match_registration.delay(tracking.pk))
    return tracking


def tracking_mark_matched(*, tracking: TrackingNumber, consignment) -> None:
    TrackingNumber.objects.filter(pk=tracking.pk).update(
        status=TrackingStatus.MATCHED, consignment=consignment
    )
    tracking.status = TrackingStatus.MATCHED
    tracking.consignment = consignment
