"""What the bank-notification services send, and how each proves it is them: SePay's and Casso's payloads
parsed into one `Incoming`, their API key / HMAC signatures checked (MONEY.md, "Bank-transaction
webhooks"). A payload or signature that does not hold raises `Refused` with the HTTP answer to give.
Used by billing.services.topups, which records and credits."""

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field

from django.conf import settings

from .models import BankTransfer, WebhookProvider
from .services.wallet import MAX_AMOUNT_VND


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
    authenticated: bool = False  # the provider proved it is them: the whole body is kept


class Refused(Exception):
    def __init__(self, status: int, outcome: str, error: str):
        super().__init__(error)
        self.status, self.outcome, self.error = status, outcome, error


def bad_request(error: str) -> Refused:
    """400: the payload does not hold (after authentication, or when it cannot be authenticated)."""
    return Refused(400, "bad_request", error)


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    return value[:limit]


def _external_id(value) -> str:
    """The provider's transaction id as text. A whole number is written one way, however it came (7001,
    7001.0, "7001", "7001.0" → "7001"), so a retry that changes its type is still the same transaction."""
    if isinstance(value, bool) or value is None:
        raise bad_request("id must be a number or a string")
    if isinstance(value, float):
        if not value.is_integer():
            raise bad_request("id must be a whole number")
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise bad_request("id must not be negative")
        return str(value)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 64:
        raise bad_request("id must be a number or a string of 1 to 64 characters")
    value = value.strip()
    if number := re.fullmatch(r"(\d+)(?:\.(\d+))?", value, re.ASCII):
        whole, fraction = number.groups()
        if fraction and fraction.strip("0"):
            raise bad_request("id must be a whole number")
        return str(int(whole))
    return value


def _amount(value, *, signed: bool = False) -> int:
    """A whole number of đồng, not zero; positive unless `signed` (Casso: negative is money going out)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request("amount must be a whole number of dong (a JSON number)")
    if isinstance(value, float):
        if not value.is_integer():
            raise bad_request("amount must be a whole number of dong (VND has no decimals)")
        value = int(value)
    if value == 0:
        raise bad_request("amount must not be zero")
    if value < 0 and not signed:
        raise bad_request("amount must be positive")
    if abs(value) > MAX_AMOUNT_VND:
        raise bad_request(f"amount is absurd (more than {MAX_AMOUNT_VND} dong)")
    return value


def _require(data: dict, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in data]
    if missing:
        raise bad_request("missing fields: " + ", ".join(missing))


def _parse_sepay(data) -> Incoming:
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object")
    _require(data, ("id", "transferType", "transferAmount", "content"))
    direction = str(data["transferType"]).strip().lower()
    if direction not in ("in", "out"):
        raise bad_request('transferType must be "in" or "out"')
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
        raise bad_request("the body must be a JSON object")
    data = body.get("data")
    if not isinstance(data, dict):
        raise bad_request("data must be an object (Casso webhook v2)")
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


MALFORMED = object()  # the body is not JSON


def no_nul(value):
    """PostgreSQL stores no NUL character (text or jsonb): each becomes U+FFFD, keys too."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {no_nul(k): no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_nul(v) for v in value]
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
    if parsed is MALFORMED:
        raise bad_request("malformed JSON")
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


def recorded_headers(headers) -> dict:
    """The headers that matter, secrets masked: the API key never reaches the database."""
    out = {}
    for name in RECORDED_HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        value = no_nul(str(value)[:300])
        if name == "Authorization":
            scheme, _sep, secret = value.partition(" ")
            value = f"{scheme} ****" if secret else "****"
        elif name in ("X-SePay-Signature", "X-Casso-Signature"):
            value = value[:40] + ("…" if len(value) > 40 else "")
        out[name] = value
    return out
