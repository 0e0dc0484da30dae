"""The audit trail: every history row of the project (order events, parcel scans, tracking registrations,
wallet entries, assigned bank transfers, trip checkpoints, operations' own changes), filtered by who, what
and when, newest first, with keyset pagination: one query per source (each at most a page long), merged."""

import heapq
from dataclasses import dataclass
from datetime import date, datetime

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
from .dashboard import local_day_start

PAGE_SIZE = 50


def data_summary(data) -> str:
    """A history row's details on one short line: the values set (empty ones left out), then what they
    were ("previous")."""
    if not isinstance(data, dict):
        return str(data or "")

    def pairs(d):
        return "; ".join(
            f"{k}: {v}"
            for k, v in d.items()
            if v not in (None, "", [], {}) and not isinstance(v, dict | list)
        )

    text = pairs(data)
    previous = data.get("previous")
    if isinstance(previous, dict) and pairs(previous):
        text = f"{text} ({_('before')}: {pairs(previous)})"
    elif previous not in (None, "", [], {}) and not isinstance(previous, dict | list):
        text = f"{text} ({_('before')}: {previous})"
    return text


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    source: str
    pk: int
    who: object  # a User or None (the system)
    what: str
    subject: str
    url: str
    detail: str

    @property
    def key(self):
        return (self.at, self.source, self.pk)


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    at: str  # the time field
    by: str  # the field naming who did it

    def queryset(self):
        raise NotImplementedError

    def row(self, obj) -> AuditRow:
        raise NotImplementedError

    def _row(self, obj, *, what, subject, url="", detail="") -> AuditRow:
        return AuditRow(
            at=getattr(obj, self.at),
            source=self.name,
            pk=obj.pk,
            who=getattr(obj, self.by),
            what=str(what),
            subject=str(subject),
            url=url,
            detail=str(detail),
        )


class OrderEvents(Source):
    def queryset(self):
        return ConsignmentEvent.objects.select_related("consignment", "by", "warehouse")

    def row(self, e):
        if e.kind == "status":
            detail = f"{e.get_old_status_display() or '—'} → {e.get_new_status_display()}"
        else:
            detail = ", ".join(
                f"{k}: {v}" for k, v in (e.data or {}).items() if not isinstance(v, dict | list)
            )
        if e.note:
            detail = f"{detail} · {e.note}" if detail else e.note
        return self._row(
            e,
            what=e.get_kind_display(),
            subject=e.consignment.code,
            url=reverse("backoffice:order", args=[e.consignment_id]),
            detail=detail,
        )


class ParcelScans(Source):
    def queryset(self):
        return Parcel.objects.select_related("scanned_by", "warehouse")

    def row(self, p):
        return self._row(p, what=_("Parcel scanned"), subject=str(p), detail=p.warehouse.code)


class Registrations(Source):
    def queryset(self):
        return TrackingNumber.objects.select_related("customer")

    def row(self, t):
        url = reverse("backoffice:customer", args=[t.customer_id])
        return self._row(t, what=_("Tracking number registered"), subject=t.code, url=url)


class WalletEntries(Source):
    def queryset(self):
        return WalletEntry.objects.select_related("by", "wallet__customer", "consignment")

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

    def row(self, a):
        subject, url = "", ""
        if a.user_id:
            subject = a.user.customer_code or a.user.username
            if a.user.is_customer:
                url = reverse("backoffice:customer", args=[a.user_id])
        elif a.warehouse_id:
            subject, url = a.warehouse.code, reverse("backoffice:warehouse", args=[a.warehouse_id])
        detail = ", ".join(
            f"{k}: {v.get('old')!s} → {v.get('new')!s}" if isinstance(v, dict) else f"{k}: {v}"
            for k, v in (a.data or {}).items()
        )
        return self._row(a, what=a.get_kind_display(), subject=subject, url=url, detail=detail)


class ClaimEvents(Source):
    def queryset(self):
        from claims.models import ClaimEvent

        return ClaimEvent.objects.select_related("by", "claim")

    def row(self, e):
        detail = f"{e.get_old_status_display() or '—'} → {e.get_new_status_display()}"
        return self._row(
            e,
            what=e.get_kind_display(),
            subject=f"KN{e.claim_id}",
            url=_claim_url(e.claim_id),
            detail=f"{detail} · {e.text[:80]}" if e.text else detail,
        )


class StatusHistory(Source):
    """The history rows of a status machine outside orders (bags, trips, delivery requests, release notes):
    `model` its event model, `parent` the field naming what changed, `statuses` its status choices."""

    def __init__(self, name, label, *, model, parent, statuses, url_name="", at="at", by="by"):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "statuses", statuses)
        object.__setattr__(self, "url_name", url_name)

    def queryset(self):
        return self.model.objects.select_related("by", self.parent)

    def row(self, e):
        labels = dict(self.statuses.choices)
        if e.old_status != e.new_status:
            detail = f"{labels.get(e.old_status, '—')} → {labels.get(e.new_status, e.new_status)}"
        else:
            detail = str(labels.get(e.new_status, e.new_status))
        if e.note:
            detail = f"{detail} · {e.note}"
        parent = getattr(e, self.parent)
        url = reverse(self.url_name, args=[parent.pk]) if self.url_name else ""
        return self._row(e, what=self.label, subject=str(parent), url=url, detail=detail)


def _journey_sources() -> list:
    """Bags, trips (shipping) and delivery requests, release notes (delivery): each change with who."""
    from delivery.models import DeliveryRequestEvent, ReleaseNoteEvent, ReleaseStatus, RequestStatus
    from shipping.models import BagEvent, BagStatus, TripEvent, TripStatus

    return [
        StatusHistory(
            "bag", _("Bags"), model=BagEvent, parent="bag", statuses=BagStatus, url_name="shipping:bag"
        ),
        StatusHistory(
            "tripstatus",
            _("Trips"),
            model=TripEvent,
            parent="trip",
            statuses=TripStatus,
            url_name="shipping:trip",
        ),
        StatusHistory(
            "delivery",
            _("Delivery requests"),
            model=DeliveryRequestEvent,
            parent="request",
            statuses=RequestStatus,
        ),
        StatusHistory(
            "release",
            _("Release notes"),
            model=ReleaseNoteEvent,
            parent="release_note",
            statuses=ReleaseStatus,
        ),
    ]


def _claim_url(pk) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("claims:ops_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _claims_ready() -> bool:
    try:
        from claims.models import ClaimEvent  # noqa: F401 - built by the claims app, maybe not yet
    except ImportError:
        return False
    return True


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
    date_from: date | None = None
    date_to: date | None = None


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
