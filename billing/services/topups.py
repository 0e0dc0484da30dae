"""Top-ups by bank transfer (nạp tiền): the account and content customers transfer with, the webhook of the
bank-notification services (SePay, Casso) that turns a transfer into wallet credit exactly once, and
operations assigning the transfers nobody could be matched to.

Exactly once: a transfer is one BankTransfer row, unique by (provider, the provider's transaction id). The
webhook inserts it in a savepoint; a retry, a replay or a hundred deliveries at once find it there
(IntegrityError) and credit nothing. The credit itself is keyed `bank:<provider>:<id>` in the ledger, so
even a path that got past the row (operations assigning it) can never post it twice.
"""

import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.errors import DomainError

from ..models import BankTransfer, TransferStatus, WebhookCall, WebhookProvider
from ..transfer_content import code_from_provider, codes_in
from .wallet import MAX_AMOUNT_VND, wallet_top_up

MAX_BODY_BYTES = 64 * 1024  # a notification is a few hundred bytes


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


# --- The webhook ----------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One bank transaction as a provider told it, checked."""

    external_id: str
    direction: str  # "in" or "out"
    amount_vnd: int  # positive
    content: str = ""
    account_number: str = ""
    bank: str = ""
    reference: str = ""
    transaction_at: str = ""
    provider_code: str | None = None  # SePay's `code`
    raw: dict = field(default_factory=dict)


@dataclass
class WebhookAnswer:
    status: int
    outcome: str
    error: str = ""
    transfer: BankTransfer | None = None


class Refused(Exception):
    def __init__(self, status: int, outcome: str, error: str):
        super().__init__(error)
        self.status, self.outcome, self.error = status, outcome, error


def _bad(error: str) -> Refused:
    return Refused(400, "bad_request", error)


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _bad(f"{name} must be a string")
    return value[:limit]


def _external_id(value) -> str:
    if isinstance(value, bool) or value is None:
        raise _bad("id must be a number or a string")
    if isinstance(value, int):
        if value < 0:
            raise _bad("id must not be negative")
        return str(value)
    if isinstance(value, str) and value.strip() and len(value.strip()) <= 64:
        return value.strip()
    raise _bad("id must be a number or a string of 1 to 64 characters")


def _amount(value, *, signed: bool = False) -> int:
    """A whole number of đồng, not zero; positive unless `signed` (Casso: negative is money going out)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad("amount must be a whole number of dong (a JSON number)")
    if isinstance(value, float):
        if not value.is_integer():
            raise _bad("amount must be a whole number of dong (VND has no decimals)")
        value = int(value)
    if value == 0:
        raise _bad("amount must not be zero")
    if value < 0 and not signed:
        raise _bad("amount must be positive")
    if abs(value) > MAX_AMOUNT_VND:
        raise _bad(f"amount is absurd (more than {MAX_AMOUNT_VND} dong)")
    return value


def _require(data: dict, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in data]
    if missing:
        raise _bad("missing fields: " + ", ".join(missing))


def _parse_sepay(data) -> Incoming:
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object")
    _require(data, ("id", "transferType", "transferAmount", "content"))
    direction = str(data["transferType"]).strip().lower()
    if direction not in ("in", "out"):
        raise _bad('transferType must be "in" or "out"')
    code = data.get("code")
    return Incoming(
        external_id=_external_id(data["id"]),
        direction=direction,
        amount_vnd=_amount(data["transferAmount"]),
        content=_text(data["content"], "content", 500),
        account_number=_text(data.get("accountNumber"), "accountNumber", 40),
        bank=_text(data.get("gateway"), "gateway", 60),
        reference=_text(data.get("referenceCode"), "referenceCode", 100),
        transaction_at=_text(data.get("transactionDate"), "transactionDate", 40),
        provider_code=code if isinstance(code, str) else None,
        raw=data,
    )


def _parse_casso(body) -> Incoming:
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    data = body.get("data")
    if not isinstance(data, dict):
        raise _bad("data must be an object (Casso webhook v2)")
    _require(data, ("id", "amount", "description"))
    amount = _amount(data["amount"], signed=True)
    return Incoming(
        external_id=_external_id(data["id"]),
        direction="out" if amount < 0 else "in",
        amount_vnd=abs(amount),
        content=_text(data["description"], "description", 500),
        account_number=_text(data.get("accountNumber"), "accountNumber", 40),
        bank=_text(data.get("bankName") or data.get("bankAbbreviation"), "bankName", 60),
        reference=_text(data.get("reference"), "reference", 100),
        transaction_at=_text(data.get("transactionDateTime"), "transactionDateTime", 40),
        raw=body,
    )


_MALFORMED = object()  # the body is not JSON


def _no_nul(value):
    """PostgreSQL stores no NUL character (text or jsonb): each becomes U+FFFD, keys too."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


def _check_sepay(raw: bytes, parsed, headers) -> None:
    api_key, secret = settings.SEPAY_API_KEY, settings.SEPAY_HMAC_SECRET
    if not api_key and not secret:
        raise Refused(403, "not_configured", "sepay webhook not configured")
    if api_key:
        scheme, _sep, value = (headers.get("Authorization") or "").strip().partition(" ")
        if scheme.lower() != "apikey" or not hmac.compare_digest(value.strip().encode(), api_key.encode()):
            raise Refused(401, "unauthorized", "bad or missing Authorization: Apikey")
    if secret:
        given = (headers.get("X-SePay-Signature") or "").strip().lower().removeprefix("sha256=")
        expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Refused(401, "unauthorized", "bad or missing X-SePay-Signature")


def casso_signed_message(timestamp_ms: str, obj, *, ensure_ascii: bool = False) -> str:
    """What Casso signs: `<t>.<JSON with keys sorted at every level, no spaces>`."""
    return f"{timestamp_ms}." + json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=ensure_ascii
    )


def casso_signature(key: str, timestamp_ms: str, obj) -> str:
    return hmac.new(
        key.encode(), casso_signed_message(timestamp_ms, obj).encode(), hashlib.sha512
    ).hexdigest()


def _check_casso(raw: bytes, parsed, headers) -> None:
    key = settings.CASSO_CHECKSUM_KEY
    if not key:
        raise Refused(403, "not_configured", "casso webhook not configured")
    header = headers.get("X-Casso-Signature") or ""
    parts = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
    t, given = parts.get("t", ""), parts.get("v1", "").strip().lower()
    if not t.isdigit() or not given:
        raise Refused(401, "unauthorized", "bad or missing X-Casso-Signature (t=<ms>,v1=<hex>)")
    if parsed is _MALFORMED:
        raise _bad("malformed JSON")
    # Casso's own example signs the whole body ({"data": …, "error": 0}); some integrations sign `data`
    # alone, and a PHP signer escapes non-ASCII. Each form is an HMAC with our key: any one proves it.
    signed = [parsed] + ([parsed["data"]] if isinstance(parsed, dict) and "data" in parsed else [])
    candidates = (
        hmac.new(key.encode(), casso_signed_message(t, obj, ensure_ascii=ascii_).encode(), hashlib.sha512)
        for obj in signed
        for ascii_ in (False, True)
    )
    if not any(hmac.compare_digest(given.encode(), c.hexdigest().encode()) for c in candidates):
        raise Refused(401, "unauthorized", "bad X-Casso-Signature")
    if abs(time.time() * 1000 - int(t)) > settings.CASSO_MAX_AGE_S * 1000:
        raise Refused(401, "unauthorized", "X-Casso-Signature timestamp too old (a replay?)")


PROVIDERS = {
    WebhookProvider.SEPAY.value: (_check_sepay, _parse_sepay),
    WebhookProvider.CASSO.value: (_check_casso, _parse_casso),
}

RECORDED_HEADERS = ("Content-Type", "Content-Length", "User-Agent", "Authorization", "X-SePay-Signature")
RECORDED_HEADERS += ("X-Casso-Signature", "X-Forwarded-For", "X-Real-IP")


def _recorded_headers(headers) -> dict:
    """The headers that matter, secrets masked: the API key never reaches the database."""
    out = {}
    for name in RECORDED_HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        value = _no_nul(str(value)[:300])
        if name == "Authorization":
            scheme, _sep, secret = value.partition(" ")
            value = f"{scheme} ****" if secret else "****"
        elif name in ("X-SePay-Signature", "X-Casso-Signature"):
            value = value[:40] + ("…" if len(value) > 40 else "")
        out[name] = value
    return out


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


@transaction.atomic
def transfer_receive(*, provider: str, incoming: Incoming) -> tuple[BankTransfer | None, str]:
    """Record one bank transaction and credit it if it names exactly one customer.

    Returns (transfer, outcome): outcome is "credited", "unmatched", "ignored" (money going out) or
    "duplicate" (this provider already told us about this transaction: nothing happens, transfer None)."""
    if incoming.direction == "out":
        customer, codes, status = None, [], TransferStatus.IGNORED
    else:
        customer, codes = match_customer(incoming)
        status = TransferStatus.CREDITED if customer else TransferStatus.UNMATCHED
    fields = {name: value for name, value in asdict(incoming).items() if name != "provider_code"}
    try:
        with transaction.atomic():
            transfer = BankTransfer.objects.create(
                provider=provider, status=status, customer=customer, note=", ".join(codes)[:255], **fields
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
        WebhookCall.objects.create(
            provider=provider[:16],
            body=_no_nul(body[:MAX_BODY_BYTES].decode("utf-8", errors="replace")),
            headers=_recorded_headers(headers),
            remote_addr=(remote_addr or "")[:64],
            status_code=answer.status,
            outcome=answer.outcome[:40],
            error=answer.error[:255],
        )
    return answer.status, _answer_body(provider, answer)


def _receive(provider: str, body: bytes, headers, *, too_large: bool = False) -> WebhookAnswer:
    try:
        if provider not in PROVIDERS:
            raise Refused(404, "unknown_provider", "unknown provider")
        if too_large or len(body) > MAX_BODY_BYTES:
            raise Refused(413, "too_large", "body too large")
        check, parse = PROVIDERS[provider]
        try:
            parsed = json.loads(body)
        except ValueError:  # UnicodeDecodeError too
            parsed = _MALFORMED
        check(body, parsed, headers)
        if parsed is _MALFORMED:
            raise _bad("malformed JSON")
        incoming = parse(_no_nul(parsed))
    except Refused as exc:
        return WebhookAnswer(status=exc.status, outcome=exc.outcome, error=exc.error)
    transfer, outcome = transfer_receive(provider=provider, incoming=incoming)
    return WebhookAnswer(status=200, outcome=outcome, transfer=transfer)


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
