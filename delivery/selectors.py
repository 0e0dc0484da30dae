"""Reads for the delivery pages: orders awaiting per depot with what each owes, requests, public routes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from accounts.models import Role
from billing.selectors import dues_now
from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.selectors import with_pieces
from tracking.scanner import read_scan
from warehouse.labels import split_parcel_code

from .models import (
    DeliveryRequest,
    DeliveryRequestEvent,
    DeliveryRequestItem,
    ReleaseNoteEvent,
    ReleaseStatus,
    RequestStatus,
)
from .services.handover import paid_ids

MAX_PUBLIC_QUERY = 100


def awaiting_of(customer, *, depot=None):
    """The customer's orders awaiting delivery (Chờ giao), at one depot or at all, oldest first."""
    qs = Consignment.objects.filter(customer=customer, status=ConsignmentStatus.AWAITING_DELIVERY)
    if depot is not None:
        qs = qs.filter(current_warehouse=depot)
    return (
        with_pieces(qs)
        .select_related("current_warehouse")
        .order_by("current_warehouse_id", "created_at", "id")
    )


def with_dues(orders) -> list:
    """The orders, each with `due` (billing.selectors.Due or None when not priced), `is_paid`, `due_vnd`
    (0 once paid) and `open_request` (the open delivery request it is in, or None)."""
    orders = list(orders)
    ids = [o.pk for o in orders]
    dues, paid = dues_now(orders), paid_ids(ids)
    requests = {
        item.consignment_id: item.request
        for item in DeliveryRequestItem.objects.filter(consignment_id__in=ids, is_open=True).select_related(
            "request"
        )
    }
    for order in orders:
        order.due = dues.get(order.pk)
        order.is_paid = order.pk in paid
        order.due_vnd = 0 if order.is_paid or order.due is None else order.due.total_vnd
        order.open_request = requests.get(order.pk)
    return orders


def awaiting_by_depot(customer) -> list[tuple]:
    """[(depot, [orders with dues])] for each depot where the customer has orders awaiting."""
    groups: dict = {}
    for order in with_dues(awaiting_of(customer)):
        groups.setdefault(order.current_warehouse, []).append(order)
    return list(groups.items())


def requests_of(customer):
    return (
        DeliveryRequest.objects.filter(customer=customer)
        .select_related("depot", "release_note")
        .annotate(order_count=Count("items"))
        .order_by("-created_at", "-id")
    )


def _with_orders(qs):
    items = DeliveryRequestItem.objects.select_related("consignment").order_by("consignment_id")
    return qs.select_related("depot", "customer", "release_note").prefetch_related(
        Prefetch("items", queryset=items)
    )


def request_of(customer, pk: int) -> DeliveryRequest | None:
    """The customer's own request, or None (another customer's request is not found)."""
    return _with_orders(DeliveryRequest.objects.filter(customer=customer, pk=pk)).first()


def requests_at(depot, status: str):
    return (
        DeliveryRequest.objects.filter(depot=depot, status=status)
        .select_related("customer", "release_note")
        .annotate(order_count=Count("items"))
        .order_by("created_at" if status in (RequestStatus.NEW, RequestStatus.IN_PROGRESS) else "-updated_at")
    )


def request_counts(depot) -> dict[str, int]:
    counts = dict(
        DeliveryRequest.objects.filter(depot=depot)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in RequestStatus.values}


def request_at(depot, pk: int) -> DeliveryRequest | None:
    """A request of this depot, or None (another depot's request is not found)."""
    return _with_orders(DeliveryRequest.objects.filter(depot=depot, pk=pk)).first()


@dataclass
class HistoryRow:
    """A step of a request's timeline: a DeliveryRequestEvent or ReleaseNoteEvent, and who did it as this
    reader may see it (staff: the username; the customer: "you", the depot or customer service)."""

    at: object
    machine: str  # "request" or "release"
    old: str
    new: str
    by: object
    who: str


# Rows that only echo another one written in the same service call: the release note's first row (its
# request went in progress) and the request's "done" (its release note was delivered or refused).
_ECHOES = {
    ("release", "", ReleaseStatus.PREPARING),
    ("request", RequestStatus.IN_PROGRESS, RequestStatus.DONE),
}


def _who(by, request, *, staff: bool) -> str:
    if by is None:
        return _("automatically")
    if by.pk == request.customer_id:
        return by.username if staff else _("you")
    if staff:
        return f"{by.username} ({by.get_role_display()})"
    if by.role == Role.VIETNAM_STAFF:
        return request.depot.name
    return _("customer service") if by.role == Role.OPERATIONS else by.get_role_display()


def request_history(request, *, staff: bool) -> list[HistoryRow]:
    """The request's timeline, oldest first: its history rows and its release note's, without the echoes."""
    rows = [
        ("request", e) for e in DeliveryRequestEvent.objects.filter(request=request).select_related("by")
    ] + [
        ("release", e)
        for e in ReleaseNoteEvent.objects.filter(release_note__request=request).select_related("by")
    ]
    rows.sort(key=lambda pair: (pair[1].at, pair[0] == "release", pair[1].pk))
    return [
        HistoryRow(
            at=e.at,
            machine=machine,
            old=e.old_status,
            new=e.new_status,
            by=e.by,
            who=_who(e.by, request, staff=staff),
        )
        for machine, e in rows
        if (machine, e.old_status, e.new_status) not in _ECHOES
    ]


# --- public tracking -------------------------------------------------------------------------------------


def public_order(raw) -> Consignment | None:
    """The order a visitor's order code, parcel label or tracking number names, or None for anything else
    (including a text too long to be one): one answer for every miss, so nothing can be told from it."""
    text = str(raw or "").strip()
    if not text or len(text) > MAX_PUBLIC_QUERY:
        return None
    orders = Consignment.objects.select_related("destination")
    label = split_parcel_code(text)
    if label is not None:
        return orders.filter(code=label[0]).first()
    try:
        code = read_scan(text).code
    except ValidationError:
        return None
    return (
        orders.filter(tracking_code=code, retired_at__isnull=True).first()
        or orders.filter(tracking_code=code).order_by("-id").first()
    )


def public_route(order) -> list[dict]:
    """The order's journey for anyone: each status with the warehouse or depot it happened at, and each
    checkpoint of its trip with its place, with dates. Only these fields: never who did it, notes, data of
    other kinds, weights, goods or money."""
    steps = []
    events = order.events.filter(kind__in=(EventKind.STATUS, EventKind.ROUTE)).select_related("warehouse")
    for event in events.order_by("at", "id"):
        if event.kind == EventKind.STATUS:
            steps.append(
                {
                    "kind": "status",
                    "at": event.at,
                    "status": event.new_status,
                    "label": event.get_new_status_display(),
                    "place": event.warehouse.name if event.warehouse_id else "",
                }
            )
        else:
            data = event.data or {}
            steps.append(
                {
                    "kind": "route",
                    "at": event.at,  # the checkpoint's time (shipping dates the row so)
                    "checkpoint": str(data.get("kind") or ""),  # shipping's CheckpointKind value
                    "place": str(data.get("place") or "")[:100],
                }
            )
    return steps
