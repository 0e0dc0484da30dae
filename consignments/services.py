from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send

from .models import TRANSITIONS, Consignment, ConsignmentEvent, ConsignmentStatus, EventKind

MAX_WEIGHT_G = 500_000  # 500 kg: a single parcel heavier than this is a typo


def consignment_code_for(parcel) -> str:
    """The order code, from its parcel's id: unique because a parcel has one consignment, and free (no
    look-up, no retry) on the scan station's hot path. E.g. KG00012345."""
    return f"KG{parcel.pk:08d}"


def consignment_create_for_parcel(*, parcel, customer, tracking=None, by=None, note: str = "") -> Consignment:
    """Create the order for a matched parcel. The caller holds the parcel's code lock.

    The one-to-one on parcel makes a second consignment for the same parcel impossible.
    """
    consignment = Consignment.objects.create(
        code=consignment_code_for(parcel),
        customer=customer,
        parcel=parcel,
        current_warehouse_id=parcel.warehouse_id,
    )
    ConsignmentEvent.objects.create(
        consignment=consignment,
        old_status="",
        new_status=consignment.status,
        by=by,
        warehouse_id=parcel.warehouse_id,
        note=note,
    )
    if tracking is not None:
        from tracking.services import tracking_mark_matched

        tracking_mark_matched(tracking=tracking, consignment=consignment)
    notification_send(user_id=customer.pk, kind=NotificationKind.ARRIVED_CHINA, consignment_id=consignment.pk)
    return consignment


@transaction.atomic
def consignment_transition(
    *, consignment: Consignment, to: str, by, warehouse=None, note: str = ""
) -> Consignment:
    """The one way a consignment changes status: checked against TRANSITIONS, compare-and-set, history row."""
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
    fields = {"status": to}
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
    if to == ConsignmentStatus.AWAITING_DELIVERY:
        notification_send(
            user_id=consignment.customer_id,
            kind=NotificationKind.AWAITING_DELIVERY,
            consignment_id=consignment.pk,
        )
    return consignment


MIN_DIMENSION_MM = 10  # 1 cm
MAX_DIMENSION_MM = 3000  # 3 m: a longer side is a typo
MEASURE_FIELDS = (
    "weight_g",
    "length_mm",
    "width_mm",
    "height_mm",
    "volumetric_weight_g",
    "chargeable_weight_g",
)


def volumetric_weight_g(*, length_mm: int, width_mm: int, height_mm: int, divisor: int) -> int:
    """L × W × H (cm) / divisor, in kg; in grams that is L × W × H (mm) / divisor, rounded up."""
    return -(-(length_mm * width_mm * height_mm) // divisor)


def _locked_at_china_warehouse(consignment: Consignment) -> Consignment:
    locked = Consignment.objects.select_for_update().get(pk=consignment.pk)
    if locked.status != ConsignmentStatus.CN_RECEIVED:
        raise DomainError(
            _("Order %(code)s has left the China warehouse: it can no longer be changed here.")
            % {"code": locked.code},
            code="locked",
        )
    return locked


def consignment_event_add(consignment, *, kind, by, data, note="") -> ConsignmentEvent:
    """A history row for a change that is not a status move (measured, declared, photo, owner)."""
    return ConsignmentEvent.objects.create(
        consignment=consignment,
        old_status=consignment.status,
        new_status=consignment.status,
        by=by,
        warehouse_id=consignment.current_warehouse_id,
        kind=kind,
        data=data,
        note=note,
    )


@transaction.atomic
def consignment_measure(
    *, consignment: Consignment, weight_g: int, by, length_mm=None, width_mm=None, height_mm=None
) -> Consignment:
    """Record weight and (optionally) dimensions; keep the volumetric and chargeable weight with the divisor
    used, so that a later change of the divisor never changes a measured parcel. Every change is a history
    row with the previous values."""
    if not 1 <= weight_g <= MAX_WEIGHT_G:
        raise DomainError(_("Enter a weight between 0.001 kg and 500 kg."), code="weight")
    dims = (length_mm, width_mm, height_mm)
    if any(d is not None for d in dims):
        if any(d is None for d in dims):
            raise DomainError(_("Enter all three dimensions, or none."), code="dimensions")
        if not all(MIN_DIMENSION_MM <= d <= MAX_DIMENSION_MM for d in dims):
            raise DomainError(_("Each dimension must be between 1 cm and 300 cm."), code="dimensions")
    locked = _locked_at_china_warehouse(consignment)
    previous = {field: getattr(locked, field) for field in MEASURE_FIELDS}
    divisor = settings.VOLUMETRIC_DIVISOR
    volumetric = (
        volumetric_weight_g(length_mm=length_mm, width_mm=width_mm, height_mm=height_mm, divisor=divisor)
        if length_mm is not None
        else None
    )
    values = {
        "weight_g": weight_g,
        "length_mm": length_mm,
        "width_mm": width_mm,
        "height_mm": height_mm,
        "volumetric_weight_g": volumetric,
        "chargeable_weight_g": max(weight_g, volumetric or 0),
        "volumetric_divisor": divisor if volumetric is not None else None,
    }
    Consignment.objects.filter(pk=locked.pk).update(**values)
    for field, value in values.items():
        setattr(locked, field, value)
        setattr(consignment, field, value)
    consignment_event_add(locked, kind=EventKind.MEASURED, by=by, data={**values, "previous": previous})
    return consignment


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
    locked = _locked_at_china_warehouse(consignment)
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


def consignments_dispatch(*, consignments, by) -> tuple[list[Consignment], list[str]]:
    """Mark several orders as departed for Vietnam. Each succeeds or fails on its own."""
    done, errors = [], []
    for consignment in consignments:
        if consignment.weight_g is None:
            errors.append(_("Order %(code)s has no weight yet.") % {"code": consignment.code})
            continue
        if not consignment.is_declared:
            errors.append(_("Order %(code)s has no customs declaration yet.") % {"code": consignment.code})
            continue
        try:
            done.append(
                consignment_transition(consignment=consignment, to=ConsignmentStatus.IN_TRANSIT, by=by)
            )
        except DomainError as exc:
            errors.append(str(exc))
    return done, errors


def consignment_mark_ready(*, consignment: Consignment, by, warehouse) -> Consignment:
    """The Vietnam depot has it: Chờ giao. The customer is notified."""
    return consignment_transition(
        consignment=consignment, to=ConsignmentStatus.AWAITING_DELIVERY, by=by, warehouse=warehouse
    )
