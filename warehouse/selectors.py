from django.core.exceptions import ValidationError

from accounts.models import Role
from consignments.models import Consignment, ConsignmentStatus
from tracking.scanner import read_scan

from .labels import split_parcel_code
from .models import DepotProvince, ParcelPhoto, Warehouse


def china_warehouses():
    return Warehouse.objects.filter(kind=Warehouse.Kind.CHINA, is_active=True)


def vietnam_depots():
    return Warehouse.objects.filter(kind=Warehouse.Kind.VIETNAM, is_active=True)


def station_for(user, kind) -> Warehouse | None:
    """The warehouse this staff member works at (operations, or staff without one of that kind: the first
    active one of that kind)."""
    if user.warehouse_id and user.warehouse.kind == kind:
        return user.warehouse
    qs = china_warehouses() if kind == Warehouse.Kind.CHINA else vietnam_depots()
    return qs.first()


def photo_for(*, user, pk: int) -> ParcelPhoto | None:
    """A parcel photo this person may see, or None: its customer (once the parcel is their order), the staff
    of the China warehouse that holds the parcel, the staff of the Vietnam depot its order is at or on its
    way to from China (they check it on arrival, hand it over), and operations."""
    if not user.is_authenticated:
        return None
    # One query: the photo, its parcel and the parcel's order if it has one (whose customer may see it).
    photo = ParcelPhoto.objects.select_related("parcel__consignment").filter(pk=pk).first()
    if photo is None:
        return None
    parcel = photo.parcel
    if user.role == Role.OPERATIONS:
        return photo
    if user.is_customer:  # unidentified: nobody's yet
        owner = parcel.consignment.customer_id if parcel.consignment is not None else None
        return photo if owner == user.pk else None
    if user.role == Role.CHINA_STAFF:
        station = station_for(user, Warehouse.Kind.CHINA)  # the station they scan at (views.at_station)
        return photo if station is not None and station.pk == parcel.warehouse_id else None
    if user.role == Role.VIETNAM_STAFF:
        order = parcel.consignment
        station = station_for(user, Warehouse.Kind.VIETNAM)
        if order is None or station is None:
            return None
        at_depot = order.current_warehouse_id == station.pk
        on_its_way = order.destination_id == station.pk and order.status == ConsignmentStatus.IN_TRANSIT
        return photo if at_depot or on_its_way else None
    return None


def destination_for(customer_id: int) -> int | None:
    """The Vietnam depot a new order of this customer goes to (its id): the depot operations mapped to the
    province of the customer's default address (DepotProvince); with no mapping, the first active depot by
    code. The scan function on PostgreSQL (warehouse.scan_function) reads the same rows the same way."""
    from addresses.models import DeliveryAddress

    province = (
        DeliveryAddress.objects.filter(customer_id=customer_id)
        .order_by("-is_default", "-created_at", "-id")
        .values_list("province_code", flat=True)
        .first()
    )
    if province:
        depot = (
            DepotProvince.objects.filter(province_code=province, depot__is_active=True)
            .values_list("depot_id", flat=True)
            .first()
        )
        if depot is not None:
            return depot
    return vietnam_depots().order_by("code").values_list("pk", flat=True).first()


def order_for_scan(raw: str) -> Consignment | None:
    """The order a scanned or typed label names, whatever its status (the depot; operations' search): a parcel label's code (KG00001234, or
    KG00001234-2 for a second piece), else the supplier's waybill as a scanner reads it (its current order,
    else the latest). Each look-up uses its own index."""
    orders = Consignment.objects.select_related("customer", "current_warehouse", "destination")
    parcel = split_parcel_code(raw)
    if parcel is not None:
        return orders.filter(code=parcel[0]).first()
    try:
        code = read_scan(raw).code
    except ValidationError:
        return None
    return (
        orders.filter(tracking_code=code, retired_at__isnull=True).first()
        or orders.filter(tracking_code=code).order_by("-id").first()
    )
