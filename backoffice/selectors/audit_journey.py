"""Audit trail sources outside the order: claims, and the status history of bags, trips, delivery
requests and release notes."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .audit_base import Source, _any, _pk_of
from .audit_words import claim_event_words


class ClaimEvents(Source):
    def queryset(self):
        from claims.models import ClaimEvent

        return ClaimEvent.objects.select_related("by", "claim")

    def code_q(self, code):
        q = _any(code, "claim__consignment__code", "claim__customer__customer_code")
        pk = _pk_of(code, "KN")
        return q | Q(claim_id=pk) if pk else q

    def row(self, e):
        return self._row(
            e,
            what=e.get_kind_display(),
            subject=e.claim.code,
            url=_claim_url(e.claim_id),
            detail=claim_event_words(e),
        )


class StatusHistory(Source):
    """The history rows of a status machine outside orders (bags, trips, delivery requests, release notes):
    `model` its event model, `parent` the field naming what changed, `statuses` its status choices."""

    def __init__(
        self,
        name,
        label,
        *,
        model,
        parent,
        statuses,
        url_name="",
        at="at",
        by="by",
        codes=("code",),
        prefix="",
    ):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "by", by)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "statuses", statuses)
        object.__setattr__(self, "url_name", url_name)
        object.__setattr__(self, "codes", codes)  # lookups on the parent matched by the code filter
        object.__setattr__(self, "prefix", prefix)  # the parent's code is prefix + its id (YC000012)

    def code_q(self, code):
        q = _any(code, *(f"{self.parent}__{field}" for field in self.codes))
        pk = _pk_of(code, self.prefix) if self.prefix else None
        return q | Q(**{f"{self.parent}_id": pk}) if pk else q

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
            codes=("customer__customer_code",),
            prefix="YC",
        ),
        StatusHistory(
            "release",
            _("Release notes"),
            model=ReleaseNoteEvent,
            parent="release_note",
            statuses=ReleaseStatus,
            codes=("request__customer__customer_code", "tracking_number"),
            prefix="PX",
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
