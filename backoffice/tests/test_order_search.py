"""The operations' order search box: an order code or its beginning, a parcel label, a waybill whole or its
last digits."""

import pytest

from backoffice.selectors.orders import OrderFilter, orders_filtered
from consignments.tests.factories import ConsignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(customer):
    first = ConsignmentFactory(customer=customer, code="KG13000001", tracking_code="YT8829930011")
    second = ConsignmentFactory(customer=customer, code="KG13000002", tracking_code="SF1234567890123")
    other = ConsignmentFactory(customer=customer, code="KG27000001", tracking_code="JT0001112223")
    return first, second, other


def found(text) -> set[str]:
    return set(orders_filtered(OrderFilter(q=text)).values_list("code", flat=True))


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("KG13000001", {"KG13000001"}),
        ("kg13000001", {"KG13000001"}),
        ("KG13", {"KG13000001", "KG13000002"}),  # the beginning of a code
        (" kg13 ", {"KG13000001", "KG13000002"}),
        ("KG13000002-1", {"KG13000002"}),  # a parcel's label
        ("YT8829930011", {"KG13000001"}),  # a waybill
        ("yt 8829 930011", {"KG13000001"}),  # as typed from a photo
        ("7890123", {"KG13000002"}),  # a waybill's last digits
        ("0123", set()),  # too few digits to be sure of a waybill
        ("KG99", set()),
    ],
)
def test_what_the_search_finds(orders, text, codes):
    assert found(text) == codes


def test_a_parcels_own_waybill_finds_its_order(orders):
    first = orders[0]
    parcel = first.parcels.get()
    parcel.tracking_code = "ZTO556677889900"
    parcel.save(update_fields=["tracking_code"])
    assert found("ZTO556677889900") == {first.code}
    assert found("77889900") == {first.code}
