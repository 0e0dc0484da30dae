import factory

from addresses.models import DeliveryAddress


class DeliveryAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAddress

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    recipient_name = "Nguyễn Văn A"
    phone = "0912345678"
    province = "Hà Nội"
    district = "Cầu Giấy"
    ward = "Dịch Vọng"
    street = factory.Sequence(lambda n: f"Số {n} Trần Thái Tông")
    is_default = False
