"""Shipping test data: orders ready to bag, closed bags (as the bag station leaves them) and trips.

Codes are the models' own: a bag's `B%07d` and a trip's `T%06d` of its id, set right after the insert.
"""

import factory
from django.utils import timezone

from accounts.tests.factories import ChinaStaffFactory
from consignments.models import Consignment, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from shipping.models import Bag, BagParcel, BagStatus, Trip, TripStatus
from warehouse.models import Parcel
from warehouse.tests.factories import ChinaWarehouseFactory, VietnamDepotFactory


def hcm_depot():
    return VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM", address="1 Lê Lợi, Quận 1, TP.HCM")


def ready_order(customer, *, destination=None, pieces: int = 1, weight_g: int = 1_500) -> Consignment:
    """An order at the China warehouse ready to bag: each parcel weighed (weight_g), the goods declared."""
    order = ConsignmentFactory(
        customer=customer,
        pieces=pieces,
        destination=destination or VietnamDepotFactory(),
        weight_g=weight_g * pieces,
        chargeable_weight_g=weight_g * pieces,
        goods_vi="Giày thể thao",
        goods_zh="运动鞋",
        goods_quantity=2,
        goods_unit_value_fen=45_50,
    )
    Parcel.objects.filter(consignment=order).update(weight_g=weight_g, chargeable_weight_g=weight_g)
    return order


class BagFactory(factory.django.DjangoModelFactory):
    """An open bag; `closed_bag` fills and closes one."""

    class Meta:
        model = Bag

    code = factory.Sequence(lambda n: f"BTMP{n:06d}")  # replaced by B%07d of its id
    origin = factory.SubFactory(ChinaWarehouseFactory)
    destination = factory.SubFactory(VietnamDepotFactory)
    opened_by = factory.SubFactory(ChinaStaffFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        bag = super()._create(model_class, *args, **kwargs)
        bag.code = f"B{bag.pk:07d}"
        Bag.objects.filter(pk=bag.pk).update(code=bag.code)
        return bag


def closed_bag(*, orders=(), parcels=None, origin=None, destination=None, by=None, **fields) -> Bag:
    """A closed bag holding these parcels (by default every parcel of these orders), weighed at the sum
    of their weights; its destination is the first order's unless given."""
    parcels = list(parcels) if parcels is not None else list(Parcel.objects.filter(consignment__in=orders))
    if destination is None:
        destination = orders[0].destination if orders else VietnamDepotFactory()
    by = by or ChinaStaffFactory()
    bag = BagFactory(
        origin=origin or ChinaWarehouseFactory(), destination=destination, opened_by=by, **fields
    )
    BagParcel.objects.bulk_create([BagParcel(bag=bag, parcel=p, added_by=by) for p in parcels])
    weight = sum(p.weight_g or 0 for p in Parcel.objects.filter(pk__in=[p.pk for p in parcels]))
    bag.status, bag.closed_by, bag.closed_at = BagStatus.CLOSED, by, timezone.now()
    bag.parcel_count, bag.parcels_weight_g, bag.weight_g = len(parcels), weight, weight + 200
    bag.save()
    return bag


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trip

    code = factory.Sequence(lambda n: f"TTMP{n:06d}")  # replaced by T%06d of its id
    origin = factory.SubFactory(ChinaWarehouseFactory)
    plate = "29C-123.45"
    driver = "Nguyễn Văn Tài"
    carrier = "Vận tải Hữu Nghị"
    route = "Quảng Châu → Bằng Tường → Hữu Nghị → Hà Nội"
    created_by = factory.SubFactory(ChinaStaffFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        trip = super()._create(model_class, *args, **kwargs)
        trip.code = f"T{trip.pk:06d}"
        Trip.objects.filter(pk=trip.pk).update(code=trip.code)
        return trip


def loaded_trip(*, bags, **fields) -> Trip:
    """A trip still loading with these closed bags on it."""
    trip = TripFactory(**fields)
    Bag.objects.filter(pk__in=[b.pk for b in bags]).update(trip=trip)
    for bag in bags:
        bag.trip = trip
    return trip


def departed_trip(*bags, **fields) -> Trip:
    """A trip on the road with these closed bags loaded: the bags loaded, their orders in international
    transit (as departing leaves them, without its history rows and notices)."""
    trip = loaded_trip(bags=bags, **fields)
    Trip.objects.filter(pk=trip.pk).update(status=TripStatus.DEPARTED, departed_at=timezone.now())
    Bag.objects.filter(pk__in=[b.pk for b in bags]).update(status=BagStatus.LOADED)
    Consignment.objects.filter(parcels__bag_item__bag__in=bags).update(status=ConsignmentStatus.IN_TRANSIT)
    trip.refresh_from_db()
    return trip
