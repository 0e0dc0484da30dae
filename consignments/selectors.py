from .models import Consignment, ConsignmentStatus


def consignments_for_customer(*, customer):
    return Consignment.objects.filter(customer=customer).select_related("parcel", "current_warehouse")


def consignment_for_customer(*, customer, code: str):
    return (
        Consignment.objects.filter(customer=customer, code=code)
        .select_related("parcel", "current_warehouse")
        .first()
    )


def consignment_timeline(*, consignment):
    return consignment.events.select_related("warehouse").order_by("at", "id")


def consignments_at_china_warehouse(*, warehouse=None):
    qs = Consignment.objects.filter(status=ConsignmentStatus.CN_RECEIVED).select_related(
        "customer", "parcel", "current_warehouse"
    )
    if warehouse is not None:
        qs = qs.filter(current_warehouse=warehouse)
    return qs.order_by("created_at", "id")


def consignments_in_transit():
    return (
        Consignment.objects.filter(status=ConsignmentStatus.IN_TRANSIT)
        .select_related("customer", "parcel")
        .order_by("updated_at", "id")
    )


def consignments_awaiting_at(*, warehouse):
    return (
        Consignment.objects.filter(status=ConsignmentStatus.AWAITING_DELIVERY, current_warehouse=warehouse)
        .select_related("customer", "parcel")
        .order_by("-updated_at", "-id")
    )
