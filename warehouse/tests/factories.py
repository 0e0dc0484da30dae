import factory

from warehouse.models import DepotProvince, Parcel, Warehouse


class ChinaWarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "GZ"
    name = "Kho Quảng Châu"
    kind = Warehouse.Kind.CHINA
    address = "广东省, 广州市, 花都区, 花东镇, 镇京塘村荷塘路1号品拓物流园之自编3号"
    postal_code = "510890"
    phone = "18922190239"


class VietnamDepotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "HN"
    name = "Kho phân phối Hà Nội"
    kind = Warehouse.Kind.VIETNAM
    address = "Số 1 Phạm Văn Đồng, Cầu Giấy, Hà Nội"


class ParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parcel

    # A YTO shape (YT + 13 digits), in a range of its own: ConsignmentFactory's waybills count from YT0….
    tracking_code = factory.Sequence(lambda n: f"YT9{n:012d}")
    warehouse = factory.SubFactory(ChinaWarehouseFactory)
    scanned_by = factory.SubFactory("accounts.tests.factories.ChinaStaffFactory")


class DepotProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepotProvince
        django_get_or_create = ("province_code",)

    province_code = "01"
    depot = factory.SubFactory(VietnamDepotFactory)
