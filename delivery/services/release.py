"""Release notes (phiếu xuất): the depot turns a delivery request into parcels handed to a carrier.

preparing (parcels scanned in, carrier, tracking number, domestic fee; COD = fee + wallet debt) → out
(orders Đang giao) → delivered (Đã nhận hàng) or refused (Không nhận hàng, then back to Chờ giao).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.selectors import balance_of
from consignments.models import ConsignmentStatus, EventKind
from consignments.services import consignment_transition
from core.errors import DomainError
from core.money import vnd
from tracking.scanner import read_scan
from warehouse.labels import parcel_code, split_parcel_code
from warehouse.models import Parcel

from ..models import Carrier, ReleaseNote, ReleaseParcel, ReleaseStatus, RequestStatus
from .common import DELIVERED, DELIVERY_OUT, DELIVERY_REFUSED, clean_input, events_add, notify
from .handover import paid_ids
from .requests import request_close, request_lock, request_orders
from .status import release_started, release_transition, request_transition

MAX_FEE_VND = 100_000_000  # a domestic delivery dearer than 100 million đồng is a typo


def _event_data(note, step: str, **extra) -> dict:
    request = note.request
    return {"step": step, "request_id": request.pk, "request": request.code, "release": note.code, **extra}


@transaction.atomic
def release_note_create(*, request, by, depot) -> ReleaseNote:
    """The depot starts on a new request: a release note with the customer's preferred carrier; the request
    is in progress (the customer can no longer cancel it). Only the request's depot does it."""
    locked = request_lock(request)
    if locked.depot_id != depot.pk:
        raise DomainError(_("This request is for another depot."), code="other_depot")
    if locked.status != RequestStatus.NEW:
        raise DomainError(
            _("Request %(code)s is “%(status)s”: it cannot be started.")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="started",
        )
    orders = list(request_orders(locked))
    for order in orders:
        if order.status != ConsignmentStatus.AWAITING_DELIVERY or order.current_warehouse_id != depot.pk:
            raise DomainError(
                _("Order %(code)s is no longer awaiting delivery here (“%(status)s”).")
                % {"code": order.code, "status": order.get_status_display()},
                code="not_awaiting",
            )
    request_transition(request=locked, to=RequestStatus.IN_PROGRESS, by=by)
    note = ReleaseNote.objects.create(request=locked, carrier=locked.carrier, created_by=by)
    release_started(release_note=note, by=by)
    request.status = locked.status
    events_add(orders, kind=EventKind.DELIVERY, by=by, warehouse=depot, data=_event_data(note, "preparing"))
    return note


def note_lock(note) -> ReleaseNote:
    return ReleaseNote.objects.select_for_update().select_related("request__depot").get(pk=note.pk)


def _preparing(note) -> None:
    if note.status != ReleaseStatus.PREPARING:
        raise DomainError(
            _("Release note %(code)s is “%(status)s”: it can no longer be changed.")
            % {"code": note.code, "status": note.get_status_display()},
            code="not_preparing",
        )


@dataclass
class ScanOutcome:
    outcome: str  # "added" or "again"
    parcel: Parcel
    scanned: int
    total: int


def _parcels_scanned(raw: str):
    """The parcels a scan names: a label code (KG…-N), else the supplier's waybill (every current piece)."""
    text = clean_input(raw, what=_("a parcel label"))
    if not text:
        raise DomainError(_("Scan a parcel label or its tracking number."), code="empty")
    label = split_parcel_code(text)
    if label is not None:
        return list(
            Parcel.objects.filter(consignment__code=label[0], piece_number=label[1]).select_related(
                "consignment"
            )
        ), text
    try:
        read = read_scan(text)
    except ValidationError:
        return [], text
    parcels = Parcel.objects.filter(tracking_code=read.code, retired_at__isnull=True).select_related(
        "consignment"
    )
    if read.piece:
        parcels = parcels.filter(piece_number=read.piece)
    return list(parcels.order_by("piece_number", "id")), text


@transaction.atomic
def release_scan(*, note, raw, by) -> ScanOutcome:
    """Scan one parcel of the request into its release note. Refused: a parcel of an order not in this
    request, an unknown code, a note already out; a parcel scanned twice is counted once ("again")."""
    locked = note_lock(note)
    _preparing(locked)
    parcels, text = _parcels_scanned(raw)
    if not parcels:
        raise DomainError(_("No parcel has the code %(code)s.") % {"code": text[:40]}, code="unknown")
    order_ids = set(request_orders(locked.request).values_list("pk", flat=True))
    ours = [p for p in parcels if p.consignment_id in order_ids]
    if not ours:
        found = parcels[0]
        raise DomainError(
            _("%(parcel)s is not in this request (order %(code)s): put it back on the shelf.")
            % {
                "parcel": parcel_code(found) if found.consignment_id else found.tracking_code,
                "code": found.consignment.code if found.consignment_id else "—",
            },
            code="not_in_request",
        )
    done = set(ReleaseParcel.objects.filter(note=locked).values_list("parcel_id", flat=True))
    todo = [p for p in ours if p.pk not in done]
    outcome, parcel = ("again", ours[0]) if not todo else ("added", todo[0])
    if todo:
        try:
            with transaction.atomic():
                ReleaseParcel.objects.create(note=locked, parcel=parcel, scanned_by=by)
        except IntegrityError:
            outcome = "again"
    total = Parcel.objects.filter(consignment_id__in=order_ids).count()
    scanned = ReleaseParcel.objects.filter(note=locked).count()
    return ScanOutcome(outcome=outcome, parcel=parcel, scanned=scanned, total=total)


def wallet_debt(customer) -> int:
    """What the customer's wallet is below zero (collected by the carrier with the domestic fee)."""
    return max(0, -balance_of(customer))


@transaction.atomic
def release_details_set(
    *, note, carrier: str, tracking_number: str, domestic_fee_vnd: int, by
) -> ReleaseNote:
    """The carrier, its tracking number and the domestic fee; COD is worked out from the fee and the wallet."""
    locked = note_lock(note)
    _preparing(locked)
    if carrier not in Carrier.values:
        raise DomainError(_("Choose a carrier from the list."), code="carrier")
    tracking_number = "".join((tracking_number or "").split()).upper()
    if len(tracking_number) > 40:
        raise DomainError(_("A tracking number has at most 40 characters."), code="tracking")
    if domestic_fee_vnd is None or not 0 <= domestic_fee_vnd <= MAX_FEE_VND:
        raise DomainError(_("Enter a domestic fee between 0 and 100.000.000 ₫."), code="fee")
    debt = wallet_debt(locked.request.customer)
    locked.carrier, locked.tracking_number = carrier, tracking_number
    locked.domestic_fee_vnd, locked.wallet_debt_vnd = domestic_fee_vnd, debt
    locked.cod_vnd = domestic_fee_vnd + debt
    locked.save(
        update_fields=["carrier", "tracking_number", "domestic_fee_vnd", "wallet_debt_vnd", "cod_vnd"]
    )
    return locked


def missing_parcels(note) -> list[Parcel]:
    scanned = ReleaseParcel.objects.filter(note=note).values_list("parcel_id", flat=True)
    return list(
        Parcel.objects.filter(consignment__in=request_orders(note.request))
        .exclude(pk__in=scanned)
        .select_related("consignment")
        .order_by("consignment_id", "piece_number")
    )


def release_out(*, note, by) -> ReleaseNote:
    """Out for delivery: every order of the request becomes Đang giao. Needs every parcel scanned in, the
    carrier (and its tracking number unless it is the depot's shipper), the fee, every order paid (billing's
    guard refuses an unpaid one: nothing moves), and the COD printed to still be right: when the wallet
    changed since, the note gets the new COD and DomainError "cod_changed" asks for a new print."""
    with transaction.atomic():
        locked = note_lock(note)
        _preparing(locked)
        request = locked.request
        if locked.domestic_fee_vnd is None:
            raise DomainError(_("Enter the domestic fee first."), code="fee")
        if locked.carrier != Carrier.DEPOT and not locked.tracking_number:
            raise DomainError(_("Enter the carrier's tracking number first."), code="tracking")
        missing = missing_parcels(locked)
        if missing:
            raise DomainError(
                _("%(n)s parcels are not scanned in yet: %(codes)s.")
                % {"n": len(missing), "codes": ", ".join(parcel_code(p) for p in missing[:10])},
                code="missing",
            )
        orders = list(request_orders(request))
        paid = paid_ids([o.pk for o in orders])
        unpaid = [o for o in orders if o.pk not in paid]
        if unpaid:
            raise DomainError(
                _("Not paid yet, so it cannot go out: %(codes)s. The customer pays from the wallet first.")
                % {"codes": ", ".join(o.code for o in unpaid)},
                code="unpaid",
            )
        debt = wallet_debt(request.customer)
        cod_changed = locked.wallet_debt_vnd != debt
        if cod_changed:
            locked.wallet_debt_vnd, locked.cod_vnd = debt, locked.domestic_fee_vnd + debt
            locked.save(update_fields=["wallet_debt_vnd", "cod_vnd"])
        else:
            for order in orders:
                consignment_transition(
                    consignment=order, to=ConsignmentStatus.DELIVERING, by=by, warehouse=request.depot
                )
            release_transition(
                release_note=locked, to=ReleaseStatus.OUT, by=by, out_by=by, out_at=timezone.now()
            )
            extra = {"carrier": locked.carrier, "tracking": locked.tracking_number}
            events_add(
                orders,
                kind=EventKind.DELIVERY,
                by=by,
                warehouse=request.depot,
                data=_event_data(locked, "out", **extra),
            )
            notify(
                request.customer_id,
                DELIVERY_OUT,
                orders,
                request=request.code,
                carrier=locked.carrier,  # the depot's own shipper is named in the reader's language
                carrier_name="" if locked.carrier == Carrier.DEPOT else str(Carrier(locked.carrier).label),
                tracking=locked.tracking_number,
                cod_vnd=locked.cod_vnd,
            )
            return locked
    raise DomainError(
        _("The wallet changed: the cash to collect is now %(cod)s. Print the note again, then send it out.")
        % {"cod": vnd(locked.cod_vnd)},
        code="cod_changed",
    )


def note_finish(note, *, status: str, by) -> None:
    """The note is delivered or refused: the request is done and its orders free for another request."""
    release_transition(release_note=note, to=status, by=by, closed_by=by, closed_at=timezone.now())
    request_close(note.request, status=RequestStatus.DONE, by=by)


@transaction.atomic
def release_close(*, note, delivered: bool, by) -> ReleaseNote:
    """The carrier reports back: delivered (each order Đã nhận hàng) or refused by the receiver (each order
    Không nhận hàng, then back to Chờ giao at the depot, where it can be collected or requested again)."""
    locked = note_lock(note)
    if locked.status != ReleaseStatus.OUT:
        raise DomainError(
            _("Release note %(code)s is “%(status)s”, not out for delivery.")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="not_out",
        )
    request, depot = locked.request, locked.request.depot
    orders = list(request_orders(request))
    for order in orders:
        if order.status == ConsignmentStatus.DELIVERED and delivered:
            continue  # completed by itself meanwhile (delivery.services.autocomplete)
        if order.status != ConsignmentStatus.DELIVERING:
            raise DomainError(
                _("Order %(code)s is “%(status)s”, not out for delivery.")
                % {"code": order.code, "status": order.get_status_display()},
                code="not_out",
            )
        if delivered:
            consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=by, warehouse=depot)
        else:
            consignment_transition(consignment=order, to=ConsignmentStatus.REFUSED, by=by, warehouse=depot)
            consignment_transition(  # the customer gets one notice: the refusal (below)
                consignment=order,
                to=ConsignmentStatus.AWAITING_DELIVERY,
                by=by,
                warehouse=depot,
                notify=False,
            )
    note_finish(locked, status=ReleaseStatus.DELIVERED if delivered else ReleaseStatus.REFUSED, by=by)
    step = "delivered" if delivered else "refused"
    events_add(orders, kind=EventKind.DELIVERY, by=by, warehouse=depot, data=_event_data(locked, step))
    notify(request.customer_id, DELIVERED if delivered else DELIVERY_REFUSED, orders, request=request.code)
    return locked
