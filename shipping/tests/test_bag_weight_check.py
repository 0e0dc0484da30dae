"""A bag weight far from its parcels' (a typo: "125" for 12.5 kg): asked about before closing (the form), and
said again when the bag is loaded onto a trip (loaded anyway)."""

import pytest
from django.urls import reverse

from shipping.forms import BagCloseForm
from shipping.models import Bag
from shipping.services.trips import LoadResult, trip_bag_load
from shipping.tests.factories import TripFactory, closed_bag, ready_order

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WARNING = "weighed 125 kg against 12.5 kg of parcels: check it before the truck leaves"


def test_the_close_form_asks_about_a_weight_far_from_the_parcels(english):
    asked = BagCloseForm({"weight_kg": "125"}, parcels_weight_g=12_500)
    assert not asked.is_valid() and asked.far
    assert asked.non_field_errors() == [
        "The bag weighs 125 kg but its parcels 12.5 kg: weigh it again, or close it anyway?"
    ]
    assert BagCloseForm({"weight_kg": "125", "confirm_weight": "on"}, parcels_weight_g=12_500).is_valid()
    for near in ("12,5", "13.25", "11.75"):  # within 500 g + 2 %
        assert BagCloseForm({"weight_kg": near}, parcels_weight_g=12_500).is_valid(), near
    assert not BagCloseForm({"weight_kg": "1,25"}, parcels_weight_g=12_500).is_valid()  # too light too


def _far_bag(customer):
    bag = closed_bag(orders=[ready_order(customer, weight_g=1_250) for _ in range(10)])
    assert bag.parcels_weight_g == 12_500
    Bag.objects.filter(pk=bag.pk).update(weight_g=125_000)
    bag.refresh_from_db()
    return bag


def test_loading_a_bag_far_from_its_parcels_warns_but_loads(cn_staff, customer, english):
    bag = _far_bag(customer)
    trip = TripFactory(origin=bag.origin)

    result = trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)

    assert result.outcome == LoadResult.LOADED and Bag.objects.get(pk=bag.pk).trip == trip
    assert result.warning == f"Bag {bag.code} {WARNING}"
    again = trip_bag_load(trip=trip, raw_code=bag.code, by=cn_staff)
    assert again.outcome == LoadResult.ALREADY and WARNING in again.warning


def test_loading_a_bag_near_its_parcels_says_nothing(cn_staff, customer):
    bag = closed_bag(orders=[ready_order(customer)])  # weighed 200 g over its parcels
    result = trip_bag_load(trip=TripFactory(origin=bag.origin), raw_code=bag.code, by=cn_staff)
    assert result.outcome == LoadResult.LOADED and result.warning == ""


def test_the_load_result_shows_the_warning(client_of, cn_staff, customer, english):
    bag = _far_bag(customer)
    trip = TripFactory(origin=cn_staff.warehouse)
    Bag.objects.filter(pk=bag.pk).update(origin=cn_staff.warehouse)
    client = client_of(cn_staff)
    url = reverse("shipping:trip_load", args=[trip.pk])

    page = client.post(url, {"code": bag.code}, **HTMX).content.decode()

    assert 'data-outcome="matched"' in page and 'data-testid="trip-load-weight-warning"' in page
    assert WARNING in page
    Bag.objects.filter(pk=bag.pk).update(trip=None)
    plain = client.post(url, {"code": bag.code}, follow=True).content.decode()
    assert f"Bag {bag.code} loaded." in plain and WARNING in plain
