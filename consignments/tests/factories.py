import factory

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus


class ConsignmentFactory(factory.django.DjangoModelFactory):
    """A consignment with its first history row, as consignment_create_for_parcel leaves it."""

    class Meta:
        model = Consignment
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"KG{n:08d}")
    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    parcel = factory.SubFactory("warehouse.tests.factories.ParcelFactory")
    current_warehouse = factory.SelfAttribute("parcel.warehouse")
    status = ConsignmentStatus.CN_RECEIVED

    @factory.post_generation
    def first_event(obj, create, extracted, **kwargs):
        if create:
            ConsignmentEvent.objects.create(
                consignment=obj, old_status="", new_status=obj.status, warehouse=obj.current_warehouse
            )
