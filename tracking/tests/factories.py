import factory

from tracking.models import TrackingNumber


class TrackingNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingNumber

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    code = factory.Sequence(lambda n: f"SF{n:012d}")
    raw_code = factory.LazyAttribute(lambda o: o.code)


class TrackingImportFactory(factory.django.DjangoModelFactory):
    """An uploaded spreadsheet, still waiting for its task (no result file)."""

    class Meta:
        model = "tracking.TrackingImport"

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    file = factory.django.FileField(filename="upload.csv", data=b"SF123456789012\n")
    original_name = "ma-van-don.csv"
