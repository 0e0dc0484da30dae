"""Bags (bao) packed at the China warehouse and trips (chuyến xe) that carry them to Vietnam, and what the
Vietnam depot received of them.

A parcel (warehouse.Parcel, one box) is in at most one bag (BagParcel.parcel is unique); a bag is in at most
one trip (Bag.trip). Weights are grams. Codes: bags `B` + 7 digits, trips `T` + 6 digits, from their ids.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BagStatus(models.TextChoices):
    OPEN = "open", _("Open")  # parcels are being scanned in
    CLOSED = "closed", _("Closed")  # weighed and labelled, waiting for a trip
    LOADED = "loaded", _("Loaded on a trip")
    RECEIVED = "received", _("Received at the depot")


# The moves a bag's status may make (shipping.services.status.bag_status_set is the one function that makes
# them): closed and reopened at the China warehouse until a trip departs with it, received at the depot.
BAG_TRANSITIONS = {
    BagStatus.OPEN: frozenset({BagStatus.CLOSED}),
    BagStatus.CLOSED: frozenset({BagStatus.OPEN, BagStatus.LOADED}),
    BagStatus.LOADED: frozenset({BagStatus.RECEIVED}),
    BagStatus.RECEIVED: frozenset(),
}


class Bag(models.Model):
    """A bag of parcels for one Vietnam depot, packed at one China warehouse."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    origin = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("packed at"), on_delete=models.PROTECT, related_name="+"
    )
    destination = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("destination depot"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=BagStatus.choices, default=BagStatus.OPEN)
    trip = models.ForeignKey(
        "shipping.Trip",
        verbose_name=_("trip"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bags",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Weighed at closing (the bag on the scale); compared with the sum of its parcels' weights.
    weight_g = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    parcel_count = models.PositiveIntegerField(_("parcels"), default=0)
    parcels_weight_g = models.PositiveIntegerField(_("parcels' weight (g)"), default=0)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bag")
        verbose_name_plural = _("bags")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "destination"])]

    def __str__(self):
        return self.code


class BagParcel(models.Model):
    """A parcel in a bag. One row per parcel ever: the unique parcel makes "in at most one bag" hold even
    when two stations scan the same parcel at once. Removing a parcel from an open bag deletes its row."""

    bag = models.ForeignKey(Bag, verbose_name=_("bag"), on_delete=models.CASCADE, related_name="items")
    parcel = models.OneToOneField(
        "warehouse.Parcel", verbose_name=_("parcel"), on_delete=models.PROTECT, related_name="bag_item"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scanned by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("scanned at"), auto_now_add=True)
    # Scanned at the Vietnam depot when the bag was opened there.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # Not found when the depot closed the bag: flagged for investigation (operations may mark it lost).
    missing = models.BooleanField(_("missing"), default=False)

    class Meta:
        verbose_name = _("parcel in a bag")
        verbose_name_plural = _("parcels in bags")
        ordering = ["added_at", "id"]

    def __str__(self):
        return f"{self.bag_id}: {self.parcel_id}"


class TripStatus(models.TextChoices):
    LOADING = "loading", _("Loading")
    DEPARTED = "departed", _("Departed")  # on the road: Vận chuyển quốc tế
    ARRIVED = "arrived", _("Arrived at the depot")  # being received
    RECEIVED = (
        "received",
        pgettext_lazy("trip status", "Received"),
    )  # receiving closed (discrepancies recorded)


# The moves a trip's status may make (shipping.services.status.trip_status_set). ARRIVED is the trip's: it
# reached Vietnam (the first depot started receiving it, or an "arrived" checkpoint); each depot's own
# arrival and closing are TripArrival rows.
TRIP_TRANSITIONS = {
    TripStatus.LOADING: frozenset({TripStatus.DEPARTED}),
    TripStatus.DEPARTED: frozenset({TripStatus.ARRIVED}),
    TripStatus.ARRIVED: frozenset({TripStatus.RECEIVED}),
    TripStatus.RECEIVED: frozenset(),
}


class Trip(models.Model):
    """A truck (chuyến xe / lô) from a China warehouse to Vietnam carrying closed bags."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    origin = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    plate = models.CharField(_("vehicle plate"), max_length=20)
    driver = models.CharField(_("driver"), max_length=100, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    route = models.CharField(_("planned route"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.LOADING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    departed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("departed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    received_at = models.DateTimeField(_("receiving closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.code

    @property
    def here_status(self) -> str:
        """The trip as one depot sees it (shipping.selectors' receiving_* set `here`): on the way (departed)
        until that depot starts receiving it, then arrived, then received once it closed receiving."""
        return getattr(self, "here", None) or self.status

    def get_here_status_display(self) -> str:
        return TripStatus(self.here_status).label


class TripArrival(models.Model):
    """A trip at one Vietnam depot: when and by whom that depot started receiving it, and closed receiving.
    One row per (trip, depot): a trip carrying bags for two depots arrives at each on its own."""

    trip = models.ForeignKey(Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="arrivals")
    depot = models.ForeignKey(
        "warehouse.Warehouse", verbose_name=_("depot"), on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField(_("receiving started at"))
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("receiving closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("trip arrival at a depot")
        verbose_name_plural = _("trip arrivals at depots")
        ordering = ["arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "depot"], name="shipping_arrival_once_per_depot"),
        ]

    def __str__(self):
        return f"{self.trip_id} @ {self.depot_id}"


class _StatusEvent(models.Model):
    """A history row: a status change (old → new) or a step that keeps the status (loaded on a trip, a
    depot's arrival), who made it (None: the system), when and where."""

    old_status = models.CharField(_("from"), max_length=10, blank=True)
    new_status = models.CharField(_("to"), max_length=10)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    warehouse = models.ForeignKey(
        "warehouse.Warehouse",
        verbose_name=_("where"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class BagEvent(_StatusEvent):
    bag = models.ForeignKey(Bag, verbose_name=_("bag"), on_delete=models.CASCADE, related_name="events")

    class Meta(_StatusEvent.Meta):
        verbose_name = _("bag history row")
        verbose_name_plural = _("bag history")

    def __str__(self):
        return f"{self.bag_id}: {self.old_status} → {self.new_status}"


class TripEvent(_StatusEvent):
    trip = models.ForeignKey(Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="events")

    class Meta(_StatusEvent.Meta):
        verbose_name = _("trip history row")
        verbose_name_plural = _("trip history")

    def __str__(self):
        return f"{self.trip_id}: {self.old_status} → {self.new_status}"


class CheckpointKind(models.TextChoices):
    LEFT = "left", _("Left the China warehouse")
    BORDER = "border", _("At the border")  # Pingxiang / Dongxing
    CLEARED = "cleared", _("Customs cleared")  # Lạng Sơn / Móng Cái
    ARRIVED = "arrived", _("Arrived in Vietnam")
    OTHER = "other", _("On the way")


class TripCheckpoint(models.Model):
    """A step of a trip's route; each becomes a step on the timeline of every order on the trip."""

    trip = models.ForeignKey(
        Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CheckpointKind.choices)
    place = models.CharField(_("place"), max_length=100, blank=True)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trip checkpoint")
        verbose_name_plural = _("trip checkpoints")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.trip_id}: {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ExtraReason:
    """ReceivingExtra.reason: why a scan was not on the manifest of the bag being received."""

    OTHER_BAG = "other_bag"  # a parcel of another bag of this trip for this depot: received into its bag
    OTHER_TRIP = "other_trip"  # a parcel for this depot on another trip (not received by this trip)
    OTHER_DEPOT = "other_depot"  # a parcel for another depot
    NOT_BAGGED = "not_bagged"  # a parcel of ours that no bag carries
    UNKNOWN = "unknown"  # no parcel has this code
    # On no manifest of the trip for this depot (a parcel of another of its bags is counted apart).
    EXTRA = (OTHER_TRIP, OTHER_DEPOT, NOT_BAGGED, UNKNOWN)


class ReceivingExtra(models.Model):
    """Something the depot scanned while receiving a trip that was not on its manifest for this depot (a
    parcel of another trip or depot, an unknown code): recorded, never received into an order by it."""

    trip = models.ForeignKey(Trip, verbose_name=_("trip"), on_delete=models.CASCADE, related_name="extras")
    bag = models.ForeignKey(
        Bag, verbose_name=_("bag"), null=True, blank=True, on_delete=models.CASCADE, related_name="extras"
    )
    raw_code = models.CharField(_("scanned"), max_length=100)
    parcel = models.ForeignKey(
        "warehouse.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=40)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scanned by"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unexpected scan at receiving")
        verbose_name_plural = _("unexpected scans at receiving")
        ordering = ["scanned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "raw_code"], name="shipping_extra_once_per_trip"),
        ]

    def __str__(self):
        return f"{self.trip_id}: {self.raw_code} ({self.reason})"
