"""Bags (bao) at the China warehouse: open one for a Vietnam depot, scan parcels in (and out again), close it
with its weight, reopen it while no trip has it.

A parcel is in at most one bag: BagParcel.parcel is unique, so two stations scanning the same box into two
bags at once make one row; the other is told which bag has it. A scan locks its bag's row, and so does
closing, so a bag is never closed with a parcel half-added.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_event_add
from core.errors import DomainError
from tracking.scanner import read_scan, scan_text
from warehouse.labels import parcel_code, split_parcel_code
from warehouse.models import Parcel, Warehouse

from ..codes import BAG_CODE, MAX_SCAN_LENGTH, TRIP_CODE
from ..models import Bag, BagEvent, BagParcel, BagStatus
from .status import bag_status_set

MAX_BAG_WEIGHT_G = 2_000_000  # 2 tonnes: a heavier bag is a typo


def weight_tolerance_g(parcels_weight_g: int) -> int:
    """How far a bag's weight may be from its parcels' weight before the difference is shown: a fixed
    allowance (the sack, the scale: setting BAG_WEIGHT_TOLERANCE_G, 500 g) plus a share of the parcels'
    weight (BAG_WEIGHT_TOLERANCE_PCT, 2 %)."""
    fixed = getattr(settings, "BAG_WEIGHT_TOLERANCE_G", 500)
    percent = getattr(settings, "BAG_WEIGHT_TOLERANCE_PCT", 2)
    return fixed + parcels_weight_g * percent // 100


def weight_difference_g(bag) -> int | None:
    """The bag's weight minus its parcels' (signed), when it was weighed and the difference is over the
    tolerance; None otherwise."""
    if bag.weight_g is None:
        return None
    difference = bag.weight_g - bag.parcels_weight_g
    return difference if abs(difference) > weight_tolerance_g(bag.parcels_weight_g) else None


# --- opening ---------------------------------------------------------------------------------------------


@transaction.atomic
def bag_open(*, origin: Warehouse, destination: Warehouse, by) -> Bag:
    """A new open bag at this China warehouse for one active Vietnam depot. Its code (B + 7 digits of its
    id) is set in the same transaction."""
    if origin.kind != Warehouse.Kind.CHINA:
        raise DomainError(_("Bags are packed at a China warehouse."), code="origin")
    if destination is None or destination.kind != Warehouse.Kind.VIETNAM or not destination.is_active:
        raise DomainError(_("Choose one of our Vietnam depots."), code="depot")
    bag = Bag.objects.create(code=uuid.uuid4().hex[:16], origin=origin, destination=destination, opened_by=by)
    bag.code = f"B{bag.pk:07d}"
    Bag.objects.filter(pk=bag.pk).update(code=bag.code)
    BagEvent.objects.create(bag=bag, old_status="", new_status=BagStatus.OPEN, by=by, warehouse_id=origin.pk)
    return bag


@transaction.atomic
def bag_discard(*, bag: Bag, by) -> None:
    """Delete an open bag that has nothing in it (opened by mistake)."""
    locked = _locked(bag)
    if locked.status != BagStatus.OPEN:
        raise DomainError(
            _("Bag %(bag)s is closed: it cannot be deleted.") % {"bag": locked.code}, code="closed"
        )
    if BagParcel.objects.filter(bag=locked).exists():
        raise DomainError(
            _("Bag %(bag)s has parcels in it: scan them out first.") % {"bag": locked.code}, code="not_empty"
        )
    locked.delete()


def _locked(bag: Bag) -> Bag:
    return Bag.objects.select_for_update(of=("self",)).select_related("destination").get(pk=bag.pk)


# --- scanning --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagScanResult:
    ADDED = "added"
    REMOVED = "removed"

    outcome: str
    bag: Bag
    parcel: Parcel
    consignment: Consignment
    code: str  # the parcel's label code: KG00001234, KG00001234-2

    @property
    def customer_code(self) -> str:
        return self.consignment.customer.customer_code or ""


# The scan's hot path: the parcel, its order and customer, and its bag item in one query, with only the
# columns the scan's checks and its result read (building the query with every column of four tables cost
# more than running it). The depots and the other bag are read only when a refusal names them; anything
# else is read when something asks for it.
# fmt: off
_SCAN_FIELDS = (
    "id", "tracking_code", "piece_number", "piece_count", "weight_g", "warehouse_id", "label_destination",
    "retired_at", "consignment_id", "consignment__code", "consignment__status", "consignment__customer_id",
    "consignment__current_warehouse_id", "consignment__destination_id", "consignment__goods_vi",
    "consignment__goods_zh", "consignment__goods_quantity", "consignment__goods_unit_value_fen",
    "consignment__customer__customer_code", "bag_item__id", "bag_item__bag_id", "bag_item__parcel_id",
)
# fmt: on


def _parcels():
    return Parcel.objects.select_related("consignment__customer", "bag_item").only(*_SCAN_FIELDS)


def _find_parcel(text: str) -> Parcel:
    """The parcel a scan names: a parcel label's code (KG00001234, KG00001234-2), else the supplier's
    waybill (with its piece when the label has one). A bag's or a trip's code is refused as what it is."""
    upper = text.upper()
    if BAG_CODE.fullmatch(upper):
        raise DomainError(
            _("%(code)s is a bag, not a parcel: scan the parcel's label.") % {"code": upper}, code="bag_code"
        )
    if TRIP_CODE.fullmatch(upper):
        raise DomainError(
            _("%(code)s is a trip, not a parcel: scan the parcel's label.") % {"code": upper},
            code="trip_code",
        )
    label = split_parcel_code(text)
    if label is not None:
        found = list(_parcels().filter(consignment__code=label[0], piece_number=label[1])[:1])
        if not found:
            raise DomainError(_("No parcel has the label %(code)s.") % {"code": upper}, code="unknown")
        return found[0]
    try:
        read = read_scan(text)
    except ValidationError as exc:
        raise DomainError(
            _("Not a parcel label or a tracking number: %(reason)s") % {"reason": exc.messages[0]},
            code="unknown",
        ) from exc
    current = _parcels().filter(tracking_code=read.code, retired_at__isnull=True)
    if read.piece is not None:
        current = current.filter(piece_number=read.piece)
    found = list(current.order_by("piece_number")[:2])
    if not found:
        raise DomainError(
            _("No parcel with the tracking number %(code)s is at a China warehouse.") % {"code": read.code},
            code="unknown",
        )
    if len(found) > 1:
        raise DomainError(
            _("Tracking number %(code)s has several parcels: scan the label of this one (%(label)s…).")
            % {"code": read.code, "label": found[0].consignment.code if found[0].consignment else read.code},
            code="several",
        )
    return found[0]


# The statuses an order in a bag may have when the bag closes (in transit: a later parcel of it).
BAGGABLE = (ConsignmentStatus.CN_RECEIVED, ConsignmentStatus.IN_TRANSIT)


def _refuse_unless_baggable(parcel: Parcel, bag: Bag, code: str) -> None:
    """Each reason a parcel may not go into this bag, in words staff can act on."""
    order = parcel.consignment
    # A later parcel of an order whose other parcels already left (the order is in transit) still goes
    # in a bag from the warehouse where it was scanned: the order waits at the depot for all of them.
    follows = (
        order.status == ConsignmentStatus.IN_TRANSIT
        and parcel.warehouse_id == bag.origin_id
        and BagParcel.objects.filter(parcel__consignment=order).exclude(parcel=parcel).exists()
    )
    if order.status != ConsignmentStatus.CN_RECEIVED and not follows:
        raise DomainError(
            _("%(code)s cannot be bagged: its order is “%(status)s”.")
            % {"code": code, "status": ConsignmentStatus(order.status).label},
            code="status",
        )
    if order.current_warehouse_id != bag.origin_id and not follows:
        raise DomainError(
            _("%(code)s is not at this warehouse.") % {"code": code},
            code="warehouse",
        )
    if order.destination_id != bag.destination_id:
        if order.destination is None:
            message = _("%(code)s has no destination depot yet: operations must choose one.")
        else:
            message = _("%(code)s goes to %(depot)s, not to %(bag_depot)s: put it in a bag for %(depot)s.")
        raise DomainError(
            message
            % {
                "code": code,
                "depot": order.destination.name if order.destination else "",
                "bag_depot": bag.destination.name,
            },
            code="other_depot",
        )
    if not order.is_declared:
        raise DomainError(
            _("%(code)s has no customs declaration yet: declare it at the scan station first.")
            % {"code": code},
            code="undeclared",
        )
    if parcel.weight_g is None:
        raise DomainError(
            _("%(code)s has not been weighed: weigh it at the scan station first.") % {"code": code},
            code="unweighed",
        )
    if parcel.label_destination and parcel.label_destination != bag.destination.code:
        raise DomainError(
            _("%(code)s has a label for another depot (%(old)s): print its label again.")
            % {"code": code, "old": parcel.label_destination},
            code="stale_label",
        )


def _in_bag_message(code: str, other: Bag) -> str:
    return _("%(code)s is already in bag %(bag)s (to %(depot)s).") % {
        "code": code,
        "bag": other.code,
        "depot": other.destination.name,
    }


def _totals_save(bag: Bag, *, recount: bool = False) -> None:
    """An open bag's running totals (parcel_count, parcels_weight_g: what is in it so far), kept on its row
    so that a scan costs the same in an empty bag and in a full one; a removal counts again from the rows.
    Closing counts again too: what the bag keeps from then on is exact."""
    if recount:
        totals = BagParcel.objects.filter(bag=bag).aggregate(
            count=Count("id"), weight=Sum("parcel__weight_g")
        )
        bag.parcel_count, bag.parcels_weight_g = totals["count"], totals["weight"] or 0
    Bag.objects.filter(pk=bag.pk).update(parcel_count=bag.parcel_count, parcels_weight_g=bag.parcels_weight_g)


@transaction.atomic
def bag_scan(*, bag: Bag, raw_code: str, by) -> BagScanResult:
    """A parcel scanned at an open bag: put it in, or take it out when it is already in this bag. Refused
    (DomainError, nothing changed) for a closed bag, an unknown code, a bag code, a parcel of another depot,
    undeclared, unweighed, not at this China warehouse, or already in another bag (named)."""
    raw_code = raw_code or ""
    if len(raw_code) > MAX_SCAN_LENGTH:
        raise DomainError(_("That scan is far too long to be a parcel label; scan again."), code="long")
    text = scan_text(raw_code)
    if not text:
        raise DomainError(_("Nothing was scanned."), code="empty")
    # Locked until the scan commits: closing waits for it (and a scan waits for a closing), and the running
    # totals below stay right.
    row = list(
        Bag.objects.select_for_update()
        .filter(pk=bag.pk)
        .values_list("status", "parcel_count", "parcels_weight_g")
    )
    if not row:
        raise Bag.DoesNotExist
    locked = bag
    locked.status, locked.parcel_count, locked.parcels_weight_g = row[0]
    if locked.status != BagStatus.OPEN:
        raise DomainError(
            _("Bag %(bag)s is closed: reopen it, or open a new bag.") % {"bag": locked.code}, code="closed"
        )
    parcel = _find_parcel(text)
    order = parcel.consignment
    if order is None:
        raise DomainError(
            _("Parcel %(code)s is unidentified: it has no order yet.") % {"code": parcel.tracking_code},
            code="unidentified",
        )
    code = parcel_code(parcel)
    item = getattr(parcel, "bag_item", None)
    if item is not None and item.bag_id == locked.pk:
        BagParcel.objects.filter(pk=item.pk).delete()
        _totals_save(locked, recount=True)
        consignment_event_add(
            order, kind=EventKind.BAGGED, by=by, data={"bag": locked.code, "parcel": code, "removed": True}
        )
        return BagScanResult(BagScanResult.REMOVED, locked, parcel, order, code)
    if item is not None:
        raise DomainError(_in_bag_message(code, item.bag), code="in_other_bag")
    _refuse_unless_baggable(parcel, locked, code)
    try:
        with transaction.atomic():
            BagParcel.objects.create(bag=locked, parcel=parcel, added_by=by)
    except IntegrityError:
        # Another station put it into another bag a moment ago (BagParcel.parcel is unique): say which.
        other = Bag.objects.select_related("destination").filter(items__parcel=parcel).first()
        if other is None:  # it was taken out again meanwhile
            raise DomainError(
                _("%(code)s was just scanned elsewhere: scan it again.") % {"code": code}, code="busy"
            ) from None
        raise DomainError(_in_bag_message(code, other), code="in_other_bag") from None
    locked.parcel_count += 1
    locked.parcels_weight_g += parcel.weight_g
    _totals_save(locked)
    consignment_event_add(order, kind=EventKind.BAGGED, by=by, data={"bag": locked.code, "parcel": code})
    return BagScanResult(BagScanResult.ADDED, locked, parcel, order, code)


# --- closing and reopening -------------------------------------------------------------------------------


@transaction.atomic
def bag_close(*, bag: Bag, weight_g: int, by) -> Bag:
    """Close an open bag with its weight on the scale (grams): its parcel count and their total weight are
    kept with it. Refused when it is empty, or when an order in it can no longer travel in it (cancelled,
    sent to another depot meanwhile): staff scan those out first. Whether the weight is far from the
    parcels' is `weight_difference_g(bag)`."""
    if not 1 <= weight_g <= MAX_BAG_WEIGHT_G:
        raise DomainError(_("Enter the bag's weight, between 0.001 kg and 2,000 kg."), code="weight")
    locked = _locked(bag)
    if locked.status != BagStatus.OPEN:
        raise DomainError(_("Bag %(bag)s is already closed.") % {"bag": locked.code}, code="closed")
    items = BagParcel.objects.filter(bag=locked)
    totals = items.aggregate(
        count=Count("id"),
        weight=Sum("parcel__weight_g"),
        bad=Count(
            "id",
            filter=~Q(parcel__consignment__status__in=BAGGABLE)
            | ~Q(parcel__consignment__destination=locked.destination_id),
        ),
    )
    if not totals["count"]:
        raise DomainError(
            _("Bag %(bag)s is empty: scan parcels into it first.") % {"bag": locked.code}, code="empty"
        )
    if totals["bad"]:
        codes = sorted(
            items.filter(
                ~Q(parcel__consignment__status__in=BAGGABLE)
                | ~Q(parcel__consignment__destination=locked.destination_id)
            ).values_list("parcel__consignment__code", flat=True)[:10]
        )
        raise DomainError(
            _(
                "These orders can no longer travel in this bag (cancelled, or now for another depot): "
                "%(codes)s. Scan them out of the bag first."
            )
            % {"codes": ", ".join(codes)},
            code="bad_parcels",
        )
    bag_status_set(
        bag=locked,
        to=BagStatus.CLOSED,
        by=by,
        warehouse_id=locked.origin_id,
        note=_("%(n)d parcels, %(kg)s kg") % {"n": totals["count"], "kg": f"{weight_g / 1000:g}"},
        weight_g=weight_g,
        parcel_count=totals["count"],
        parcels_weight_g=totals["weight"] or 0,
        closed_by=by,
        closed_at=timezone.now(),
    )
    return locked


@transaction.atomic
def bag_reopen(*, bag: Bag, by) -> Bag:
    """A closed bag that no trip has loaded opens again (to add or take out parcels); it is weighed again
    when it is closed."""
    locked = _locked(bag)
    if locked.status == BagStatus.OPEN:
        raise DomainError(_("Bag %(bag)s is already open.") % {"bag": locked.code}, code="open")
    if locked.status != BagStatus.CLOSED or locked.trip_id is not None:
        raise DomainError(
            _("Bag %(bag)s is on a trip: take it off the trip before reopening it.") % {"bag": locked.code},
            code="loaded",
        )
    moved = bag_status_set(
        bag=locked,
        to=BagStatus.OPEN,
        by=by,
        warehouse_id=locked.origin_id,
        note=_("reopened"),
        weight_g=None,
        closed_by=None,
        closed_at=None,
    )
    if not moved:  # pragma: no cover - the row is locked
        raise DomainError(
            _("Bag %(bag)s was changed meanwhile; reload.") % {"bag": locked.code}, code="stale"
        )
    return locked
