import factory

from addresses.models import DeliveryAddress


class DeliveryAddressFactory(factory.django.DjangoModelFactory):
    """An address as entered before the 2025 units (province, district, ward typed by hand, no codes);
    `DeliveryAddressFactory(new_units=True)` gives one chosen from the 2025 units."""

    class Meta:
        model = DeliveryAddress

    class Params:
        new_units = factory.Trait(
            province="Hà Nội",
            district="",
            ward="Phường Cầu Giấy",
            province_code="01",
            ward_code="00166",
        )

    customer = factory.SubFactory("accounts.tests.factories.CustomerFactory")
    recipient_name = "Nguyễn Văn A"
    phone = "0912345678"
    province = "Hà Nội"
    district = "Cầu Giấy"
    ward = "Dịch Vọng"
    street = factory.Sequence(lambda n: f"Số {n} Trần Thái Tông")
    is_default = False
