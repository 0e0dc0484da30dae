"""Top-ups by bank transfer (nạp tiền): the account and content customers transfer with, the webhook of the
bank-notification services (SePay, Casso) that turns a transfer into wallet credit exactly once, and
operations assigning the transfers nobody could be matched to.

Exactly once: a transfer is one BankTransfer row, unique by (provider, the provider's transaction id). The
webhook inserts it in a savepoint; a retry, a replay or a hundred deliveries at once find it there
(IntegrityError) and credit nothing. The credit itself is keyed `bank:<provider>:<id>` in the ledger, so
even a path that got past the row (operations assigning it) can never post it twice.
"""

import json
import re
from dataclasses import asdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.errors import DomainError

from ..bank_formats import (
    MALFORMED,
    PROVIDERS,
    Incoming,
    Refused,
    WebhookAnswer,
    bad_request,
    no_nul,
    recorded_headers,
)
from ..models import BankTransfer, TransferStatus, WebhookCall, WebhookProvider
from ..transfer_content import code_from_provider, codes_in
from .wallet import wallet_top_up

MAX_BODY_BYTES = 64 * 1024  # a notification is a few hundred bytes
REFUSED_BODY_CHARS = 2_000  # of a call nobody authenticated (bad key, unknown provider): enough to see it
NOTE_OTHER_ACCOUNT = "to another account"


# --- What customers transfer to -------------------------------------------------------------------------


def bank_account() -> dict:
    """The forwarder's account, as configured (settings BANK_*)."""
    return {
        "name": settings.BANK_NAME,
        "bin": settings.BANK_BIN,
        "number": settings.BANK_ACCOUNT_NUMBER,
        "holder": settings.BANK_ACCOUNT_HOLDER,
    }


def topup_content(customer) -> str | None:
    """The transfer content that credits this customer: `NAP YW532`. None for a user without a code."""
    if not customer.customer_code:
        return None
    return f"{settings.TOPUP_PREFIX} {customer.customer_code}"


def transfer_key(transfer: BankTransfer) -> str:
    """The ledger's idempotency key of a bank transfer: the same for the webhook and for operations."""
    return f"bank:{transfer.provider}:{transfer.external_id}"


# --- The webhook (provider formats and signatures: billing.bank_formats) ------------------------------------


def match_customer(incoming: Incoming) -> tuple[User | None, list[str]]:
    """The one active customer the transfer names (after TOPUP_PREFIX in the content, or SePay's extracted
    code), and the codes found. None when it names nobody we know, or two different customers."""
    prefix = settings.TOPUP_PREFIX
    codes = code_from_provider(incoming.provider_code, prefix=prefix)
    codes += [code for code in codes_in(incoming.content, prefix=prefix) if code not in codes]
    if not codes:
        return None, codes
    customers = list(
        User.objects.filter(customer_code__in=codes[:10], role=Role.CUSTOMER, is_active=True).only(
            "pk", "customer_code"
        )[:2]
    )
    return (customers[0] if len(customers) == 1 else None), codes


def is_our_account(account_number: str) -> bool:
    """Whether a transfer went to the forwarder's account (settings.BANK_ACCOUNT_NUMBER, digits compared:
    "0123 499 999" is 0123499999). A notification that names no account is taken as ours (the service
    watches only the accounts it was given); one naming another account is not, nor any when ours is
    not set."""
    if not (account_number or "").strip():
        return True
    ours = re.sub(r"\D", "", settings.BANK_ACCOUNT_NUMBER or "")
    return bool(ours) and re.sub(r"\D", "", account_number) == ours


@transaction.atomic
def transfer_receive(*, provider: str, incoming: Incoming) -> tuple[BankTransfer | None, str]:
    """Record one bank transaction and credit it if it names exactly one customer.

    A transfer to another account than ours (a notification service watching several) is never credited:
    it waits for operations, noted NOTE_OTHER_ACCOUNT.

    Returns (transfer, outcome): outcome is "credited", "unmatched", "ignored" (money going out) or
    "duplicate" (this provider already told us about this transaction: nothing happens, transfer None)."""
    if incoming.direction == "out":
        customer, note, status = None, "", TransferStatus.IGNORED
    elif not is_our_account(incoming.account_number):
        customer, note, status = None, NOTE_OTHER_ACCOUNT, TransferStatus.UNMATCHED
    else:
        customer, codes = match_customer(incoming)
        note = ", ".join(codes)[:255]
        status = TransferStatus.CREDITED if customer else TransferStatus.UNMATCHED
    fields = {name: value for name, value in asdict(incoming).items() if name != "provider_code"}
    try:
        with transaction.atomic():
            transfer = BankTransfer.objects.create(
                provider=provider, status=status, customer=customer, note=note, **fields
            )
    except IntegrityError:
        return None, "duplicate"
    if customer is not None:
        reason = " · ".join(part for part in (incoming.bank, incoming.reference) if part) or provider
        try:
            key = transfer_key(transfer)
            wallet_top_up(
                customer=customer, amount_vnd=incoming.amount_vnd, key=key, transfer=transfer, reason=reason
            )
        except DomainError as exc:  # the ledger refused it (an amount beyond its limits): operations decide
            transfer.status, transfer.customer = TransferStatus.UNMATCHED, None
            transfer.note = str(exc)[:255]
            transfer.save(update_fields=["status", "customer", "note"])
    return transfer, str(transfer.status)


def _answer_body(provider: str, answer: WebhookAnswer) -> dict:
    """SePay wants {"success": true}, Casso {"error": 0}; both get the outcome (and the error)."""
    ok = answer.status < 300
    if provider == WebhookProvider.CASSO:
        body = {"error": 0 if ok else 1, "message": answer.error or answer.outcome}
    else:
        body = {"success": ok} if ok else {"success": False, "error": answer.error}
    body["outcome"] = answer.outcome
    if answer.transfer is not None:
        body["transfer"] = answer.transfer.pk
    return body


def webhook_receive(
    *, provider: str, body: bytes, headers, remote_addr: str = "", too_large: bool = False
) -> tuple[int, dict]:
    """Handle one call of a bank-notification webhook: authenticate it (per provider), check the payload,
    record the transfer and credit it. Every call is kept as a WebhookCall, refused ones too.

    Returns (HTTP status, JSON body): 2xx for anything the provider must not send again (credited,
    unmatched, ignored, duplicate); 4xx with the reason for a call that credits nothing. `too_large`: the
    body was refused before it was read (beyond Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    answer = WebhookAnswer(status=500, outcome="error", error="internal error")
    try:
        answer = _receive(provider, body, headers, too_large=too_large)
    finally:
        kept, error = _kept_body(body, answer)
        WebhookCall.objects.create(
            provider=provider[:16],
            body=kept,
            headers=recorded_headers(headers),
            remote_addr=(remote_addr or "")[:64],
            status_code=answer.status,
            outcome=answer.outcome[:40],
            error=error,
        )
    return answer.status, _answer_body(provider, answer)


def _kept_body(body: bytes, answer: WebhookAnswer) -> tuple[str, str]:
    """The body to keep and the error to record. An authenticated call keeps its body (at most
    MAX_BODY_BYTES); one nobody authenticated (401, 403, 404, 413, JSON Casso cannot sign) only its first
    REFUSED_BODY_CHARS characters, so that anyone on the internet cannot fill the table; the error says so."""
    text = body[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
    error = answer.error
    if not answer.authenticated and len(text) > REFUSED_BODY_CHARS:
        cut = f" [body truncated: first {REFUSED_BODY_CHARS} characters kept]"
        text, error = text[:REFUSED_BODY_CHARS], error[: 255 - len(cut)] + cut
    return no_nul(text), error[:255]


def _receive(provider: str, body: bytes, headers, *, too_large: bool = False) -> WebhookAnswer:
    authenticated = False
    try:
        if provider not in PROVIDERS:
            raise Refused(404, "unknown_provider", "unknown provider")
        if too_large or len(body) > MAX_BODY_BYTES:
            raise Refused(413, "too_large", "body too large")
        check, parse = PROVIDERS[provider]
        try:
            parsed = json.loads(body)
        except ValueError:  # UnicodeDecodeError too
            parsed = MALFORMED
        check(body, parsed, headers)
        authenticated = True
        if parsed is MALFORMED:
            raise bad_request("malformed JSON")
        incoming = parse(no_nul(parsed))
    except Refused as exc:
        return WebhookAnswer(exc.status, exc.outcome, exc.error, authenticated=authenticated)
    transfer, outcome = transfer_receive(provider=provider, incoming=incoming)
    return WebhookAnswer(status=200, outcome=outcome, transfer=transfer, authenticated=True)


# --- Operations ------------------------------------------------------------------------------------------


@transaction.atomic
def transfer_assign(*, transfer: BankTransfer, customer, reason: str, by) -> BankTransfer:
    """Operations credit an unmatched transfer to a customer, with a reason (audited: who, when, why).

    The credit uses the same ledger key the webhook would have, so a transfer is never credited twice,
    whoever does it first. Refuses a transfer already credited or assigned, an outgoing one, a user who is
    not an active customer, an empty reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why this transfer is this customer's: the reason is kept."), code="reason")
    if by is None or getattr(by, "role", "") != Role.OPERATIONS:
        raise DomainError(_("Only operations can do this."), code="forbidden")
    if customer is None or customer.role != Role.CUSTOMER or not customer.is_active:
        raise DomainError(_("Choose an active customer."), code="customer")
    locked = BankTransfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status in (TransferStatus.CREDITED, TransferStatus.ASSIGNED):
        raise DomainError(_("This transfer has already been credited."), code="credited")
    if locked.status == TransferStatus.IGNORED:
        raise DomainError(_("This is money going out of the account: nothing to credit."), code="outgoing")
    key = transfer_key(locked)
    _entry, created = wallet_top_up(
        customer=customer, amount_vnd=locked.amount_vnd, key=key, transfer=locked, by=by, reason=reason
    )
    if not created:
        raise DomainError(_("This transfer has already been credited."), code="credited")
    locked.status, locked.customer, locked.note = TransferStatus.ASSIGNED, customer, reason[:255]
    locked.assigned_by, locked.assigned_at = by, timezone.now()
    locked.save(update_fields=["status", "customer", "assigned_by", "assigned_at", "note"])
    return locked
