import factory

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus


class ConsignmentFactory(factory.django.DjangoModelFactory):
    """An order with its first history row and its parcel, as matching leaves it.

    `parcel=` puts that warehouse.Parcel in the order (its waybill and warehouse become the order's);
    by default a new parcel is made. `pieces=N` makes N parcels (pieces 1..N of N).
    """

    class Meta:
        model = Consignment
        skip_postgeneration_save = True

    parcel = None
    pieces = 1
    code = factory.Sequence(lambda n: f"KG9{n:07d}")  # apart from the codes matching gives (KG + parcel id)
    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    tracking_code = factory.LazyAttributeSequence(
        lambda o, n: o.parcel.tracking_code if o.parcel is not None else f"YT{n:013d}"
    )
    current_warehouse = factory.LazyAttribute(
        lambda o: o.parcel.warehouse if o.parcel is not None else _china_warehouse()
    )
    destination = factory.LazyAttribute(lambda o: _depot())
    status = ConsignmentStatus.CN_RECEIVED

    @classmethod
    def _create(cls, model_class, *args, parcel=None, pieces=1, **kwargs):
        from warehouse.models import Parcel
        from warehouse.tests.factories import ParcelFactory

        order = super()._create(model_class, *args, **kwargs)
        if parcel is not None:
            Parcel.objects.filter(pk=parcel.pk).update(consignment=order)
            parcel.consignment = order
        else:
            for piece in range(1, pieces + 1):
                ParcelFactory(
                    tracking_code=order.tracking_code,
                    warehouse=order.current_warehouse,
                    consignment=order,
                    piece_number=piece,
                    piece_count=pieces if pieces > 1 else None,
                )
        ConsignmentEvent.objects.create(
            consignment=order, old_status="", new_status=order.status, warehouse=order.current_warehouse
        )
        return order


def _china_warehouse():
    from warehouse.tests.factories import ChinaWarehouseFactory

    return ChinaWarehouseFactory()


def _depot():
    from warehouse.tests.factories import VietnamDepotFactory

    return VietnamDepotFactory()
