"""`make run`'s demo data (seed_demo, which runs seed_billing and seed_orders): a newcomer logs in and sees a
living system — orders at every status the product leaves one in, bags, trips, a published fee schedule and
money in the wallet — and running it again changes nothing."""

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.models import FeeSchedule, ScheduleStatus
from billing.selectors import balance_of
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
from shipping.models import Bag, Trip, TripStatus
from tracking.models import TrackingNumber

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's chatter


def test_a_newcomer_sees_orders_at_every_status_bags_trips_fees_and_money(client):
    seed()
    customer = User.objects.get(username="thubin89x")
    statuses = set(Consignment.objects.filter(customer=customer).values_list("status", flat=True))
    # Refused is a step, not a place: a refused delivery is back at the depot, awaiting, with the refusal
    # on its timeline.
    assert statuses == set(ConsignmentStatus.values) - {ConsignmentStatus.REFUSED}
    assert ConsignmentEvent.objects.filter(
        consignment__customer=customer, new_status=ConsignmentStatus.REFUSED
    ).exists()
    assert TrackingNumber.objects.filter(customer=customer, consignment__isnull=True).count() == 2
    assert Bag.objects.count() == 2
    assert set(Trip.objects.values_list("status", flat=True)) == {TripStatus.DEPARTED, TripStatus.RECEIVED}
    assert FeeSchedule.objects.filter(status=ScheduleStatus.PUBLISHED).exists()
    assert balance_of(customer) > 1_000_000
    awaiting = Consignment.objects.filter(customer=customer, status=ConsignmentStatus.AWAITING_DELIVERY)
    assert all(order.charges.exists() for order in awaiting)  # priced on arrival

    assert customer.check_password("demo12345")  # the README's login
    client.force_login(customer)
    page = client.get("/orders/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 11


def test_running_it_again_changes_nothing():
    seed()
    counts = (Consignment.objects.count(), ConsignmentEvent.objects.count(), Bag.objects.count())
    seed()
    assert (Consignment.objects.count(), ConsignmentEvent.objects.count(), Bag.objects.count()) == counts
