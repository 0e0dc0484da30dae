"""Exchange rates (CNY → VND) and customer groups: the other inputs of a price that operations set."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from core.errors import DomainError

from ..models import CustomerGroup, ExchangeRate
from .schedules import ScheduleError, start_time
from .wallet import wallet_get

MAX_RATE = Decimal("100000")
REASON_GROUP = gettext_noop("customer group changed")


def _rate(value) -> Decimal:
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite():
        raise ScheduleError(_("Enter the rate as a number, e.g. 3650.50."), field="vnd_per_cny", code="rate")
    if rate <= 0:
        raise ScheduleError(_("The rate must be above 0."), field="vnd_per_cny", code="rate")
    if rate > MAX_RATE:
        raise ScheduleError(_("The rate is at most 100,000 ₫ per CNY."), field="vnd_per_cny", code="rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise ScheduleError(_("At most 2 decimals."), field="vnd_per_cny", code="rate")
    return rate.quantize(Decimal("0.01"))


@transaction.atomic
def exchange_rate_set(*, vnd_per_cny, effective_from: datetime | None = None, by) -> ExchangeRate:
    """A CNY→VND rate, in force from now or a moment to come until the next one (positive, at most
    100,000, 2 decimals). Charges record the rate they used, so a new rate never changes a charge made."""
    rate = _rate(vnd_per_cny)
    start = start_time(effective_from, timezone.now())
    try:
        with transaction.atomic():
            return ExchangeRate.objects.create(effective_from=start, vnd_per_cny=rate, set_by=by)
    except IntegrityError as exc:
        raise ScheduleError(
            _("A rate already takes effect at that moment."), field="effective_from", code="same_start"
        ) from exc


@transaction.atomic
def customer_group_set(*, customer, group: CustomerGroup | None, by):
    """Put a customer in a group (None: the default group). Their orders not paid yet are priced again
    with the group's discount (each changed total is notified). Returns the wallet."""
    from consignments.models import Consignment

    from .charges import PRICEABLE, consignment_price

    if by is None or getattr(by, "role", "") != Role.OPERATIONS:
        raise DomainError(_("Only operations can do this."), code="forbidden")
    if not getattr(customer, "is_customer", False):
        raise DomainError(_("Only customers belong to a group."), code="not_customer")
    wallet = wallet_get(customer, lock=True)
    if wallet.group_id == (group.pk if group else None):
        return wallet
    wallet.group = group
    wallet.save(update_fields=["group", "updated_at"])
    for order in Consignment.objects.filter(customer=customer, status__in=PRICEABLE).order_by("pk"):
        consignment_price(consignment=order, by=by, reason=REASON_GROUP)  # a paid charge stays as it is
    return wallet
