"""The orders list's chargeable weight, filters (status, destination depot, local date range) and search by
order code or tracking number; another customer's orders never show, whatever the filter."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from consignments.forms import ConsignmentFilterForm
from consignments.models import Consignment, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = "/orders/"
HCM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def codes(response):
    return sorted(o.code for o in response.context["page"])


def created(order, *args):
    """Set the order's creation time (auto_now_add) to a local Vietnam time."""
    Consignment.objects.filter(pk=order.pk).update(created_at=datetime(*args, tzinfo=HCM_TZ))


@pytest.fixture
def orders(customer, other_customer):
    hn, hcm = VietnamDepotFactory(code="HN"), VietnamDepotFactory(code="HCM", name="Kho TP.HCM")
    a = ConsignmentFactory(customer=customer, code="KG10000001", tracking_code="SF1000000001", destination=hn)
    b = ConsignmentFactory(
        customer=customer,
        code="KG10000002",
        tracking_code="YT2000000002",
        destination=hcm,
        status=ConsignmentStatus.IN_TRANSIT,
    )
    c = ConsignmentFactory(customer=customer, code="KG10000003", tracking_code="JT3000000003", destination=hn)
    theirs = ConsignmentFactory(
        customer=other_customer, code="KG90000009", tracking_code="SF9000000001", destination=hn
    )
    created(a, 2026, 3, 1, 0, 30)  # just after midnight in Vietnam: still 28 Feb in UTC
    created(b, 2026, 3, 2, 12, 0)
    created(c, 2026, 3, 5, 23, 50)
    created(theirs, 2026, 3, 2, 12, 0)
    return {"a": a, "b": b, "c": c, "theirs": theirs, "hn": hn, "hcm": hcm}


def test_the_list_shows_the_chargeable_weight(client_of, customer):
    ConsignmentFactory(customer=customer, weight_g=1_250, chargeable_weight_g=3_500)
    ConsignmentFactory(customer=customer)  # not weighed yet
    text = client_of(customer).get(URL).text
    assert "Chargeable (kg)" in text
    assert text.count('data-testid="order-chargeable"') == 2
    assert 'data-testid="order-chargeable">3.5</td>' in text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("KG10000002", ["KG10000002"]),
        ("kg 1000 0002", ["KG10000002"]),  # spaces and case do not matter
        ("jt3000000003", ["KG10000003"]),  # a whole tracking number
        ("000000", ["KG10000001", "KG10000002", "KG10000003"]),  # part of a tracking number
        ("SF9000000001", []),  # another customer's tracking number
        ("KG90000009", []),  # another customer's order
        ("KG1000", []),  # an order code is searched whole
    ],
)
def test_search_by_order_code_or_tracking_number(client_of, customer, orders, q, expected):
    response = client_of(customer).get(URL, {"q": q})
    assert response.status_code == 200
    assert codes(response) == expected


def test_filter_by_status_and_depot(client_of, customer, orders):
    client = client_of(customer)
    assert codes(client.get(URL, {"status": "in_transit"})) == ["KG10000002"]
    assert codes(client.get(URL, {"depot": orders["hn"].pk})) == ["KG10000001", "KG10000003"]
    assert codes(client.get(URL, {"depot": orders["hn"].pk, "status": "in_transit"})) == []
    assert codes(client.get(URL, {"status": "cn_received"})) == ["KG10000001", "KG10000003"]
    response = client.get(URL, {"status": "delivered"})
    assert "No order matches these filters." in response.text
    assert "Clear filters" in response.text


def test_the_date_range_is_in_vietnam_days_both_ends_included(client_of, customer, orders):
    client = client_of(customer)
    assert codes(client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == ["KG10000001"]
    assert codes(client.get(URL, {"date_from": "2026-03-02"})) == ["KG10000002", "KG10000003"]
    assert codes(client.get(URL, {"date_to": "2026-03-05"})) == ["KG10000001", "KG10000002", "KG10000003"]
    assert codes(client.get(URL, {"date_to": "2026-03-04"})) == ["KG10000001", "KG10000002"]
    # the ends typed the wrong way round are understood
    assert codes(client.get(URL, {"date_from": "2026-03-04", "date_to": "2026-03-02"})) == ["KG10000002"]


def test_a_filter_it_cannot_read_is_dropped_and_the_others_apply(client_of, customer, orders):
    response = client_of(customer).get(
        URL, {"status": "nonsense", "depot": "99999", "date_from": "yesterday", "q": "YT2000000002"}
    )
    assert response.status_code == 200
    assert codes(response) == ["KG10000002"]
    assert "is-invalid" in response.text  # the unreadable fields are marked


def test_pages_keep_the_filters(client_of, customer, orders):
    for n in range(51):
        ConsignmentFactory(customer=customer, code=f"KG5{n:07d}", status=ConsignmentStatus.IN_TRANSIT)
    response = client_of(customer).get(URL, {"status": "in_transit"})
    assert response.context["page"].paginator.count == 52
    assert "status=in_transit&amp;page=2" in response.text


def test_the_list_costs_the_same_queries_for_many_orders(client_of, customer, django_assert_max_num_queries):
    client = client_of(customer)
    for _ in range(30):
        ConsignmentFactory(customer=customer, chargeable_weight_g=1_000)
    with django_assert_max_num_queries(12):
        assert client.get(URL, {"status": "cn_received", "q": "YT"}).status_code == 200


@pytest.mark.parametrize("field", ["q", "status", "depot", "date_from", "date_to"])
def test_a_zero_byte_in_a_filter_never_reaches_the_database(client_of, customer, orders, field):
    """Refused at the door (core's middleware: 400), or, past it, dropped by the form."""
    response = client_of(customer).get(URL, {field: "KG1\x00"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert codes(response) == ["KG10000001", "KG10000002", "KG10000003"]
    form = ConsignmentFilterForm({field: "KG1\x00"})
    assert not form.is_valid() and field in form.errors
