"""Closing a bag with its weight (count, parcels' weight, the tolerance), reopening it while no trip has it,
deleting an empty one."""

import pytest
from django.test.utils import override_settings

from consignments.models import ConsignmentStatus
from core.errors import DomainError
from shipping.models import Bag, BagParcel, BagStatus, Trip
from shipping.services.bags import (
    bag_close,
    bag_discard,
    bag_open,
    bag_reopen,
    bag_scan,
    weight_difference_g,
    weight_tolerance_g,
)
from shipping.tests import test_bags_services as base
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db

hn, bag, ready_order, piece = base.hn, base.bag, base.ready_order, base.piece  # fixtures and helpers


# --- closing ---------------------------------------------------------------------------------------------


def test_closing_keeps_the_weight_the_count_and_the_parcels_weight(bag, customer, cn_staff):
    for weight in (1_000, 2_500):
        bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff, weight_g=weight).code, by=cn_staff)

    closed = bag_close(bag=bag, weight_g=3_700, by=cn_staff)

    bag.refresh_from_db()
    assert (bag.status, bag.weight_g, bag.parcel_count, bag.parcels_weight_g) == (
        BagStatus.CLOSED,
        3_700,
        2,
        3_500,
    )
    assert bag.closed_by == cn_staff and bag.closed_at is not None
    assert closed.status == BagStatus.CLOSED
    assert weight_difference_g(bag) is None  # 200 g over, within 500 g + 2 %


@pytest.mark.parametrize(
    ("weight", "difference"), [(10_700, None), (10_701, 701), (9_300, None), (9_299, -701)]
)
def test_a_bag_far_from_its_parcels_weight_is_shown(bag, customer, cn_staff, weight, difference):
    """10 kg of parcels: 500 g + 2 % = 700 g allowed either way."""
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff, weight_g=10_000).code, by=cn_staff)
    bag = bag_close(bag=bag, weight_g=weight, by=cn_staff)
    assert weight_tolerance_g(10_000) == 700
    assert weight_difference_g(bag) == difference


@override_settings(BAG_WEIGHT_TOLERANCE_G=100, BAG_WEIGHT_TOLERANCE_PCT=5)
def test_the_tolerance_is_a_fixed_allowance_plus_a_share_of_the_parcels():
    assert weight_tolerance_g(10_000) == 600
    assert weight_tolerance_g(0) == 100


def test_an_empty_bag_cannot_be_closed(bag, cn_staff):
    with pytest.raises(DomainError) as refused:
        bag_close(bag=bag, weight_g=500, by=cn_staff)
    assert refused.value.code == "empty"
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.OPEN


@pytest.mark.parametrize("weight", [0, -5, 2_000_001])
def test_a_bag_weight_out_of_range_is_refused(bag, customer, cn_staff, weight):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    with pytest.raises(DomainError) as refused:
        bag_close(bag=bag, weight_g=weight, by=cn_staff)
    assert refused.value.code == "weight"


def test_a_bag_is_closed_once(bag, customer, cn_staff):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    bag_close(bag=bag, weight_g=1_300, by=cn_staff)
    with pytest.raises(DomainError) as again:
        bag_close(bag=bag, weight_g=9_999, by=cn_staff)
    assert again.value.code == "closed"
    assert Bag.objects.get(pk=bag.pk).weight_g == 1_300


def test_a_bag_with_an_order_cancelled_since_cannot_be_closed(bag, customer, cn_staff):
    good, gone = ready_order(customer, cn_staff), ready_order(customer, cn_staff)
    for order in (good, gone):
        bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    type(gone).objects.filter(pk=gone.pk).update(status=ConsignmentStatus.CANCELLED)

    with pytest.raises(DomainError) as refused:
        bag_close(bag=bag, weight_g=2_500, by=cn_staff)

    assert refused.value.code == "bad_parcels" and gone.code in refused.value.message
    assert good.code not in refused.value.message
    bag_scan(bag=bag, raw_code=gone.code, by=cn_staff)  # out
    assert bag_close(bag=bag, weight_g=1_250, by=cn_staff).parcel_count == 1


# --- reopening and deleting ------------------------------------------------------------------------------


def test_a_closed_bag_reopens_and_is_weighed_again(bag, customer, cn_staff):
    first, second = ready_order(customer, cn_staff), ready_order(customer, cn_staff)
    bag_scan(bag=bag, raw_code=first.code, by=cn_staff)
    bag_close(bag=bag, weight_g=1_300, by=cn_staff)

    reopened = bag_reopen(bag=bag, by=cn_staff)

    bag.refresh_from_db()
    assert reopened.status == bag.status == BagStatus.OPEN
    assert (bag.weight_g, bag.closed_at, bag.closed_by) == (None, None, None)
    bag_scan(bag=bag, raw_code=second.code, by=cn_staff)
    assert bag_close(bag=bag, weight_g=2_600, by=cn_staff).parcel_count == 2
    with pytest.raises(DomainError) as open_one:
        bag_reopen(bag=bag_open(origin=bag.origin, destination=bag.destination, by=cn_staff), by=cn_staff)
    assert open_one.value.code == "open"


def test_a_bag_on_a_trip_does_not_reopen(bag, customer, cn_staff):
    bag_scan(bag=bag, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    bag_close(bag=bag, weight_g=1_300, by=cn_staff)
    trip = Trip.objects.create(
        code="T000001", origin=cn_staff.warehouse, plate="29C-123.45", created_by=cn_staff
    )
    Bag.objects.filter(pk=bag.pk).update(trip=trip, status=BagStatus.LOADED)

    with pytest.raises(DomainError) as refused:
        bag_reopen(bag=bag, by=cn_staff)

    assert refused.value.code == "loaded"
    assert Bag.objects.get(pk=bag.pk).status == BagStatus.LOADED


def test_only_an_empty_open_bag_is_deleted(bag, customer, cn_staff, hn):
    full = bag_open(origin=cn_staff.warehouse, destination=hn, by=cn_staff)
    bag_scan(bag=full, raw_code=ready_order(customer, cn_staff).code, by=cn_staff)
    with pytest.raises(DomainError) as not_empty:
        bag_discard(bag=full, by=cn_staff)
    assert not_empty.value.code == "not_empty"

    bag_discard(bag=bag, by=cn_staff)

    assert list(Bag.objects.all()) == [full]


def test_a_scan_into_a_bag_deleted_meanwhile_finds_no_bag(bag, customer, cn_staff):
    order = ready_order(customer, cn_staff)
    bag_discard(bag=bag, by=cn_staff)
    with pytest.raises(Bag.DoesNotExist):
        bag_scan(bag=bag, raw_code=order.code, by=cn_staff)
    assert not BagParcel.objects.exists()


def test_an_open_bag_keeps_running_totals_and_closing_counts_again(bag, customer, cn_staff):
    light, heavy = (
        ready_order(customer, cn_staff, weight_g=1_000),
        ready_order(customer, cn_staff, weight_g=2_500),
    )
    bag_scan(bag=bag, raw_code=light.code, by=cn_staff)
    bag_scan(bag=bag, raw_code=heavy.code, by=cn_staff)
    assert Bag.objects.values_list("parcel_count", "parcels_weight_g").get(pk=bag.pk) == (2, 3_500)

    bag_scan(bag=bag, raw_code=light.code, by=cn_staff)  # out

    assert Bag.objects.values_list("parcel_count", "parcels_weight_g").get(pk=bag.pk) == (1, 2_500)
    parcel_measure(parcel=piece(heavy), weight_g=2_600, by=cn_staff)  # weighed again while in the bag
    closed = bag_close(bag=bag, weight_g=2_700, by=cn_staff)
    assert (closed.parcel_count, closed.parcels_weight_g) == (1, 2_600)
