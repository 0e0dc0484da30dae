"""Reads for billing: the schedule version and exchange rate an order is priced with, wallet figures."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    Charge,
    CustomerGroup,
    ExchangeRate,
    FeeSchedule,
    FreightBracket,
    ScheduleStatus,
    Wallet,
    WalletEntry,
)
from .pricing import Bracket, Terms

TERMS_FIELDS = (
    "volumetric_divisor",
    "volumetric_min_excess_g",
    "min_billable_g",
    "weight_step_g",
    "volume_pricing",
    "volume_price_per_m3_vnd",
    "bulky_below_kg_per_m3",
    "crate_first_kg_fen",
    "crate_extra_kg_fen",
    "bubble_first_kg_fen",
    "bubble_extra_kg_fen",
    "insurance_rate_bp",
    "insurance_min_vnd",
    "inspection_per_item_vnd",
    "handling_per_parcel_vnd",
    "storage_free_days",
    "storage_per_kg_day_vnd",
)

_published_terms: dict[int, Terms] = {}  # a published version never changes: read it once per process


def terms_for(schedule: FeeSchedule) -> Terms:
    """The pricing function's view of a schedule version (its brackets by depot)."""
    if schedule.is_published and schedule.pk in _published_terms:
        return _published_terms[schedule.pk]
    brackets: dict[int, list[Bracket]] = {}
    for b in FreightBracket.objects.filter(schedule=schedule).order_by("depot_id", "from_g"):
        brackets.setdefault(b.depot_id, []).append(Bracket(b.from_g, b.to_g, b.price_per_kg_vnd))
    terms = Terms(
        brackets={depot: tuple(rows) for depot, rows in brackets.items()},
        schedule_id=schedule.pk,
        **{name: getattr(schedule, name) for name in TERMS_FIELDS},
    )
    if schedule.is_published:
        _published_terms[schedule.pk] = terms
    return terms


def published_schedules():
    return FeeSchedule.objects.filter(status=ScheduleStatus.PUBLISHED)


def schedule_in_force(at: datetime | None = None) -> FeeSchedule | None:
    """The published version in force at `at` (now by default): the latest whose start is not after it."""
    at = at or timezone.now()
    return published_schedules().filter(effective_from__lte=at).order_by("-effective_from").first()


def schedule_upcoming(at: datetime | None = None) -> FeeSchedule | None:
    """The next published version, announced but not yet in force."""
    at = at or timezone.now()
    return published_schedules().filter(effective_from__gt=at).order_by("effective_from").first()


def schedule_for(consignment) -> FeeSchedule | None:
    """The version an order is priced with: the one in force when it arrived at the China warehouse (so a
    price change announced later never changes what an order already here costs); for an order that arrived
    before any version was in force, the first version in force now. None: nothing published yet.

    Kept on the order's instance for the rest of the request: a depot scan reads it twice (the Chờ giao
    notice's free storage days, then the final charge) and it cannot change in between (a publish applies
    to orders through consignment_price, on instances of its own)."""
    memo = consignment.__dict__.get("_schedule_for")
    if memo is not None and memo[0] == consignment.created_at:
        return memo[1]
    schedule = schedule_in_force(consignment.created_at) or schedule_in_force()
    consignment.__dict__["_schedule_for"] = (consignment.created_at, schedule)
    return schedule


def exchange_rate_at(at: datetime | None = None) -> ExchangeRate | None:
    """The CNY→VND rate in force at `at`; for a moment before the first rate, the first rate set."""
    at = at or timezone.now()
    rate = ExchangeRate.objects.filter(effective_from__lte=at).order_by("-effective_from").first()
    return rate or ExchangeRate.objects.order_by("effective_from").first()


def default_group() -> CustomerGroup | None:
    return CustomerGroup.objects.filter(is_default=True).first()


def group_of(customer) -> CustomerGroup | None:
    """A customer's group (a user or its id): the one set on their wallet, else the default group (None if
    there is none). One query."""
    customer_id = getattr(customer, "pk", customer)
    mine = Exists(Wallet.objects.filter(customer_id=customer_id, group=OuterRef("pk")))
    return (
        CustomerGroup.objects.filter(Q(mine) | Q(is_default=True))
        .annotate(mine=mine)
        .order_by("-mine", "pk")
        .first()
    )


def current_charge(consignment) -> Charge | None:
    return Charge.objects.filter(consignment=consignment, is_current=True).select_related("schedule").first()


def balance_of(customer) -> int:
    """The wallet balance in VND (0 for a customer who never had a wallet)."""
    return Wallet.objects.filter(customer=customer).values_list("balance_vnd", flat=True).first() or 0


def wallets_out_of_balance():
    """Wallets whose stored balance differs from the sum of their entries: always empty (the check that
    proves the ledger and the balance agree; run by the tests and `manage.py billing_check`)."""
    total = (
        WalletEntry.objects.filter(wallet=OuterRef("pk"))
        .order_by()
        .values("wallet")
        .annotate(s=Sum("amount_vnd"))
        .values("s")
    )
    return Wallet.objects.annotate(ledger=Coalesce(Subquery(total), 0)).exclude(balance_vnd=F("ledger"))


def unpaid_orders_of(customer):
    """The customer's orders awaiting delivery with a final charge not paid yet, oldest first."""
    from consignments.models import Consignment, ConsignmentStatus

    unpaid = Charge.objects.filter(consignment=OuterRef("pk"), is_current=True, paid_at__isnull=True)
    return (
        Consignment.objects.filter(customer=customer, status=ConsignmentStatus.AWAITING_DELIVERY)
        .filter(Exists(unpaid))
        .order_by("created_at", "id")
    )


def storage_days_of_many(consignments, *, now=None) -> dict[int, int]:
    """{order id: calendar days (Asia/Ho_Chi_Minh) since it last became Chờ giao}, in one query; orders not
    awaiting delivery are left out (0 days)."""
    from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind

    waiting = [c.pk for c in consignments if c.status == ConsignmentStatus.AWAITING_DELIVERY]
    if not waiting:
        return {}
    since = dict(
        ConsignmentEvent.objects.filter(
            consignment_id__in=waiting, kind=EventKind.STATUS, new_status=ConsignmentStatus.AWAITING_DELIVERY
        )
        .values("consignment_id")
        .annotate(last=Max("at"))
        .values_list("consignment_id", "last")
    )
    today = timezone.localdate(now or timezone.now())
    return {pk: max(0, (today - timezone.localdate(at)).days) for pk, at in since.items()}


def storage_days_of(consignment, *, now=None) -> int:
    return storage_days_of_many([consignment], now=now).get(consignment.pk, 0)


@dataclass(frozen=True)
class Due:
    """What an unpaid order owes today: its charge with storage counted to today (the charge itself was
    priced at Chờ giao, or at the last payment attempt)."""

    charge: Charge
    total_vnd: int
    storage_days: int
    storage_vnd: int

    @property
    def storage_added_vnd(self) -> int:
        return self.total_vnd - self.charge.total_vnd


def dues_now(consignments, *, now=None) -> dict[int, Due]:
    """{order id: Due} for orders with a current charge: the charge's total with its storage line replaced
    by the storage due today (billing.pricing.storage_line, the same rule the payment prices with). Reads
    only: the payment writes the new charge. Two queries whatever the number of orders."""
    from .pricing import storage_line

    orders = list(consignments)
    charges = {
        c.consignment_id: c
        for c in Charge.objects.filter(
            consignment_id__in=[o.pk for o in orders], is_current=True
        ).select_related("schedule")
    }
    days = storage_days_of_many(orders, now=now)
    dues = {}
    for order in orders:
        charge = charges.get(order.pk)
        if charge is None:
            continue
        old = sum(line["amount_vnd"] for line in charge.lines if line.get("code") == "storage")
        stored = days.get(order.pk, 0)
        new = old
        if charge.paid_at is None and stored > charge.storage_days:
            chargeable = sum(p.get("chargeable_g", 0) for p in (charge.inputs or {}).get("parcels", []))
            line = storage_line(
                chargeable_g=chargeable, storage_days=stored, terms=terms_for(charge.schedule)
            )
            new = line.amount_vnd if line else 0
        dues[order.pk] = Due(
            charge=charge, total_vnd=charge.total_vnd - old + new, storage_days=stored, storage_vnd=new
        )
    return dues
