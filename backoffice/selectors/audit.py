"""The audit trail: every history row of the project (order events, parcel scans, tracking registrations,
wallet entries, assigned bank transfers, trip checkpoints, operations' own changes; claims, bags, trips and
delivery in audit_journey), filtered by who, what, when and a code, newest first, with keyset pagination: one query per source (each at most a page long), merged."""

import heapq
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from billing.models import BankTransfer, WalletEntry
from consignments.models import ConsignmentEvent
from core.money import vnd, vnd_signed
from shipping.models import TripCheckpoint
from tracking.models import TrackingNumber
from warehouse.models import Parcel

from ..models import AuditEntry
from .audit_base import AuditRow, Source, _any
from .audit_journey import ClaimEvents, _claims_ready, _journey_sources
from .audit_words import kg, ops_change_words, order_event_words, words
from .dashboard import local_day_start

PAGE_SIZE = 50


def data_summary(data) -> str:
    """A history row's details on one short line, in words (audit_words): the values set (empty ones and
    internal ids left out), then what they were ("before")."""
    if not isinstance(data, dict):
        return str(data or "")
    text = words(data)
    previous = data.get("previous")
    if isinstance(previous, dict) and words(previous):
        text = f"{text} ({_('before')}: {words(previous)})"
    elif previous not in (None, "", [], {}) and not isinstance(previous, dict | list):
        text = f"{text} ({_('before')}: {previous})"
    return text


class OrderEvents(Source):
    def queryset(self):
        return ConsignmentEvent.objects.select_related("consignment", "by", "warehouse")

    def code_q(self, code):
        return _any(
            code, "consignment__code", "consignment__tracking_code", "consignment__customer__customer_code"
        )

    def row(self, e):
        return self._row(
            e,
            what=e.get_kind_display(),
            subject=e.consignment.code,
            url=reverse("backoffice:order", args=[e.consignment_id]),
            detail=order_event_words(e),
        )


class ParcelScans(Source):
    def queryset(self):
        return Parcel.objects.select_related("scanned_by", "warehouse")

    def code_q(self, code):
        return _any(code, "tracking_code", "consignment__code", "consignment__customer__customer_code")

    def row(self, p):
        detail = " · ".join(x for x in (p.warehouse.code, kg(p.weight_g) if p.weight_g else "") if x)
        return self._row(p, what=_("Parcel scanned"), subject=str(p), detail=detail)


class Registrations(Source):
    def queryset(self):
        return TrackingNumber.objects.select_related("customer")

    def code_q(self, code):
        return _any(code, "code", "customer__customer_code", "consignment__code")

    def row(self, t):
        url = reverse("backoffice:customer", args=[t.customer_id])
        return self._row(t, what=_("Tracking number registered"), subject=t.code, url=url)


class WalletEntries(Source):
    def queryset(self):
        return WalletEntry.objects.select_related("by", "wallet__customer", "consignment")

    def code_q(self, code):
        return _any(code, "wallet__customer__customer_code", "consignment__code")

    def row(self, w):

        customer = w.wallet.customer
        return self._row(
            w,
            what=w.get_kind_display(),
            subject=customer.customer_code or customer.username,
            url=reverse("backoffice:customer", args=[customer.pk]),
            detail=" · ".join(x for x in (vnd_signed(w.amount_vnd), w.reason) if x),
        )


class Transfers(Source):
    def queryset(self):
        return BankTransfer.objects.filter(assigned_at__isnull=False).select_related(
            "assigned_by", "customer"
        )

    def code_q(self, code):
        return _any(code, "customer__customer_code", "external_id")

    def row(self, t):

        return self._row(
            t,
            what=_("Bank transfer assigned"),
            subject=t.customer.customer_code if t.customer_id else t.external_id,
            url=reverse("billing:transfers") + "?status=assigned",
            detail=" · ".join(x for x in (vnd(t.amount_vnd), t.note) if x),
        )


class Checkpoints(Source):
    def queryset(self):
        return TripCheckpoint.objects.select_related("by", "trip")

    def code_q(self, code):
        return _any(code, "trip__code")

    def row(self, c):
        return self._row(
            c,
            what=c.get_kind_display(),
            subject=c.trip.code,
            url=reverse("shipping:trip", args=[c.trip_id]),
            detail=" · ".join(x for x in (c.place, c.note) if x),
        )


class OpsChanges(Source):
    def queryset(self):
        return AuditEntry.objects.select_related("by", "user", "warehouse")

    def code_q(self, code):
        return _any(code, "user__customer_code", "user__username", "warehouse__code")

    def row(self, a):
        subject, url = "", ""
        if a.user_id:
            subject = a.user.customer_code or a.user.username
            if a.user.is_customer:
                url = reverse("backoffice:customer", args=[a.user_id])
        elif a.warehouse_id:
            subject, url = a.warehouse.code, reverse("backoffice:warehouse", args=[a.warehouse_id])
        return self._row(a, what=a.get_kind_display(), subject=subject, url=url, detail=ops_change_words(a))


SOURCES = {
    s.name: s
    for s in (
        OrderEvents("order", _("Orders"), "at", "by"),
        ParcelScans("parcel", _("Parcel scans"), "scanned_at", "scanned_by"),
        Registrations("registration", _("Tracking registrations"), "created_at", "customer"),
        WalletEntries("wallet", _("Wallet entries"), "at", "by"),
        Transfers("transfer", _("Bank transfers assigned"), "assigned_at", "assigned_by"),
        Checkpoints("trip", _("Trip checkpoints"), "at", "by"),
        OpsChanges("ops", _("Operations portal changes"), "at", "by"),
        *([ClaimEvents("claim", _("Claims"), "at", "by")] if _claims_ready() else []),
        *_journey_sources(),
    )
}


@dataclass(frozen=True)
class AuditFilter:
    who: int | None = None  # a user id
    what: str = ""  # a source name; "" for all
    code: str = ""  # an order, customer, tracking, bag, trip, claim… code; "" for all
    date_from: date | None = None
    date_to: date | None = None


def normalize_code(text: str) -> str:
    """What was typed as a code: full-width characters read (ＪＴ３１ → JT31), spaces gone, upper-case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def cursor_encode(row: AuditRow) -> str:
    return f"{row.at.isoformat()}|{row.source}|{row.pk}"


def cursor_decode(text: str):
    """(at, source, pk) or None for anything that is not a cursor this page wrote."""
    parts = (text or "").split("|")
    if len(parts) != 3 or parts[1] not in SOURCES or not parts[2].isascii() or not parts[2].isdigit():
        return None
    try:
        at = parse_datetime(parts[0])
    except ValueError:
        return None
    if at is None or timezone.is_naive(at):
        return None
    return at, parts[1], int(parts[2])


def _after(source: Source, cursor) -> Q:
    """Rows of `source` that come after the cursor in (at, source, id) descending order."""
    at, name, pk = cursor
    if source.name < name:
        return Q(**{f"{source.at}__lte": at})
    if source.name == name:
        return Q(**{f"{source.at}__lt": at}) | Q(**{source.at: at, "pk__lt": pk})
    return Q(**{f"{source.at}__lt": at})


def audit_rows(f: AuditFilter, *, cursor=None, limit: int = PAGE_SIZE) -> tuple[list[AuditRow], bool]:
    """A page of history rows, newest first, and whether there are more."""
    sources = [SOURCES[f.what]] if f.what in SOURCES else list(SOURCES.values())
    streams = []
    for source in sources:
        qs = source.queryset()
        if f.code:
            about = source.code_q(normalize_code(f.code))
            if about is None:
                continue
            qs = qs.filter(about)
        if f.who:
            qs = qs.filter(**{f"{source.by}_id": f.who})
        if f.date_from:
            qs = qs.filter(**{f"{source.at}__gte": local_day_start(f.date_from)})
        if f.date_to:
            qs = qs.filter(**{f"{source.at}__lt": local_day_start(f.date_to + timezone.timedelta(days=1))})
        if cursor is not None:
            qs = qs.filter(_after(source, cursor))
        rows = [source.row(obj) for obj in qs.order_by(f"-{source.at}", "-pk")[: limit + 1]]
        streams.append(rows)
    merged = list(heapq.merge(*streams, key=lambda r: r.key, reverse=True))
    return merged[:limit], len(merged) > limit
