"""Deliveries nobody confirmed: an order Đang giao for DELIVERY_AUTOCOMPLETE_DAYS (default 15; GoBiz: 15 days
after leaving the warehouse) becomes Đã nhận hàng by itself (MONEY.md, "Delivery inside Vietnam")."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_transition
from core.errors import DomainError

from ..models import ReleaseNote, ReleaseStatus
from .common import DELIVERED, events_add, notify
from .release import note_finish

logger = logging.getLogger(__name__)

BATCH = 500


def autocomplete_days() -> int:
    return getattr(settings, "DELIVERY_AUTOCOMPLETE_DAYS", 15)


def overdue_deliveries(*, now=None):
    """Orders Đang giao since before the cutoff (their last move to Đang giao)."""
    cutoff = (now or timezone.now()) - timedelta(days=autocomplete_days())
    return (
        Consignment.objects.filter(status=ConsignmentStatus.DELIVERING)
        .annotate(
            out_at=Max(
                "events__at",
                filter=Q(events__kind=EventKind.STATUS, events__new_status=ConsignmentStatus.DELIVERING),
            )
        )
        .filter(out_at__lte=cutoff)
        .order_by("pk")
    )


def deliveries_autocomplete(*, now=None) -> list[int]:
    """Complete every overdue delivery; returns the ids completed. Each order in a transaction of its own
    (one that moved meanwhile is left alone), then each release note whose orders are all delivered is
    closed as delivered. Safe to run twice, or twice at once: the second run finds nothing to do."""
    done: list[int] = []
    for order in overdue_deliveries(now=now)[:BATCH]:
        try:
            with transaction.atomic():
                consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=None)
                note = _open_note_of(order)
                events_add(
                    [order],
                    kind=EventKind.DELIVERY,
                    by=None,
                    warehouse=order.current_warehouse,
                    data={
                        "step": "auto_delivered",
                        "days": autocomplete_days(),
                        **(
                            {
                                "request_id": note.request_id,
                                "request": note.request.code,
                                "release": note.code,
                            }
                            if note
                            else {}
                        ),
                    },
                )
                notify(order.customer_id, DELIVERED, [order], auto=True)
        except DomainError as exc:  # moved meanwhile (stale), or a guard said no
            logger.info("auto-completion of %s skipped: %s", order.code, exc)
            continue
        done.append(order.pk)
    _close_delivered_notes()
    return done


def _open_note_of(order):
    return (
        ReleaseNote.objects.filter(status=ReleaseStatus.OUT, request__items__consignment=order)
        .select_related("request")
        .first()
    )


def _close_delivered_notes() -> None:
    """Release notes out for delivery whose every order is now delivered are closed as delivered."""
    notes = ReleaseNote.objects.filter(status=ReleaseStatus.OUT).exclude(
        request__items__consignment__status=ConsignmentStatus.DELIVERING
    )
    for pk in notes.values_list("pk", flat=True):
        with transaction.atomic():
            note = ReleaseNote.objects.select_for_update().select_related("request").get(pk=pk)
            still_out = note.request.items.filter(consignment__status=ConsignmentStatus.DELIVERING).exists()
            if note.status == ReleaseStatus.OUT and not still_out:
                note_finish(note, status=ReleaseStatus.DELIVERED, by=None)
