"""Destination depot: every order goes to the depot that serves its customer's province.

The depot is chosen from the customer's default address (operations map 2025 provinces to depots), can be
changed by the customer until the order leaves China, is shown on the station, the label, the order and the
lists, and only that depot can mark the order Chờ giao, unless operations transfer it.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from addresses.models import DeliveryAddress
from addresses.tests.factories import DeliveryAddressFactory
from consignments.models import Consignment, ConsignmentStatus
from consignments.services import (
    consignment_declare,
    consignment_mark_ready,
    consignment_set_destination,
    consignments_dispatch,
)
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import parcel_scan
from warehouse.selectors import destination_for
from warehouse.services import parcel_measure
from warehouse.tests.factories import DepotProvinceFactory, VietnamDepotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def depots(db):
    hn = VietnamDepotFactory(code="HN", name="Kho phân phối Hà Nội")
    sg = VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")
    for code in ("01", "08", "31"):  # Hà Nội, Tuyên Quang, Hải Phòng
        DepotProvinceFactory(province_code=code, depot=hn)
    for code in ("79", "75", "92"):  # TP.HCM, Đồng Nai, Cần Thơ
        DepotProvinceFactory(province_code=code, depot=sg)
    return {"HN": hn, "SG": sg}


# (the customer's default address as entered, the depot it goes to)
ADDRESSES = [
    ({"province": "Hà Nội", "province_code": "01"}, "HN"),
    ({"province": "TP. Hồ Chí Minh", "province_code": "79"}, "SG"),
    ({"province": "Bình Dương", "province_code": ""}, "SG"),  # merged into TP.HCM in 2025, typed before
    ({"province": "Hà Giang", "province_code": ""}, "HN"),  # now Tuyên Quang
    ({"province": "Cần Thơ", "province_code": "92"}, "SG"),
    ({"province": "Nơi nào đó", "province_code": ""}, "HN"),  # unknown: the first depot, never none
]


@pytest.mark.parametrize(("address", "depot"), ADDRESSES)
def test_a_new_order_goes_to_the_depot_of_the_default_address(new_customer, cn_staff, depots, address, depot):
    from addresses.services import address_save

    address_save(
        customer=new_customer,
        recipient_name="A",
        phone="0912345678",
        district="",
        ward="",
        street="1",
        **{k: v for k, v in address.items() if k != "province_code"},
    )
    if address["province_code"]:
        DeliveryAddress.objects.filter(customer=new_customer).update(province_code=address["province_code"])
    assert destination_for(new_customer.pk) == depots[depot].pk
    TrackingNumberFactory(customer=new_customer, code="SF1234567890123")
    result = parcel_scan(raw_code="SF1234567890123", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.consignment.destination_id == depots[depot].pk


def test_the_default_address_decides_not_the_newest(new_customer, depots):
    DeliveryAddressFactory(customer=new_customer, province_code="01", is_default=True)
    DeliveryAddressFactory(customer=new_customer, province_code="79", is_default=False)
    assert destination_for(new_customer.pk) == depots["HN"].pk


def test_the_customer_changes_the_depot_until_the_order_leaves_china(client_of, customer, depots, english):
    order = ConsignmentFactory(customer=customer, destination=depots["HN"])
    client = client_of(customer)
    url = reverse("consignments:destination", args=[order.code])
    page = client.post(url, {"depot": depots["SG"].pk}, follow=True)
    order.refresh_from_db()
    assert order.destination == depots["SG"]
    assert "now goes to Kho phân phối TP.HCM" in page.content.decode()
    event = order.events.get(kind="destination")
    assert (event.data["previous"], event.data["depot"], event.by) == (
        depots["HN"].name,
        depots["SG"].name,
        customer,
    )

    Consignment.objects.filter(pk=order.pk).update(status=ConsignmentStatus.IN_TRANSIT)
    page = client.post(url, {"depot": depots["HN"].pk}, follow=True)
    order.refresh_from_db()
    assert order.destination == depots["SG"]
    assert "can no longer be changed" in page.content.decode()


def test_another_customer_cannot_change_the_depot(client_of, customer, other_customer, depots):
    order = ConsignmentFactory(customer=customer, destination=depots["HN"])
    response = client_of(other_customer).post(
        reverse("consignments:destination", args=[order.code]), {"depot": depots["SG"].pk}
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.destination == depots["HN"]


def test_a_china_warehouse_is_not_a_destination(customer, depots):
    order = ConsignmentFactory(customer=customer, destination=depots["HN"])
    with pytest.raises(DomainError):
        consignment_set_destination(consignment=order, depot=order.current_warehouse, by=customer)


def test_only_the_destination_depot_marks_it_awaiting_delivery(customer, vn_staff, ops, depots):
    order = ConsignmentFactory(
        customer=customer, destination=depots["SG"], status=ConsignmentStatus.IN_TRANSIT
    )
    with pytest.raises(DomainError) as refused:
        consignment_mark_ready(consignment=order, by=vn_staff, warehouse=depots["HN"])
    assert refused.value.code == "other_depot"
    with pytest.raises(DomainError):  # a transfer needs a reason
        consignment_set_destination(consignment=order, depot=depots["HN"], by=ops, transfer=True)
    consignment_set_destination(consignment=order, depot=depots["HN"], by=ops, transfer=True, note="xe đi HN")
    order = Consignment.objects.get(pk=order.pk)
    consignment_mark_ready(consignment=order, by=vn_staff, warehouse=depots["HN"])
    order.refresh_from_db()
    assert order.status == ConsignmentStatus.AWAITING_DELIVERY
    assert order.events.get(kind="destination").note == "xe đi HN"


def test_the_depot_lists_only_what_comes_to_it(client_of, customer, vn_staff, depots, english):
    mine = ConsignmentFactory(
        customer=customer, destination=vn_staff.warehouse, status=ConsignmentStatus.IN_TRANSIT
    )
    other = ConsignmentFactory(
        customer=customer, destination=depots["SG"], status=ConsignmentStatus.IN_TRANSIT
    )
    client = client_of(vn_staff)
    page = client.get(reverse("warehouse:depot")).content.decode()
    assert mine.code in page and other.code not in page
    page = client.post(reverse("warehouse:depot"), {"code": other.code}, follow=True).content.decode()
    assert "goes to Kho phân phối TP.HCM, not to this depot" in page
    assert Consignment.objects.get(pk=other.pk).status == ConsignmentStatus.IN_TRANSIT


def test_operations_transfer_through_their_page(client_of, customer, ops, vn_staff, depots, english):
    order = ConsignmentFactory(
        customer=customer, destination=depots["SG"], status=ConsignmentStatus.IN_TRANSIT
    )
    client = client_of(ops)
    assert client.get(reverse("warehouse:transfer_form", args=[order.pk])).status_code == 200
    client.post(
        reverse("warehouse:transfer", args=[order.pk]), {"depot": depots["HN"].pk, "reason": "khách đổi"}
    )
    order.refresh_from_db()
    assert order.destination == depots["HN"]
    for intruder in (customer, vn_staff):
        response = client_of(intruder).post(
            reverse("warehouse:transfer", args=[order.pk]), {"depot": depots["SG"].pk, "reason": "x"}
        )
        assert response.status_code in (403, 404)
    order.refresh_from_db()
    assert order.destination == depots["HN"]


def test_the_destination_is_shown_to_the_customer_and_the_station(
    client_of, customer, cn_staff, depots, english
):
    DeliveryAddress.objects.filter(customer=customer).update(province_code="79")
    TrackingNumberFactory(customer=customer, code="SF1234567890123")
    result = parcel_scan(raw_code="SF1234567890123", warehouse=cn_staff.warehouse, by=cn_staff)
    card = client_of(cn_staff).get(reverse("warehouse:card", args=[result.consignment.pk])).content.decode()
    assert "Kho phân phối TP.HCM" in card
    listing = client_of(customer).get(reverse("consignments:list")).content.decode()
    assert "Kho phân phối TP.HCM" in listing


def test_an_order_already_at_a_depot_is_not_transferred(customer, ops, depots):
    order = ConsignmentFactory(
        customer=customer, destination=depots["HN"], status=ConsignmentStatus.AWAITING_DELIVERY
    )
    with pytest.raises(DomainError) as refused:
        consignment_set_destination(consignment=order, depot=depots["SG"], by=ops, transfer=True, note="x")
    assert refused.value.code == "locked"
    assert Consignment.objects.get(pk=order.pk).destination == depots["HN"]


@pytest.mark.parametrize("posted", ["abc", "1.5", "", "-1", "９"])
def test_a_depot_that_is_no_number_is_refused_not_a_500(client_of, customer, ops, depots, posted):
    order = ConsignmentFactory(customer=customer, destination=depots["HN"])
    response = client_of(customer).post(
        reverse("consignments:destination", args=[order.code]), {"depot": posted}
    )
    assert response.status_code == 302
    response = client_of(ops).post(
        reverse("warehouse:transfer", args=[order.pk]), {"depot": posted, "reason": "x"}
    )
    assert response.status_code == 302
    assert Consignment.objects.get(pk=order.pk).destination == depots["HN"]


def test_operations_find_an_order_to_transfer_by_label_or_waybill(client_of, customer, ops, depots):
    order = ConsignmentFactory(customer=customer, destination=depots["HN"], pieces=2)
    client = client_of(ops)
    for query in (order.code, f"{order.code}-2", order.tracking_code, f"]C1{order.tracking_code}"):
        response = client.get(reverse("warehouse:consignment_find"), {"q": query})
        assert response.status_code == 302, query
        assert response.url == reverse("warehouse:transfer_form", args=[order.pk])
    assert client.get(reverse("warehouse:consignment_find"), {"q": "KG99999999"}).status_code == 200
    assert client_of(customer).get(reverse("warehouse:consignment_find")).status_code in (403, 404)


def test_a_label_printed_before_the_depot_changed_is_printed_again(client_of, customer, cn_staff, depots):
    TrackingNumberFactory(customer=customer, code="SF1234567890123")
    order = parcel_scan(raw_code="SF1234567890123", warehouse=cn_staff.warehouse, by=cn_staff).consignment
    parcel = order.parcels.get()
    client = client_of(cn_staff)
    assert client.get(reverse("warehouse:label", args=[parcel.pk])).status_code == 200
    parcel.refresh_from_db()
    assert parcel.label_destination == "HN"
    consignment_set_destination(consignment=order, depot=depots["SG"], by=customer)
    card = client.get(reverse("warehouse:card", args=[order.pk])).content.decode()
    assert 'data-testid="label-stale"' in card
    parcel_measure(parcel=parcel, weight_g=1000, by=cn_staff)
    consignment_declare(
        consignment=order, goods_vi="Áo", goods_zh="", quantity=1, unit_value_fen=100, by=cn_staff
    )
    with translation.override("en"):  # the client's requests activated the page's language
        done, errors = consignments_dispatch(consignments=Consignment.objects.all(), by=cn_staff)
    assert done == [] and "print its labels again" in errors[0]
    client.get(reverse("warehouse:label", args=[parcel.pk]))
    assert (
        'data-testid="label-stale"'
        not in client.get(reverse("warehouse:card", args=[order.pk])).content.decode()
    )
    done, errors = consignments_dispatch(consignments=Consignment.objects.all(), by=cn_staff)
    assert errors == [] and len(done) == 1
