import factory

from tracking.models import TrackingNumber


class TrackingNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingNumber

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    code = factory.Sequence(lambda n: f"SF{n:012d}")
    raw_code = factory.LazyAttribute(lambda o: o.code)
