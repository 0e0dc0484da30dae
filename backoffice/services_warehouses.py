"""Operations open a new China warehouse or Vietnam depot, and close one that nothing depends on any more.
Each writes an AuditEntry in the same transaction (backoffice.services.warehouse_update keeps the edits)."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from warehouse.models import DepotProvince, Parcel, Warehouse

from .models import AuditEntry, AuditKind
from .services import _require_ops, depot_provinces_set, warehouse_update

CREATE_FIELDS = ("code", "name", "kind", "address", "postal_code", "phone", "opening_hours")


def warehouse_contents(warehouse: Warehouse) -> list[str]:
    """What still depends on this warehouse, one sentence each ([] when it may close): orders there or bound
    for it, unidentified parcels on its shelves, bags not yet received, provinces it serves."""
    from consignments.models import FINISHED, Consignment
    from shipping.models import Bag, BagStatus, Trip, TripStatus

    open_orders = Consignment.objects.exclude(status__in=FINISHED)
    here = open_orders.filter(current_warehouse=warehouse).count()
    coming = open_orders.filter(destination=warehouse).exclude(current_warehouse=warehouse).count()
    unidentified = Parcel.objects.filter(
        warehouse=warehouse, consignment__isnull=True, retired_at__isnull=True
    ).count()
    bags = Bag.objects.filter(
        Q(origin=warehouse, status__in=(BagStatus.OPEN, BagStatus.CLOSED))
        | Q(destination=warehouse, status=BagStatus.LOADED)
    ).count()
    trips = Trip.objects.filter(origin=warehouse, status=TripStatus.LOADING).count()
    provinces = DepotProvince.objects.filter(depot=warehouse).count()
    counts = [
        (here, ngettext("%(n)d order is still here.", "%(n)d orders are still here.", here)),
        (coming, ngettext("%(n)d order is on its way here.", "%(n)d orders are on their way here.", coming)),
        (
            unidentified,
            ngettext(
                "%(n)d unidentified parcel waits here.", "%(n)d unidentified parcels wait here.", unidentified
            ),
        ),
        (bags, ngettext("%(n)d bag is not received yet.", "%(n)d bags are not received yet.", bags)),
        (trips, ngettext("%(n)d trip is still loading here.", "%(n)d trips are still loading here.", trips)),
        (
            provinces,
            ngettext(
                "It serves %(n)d province: give it to another depot first.",
                "It serves %(n)d provinces: give them to another depot first.",
                provinces,
            ),
        ),
    ]
    return [text % {"n": n} for n, text in counts if n]


@transaction.atomic
def warehouse_save(*, warehouse: Warehouse, by, **values) -> Warehouse:
    """warehouse_update, and a warehouse is closed (is_active False) only when nothing depends on it any more:
    DomainError(code="contents") says what is left. No staff may work there either (warehouse_update), so no
    one scans into a closed warehouse afterwards."""
    _require_ops(by)
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    if values.get("is_active") is False and locked.is_active:
        left = warehouse_contents(locked)
        if left:
            raise DomainError(
                " ".join([_("%(code)s cannot close yet.") % {"code": locked.code}, *left]), code="contents"
            )
    return warehouse_update(warehouse=locked, by=by, **values)


@transaction.atomic
def warehouse_create(*, by, provinces=(), **values) -> Warehouse:
    """A new China warehouse or Vietnam depot (active), and for a depot the provinces it serves (taken from
    their depot if another had them). The code is unique whatever its case."""
    _require_ops(by)
    unknown = set(values) - set(CREATE_FIELDS)
    if unknown:
        raise ValueError(f"not settable here: {sorted(unknown)}")
    code = values["code"].strip().upper()
    if Warehouse.objects.filter(code__iexact=code).exists():
        raise DomainError(_("Code %(code)s is taken by another warehouse.") % {"code": code}, code="code")
    place = Warehouse(**{**values, "code": code})
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError as exc:  # the same code created a moment ago
        raise DomainError(
            _("Code %(code)s is taken by another warehouse.") % {"code": code}, code="code"
        ) from exc
    AuditEntry.objects.create(
        kind=AuditKind.WAREHOUSE_CREATED,
        by=by,
        warehouse=place,
        data={name: getattr(place, name) for name in CREATE_FIELDS if getattr(place, name)},
    )
    if provinces and place.kind == Warehouse.Kind.VIETNAM:
        depot_provinces_set(depot=place, codes=provinces, by=by)
    return place
