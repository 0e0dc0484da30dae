"""A request's history is its timeline on the customer's page and on the depot's page: the depot sees who
did each step; the customer sees "you", the depot or customer service, never a staff username; times are
shown in Asia/Ho_Chi_Minh. Operations read every row in the admin, and cannot change them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from delivery.models import DeliveryRequestEvent, ReleaseNoteEvent
from delivery.services.autocomplete import deliveries_autocomplete
from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_cancel, delivery_request_create
from warehouse.labels import parcel_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(customer, at_depot, hn):
    order = at_depot(customer, paid=True)
    return delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )


def send_out(delivery, staff, depot):
    note = release_note_create(request=delivery, by=staff, depot=depot)
    release_scan(note=note, raw=parcel_code(delivery.items.get().consignment.parcels.get()), by=staff)
    release_details_set(note=note, carrier="ghn", tracking_number="GHN77", domestic_fee_vnd=0, by=staff)
    release_out(note=note, by=staff)
    return note


def history(html: str) -> str:
    match = re.search(r'<ol class="timeline" data-testid="request-history">(.*?)</ol>', html, re.S)
    assert match, "no history on the page"
    return match.group(1)


def steps(html: str) -> list[str]:
    return re.findall(r'data-step="([^"]+)"', history(html))


def whos(html: str) -> list[str]:
    return re.findall(r'data-testid="history-who">([^<]*)<', history(html))


def customer_page(client_of, customer, delivery) -> str:
    response = client_of(customer).get(reverse("delivery:request_detail", args=[delivery.pk]))
    assert response.status_code == 200
    return response.content.decode()


def depot_page(client_of, staff, delivery) -> str:
    response = client_of(staff).get(reverse("delivery:depot_request", args=[delivery.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_whole_journey_on_both_pages(client_of, english, customer, vn_staff, hn, delivery):
    note = send_out(delivery, vn_staff, hn)
    release_close(note=note, delivered=True, by=vn_staff)
    expected = ["request::new", "request:new:in_progress", "release:preparing:out", "release:out:delivered"]
    mine = customer_page(client_of, customer, delivery)
    assert steps(mine) == expected
    assert whos(mine) == ["you", hn.name, hn.name, hn.name]
    assert vn_staff.username not in history(mine)
    text = history(mine)
    assert f"Delivery requested ({delivery.code})" in text and note.code in text
    assert "Out for delivery with GHN" in text and "GHN77" in text and f"Delivered ({delivery.code})" in text
    desk = depot_page(client_of, vn_staff, delivery)
    assert steps(desk) == expected
    assert whos(desk) == [customer.username] + [f"{vn_staff.username} (Vietnam depot staff)"] * 3


def test_a_cancelled_request_says_who_cancelled(client_of, english, customer, vn_staff, delivery):
    delivery_request_cancel(request=delivery, by=vn_staff)  # the depot, at the customer's word
    mine = customer_page(client_of, customer, delivery)
    assert steps(mine) == ["request::new", "request:new:cancelled"]
    assert whos(mine)[-1] == delivery.depot.name
    assert f"Delivery request {delivery.code} cancelled" in history(mine)
    assert whos(depot_page(client_of, vn_staff, delivery))[-1] == f"{vn_staff.username} (Vietnam depot staff)"


def test_the_customer_cancelling_is_you(client_of, english, customer, vn_staff, delivery):
    client = client_of(customer)
    assert client.post(reverse("delivery:request_cancel", args=[delivery.pk])).status_code == 302
    assert client.post(reverse("delivery:request_cancel", args=[delivery.pk])).status_code == 302  # twice
    assert DeliveryRequestEvent.objects.filter(request=delivery, new_status="cancelled").count() == 1
    assert whos(customer_page(client_of, customer, delivery)) == ["you", "you"]
    assert whos(depot_page(client_of, vn_staff, delivery)) == [customer.username, customer.username]


def test_refused_and_an_operations_step(client_of, english, customer, vn_staff, ops, hn, delivery):
    note = send_out(delivery, vn_staff, hn)
    release_close(note=note, delivered=False, by=ops)
    mine = customer_page(client_of, customer, delivery)
    assert steps(mine)[-1] == "release:out:refused" and whos(mine)[-1] == "customer service"
    assert ops.username not in history(mine)
    assert "refused: the order is back at the depot" in history(mine)
    assert whos(depot_page(client_of, vn_staff, delivery))[-1] == f"{ops.username} (Operations)"


def test_the_beat_task_is_automatically(settings, client_of, english, customer, vn_staff, hn, delivery):
    settings.DELIVERY_AUTOCOMPLETE_DAYS = 15
    send_out(delivery, vn_staff, hn)
    ConsignmentEvent.objects.filter(kind=EventKind.STATUS, new_status=ConsignmentStatus.DELIVERING).update(
        at=timezone.now() - timedelta(days=16)
    )
    deliveries_autocomplete()
    mine = customer_page(client_of, customer, delivery)
    assert steps(mine)[-1] == "release:out:delivered" and whos(mine)[-1] == "automatically"
    assert "Marked delivered: not confirmed in time" in history(mine)
    assert whos(depot_page(client_of, vn_staff, delivery))[-1] == "automatically"


def test_times_are_shown_in_vietnam(client_of, english, customer, vn_staff, delivery):
    DeliveryRequestEvent.objects.filter(request=delivery).update(at=datetime(2026, 1, 2, 20, 30, tzinfo=UTC))
    assert "02/01/2026 20:30" not in history(customer_page(client_of, customer, delivery))
    assert "03/01/2026 03:30" in history(customer_page(client_of, customer, delivery))
    assert "03/01/2026 03:30" in history(depot_page(client_of, vn_staff, delivery))


def test_another_customer_and_another_depot_see_no_history(client_of, other_customer, hcm_staff, delivery):
    assert (
        client_of(other_customer).get(reverse("delivery:request_detail", args=[delivery.pk])).status_code
        == 404
    )
    assert client_of(hcm_staff).get(reverse("delivery:depot_request", args=[delivery.pk])).status_code == 404


def test_operations_read_the_rows_in_the_admin(client_of, english, ops, vn_staff, hn, delivery):
    note = send_out(delivery, vn_staff, hn)
    client = client_of(ops)
    page = client.get(reverse("admin:delivery_deliveryrequest_change", args=[delivery.pk])).content.decode()
    assert "delivery request events" in page.lower() and "In progress" in page
    page = client.get(reverse("admin:delivery_releasenote_change", args=[note.pk])).content.decode()
    assert "release note events" in page.lower() and "Out for delivery" in page
    assert 'name="events-0-new_status"' not in page  # read only: no inputs
    assert DeliveryRequestEvent.objects.count() == 2 and ReleaseNoteEvent.objects.count() == 2
