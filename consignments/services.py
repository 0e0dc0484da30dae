from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notification_send

from .models import TRANSITIONS, Consignment, ConsignmentEvent, ConsignmentStatus

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


@transaction.atomic
def consignment_set_weight(*, consignment: Consignment, weight_g: int, by) -> Consignment:
    if not 1 <= weight_g <= MAX_WEIGHT_G:
        raise DomainError(_("Enter a weight between 0.001 kg and 500 kg."), code="weight")
    locked = Consignment.objects.select_for_update().get(pk=consignment.pk)
    if locked.status != ConsignmentStatus.CN_RECEIVED:
        raise DomainError(
            _("The weight can only change while the order is at the China warehouse."), code="locked"
        )
    Consignment.objects.filter(pk=locked.pk).update(weight_g=weight_g)
    ConsignmentEvent.objects.create(
        consignment=locked,
        old_status=locked.status,
        new_status=locked.status,
        by=by,
        warehouse=locked.current_warehouse,
        weight_g=weight_g,
    )
    consignment.weight_g = weight_g
    return consignment


def consignments_dispatch(*, consignments, by) -> tuple[list[Consignment], list[str]]:
    """Mark several orders as departed for Vietnam. Each succeeds or fails on its own."""
    done, errors = [], []
    for consignment in consignments:
        if consignment.weight_g is None:
            errors.append(_("Order %(code)s has no weight yet.") % {"code": consignment.code})
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
