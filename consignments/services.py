from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send

from .models import FINISHED, TRANSITIONS, Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from .signals import (
    consignment_destination_changed,
    consignment_status_changed,
    consignments_status_changed_many,
)

# Checks an app above consignments adds to status moves (billing: an unpaid order is not handed over;
# shipping: a packed order moves with its bag). Each is called as guard(consignment=…, to=…) before the
# move and raises DomainError to refuse it; a guard may also have check_many(ids=…, to=…) for bulk moves.
TRANSITION_GUARDS: list = []
# Checks an app above consignments adds to a change of destination depot (shipping: a packed order stays
# with its bag). Each is called as guard(consignment=…, depot=…, transfer=…) and raises DomainError to refuse.
DESTINATION_GUARDS: list = []

MAX_WEIGHT_G = 500_000  # 500 kg: a single parcel heavier than this is a typo


def consignment_code_for(parcel) -> str:
    """The order code, from the id of its first parcel: unique because a parcel belongs to one order, and
    free (no look-up, no retry) on the scan station's hot path. E.g. KG00012345."""
    return f"KG{parcel.pk:08d}"


def consignment_transition(
    *,
    consignment: Consignment,
    to: str,
    by,
    warehouse=None,
    note: str = "",
    notify_data: dict | None = None,
    notify: bool = True,
    savepoint: bool = True,
) -> Consignment:
    """The one way a consignment changes status: checked against TRANSITIONS, compare-and-set, history row.
    `notify_data` goes into the customer's notification when the move sends one (Chờ giao: where to
    collect, until when storage is free — shipping.selectors.pickup_notify_data). `savepoint=False`: for a
    caller whose own transaction ends with any error this raises (two statements fewer on its hot path)."""
    with transaction.atomic(savepoint=savepoint):
        return _transition(consignment, to, by, warehouse, note, notify_data, notify)


def _transition(consignment, to, by, warehouse, note, notify_data, notify) -> Consignment:
    old = consignment.status
    if to not in TRANSITIONS.get(old, ()):
        raise DomainError(
            _("Order %(code)s is “%(old)s” and cannot become “%(new)s”.")
            % {
                "code": consignment.code,
                "old": ConsignmentStatus(old).label,
                "new": ConsignmentStatus(to).label,
            },
            code="illegal_transition",
        )
    for guard in TRANSITION_GUARDS:
        guard(consignment=consignment, to=to)
    fields = {"status": to}
    if to in FINISHED:  # from now on its waybill number may be reused (TRACKING_REUSE_AFTER_DAYS)
        fields["finished_at"] = timezone.now()
    if warehouse is not None:
        fields["current_warehouse"] = warehouse
    updated = Consignment.objects.filter(pk=consignment.pk, status=old).update(**fields)
    if updated != 1:
        raise DomainError(
            _("Order %(code)s was changed by someone else just now; reload and try again.")
            % {"code": consignment.code},
            code="stale",
        )
    ConsignmentEvent.objects.create(
        consignment=consignment,
        old_status=old,
        new_status=to,
        by=by,
        warehouse=warehouse or consignment.current_warehouse,
        note=note,
    )
    consignment.status = to
    if warehouse is not None:
        consignment.current_warehouse = warehouse
    consignment_status_changed.send(Consignment, consignment=consignment, old=old, new=to, by=by)
    if to == ConsignmentStatus.AWAITING_DELIVERY and notify:  # notify=False: the caller tells the customer
        notification_send(
            user_id=consignment.customer_id,
            kind=NotificationKind.AWAITING_DELIVERY,
            consignment_id=consignment.pk,
            data=notify_data,
        )
    return consignment


@transaction.atomic
def consignments_transition_many(
    *, ids, old: str, to: str, by, warehouse=None, note: str = "", data: dict | None = None
) -> list[int]:
    """Move many orders from `old` to `to` at once (a trip of 5,000 orders departing): one compare-and-set
    UPDATE, one history row per order that moved (bulk), one signal for all. Orders no longer in `old`
    (moved meanwhile, or this call repeated: a double click, a retry) are left alone, so running it twice
    changes nothing the second time. Returns the ids that moved. Notifications are the caller's (once per
    customer, not per order). TRANSITION_GUARDS are asked for each order when there are any for `to`."""
    if to not in TRANSITIONS.get(old, ()):
        raise DomainError(
            _("Orders that are “%(old)s” cannot become “%(new)s”.")
            % {"old": ConsignmentStatus(old).label, "new": ConsignmentStatus(to).label},
            code="illegal_transition",
        )
    ids = list(ids)
    for guard in TRANSITION_GUARDS if ids else ():
        many = getattr(guard, "check_many", None)  # one query for all the orders, where the guard has it
        if many is not None:
            many(ids=ids, to=to)
            continue
        for consignment in Consignment.objects.filter(pk__in=ids, status=old):
            guard(consignment=consignment, to=to)
    fields = {"status": to, "updated_at": timezone.now()}
    if to in FINISHED:
        fields["finished_at"] = fields["updated_at"]
    if warehouse is not None:
        fields["current_warehouse"] = warehouse
    moved = list(
        Consignment.objects.select_for_update()
        .filter(pk__in=ids, status=old)
        .order_by("pk")
        .values_list("pk", "current_warehouse_id")
    )
    if not moved:
        return []
    moved_ids = [pk for pk, _where in moved]
    Consignment.objects.filter(pk__in=moved_ids, status=old).update(**fields)
    ConsignmentEvent.objects.bulk_create(
        [
            ConsignmentEvent(
                consignment_id=pk,
                old_status=old,
                new_status=to,
                by=by,
                warehouse_id=warehouse.pk if warehouse is not None else where,
                note=note[:255],
                data=data or {},
            )
            for pk, where in moved
        ],
        batch_size=1000,
    )
    consignments_status_changed_many.send(Consignment, ids=moved_ids, old=old, new=to, by=by)
    return moved_ids


MIN_DIMENSION_MM = 10  # 1 cm
MAX_DIMENSION_MM = 3000  # 3 m: a longer side is a typo
MEASURE_FIELDS = (
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "volumetric_divisor",
    "volumetric_weight_g",
    "chargeable_weight_g",
)


def volumetric_weight_g(*, length_mm: int, width_mm: int, height_mm: int, divisor: int) -> int:
    """L × W × H (cm) / divisor, in kg; in grams that is L × W × H (mm) / divisor, rounded up."""
    return -(-(length_mm * width_mm * height_mm) // divisor)


def chargeable_weight_g(*, weight_g: int, volumetric_g: int | None, minimum_g: int) -> int:
    """One parcel's chargeable weight: the larger of its actual and volumetric weight, and at least the
    minimum billable weight (DOMAIN.md, "Numbers from the trade": often 0.5 kg) — per parcel, so an order
    of three small boxes pays three minimums."""
    return max(weight_g, volumetric_g or 0, minimum_g)


def consignment_lock_at_china(consignment: Consignment) -> Consignment:
    locked = Consignment.objects.select_for_update().get(pk=consignment.pk)
    if locked.status != ConsignmentStatus.CN_RECEIVED:
        raise DomainError(
            _("Order %(code)s has left the China warehouse: it can no longer be changed here.")
            % {"code": locked.code},
            code="locked",
        )
    return locked


def consignment_event_add(
    consignment, *, kind, by, data, note="", warehouse_id: int | None = None
) -> ConsignmentEvent:
    """A history row for a change that is not a status move (measured, declared, photo, owner); where it
    happened: `warehouse_id`, by default the warehouse the order is at."""
    return ConsignmentEvent.objects.create(
        consignment=consignment,
        old_status=consignment.status,
        new_status=consignment.status,
        by=by,
        warehouse_id=warehouse_id or consignment.current_warehouse_id,
        kind=kind,
        data=data,
        note=note,
    )


DECLARATION_FIELDS = ("goods_vi", "goods_zh", "goods_quantity", "goods_unit_value_fen")
MAX_QUANTITY = 100_000
MAX_UNIT_VALUE_FEN = 100_000_00  # 100,000 CNY for one item: beyond that, a typo


@transaction.atomic
def consignment_declare(
    *, consignment: Consignment, goods_vi: str, goods_zh: str, quantity: int, unit_value_fen: int, by
) -> Consignment:
    """The customs declaration: what is inside, how many, what one is worth (CNY). Required to dispatch."""
    goods_vi, goods_zh = (goods_vi or "").strip()[:255], (goods_zh or "").strip()[:255]
    if not (goods_vi or goods_zh):
        raise DomainError(_("Describe the goods, in Vietnamese or Chinese."), code="goods")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("Enter a quantity between 1 and 100,000."), code="quantity")
    if not 0 <= unit_value_fen <= MAX_UNIT_VALUE_FEN:
        raise DomainError(_("Enter a unit value between 0 and 100,000 CNY."), code="value")
    locked = consignment_lock_at_china(consignment)
    previous = {field: getattr(locked, field) for field in DECLARATION_FIELDS}
    values = {
        "goods_vi": goods_vi,
        "goods_zh": goods_zh,
        "goods_quantity": quantity,
        "goods_unit_value_fen": unit_value_fen,
    }
    Consignment.objects.filter(pk=locked.pk).update(**values)
    for field, value in values.items():
        setattr(locked, field, value)
        setattr(consignment, field, value)
    consignment_event_add(locked, kind=EventKind.DECLARED, by=by, data={**values, "previous": previous})
    return consignment


def declaration_prefill(consignment: Consignment) -> dict:
    """What the customer wrote when registering the code ("3 đôi giày") starts the declaration."""
    note = consignment.tracking_number.note if hasattr(consignment, "tracking_number") else ""
    return {
        "goods_vi": consignment.goods_vi or note,
        "goods_zh": consignment.goods_zh,
        "quantity": consignment.goods_quantity,
        "unit_value_cny": consignment.goods_unit_value_cny,
    }


def consignments_dispatch(
    *, consignments, by, incomplete_ok: bool = False
) -> tuple[list[Consignment], list[str]]:
    """Mark several orders as departed for Vietnam. Each succeeds or fails on its own (a message each).

    An order needs every parcel weighed and its declaration; one whose labels announce more parcels than
    have arrived (1 / 2) waits for the others unless `incomplete_ok` (staff chose to send it as it is)."""
    done, errors = [], []
    if not isinstance(consignments, QuerySet):
        consignments = Consignment.objects.filter(pk__in=[c.pk for c in consignments]).order_by(
            "created_at", "id"
        )
    consignments = consignments.annotate(  # an order's parcels are all of it (they retire with it)
        unweighed=Count("parcels", filter=Q(parcels__weight_g__isnull=True)),
        here=Count("parcels"),
        announced=Max("parcels__piece_count"),
        stale_labels=Count(
            "parcels",
            filter=~Q(parcels__label_destination="") & ~Q(parcels__label_destination=F("destination__code")),
        ),
    )
    for consignment in consignments:
        if consignment.weight_g is None or consignment.unweighed:
            errors.append(_("Order %(code)s has a parcel not weighed yet.") % {"code": consignment.code})
            continue
        if not consignment.is_declared:
            errors.append(_("Order %(code)s has no customs declaration yet.") % {"code": consignment.code})
            continue
        if consignment.stale_labels:
            errors.append(
                _("Order %(code)s now goes to another depot than its labels say: print its labels again.")
                % {"code": consignment.code}
            )
            continue
        if not incomplete_ok and consignment.announced and consignment.here < consignment.announced:
            errors.append(
                _(
                    "Order %(code)s has %(here)d of its %(announced)d parcels here: wait for the others, or "
                    "tick “send incomplete orders too”."
                )
                % {"code": consignment.code, "here": consignment.here, "announced": consignment.announced}
            )
            continue
        try:
            done.append(
                consignment_transition(consignment=consignment, to=ConsignmentStatus.IN_TRANSIT, by=by)
            )
        except DomainError as exc:
            errors.append(str(exc))
    return done, errors


@transaction.atomic
def consignment_mark_ready(*, consignment: Consignment, by, warehouse) -> Consignment:
    """The Vietnam depot has it: Chờ giao. The customer is notified. Only the order's destination depot
    receives it (operations transfer an order to another depot: consignment_set_destination)."""
    # The row lock orders this after a transfer in flight (which locks it too): the destination read is current.
    locked = (
        Consignment.objects.select_for_update(of=("self",))
        .select_related("destination")
        .get(pk=consignment.pk)
    )
    consignment.destination = locked.destination
    if consignment.destination_id is not None and consignment.destination_id != warehouse.pk:
        raise DomainError(
            _("%(code)s goes to %(depot)s, not to this depot. Operations can transfer it here.")
            % {"code": consignment.code, "depot": consignment.destination.name},
            code="other_depot",
        )
    return consignment_transition(
        consignment=consignment, to=ConsignmentStatus.AWAITING_DELIVERY, by=by, warehouse=warehouse
    )


DESTINATION_CHANGEABLE = frozenset({ConsignmentStatus.CN_RECEIVED})  # until it is bagged and leaves China
# Operations redirect an order until it reaches a depot; one already there moves between depots as a parcel
# handed over (not built yet), not by changing where it was going.
TRANSFERABLE = frozenset({ConsignmentStatus.CN_RECEIVED, ConsignmentStatus.IN_TRANSIT})


@transaction.atomic
def consignment_set_destination(
    *, consignment: Consignment, depot, by, transfer: bool = False, note: str = ""
):
    """Change the depot an order goes to, with a history row (old and new depot).

    The customer may change it until the order leaves the China warehouse; operations transfer an order at
    any point before it is handed over (`transfer=True`, with a reason in `note`). The depot must be an
    active Vietnam depot. Raises DomainError otherwise.
    """
    if depot is None or depot.kind != type(depot).Kind.VIETNAM or not depot.is_active:
        raise DomainError(_("Choose one of our Vietnam depots."), code="depot")
    # of=self: the destination is nullable, and PostgreSQL locks no row on the outer join's nullable side.
    locked = (
        Consignment.objects.select_for_update(of=("self",))
        .select_related("destination")
        .get(pk=consignment.pk)
    )
    allowed = TRANSFERABLE if transfer else DESTINATION_CHANGEABLE
    if locked.status not in allowed:
        raise DomainError(
            _("Order %(code)s is “%(status)s”: its depot can no longer be changed.")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="locked",
        )
    if transfer and not note.strip():
        raise DomainError(_("Say why the order is transferred."), code="reason")
    for guard in DESTINATION_GUARDS:
        guard(consignment=locked, depot=depot, transfer=transfer)
    if locked.destination_id == depot.pk:
        return locked
    previous = locked.destination
    Consignment.objects.filter(pk=locked.pk).update(destination=depot)
    consignment.destination = locked.destination = depot
    consignment_event_add(
        locked,
        kind=EventKind.DESTINATION,
        by=by,
        data={
            "depot_id": depot.pk,
            "depot": depot.name,
            "previous_id": previous.pk if previous else None,
            "previous": previous.name if previous else "",
            "transfer": transfer,
        },
        note=note.strip()[:255],
    )
    consignment_destination_changed.send(Consignment, consignment=locked, by=by)
    return consignment
