from .models import Warehouse


def china_warehouses():
    return Warehouse.objects.filter(kind=Warehouse.Kind.CHINA, is_active=True)


def vietnam_depots():
    return Warehouse.objects.filter(kind=Warehouse.Kind.VIETNAM, is_active=True)
