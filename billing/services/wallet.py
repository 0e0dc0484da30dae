"""The wallet ledger: the one place money moves. Every change appends a WalletEntry with a unique
idempotency key and updates the wallet's balance in the same transaction, under the wallet's row lock."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from consignments.models import Consignment, ConsignmentStatus
from core.errors import DomainError
from core.money import vnd
from notifications.models import NotificationKind
from notifications.services import notification_send

from ..models import Charge, ChargeStage, EntryKind, Wallet, WalletEntry
from ..selectors import group_of, storage_days_of_many
from .charges import REASON_ARRIVED, REASON_STORAGE, consignment_price

MAX_AMOUNT_VND = 10_000_000_000  # 10 billion đồng in one entry: beyond that, a typo or an attack
MAX_ORDERS_PER_PAYMENT = 200


def wallet_get(customer, *, lock: bool = False) -> Wallet:
    """The customer's wallet, created empty on first use; `lock` takes its row lock (inside atomic())."""
    wallet, _created = Wallet.objects.get_or_create(customer=customer)
    if lock:
        wallet = Wallet.objects.select_for_update().get(pk=wallet.pk)
    return wallet


def _post(
    wallet: Wallet,
    *,
    kind,
    amount_vnd: int,
    key: str,
    by=None,
    reason: str = "",
    floor_vnd: int | None = None,
    **links,
) -> tuple[WalletEntry, bool]:
    """Append one entry to a wallet whose row this transaction holds locked. Returns (entry, created):
    an entry with the same idempotency key already posted is returned as it is, and nothing moves.
    `floor_vnd`: the lowest balance the debit may leave (−credit limit); None: no floor (operations)."""
    existing = WalletEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    if not amount_vnd or abs(amount_vnd) > MAX_AMOUNT_VND:
        raise DomainError(_("Enter an amount between 1 and 10,000,000,000 ₫."), code="amount")
    balance = wallet.balance_vnd + amount_vnd
    if amount_vnd < 0 and floor_vnd is not None and balance < floor_vnd:
        raise DomainError(
            _("Not enough money in the wallet: %(need)s more is needed.")
            % {"need": vnd(floor_vnd - balance)},
            code="insufficient",
        )
    entry = WalletEntry.objects.create(
        wallet=wallet,
        kind=kind,
        amount_vnd=amount_vnd,
        balance_after_vnd=balance,
        idempotency_key=key,
        by=by,
        reason=reason[:255],
        **links,
    )
    Wallet.objects.filter(pk=wallet.pk).update(balance_vnd=balance, updated_at=timezone.now())
    wallet.balance_vnd = balance
    return entry, True


def _notify(entry: WalletEntry, why: str) -> None:
    notification_send(
        user_id=entry.wallet_id,
        kind=NotificationKind.WALLET_CREDITED if entry.amount_vnd > 0 else NotificationKind.WALLET_DEBITED,
        consignment_id=entry.consignment_id,
        data={"amount_vnd": abs(entry.amount_vnd), "balance_vnd": entry.balance_after_vnd, "why": why},
    )


@transaction.atomic
def wallet_top_up(*, customer, amount_vnd: int, key: str, transfer=None, by=None, reason: str = "") -> tuple:
    """Credit a bank transfer (nạp tiền). `key` identifies the bank transaction (provider and its id), so
    the same transfer told twice credits once. Returns (entry, created); notifies the customer."""
    if amount_vnd <= 0:
        raise DomainError(_("A top-up must be a positive amount."), code="amount")
    wallet = wallet_get(customer, lock=True)
    entry, created = _post(
        wallet, kind=EntryKind.TOPUP, amount_vnd=amount_vnd, key=key, by=by, reason=reason, transfer=transfer
    )
    if created:
        _notify(entry, reason or gettext_noop("bank transfer"))
    return entry, created


def _manual(
    kind, *, customer, amount_vnd: int, reason: str, by, key: str, consignment=None, reverses=None
) -> WalletEntry:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why: the customer sees the reason on their statement."), code="reason")
    if by is None or getattr(by, "role", "") != Role.OPERATIONS:
        raise DomainError(_("Only operations can do this."), code="forbidden")
    wallet = wallet_get(customer, lock=True)
    links = {"consignment": consignment, **({"reverses": reverses} if reverses is not None else {})}
    entry, created = _post(wallet, kind=kind, amount_vnd=amount_vnd, key=key, by=by, reason=reason, **links)
    if created:
        _notify(entry, reason)
    return entry


@transaction.atomic
def wallet_adjust(*, customer, amount_vnd: int, reason: str, by, key: str) -> WalletEntry:
    """Operations correct a wallet (điều chỉnh): a signed amount with a mandatory reason; audited (the
    entry names who) and notified. `key` comes from the form, so submitting it twice posts once. An
    adjustment may take the wallet below the credit limit (a back-charge): that is operations' call."""
    return _manual(
        EntryKind.ADJUSTMENT, customer=customer, amount_vnd=amount_vnd, reason=reason, by=by, key=key
    )


@transaction.atomic
def wallet_refund(*, customer, amount_vnd: int, reason: str, by, key: str, consignment=None) -> WalletEntry:
    """Operations give money back (hoàn tiền), optionally for one order: positive amount, reason required."""
    if amount_vnd <= 0:
        raise DomainError(_("A refund must be a positive amount."), code="amount")
    return _manual(
        EntryKind.REFUND,
        customer=customer,
        amount_vnd=amount_vnd,
        reason=reason,
        by=by,
        key=key,
        consignment=consignment,
    )


@transaction.atomic
def wallet_pay(*, customer, consignments, by, expected_total_vnd: int | None = None) -> list[WalletEntry]:
    """Pay the charges of several orders awaiting delivery from the wallet, all or nothing.

    Each order must be the customer's, Chờ giao, priceable and not paid; otherwise nothing is charged and
    DomainError names the order. An order whose final charge the worker has not written yet (it reached
    Chờ giao a moment ago) is priced final here. Storage days are priced first (a new charge when they add
    to it); `expected_total_vnd`, the total the customer was shown, must then still be the total (else
    DomainError "changed": a day passed, or a charge changed, since the page was drawn). The balance may not
    go below −(the group's credit limit). One entry per order, keyed by the
    order, so no order is ever paid twice, whatever runs at the same time. Returns the entries.
    """
    ids = sorted({c.pk if hasattr(c, "pk") else int(c) for c in consignments})
    if not ids:
        raise DomainError(_("Choose the orders to pay."), code="empty")
    if len(ids) > MAX_ORDERS_PER_PAYMENT:
        raise DomainError(_("Pay at most 200 orders at a time."), code="too_many")
    wallet = wallet_get(customer, lock=True)  # first: every payment of this customer queues here
    orders = list(Consignment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    found = {o.pk for o in orders}
    if len(found) != len(ids) or any(o.customer_id != customer.pk for o in orders):
        raise DomainError(_("Some of these orders are not yours."), code="not_yours")
    current = {c.consignment_id: c for c in Charge.objects.filter(consignment_id__in=ids, is_current=True)}
    days = storage_days_of_many(orders)
    charges = {}
    for order in orders:
        if order.status != ConsignmentStatus.AWAITING_DELIVERY:
            raise DomainError(
                _("Order %(code)s is not awaiting delivery: it is paid when it reaches the depot.")
                % {"code": order.code},
                code="not_ready",
            )
        charge = current.get(order.pk)
        if charge is not None and charge.paid_at is not None:
            raise DomainError(_("Order %(code)s is already paid.") % {"code": order.code}, code="paid")
        if charge is None or charge.stage != ChargeStage.FINAL:
            # Reached Chờ giao a moment ago: the worker has not priced it final yet (PricingRequest). Priced
            # here, under the lock, with the days stored so far; the worker then finds it final.
            charge = consignment_price(
                consignment=order, by=by, reason=REASON_ARRIVED, storage_days=days.get(order.pk, 0)
            )
            if charge is None or charge.stage != ChargeStage.FINAL:
                raise DomainError(
                    _("Order %(code)s is not priced yet.") % {"code": order.code}, code="unpriced"
                )
        elif days.get(order.pk, 0) > charge.storage_days:
            charge = consignment_price(consignment=order, by=by, reason=REASON_STORAGE) or charge
        charges[order.pk] = charge
    group = group_of(customer)
    floor = -(group.credit_limit_vnd if group else 0)
    total = sum(c.total_vnd for c in charges.values())
    if expected_total_vnd is not None and expected_total_vnd != total:
        raise DomainError(
            _(
                "The amount due is now %(total)s (storage at the depot, or a new charge): check it and pay again."
            )
            % {"total": vnd(total)},
            code="changed",
        )
    if wallet.balance_vnd - total < floor:
        raise DomainError(
            _("Not enough money in the wallet: these orders cost %(total)s and %(need)s more is needed.")
            % {"total": vnd(total), "need": vnd(floor - (wallet.balance_vnd - total))},
            code="insufficient",
        )
    now = timezone.now()
    entries, balance = [], wallet.balance_vnd
    for order in orders:
        charge = charges[order.pk]
        if charge.total_vnd == 0:
            continue
        balance -= charge.total_vnd
        entries.append(
            WalletEntry(
                wallet=wallet,
                kind=EntryKind.PAYMENT,
                amount_vnd=-charge.total_vnd,
                balance_after_vnd=balance,
                idempotency_key=f"pay:{order.pk}",
                by=by,
                reason="",  # the entry links the order: the statement shows its code
                at=now,
                consignment=order,
                charge=charge,
            )
        )
    try:
        with transaction.atomic():
            WalletEntry.objects.bulk_create(entries)
    except IntegrityError as exc:  # an order paid meanwhile by a path that does not lock this wallet
        raise DomainError(_("One of these orders was paid just now; reload."), code="paid") from exc
    paid = Charge.objects.filter(pk__in=[c.pk for c in charges.values()], paid_at__isnull=True).update(
        paid_at=now
    )
    if paid != len(charges):
        raise DomainError(_("One of these orders was paid just now; reload."), code="paid")
    Wallet.objects.filter(pk=wallet.pk).update(balance_vnd=balance, updated_at=now)
    wallet.balance_vnd = balance
    return entries


# What operations may reverse: their own manual entries. A payment's reversal would give the money back while
# the order stays paid, and a top-up's would leave its bank transfer "credited" (it could not be assigned again).
REVERSIBLE = frozenset({EntryKind.ADJUSTMENT, EntryKind.REFUND})


@transaction.atomic
def wallet_reverse(*, entry: WalletEntry, reason: str, by) -> WalletEntry:
    """Operations undo one ledger entry (đảo bút toán): a new entry of the opposite amount that names the
    one it reverses; the original stays as it was. An entry is reversed at most once (a unique link and
    the key `reverse:<id>`); only adjustments and refunds are reversed (REVERSIBLE)."""
    if entry.kind not in REVERSIBLE:
        raise DomainError(
            _(
                "Only adjustments and refunds can be reversed. A payment is undone by a refund for its order; "
                "a top-up credited to the wrong customer, by an adjustment on each wallet."
            ),
            code="not_reversible",
        )
    if WalletEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry is already reversed."), code="reversed")
    customer = entry.wallet.customer
    return _manual(
        EntryKind.REVERSAL,
        customer=customer,
        amount_vnd=-entry.amount_vnd,
        reason=reason,
        by=by,
        key=f"reverse:{entry.pk}",
        consignment=entry.consignment,
        reverses=entry,
    )
