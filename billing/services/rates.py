"""Exchange rates (CNY → VND) and customer groups: the other inputs of a price that operations set."""

import re
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from core.errors import DomainError
from core.money import vnd_rate
from core.numbers import DIGITS_MESSAGE, NumberScriptError, keyboard_number_text

from ..models import CustomerGroup, ExchangeRate
from ..selectors import exchange_rate_at
from .schedules import ScheduleError, start_time
from .wallet import wallet_get

MAX_RATE = Decimal("100000")
LARGE_CHANGE = Decimal("0.20")  # a new rate this far from the one in force is confirmed first (a typo?)
REASON_GROUP = gettext_noop("customer group changed")

_CURRENCY = re.compile(r"(?:₫|đ|vnđ|vnd)$", re.IGNORECASE)


def _rate_text(text: str) -> Decimal | None:
    """People's ways of writing a rate → Decimal; None when it is not a number. Raises ScheduleError when
    it could be read two ways: a dot or comma followed by exactly three digits, and no other mark
    ("3.650": 3650 to a Vietnamese reader, 3.65 to an English one)."""
    try:  # full-width digits and marks as ASCII; another script's digits are refused by name
        text = keyboard_number_text(text)
    except NumberScriptError as exc:
        raise ScheduleError(
            str(DIGITS_MESSAGE) % {"character": exc.character}, field="vnd_per_cny", code="rate"
        ) from exc
    text = _CURRENCY.sub("", re.sub(r"\s", "", text))
    sign = ""
    if text[:1] in ("-", "−", "+"):
        sign, text = ("" if text[0] == "+" else "-"), text[1:]
    if re.fullmatch(r"\d+", text, re.ASCII):
        return Decimal(sign + text)
    if match := re.fullmatch(r"(\d+)[.,](\d+)", text, re.ASCII):
        whole, fraction = match.groups()
        if len(fraction) == 3:
            raise ScheduleError(
                _("“%(text)s” can be read two ways. Write the rate as 3650 or 3650,50.") % {"text": text},
                field="vnd_per_cny",
                code="rate_ambiguous",
            )
        return Decimal(f"{sign}{whole}.{fraction}")
    if re.fullmatch(r"\d{1,3}(\.\d{3}){2,}|\d{1,3}(,\d{3}){2,}", text, re.ASCII):  # 1.234.567
        return Decimal(sign + re.sub(r"[.,]", "", text))
    # 3.650,50 (dot thousands, comma decimals) or 3,650.50 (the other way round)
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+),(\d+)|(\d{1,3}(?:,\d{3})+)\.(\d+)", text, re.ASCII)
    if match:
        whole, fraction = (match[1], match[2]) if match[1] else (match[3], match[4])
        return Decimal(f"{sign}{re.sub(r'[.,]', '', whole)}.{fraction}")
    return None


def rate_check(value) -> Decimal:
    """A CNY→VND rate as operations type it, or a Decimal: "3650", "3650,5", "3650.50", "3.650,50" (dot
    thousands, comma decimals), "3,650.50". "3.650" and "3,650" are refused as ambiguous. Positive, at
    most 100,000, 2 decimals. Raises ScheduleError naming `vnd_per_cny`."""
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
        rate = _rate_text(str(value))
    else:
        rate = None
    if rate is None or not rate.is_finite():
        raise ScheduleError(
            _("Enter the rate as a number, e.g. 3650 or 3650,50."), field="vnd_per_cny", code="rate"
        )
    if rate <= 0:
        raise ScheduleError(_("The rate must be above 0."), field="vnd_per_cny", code="rate")
    if rate > MAX_RATE:
        raise ScheduleError(_("The rate is at most 100,000 ₫ per CNY."), field="vnd_per_cny", code="rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise ScheduleError(_("At most 2 decimals."), field="vnd_per_cny", code="rate")
    return rate.quantize(Decimal("0.01"))


def _check_large_change(rate: Decimal, start: datetime) -> None:
    """The rate it replaces (in force at `start`) and the new one differ by at most 20 %."""
    current = exchange_rate_at(start)
    if current is None or abs(rate - current.vnd_per_cny) <= current.vnd_per_cny * LARGE_CHANGE:
        return
    raise ScheduleError(
        _(
            "%(new)s per CNY is more than 20 %% away from the rate in force, %(old)s. "
            "If it is right, tick the box and set it again."
        )
        % {"new": vnd_rate(rate), "old": vnd_rate(current.vnd_per_cny)},
        field="confirm_large_change",
        code="large_change",
    )


@transaction.atomic
def exchange_rate_set(
    *, vnd_per_cny, effective_from: datetime | None = None, by, confirm: bool = False
) -> ExchangeRate:
    """A CNY→VND rate (see rate_check), in force from now or a moment to come until the next one. A rate
    more than 20 % away from the one it replaces is refused unless `confirm` (operations ticked the box
    after seeing both). Charges record the rate they used, so a new rate never changes a charge made."""
    rate = rate_check(vnd_per_cny)
    start = start_time(effective_from, timezone.now())
    if not confirm:
        _check_large_change(rate, start)
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
