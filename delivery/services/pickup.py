"""Pickup codes (mã nhận hàng): issued to the customer per depot, read at the depot counter.

A code is 6 digits drawn with `secrets` (never the next of anything), unique at its depot among current
codes, valid PICKUP_CODE_DAYS (default 7) and renewed the next time the customer opens their page after it
expired. The QR code holds `PICKUP:<depot code>:<digits>`, so a code shown at the wrong depot is told apart.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from consignments.models import Consignment, ConsignmentStatus
from core.errors import DomainError
from warehouse.labels import split_parcel_code
from warehouse.models import Warehouse

from ..models import PickupCode
from .common import clean_input

_QR = re.compile(r"^PICKUP:([A-Z0-9]{1,10}):(\d{6})$")
_DIGITS = re.compile(r"^\d{6}$")
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")
ATTEMPTS = 20


def pickup_code_days() -> int:
    return getattr(settings, "PICKUP_CODE_DAYS", 7)


def _new_digits() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def pickup_code_for(*, customer, depot, now=None) -> PickupCode:
    """The customer's current pickup code at `depot`: the valid one, or a new one replacing an expired one.
    Two pages opened at once get the same code (one current code per customer and depot)."""
    now = now or timezone.now()
    for _attempt in range(ATTEMPTS):
        current = (
            PickupCode.objects.filter(customer=customer, depot=depot, retired_at__isnull=True)
            .select_related("depot")
            .first()
        )
        if current is not None and current.expires_at > now:
            return current
        try:
            with transaction.atomic():
                if current is not None:
                    PickupCode.objects.filter(pk=current.pk, retired_at__isnull=True).update(retired_at=now)
                return PickupCode.objects.create(
                    customer=customer,
                    depot=depot,
                    code=_new_digits(),
                    expires_at=now + timedelta(days=pickup_code_days()),
                )
        except IntegrityError:
            continue  # those digits are someone's at this depot, or another page renewed it just now
    raise DomainError(_("No pickup code could be made just now; reload the page."), code="exhausted")


@dataclass
class CounterFind:
    """What the counter found: a customer (by their pickup code, an order of theirs, or a search), or
    several customers when a phone number is shared."""

    customer: User | None = None
    pickup_code: PickupCode | None = None
    candidates: list = field(default_factory=list)


def counter_find(*, raw, depot, now=None) -> CounterFind:
    """Read what the counter scanned or typed: a pickup code (its QR or its 6 digits), a parcel label
    (KG…), or a customer code, username or phone number. Raises DomainError with what is wrong: a code of
    another depot ("other_depot"), an expired code ("expired"), an unknown one ("unknown"), too long."""
    now = now or timezone.now()
    text = clean_input(raw, what=_("a pickup code or a customer"))
    if not text:
        raise DomainError(_("Scan the pickup code, or type it or the customer's code."), code="empty")
    compact = re.sub(r"[\s\-.]", "", text).upper()
    qr = _QR.match(compact)
    if qr is not None:
        return _by_code(qr[2], depot=depot, now=now, depot_code=qr[1])
    if _DIGITS.match(compact):
        return _by_code(compact, depot=depot, now=now)
    order = split_parcel_code(text)
    if order is not None:
        return _by_order(order[0], depot=depot)
    return _by_search(text, compact)


def _by_code(digits: str, *, depot, now, depot_code: str | None = None) -> CounterFind:
    if depot_code is not None and depot_code != depot.code:
        other = Warehouse.objects.filter(code=depot_code, kind=Warehouse.Kind.VIETNAM).first()
        if other is not None:
            raise _other_depot(other)
        raise _unknown_code()
    codes = PickupCode.objects.select_related("customer", "depot")
    here = codes.filter(depot=depot, code=digits)
    current = here.filter(retired_at__isnull=True).first()
    if current is not None and current.expires_at > now:
        return CounterFind(customer=current.customer, pickup_code=current)
    if current is not None or here.exists():
        raise DomainError(
            _(
                "This pickup code has expired. The customer gets a new one by opening “Pick up at the depot” "
                "in their account; or search them by customer code."
            ),
            code="expired",
        )
    elsewhere = codes.filter(code=digits, retired_at__isnull=True, expires_at__gt=now).exclude(depot=depot)
    other = elsewhere.first()
    if other is not None:
        raise _other_depot(other.depot)
    raise _unknown_code()


def _other_depot(other) -> DomainError:
    return DomainError(
        _("This pickup code is for orders at %(depot)s, not at this depot.") % {"depot": other.name},
        code="other_depot",
    )


def _unknown_code() -> DomainError:
    return DomainError(
        _("No pickup code has these digits. Check them, or search the customer."), code="unknown"
    )


def _by_order(code: str, *, depot) -> CounterFind:
    order = Consignment.objects.filter(code=code).select_related("customer", "current_warehouse").first()
    if order is None:
        raise DomainError(_("No order has the code %(code)s.") % {"code": code}, code="unknown")
    if order.status == ConsignmentStatus.AWAITING_DELIVERY and order.current_warehouse_id != depot.pk:
        raise DomainError(
            _("Order %(code)s is awaiting delivery at %(depot)s, not at this depot.")
            % {"code": order.code, "depot": order.current_warehouse.name},
            code="other_depot",
        )
    return CounterFind(customer=order.customer)


def _by_search(text: str, compact: str) -> CounterFind:
    customers = User.objects.filter(role=Role.CUSTOMER)
    found = customers.filter(Q(customer_code__iexact=compact) | Q(username__iexact=text)).first()
    if found is not None:
        return CounterFind(customer=found)
    phone = _PHONE.match(compact.replace("(", "").replace(")", ""))
    if phone is not None:
        tail = phone[1]
        matches = list(
            customers.filter(
                Q(phone__in=[f"0{tail}", f"84{tail}", f"+84{tail}"])
                | Q(addresses__phone__in=[f"0{tail}", f"84{tail}", f"+84{tail}"])
            )
            .distinct()
            .order_by("username")[:20]
        )
        if len(matches) == 1:
            return CounterFind(customer=matches[0])
        if matches:
            return CounterFind(candidates=matches)
    raise DomainError(
        _("No customer, pickup code or order matches “%(text)s”.") % {"text": text[:40]}, code="unknown"
    )
