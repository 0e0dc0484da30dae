"""Public tracking: the route of an order for anyone with its code or tracking number, nothing personal,
one answer for every miss, and slowed down when asked too often."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consignments.models import ConsignmentEvent, EventKind
from consignments.services import consignment_declare
from delivery.views.public import LOOKUPS_PER_MINUTE

pytestmark = pytest.mark.django_db

URL = reverse("delivery:track")


@pytest.fixture
def order(customer, at_depot, cn_staff):
    order = at_depot(customer, paid=True)
    checkpoint_at = timezone.now() - timedelta(hours=5)
    ConsignmentEvent.objects.create(
        consignment=order,
        old_status="in_transit",
        new_status="in_transit",
        kind=EventKind.ROUTE,
        data={
            "trip": "T000001",
            "checkpoint": 7,
            "kind": "border",
            "place": "Pingxiang",
        },  # as shipping writes it
        note="driver Nguyễn Văn Tài 0988000111",
    )
    # A route row is dated when the checkpoint happened (shipping.services.trips.trip_checkpoint_add).
    ConsignmentEvent.objects.filter(kind=EventKind.ROUTE).update(at=checkpoint_at)
    ConsignmentEvent.objects.filter(consignment=order).exclude(kind=EventKind.ROUTE).exclude(
        new_status="awaiting_delivery"
    ).update(at=checkpoint_at - timedelta(hours=5))
    customer.first_name, customer.phone = "Thu Bình", "0977111222"
    customer.save()
    return order


def test_the_route_by_order_code_or_tracking_number(client, english, order, hn):
    for query in (
        order.code,
        f"{order.code}-1".lower(),
        order.tracking_code,
        f"  {order.tracking_code.lower()} ",
    ):
        response = client.get(URL, {"q": query})
        html = response.content.decode()
        assert response.status_code == 200, query
        assert 'data-testid="track-result"' in html
        assert "Awaiting delivery" in html and "International transit" in html and "At the border" in html
        assert "Pingxiang" in html and hn.name in html and "Kho Quảng Châu" in html
    route = response.context["route"]
    assert [step["kind"] for step in route].count("route") == 1 and len(route) == 4
    border = next(step for step in route if step["kind"] == "route")
    assert (
        border["checkpoint"] == "border" and route.index(border) == 2
    )  # between transit and the depot, by date
    assert response["X-Robots-Tag"] == "noindex"


def test_nothing_personal(client, english, customer, order, cn_staff):
    html = client.get(URL, {"q": order.code}).content.decode()
    address = customer.addresses.get()
    for secret in (
        customer.username,
        customer.customer_code,
        "Thu Bình",
        "0977111222",
        address.street,
        address.recipient_name,
        "Nguyễn Văn Tài",
        "0988000111",
        "51.000",
        "₫",
        cn_staff.username,
    ):
        assert secret not in html, secret


def test_goods_are_not_shown(client, customer, cn_staff):
    from consignments.tests.factories import ConsignmentFactory

    order = ConsignmentFactory(customer=customer)
    consignment_declare(
        consignment=order,
        goods_vi="Giày thể thao",
        goods_zh="运动鞋",
        quantity=3,
        unit_value_fen=5000,
        by=cn_staff,
    )
    html = client.get(URL, {"q": order.code}).content.decode()
    assert "Giày thể thao" not in html and "运动鞋" not in html


def test_every_miss_reads_the_same(client, english, order):
    answers = set()
    for query in ("KG99999999", "SF1234567890123", "x" * 10_240, "'; DROP TABLE --", "12"):
        response = client.get(URL, {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="track-not-found"' in html and 'data-testid="track-result"' not in html
        start = html.index('data-testid="track-not-found"')
        answers.add(html[start : html.index("</div>", start)])
    assert len(answers) == 1


def test_the_empty_form(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="track-form"' in html
    assert "track-not-found" not in html


def test_too_many_lookups_are_slowed_down(client, order):
    for _ in range(LOOKUPS_PER_MINUTE):
        assert client.get(URL, {"q": "KG00000000"}).status_code == 200
    response = client.get(URL, {"q": order.code})
    assert response.status_code == 429 and 'data-testid="track-result"' not in response.content.decode()


def test_the_limit_is_a_setting(client, settings, order):
    settings.PUBLIC_TRACKING_PER_MINUTE = 2
    assert [client.get(URL, {"q": order.code}).status_code for _ in range(3)] == [200, 200, 429]
    settings.PUBLIC_TRACKING_PER_MINUTE = 0
    assert all(client.get(URL, {"q": order.code}).status_code == 200 for _ in range(40))


def test_signed_in_people_may_use_it_too(client_of, other_customer, order):
    assert client_of(other_customer).get(URL, {"q": order.code}).status_code == 200


def test_post_is_not_allowed(client):
    assert client.post(URL, {"q": "x"}).status_code == 405
