"""Where an order awaiting delivery is collected: the depot's address, phone, opening hours and the last day
of free storage (the fee schedule's free days from the day it became Chờ giao)."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from billing.tests.conftest import schedule  # noqa: F401  (the fixture)
from consignments.models import ConsignmentStatus
from notifications.models import Notification, NotificationKind, PendingNotification
from shipping.selectors import pickup_info, pickup_notify_data
from shipping.tests.factories import closed_bag, ready_order
from shipping.tests.test_receiving_services import arrived_trip, codes, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(vn_staff):
    depot = vn_staff.warehouse
    depot.phone, depot.opening_hours = "0243 123 4567", "8:00–18:00, T2–T7"
    depot.save()
    return depot


@pytest.fixture
def awaiting(schedule, customer, vn_staff, depot):  # noqa: F811
    order = ready_order(customer)
    bag = closed_bag(orders=[order])
    arrived_trip(bag, depot=depot, by=vn_staff)
    scan(bag, codes(order)[0], vn_staff)
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    return order


def test_pickup_names_the_depot_and_the_last_free_day(awaiting, depot, schedule):  # noqa: F811
    info = pickup_info(awaiting)
    assert info["depot"] == depot and info["free_days"] == schedule.storage_free_days
    assert info["free_until"] == timezone.localdate() + timedelta(days=schedule.storage_free_days)


def test_no_pickup_before_the_order_is_at_the_depot(schedule, customer):  # noqa: F811
    assert pickup_info(ready_order(customer)) is None


def test_the_pickup_card_shows_address_phone_hours_and_deadline(awaiting, depot):
    html = Template("{% load receiving_tags %}{% pickup_card order %}").render(Context({"order": awaiting}))
    deadline = pickup_info(awaiting)["free_until"].strftime("%d/%m/%Y")
    for text in (depot.name, depot.address, depot.phone, depot.opening_hours, deadline):
        assert text in html


def test_the_notification_data_carries_the_pickup(awaiting, depot, schedule):  # noqa: F811
    data = pickup_notify_data(consignment=awaiting, depot=depot, at=timezone.now())
    assert (
        data["depot"] == depot.name and data["hours"] == depot.opening_hours and data["phone"] == depot.phone
    )
    assert (
        data["free_until"] == (timezone.localdate() + timedelta(days=schedule.storage_free_days)).isoformat()
    )
    kind = NotificationKind.AWAITING_DELIVERY
    sent = [n.data for n in Notification.objects.filter(consignment=awaiting, kind=kind)]
    sent += [n.data for n in PendingNotification.objects.filter(consignment=awaiting, kind=kind)]
    assert sent == [data]


@pytest.fixture
def lead_changes():
    """The Chờ giao notification's and the order page's texts come with consignment_transition(notify_data=…),
    the notification message and templates/consignments/detail.html (changes the lead applies together)."""


def test_the_customer_is_told_where_and_until_when(lead_changes, awaiting, depot, english):
    from notifications.services import notifications_deliver_pending

    notifications_deliver_pending()
    message = Notification.objects.get(consignment=awaiting, kind=NotificationKind.AWAITING_DELIVERY).message
    deadline = pickup_info(awaiting)["free_until"].strftime("%d/%m/%Y")
    for text in (depot.name, depot.address, depot.phone, depot.opening_hours, deadline):
        assert text in message


def test_the_order_page_names_the_depot_and_a_missing_parcel(
    lead_changes, awaiting, depot, vn_staff, client_of, customer, english
):
    from shipping.services.receiving_close import receiving_bag_close

    other = ready_order(customer, pieces=2)
    bag = closed_bag(orders=[other])
    arrived_trip(bag, depot=depot, by=vn_staff)
    receiving_bag_close(bag=bag, depot=depot, by=vn_staff)
    c = client_of(customer)
    page = c.get(reverse("consignments:detail", args=[awaiting.code])).content.decode()
    assert 'data-testid="pickup-card"' in page and depot.opening_hours in page
    page = c.get(reverse("consignments:detail", args=[other.code])).content.decode()
    assert "was not in its bag at the depot" in page and "missing:" not in page
