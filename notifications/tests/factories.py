import factory

from notifications.models import Notification, NotificationKind


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    kind = NotificationKind.ARRIVED_CHINA
    consignment = factory.SubFactory(
        "consignments.tests.factories.ConsignmentFactory", customer=factory.SelfAttribute("..user")
    )
