"""Shipping's reads, grouped by station (each helper keeps its own section)."""

from django.db.models import Count, F, Q, Sum

from consignments.models import Consignment

from .models import Bag, BagParcel, BagStatus, ExtraReason, Trip

# --- bags ------------------------------------------------------------------------------------------------


def bags_at(*, origin):
    """Bags packed at this China warehouse, with their depot; open ones carry `items_count` and
    `items_weight_g` (what is in them so far)."""
    return Bag.objects.filter(origin=origin).select_related("destination")


def bags_open_at(*, origin):
    """Open bags at this warehouse, by destination depot then age, with what is in them so far."""
    return (
        bags_at(origin=origin)
        .filter(status=BagStatus.OPEN)
        .annotate(items_count=Count("items"), items_weight_g=Sum("items__parcel__weight_g"))
        .order_by("destination__code", "opened_at", "id")
    )


def bags_closed_at(*, origin, limit: int = 50):
    """The latest bags closed at this warehouse (waiting for a trip, or gone)."""
    return (
        bags_at(origin=origin)
        .exclude(status=BagStatus.OPEN)
        .select_related("trip")
        .order_by("-closed_at", "-id")[:limit]
    )


def bag_items(*, bag):
    """What is in a bag, with each parcel's order and customer: the bag page and the manifests."""
    return (
        BagParcel.objects.filter(bag=bag)
        .select_related("parcel__consignment__customer")
        .order_by("added_at", "id")
    )


# --- trips -----------------------------------------------------------------------------------------------


def trips_from(*, origin=None):
    """Trips leaving from this China warehouse (every trip when origin is None: operations), newest first,
    with how many bags each has."""
    trips = (
        Trip.objects.select_related("origin").annotate(bag_count=Count("bags")).order_by("-created_at", "-id")
    )
    return trips if origin is None else trips.filter(origin=origin)


def bags_waiting_for_trip(*, origin):
    """Closed bags at this China warehouse that no trip has yet, by destination depot then code."""
    return (
        Bag.objects.filter(origin=origin, status=BagStatus.CLOSED, trip__isnull=True)
        .select_related("destination")
        .order_by("destination__code", "code")
    )


def trip_order_ids(*, trip) -> list[int]:
    """Every order with a parcel in the trip's bags, once: an order whose parcels are spread over several
    bags counts once."""
    return list(
        BagParcel.objects.filter(bag__trip=trip)
        .order_by()
        .values_list("parcel__consignment_id", flat=True)
        .distinct()
    )


def trip_orders(*, trip):
    """The orders on a trip, as a queryset (a subquery: no list of ids travels)."""
    return Consignment.objects.filter(
        pk__in=BagParcel.objects.filter(bag__trip=trip).values("parcel__consignment_id")
    )


def trip_orders_split(*, trip, limit: int = 50):
    """Orders on the trip with parcels that are not on it (left on the shelf, or in a bag not loaded):
    each with `here` (its parcels on the trip) and `total` (all its parcels), by code."""
    return (
        trip_orders(trip=trip)
        .annotate(
            total=Count("parcels", distinct=True),
            here=Count("parcels", filter=Q(parcels__bag_item__bag__trip=trip), distinct=True),
        )
        .filter(total__gt=F("here"))
        .order_by("code")
        .only("code")[:limit]
    )


def trip_bags(*, trip):
    """The bags on a trip, by destination depot then code."""
    return Bag.objects.filter(trip=trip).select_related("destination").order_by("destination__code", "code")


def trip_summary(*, trip) -> dict:
    """What a trip carries, per destination depot and in all: {"rows": [{"destination", "bags", "parcels",
    "orders", "weight_g" (the bags on the scale), "parcels_weight_g"}…], "total": {the same}}."""
    from warehouse.models import Warehouse

    bags = {
        row["destination"]: row
        for row in Bag.objects.filter(trip=trip)
        .order_by()
        .values("destination")
        .annotate(bags=Count("id"), weight_g=Sum("weight_g"))
    }
    items = {
        row["bag__destination"]: row
        for row in BagParcel.objects.filter(bag__trip=trip)
        .order_by()
        .values("bag__destination")
        .annotate(
            parcels=Count("id"),
            orders=Count("parcel__consignment", distinct=True),
            parcels_weight_g=Sum("parcel__weight_g"),
        )
    }
    depots = Warehouse.objects.in_bulk(list(bags))
    rows = []
    for depot_id in sorted(bags, key=lambda pk: depots[pk].code):
        item = items.get(depot_id, {})
        rows.append(
            {
                "destination": depots[depot_id],
                "bags": bags[depot_id]["bags"],
                "weight_g": bags[depot_id]["weight_g"] or 0,
                "parcels": item.get("parcels", 0),
                "orders": item.get("orders", 0),
                "parcels_weight_g": item.get("parcels_weight_g") or 0,
            }
        )
    total = {
        key: sum(row[key] for row in rows) for key in ("bags", "weight_g", "parcels", "parcels_weight_g")
    }
    # An order's parcels all go to its destination, yet count it once even if a bag strayed.
    total["orders"] = len(trip_order_ids(trip=trip)) if len(rows) > 1 else sum(r["orders"] for r in rows)
    return {"rows": rows, "total": total}


# --- receiving -------------------------------------------------------------------------------------------
# (Vietnam depot receiving: shipping.services.receiving, shipping.views.receiving)

RECEIVING_CLOSED_DAYS = 14  # a trip closed this recently still lists at the depot (late parcels)


def here_status(depot, trip="pk"):
    """An annotation: the trip as `depot` sees it (Trip.here_status): received once this depot closed
    receiving, arrived once it started, else the trip's own status (departed, or arrived elsewhere: still on
    its way here). `trip`: the outer query's reference to the trip ("pk" on trips, "trip" on bags)."""
    from django.db.models import Case, Exists, OuterRef, Value, When

    from .models import TripArrival, TripStatus

    arrivals = TripArrival.objects.filter(trip=OuterRef(trip), depot=depot)
    return Case(
        When(Exists(arrivals.filter(closed_at__isnull=False)), then=Value(TripStatus.RECEIVED.value)),
        When(Exists(arrivals), then=Value(TripStatus.ARRIVED.value)),
        default=Value(TripStatus.DEPARTED.value),
    )


def receiving_trips(*, depot, closed_days: int = RECEIVING_CLOSED_DAYS):
    """Trips with bags for this depot: on the road, being received, or closed in the last `closed_days`
    days; each with this depot's bags (`bags_here`), parcels (`parcels_here`) and received parcels."""
    from datetime import timedelta

    from django.db.models import Case, Exists, OuterRef, Q, When
    from django.utils import timezone

    from .models import Trip, TripStatus

    here = Q(bags__destination=depot)
    since = timezone.now() - timedelta(days=closed_days)
    return (
        Trip.objects.filter(Exists(Bag.objects.filter(trip=OuterRef("pk"), destination=depot)))
        .filter(
            Q(status__in=[TripStatus.DEPARTED, TripStatus.ARRIVED])
            | Q(status=TripStatus.RECEIVED, received_at__gte=since)
        )
        .annotate(
            bags_here=Count("bags", filter=here, distinct=True),
            parcels_here=Count("bags__items", filter=here),
            received_here=Count("bags__items", filter=here & Q(bags__items__received_at__isnull=False)),
            here=here_status(depot),
        )
        .annotate(
            rank=Case(
                When(here=TripStatus.ARRIVED, then=0), When(here=TripStatus.DEPARTED, then=1), default=2
            ),
        )
        .order_by("rank", "-departed_at", "-id")
    )


def receiving_trip_for(*, depot, pk: int):
    """A trip this depot may receive (it carries a bag for it and has left China), or None."""
    from django.db.models import Exists, OuterRef

    from .models import Trip, TripStatus

    trip = (
        Trip.objects.exclude(status=TripStatus.LOADING)
        .filter(pk=pk)
        .filter(Exists(Bag.objects.filter(trip=OuterRef("pk"), destination=depot)))
        .annotate(here=here_status(depot))
        .first()
    )
    if trip is not None:
        trip.here_depot_id = (
            depot.pk
        )  # `here` is this depot's view (shipping.services.receiving.check_receiving)
    return trip


def receiving_bags(*, trip, depot):
    """This depot's bags of a trip, each with `expected` (on its manifest), `received`, `unscanned`,
    `flagged` (recorded missing at closing, not found since), `extras_count` (scanned in it but on no
    manifest of the trip for this depot) and `other_bag_count` (parcels of another of its bags scanned in
    it: received into their own bag)."""
    from django.db.models import OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from .models import ReceivingExtra

    def scanned_here(**reason):
        return Coalesce(
            Subquery(
                ReceivingExtra.objects.filter(bag=OuterRef("pk"), **reason)
                .order_by()
                .values("bag")
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
        )

    return (
        Bag.objects.filter(trip=trip, destination=depot)
        .annotate(
            expected=Count("items"),
            received=Count("items", filter=Q(items__received_at__isnull=False)),
            unscanned=Count("items", filter=Q(items__received_at__isnull=True, items__missing=False)),
            flagged=Count("items", filter=Q(items__missing=True, items__received_at__isnull=True)),
            extras_count=scanned_here(reason__in=ExtraReason.EXTRA),
            other_bag_count=scanned_here(reason=ExtraReason.OTHER_BAG),
        )
        .order_by("code")
    )


def receiving_bag_counts(*, bag) -> dict:
    """{"expected", "received", "unscanned", "flagged", "extras", "other_bag"} of one bag (extras: on no
    manifest of the trip here; other_bag: parcels of another of its bags, received into their own). Read after every parcel scan:
    one short statement (the ORM's aggregate and count cost the scan twice its database time in Python)."""
    from django.db import connection

    sql = (
        "SELECT COUNT(*), COUNT(received_at), COUNT(*) FILTER (WHERE received_at IS NULL AND missing), "
        '(SELECT COUNT(*) FROM "shipping_receivingextra" WHERE bag_id = %s AND reason <> %s), '
        '(SELECT COUNT(*) FROM "shipping_receivingextra" WHERE bag_id = %s AND reason = %s) '
        'FROM "shipping_bagparcel" WHERE bag_id = %s'
    )
    with connection.cursor() as cursor:
        other = ExtraReason.OTHER_BAG
        cursor.execute(sql, [bag.pk, other, bag.pk, other, bag.pk])
        expected, received, flagged, extra, other_bag = cursor.fetchone()
    return {
        "expected": expected,
        "received": received,
        "unscanned": expected - received,
        "flagged": flagged or 0,
        "extras": extra,
        "other_bag": other_bag,
    }


def receiving_bag_items(*, bag):
    """A bag's manifest at the depot: each parcel with its order and customer."""
    return (
        BagParcel.objects.filter(bag=bag)
        .select_related("parcel__consignment__customer")
        .order_by("parcel__consignment__code", "parcel__piece_number", "id")
    )


def receiving_extras(*, trip, depot=None, bag=None):
    """What was scanned while receiving a trip but was not on the manifest of the bag being scanned."""
    from .models import ReceivingExtra

    qs = ReceivingExtra.objects.filter(trip=trip).select_related(
        "bag", "parcel__consignment", "parcel__bag_item__bag__destination", "scanned_by"
    )
    if depot is not None:
        qs = qs.filter(bag__destination=depot)
    if bag is not None:
        qs = qs.filter(bag=bag)
    return qs.order_by("-scanned_at", "-id")


def receiving_missing_items(*, limit: int = 500):
    """Parcels recorded missing at a depot whose order still waits in transit (operations' page): by
    order, with the trip, the bag and the depot."""
    from consignments.models import ConsignmentStatus

    return (
        BagParcel.objects.filter(
            missing=True,
            received_at__isnull=True,
            parcel__consignment__status=ConsignmentStatus.IN_TRANSIT,
        )
        .select_related("parcel__consignment__customer", "bag__trip", "bag__destination")
        .order_by("bag__destination__code", "parcel__consignment__code", "parcel__piece_number", "id")[:limit]
    )


def _free_until(consignment, since):
    """(free storage days, the last free day in Asia/Ho_Chi_Minh) of the fee schedule the order is priced
    with; (None, None) when none is published."""
    from datetime import timedelta

    from django.utils import timezone

    from billing.selectors import schedule_for

    schedule = schedule_for(consignment)
    if schedule is None or since is None:
        return None, None
    return schedule.storage_free_days, timezone.localdate(since) + timedelta(days=schedule.storage_free_days)


def pickup_info(consignment) -> dict | None:
    """Where an order awaiting delivery is collected and until when for free: {"depot" (a Warehouse: name,
    address, phone, opening_hours), "since" (when it became Chờ giao), "free_days", "free_until" (the last
    free day, included: billing.pricing.storage_line charges the days since Chờ giao beyond the free
    ones)}. None when the order is not awaiting delivery."""
    from django.db.models import Max

    from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind

    if consignment.status != ConsignmentStatus.AWAITING_DELIVERY:
        return None
    since = ConsignmentEvent.objects.filter(
        consignment=consignment, kind=EventKind.STATUS, new_status=ConsignmentStatus.AWAITING_DELIVERY
    ).aggregate(at=Max("at"))["at"]
    free_days, free_until = _free_until(consignment, since)
    return {
        "depot": consignment.current_warehouse,
        "since": since,
        "free_days": free_days,
        "free_until": free_until,
    }


def pickup_notify_data(*, consignment, depot, at) -> dict:
    """What the Chờ giao notification says about collecting: the depot and the free storage deadline, as
    they are when it is sent (Notification.data; dates ISO)."""
    free_days, free_until = _free_until(consignment, at)
    return {
        "depot": depot.name,
        "address": depot.address,
        "phone": depot.phone,
        "hours": getattr(depot, "opening_hours", ""),
        "free_days": free_days,
        "free_until": free_until.isoformat() if free_until else "",
    }


def status_history(obj) -> list:
    """A bag's or a trip's history rows, oldest first, each with `old_label` and `new_label` (its status
    choices' labels) for the page."""
    from .models import Bag, BagStatus, TripStatus

    statuses = BagStatus if isinstance(obj, Bag) else TripStatus
    labels = dict(statuses.choices)
    events = list(obj.events.select_related("by", "warehouse").order_by("at", "id"))
    for event in events:
        event.old_label = labels.get(event.old_status, "")
        event.new_label = labels.get(event.new_status, event.new_status)
    return events
