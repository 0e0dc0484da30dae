from accounts.models import Role
from consignments.models import Consignment

from .models import ParcelPhoto, Warehouse


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
    of the China warehouse that holds the parcel, and operations."""
    if not user.is_authenticated:
        return None
    # One query: the photo, its parcel and the parcel's order if it has one (whose customer may see it).
    photo = ParcelPhoto.objects.select_related("parcel__consignment").filter(pk=pk).first()
    if photo is None:
        return None
    parcel = photo.parcel
    if user.role == Role.OPERATIONS:
        return photo
    if user.is_customer:
        try:
            owner = parcel.consignment.customer_id
        except Consignment.DoesNotExist:  # unidentified: nobody's yet
            return None
        return photo if owner == user.pk else None
    if user.role == Role.CHINA_STAFF:
        station = station_for(user, Warehouse.Kind.CHINA)  # the station they scan at (views.at_station)
        return photo if station is not None and station.pk == parcel.warehouse_id else None
    return None
