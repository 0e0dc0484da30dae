from datetime import datetime, time, timedelta

from django.db.models import Count, F, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import ngettext

from .models import FINISHED, Consignment, ConsignmentStatus


def with_pieces(qs):
    """Orders with `arrived` (their parcels: an order keeps all of its own) and `expected` (the shipment's size
    when a label printed it, else None): "2 / 3 parcels"."""
    return qs.annotate(
        arrived=Count("parcels"),
        expected=Max("parcels__piece_count"),
    )


def consignments_for_customer(*, customer, q="", status="", depot=None, date_from=None, date_to=None):
    """The customer's orders, newest first, narrowed by the list's filters: `q` an order code or (part of) a
    tracking number, already upper case; dates are local (Asia/Ho_Chi_Minh) days, both ends included."""
    qs = Consignment.objects.filter(customer=customer)
    if q:
        qs = qs.filter(Q(code=q) | Q(tracking_code__contains=q))
    if status:
        qs = qs.filter(status=status)
    if depot is not None:
        qs = qs.filter(destination=depot)
    if date_from:
        qs = qs.filter(created_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_local_midnight(date_to + timedelta(days=1)))
    return (
        with_pieces(qs)
        .select_related("current_warehouse", "destination")
        .order_by("-created_at", "-id")  # an aggregate drops Meta.ordering
    )


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def consignment_for_customer(*, customer, code: str):
    parcel_model = Consignment._meta.get_field("parcels").related_model  # warehouse.Parcel, not imported
    parcels = parcel_model.objects.prefetch_related("photos")
    return (
        with_pieces(Consignment.objects.filter(customer=customer, code=code))
        .select_related("current_warehouse", "destination")
        .prefetch_related(Prefetch("parcels", queryset=parcels, to_attr="current_parcels"))
        .first()
    )


def consignment_timeline(*, consignment):
    return consignment.events.select_related("warehouse").order_by("at", "id")


def consignments_at_china_warehouse(*, warehouse=None):
    qs = with_pieces(Consignment.objects.filter(status=ConsignmentStatus.CN_RECEIVED)).select_related(
        "customer", "current_warehouse", "destination"
    )
    if warehouse is not None:
        qs = qs.filter(current_warehouse=warehouse)
    return qs.order_by("created_at", "id")


def consignments_for_dispatch(*, warehouse):
    """The dispatch list: orders at this China warehouse with what stops each leaving (unweighed parcels,
    labels that name another depot); `is_declared` comes from the row itself."""
    return consignments_at_china_warehouse(warehouse=warehouse).annotate(
        unweighed=Count("parcels", filter=Q(parcels__weight_g__isnull=True)),
        stale_labels=Count(
            "parcels",
            filter=~Q(parcels__label_destination="") & ~Q(parcels__label_destination=F("destination__code")),
        ),
    )


def consignments_in_transit(*, destination=None):
    qs = with_pieces(Consignment.objects.filter(status=ConsignmentStatus.IN_TRANSIT)).select_related(
        "customer", "destination"
    )
    if destination is not None:
        qs = qs.filter(destination=destination)
    return qs.order_by("updated_at", "id")


def consignments_awaiting_at(*, warehouse):
    return (
        with_pieces(
            Consignment.objects.filter(
                status=ConsignmentStatus.AWAITING_DELIVERY, current_warehouse=warehouse
            )
        )
        .select_related("customer", "destination")
        .order_by("-updated_at", "-id")
    )


def destination_depots():
    """The depots an order can go to: active Vietnam depots (warehouse.Warehouse, reached through the order's
    field, so that this app does not import the warehouse app)."""
    model = Consignment._meta.get_field("destination").related_model
    return model.objects.filter(kind=model.Kind.VIETNAM, is_active=True).order_by("code")


def destination_depot(value):
    """The depot a form posted (its id as text), or None for anything else (not a number, not a depot)."""
    value = (value or "").strip()
    return destination_depots().filter(pk=int(value)).first() if value.isascii() and value.isdigit() else None


def last_address_needed(*, customer) -> str | None:
    """addresses' guard: the last delivery address stays while orders are on their way or awaiting delivery
    (a delivery request needs somewhere to go)."""
    n = Consignment.objects.filter(customer=customer).exclude(status__in=FINISHED).count()
    if not n:
        return None
    return ngettext(
        "This is your last delivery address and %(n)s order is still on its way or awaiting delivery: "
        "add another address first, then delete this one.",
        "This is your last delivery address and %(n)s orders are still on their way or awaiting delivery: "
        "add another address first, then delete this one.",
        n,
    ) % {"n": n}
