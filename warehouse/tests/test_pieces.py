"""One order, several parcels (kiện): what the station does with each kind of multi-piece shipment.

Each row is a shipment as it happens: what the customer registered, then what the scanner sent at each
scan, and the right answer — the outcome of each scan and how the order ends up (parcels by piece, "2 / 3").
Runs on SQLite (the ORM path) and, with DATABASE_URL, on PostgreSQL (the scan function).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from consignments.models import Consignment, ConsignmentStatus
from consignments.services import consignment_declare, consignments_dispatch
from core.errors import DomainError
from notifications.models import NotificationKind, PendingNotification
from tracking.models import TrackingNumber, TrackingStatus
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import ScanResult, codes_match, parcel_assign, parcel_scan
from warehouse.models import Parcel
from warehouse.services import parcel_measure
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.django_db

M, P, D, U = ScanResult.MATCHED, ScanResult.PIECE, ScanResult.DUPLICATE, ScanResult.UNIDENTIFIED
JD = "JDAWX021335190001"
SF = "SF7444400000001"
SF_QR = "MMM={'k1':'020W','k2':'','k4':'T4','k5':'SF7444400000001','k6':'','k7':'3c1a9e'}"

SHIPMENTS = [
    # (id, registered, scans, outcomes, pieces in the order, (arrived, expected) after the last scan)
    ("jd two pieces together", JD, [f"{JD}-1-2", f"{JD}-2-2"], [M, P], [1, 2], (2, 2)),
    ("jd pieces in reverse order", JD, [f"{JD}-2-2", f"{JD}-1-2"], [M, P], [1, 2], (2, 2)),
    ("jd trailing dash", JD, [f"{JD}-1-3-", f"{JD}-3-3-"], [M, P], [1, 3], (2, 3)),
    ("a piece scanned twice", JD, [f"{JD}-1-2", f"{JD}-1-2"], [M, D], [1], (1, 2)),
    ("aim prefix on each piece", JD, [f"]C1{JD}-1-2", f"]C0{JD}-2-2"], [M, P], [1, 2], (2, 2)),
    ("bare waybill is piece one", JD, [JD, f"{JD}-2-2", f"{JD}-1-2"], [M, P, D], [1, 2], (2, 2)),
    ("three of three, days apart", JD, [f"{JD}-3-3", f"{JD}-1-3", f"{JD}-2-3"], [M, P, P], [1, 2, 3], (3, 3)),
    ("qr then barcode of one box", SF, [SF_QR, SF], [M, D], [1], (1, None)),
    ("plain single box", SF, [SF], [M], [1], (1, None)),
    ("unidentified pieces", "", [f"{JD}-1-2", f"{JD}-2-2"], [U, U], [], (2, 2)),
]


@pytest.mark.parametrize(
    ("registered", "scans", "outcomes", "pieces", "counts"),
    [pytest.param(*row[1:], id=row[0]) for row in SHIPMENTS],
)
def test_a_multi_piece_shipment_is_one_order(customer, cn_staff, registered, scans, outcomes, pieces, counts):
    if registered:
        TrackingNumberFactory(customer=customer, code=registered)
    results = [parcel_scan(raw_code=raw, warehouse=cn_staff.warehouse, by=cn_staff) for raw in scans]
    assert [r.outcome for r in results] == outcomes
    assert (results[-1].arrived, results[-1].expected) == counts
    assert Consignment.objects.count() == (1 if registered else 0)
    if registered:
        order = Consignment.objects.get()
        assert order.tracking_code == registered
        assert sorted(order.parcels.values_list("piece_number", flat=True)) == pieces
        assert {r.consignment.pk for r in results} == {order.pk}
        tracking = TrackingNumber.objects.get()
        assert (tracking.status, tracking.consignment_id) == (TrackingStatus.MATCHED, order.pk)
    # Never a mangled code: every parcel carries the waybill itself.
    assert set(Parcel.objects.values_list("tracking_code", flat=True)) == {JD if JD in scans[0] else SF}


def test_pieces_waiting_unidentified_join_one_order_when_the_code_is_registered(
    customer, cn_staff, django_capture_on_commit_callbacks
):
    for piece in (1, 2):
        parcel_scan(raw_code=f"{JD}-{piece}-3", warehouse=cn_staff.warehouse, by=cn_staff)
    orders = codes_match(codes=[JD])  # what the registration's task runs
    TrackingNumberFactory(customer=customer, code=JD)
    orders = codes_match(codes=[JD])
    assert len(orders) == 1 and orders[0].parcels.count() == 2
    third = parcel_scan(raw_code=f"{JD}-3-3", warehouse=cn_staff.warehouse, by=cn_staff)
    assert (third.outcome, third.consignment.pk, third.arrived, third.expected) == (P, orders[0].pk, 3, 3)


@translation.override("en")
def test_each_parcel_is_weighed_and_the_minimum_applies_to_each(customer, cn_staff, settings):
    settings.MIN_BILLABLE_WEIGHT_G = 500
    TrackingNumberFactory(customer=customer, code=JD)
    for piece in (1, 2):
        parcel_scan(raw_code=f"{JD}-{piece}-2", warehouse=cn_staff.warehouse, by=cn_staff)
    one, two = Parcel.objects.order_by("piece_number")
    parcel_measure(parcel=one, weight_g=200, by=cn_staff)  # charged 0.5 kg, not 0.2
    order = Consignment.objects.get()
    done, errors = consignments_dispatch(consignments=Consignment.objects.all(), by=cn_staff)
    assert done == [] and "not weighed" in errors[0]
    parcel_measure(parcel=two, weight_g=3000, length_mm=500, width_mm=400, height_mm=300, by=cn_staff)
    two.refresh_from_db()
    assert two.volumetric_weight_g == 10000 and two.chargeable_weight_g == 10000  # 50×40×30 / 6000 = 10 kg
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (3200, 10500)
    events = list(
        order.events.filter(kind="measured").values_list("data__piece", "data__chargeable_weight_g")
    )
    assert events == [(1, 500), (2, 10000)]
    consignment_declare(
        consignment=order, goods_vi="Áo", goods_zh="衣服", quantity=2, unit_value_fen=1000, by=cn_staff
    )
    done, errors = consignments_dispatch(consignments=Consignment.objects.all(), by=cn_staff)
    assert errors == [] and done[0].status == ConsignmentStatus.IN_TRANSIT


def test_a_late_piece_is_told_to_the_customer(customer, cn_staff):
    TrackingNumberFactory(customer=customer, code=JD)
    parcel_scan(raw_code=f"{JD}-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    parcel_scan(raw_code=f"{JD}-2-2", warehouse=cn_staff.warehouse, by=cn_staff)
    pending = list(PendingNotification.objects.values_list("user_id", "kind"))
    assert pending == [(customer.pk, NotificationKind.ARRIVED_CHINA)] * 2
    kinds = list(Consignment.objects.get().events.values_list("kind", "data__piece"))
    assert kinds == [("status", None), ("piece", 2)]


def test_a_registration_matched_by_hand_is_linked(customer, cn_staff, ops):
    """Operations assign an unidentified parcel to a customer who had registered the code with a typo'd
    neighbour… and the exact code: that registration is the one matched, not left open to be told later
    that its parcel never came."""
    result = parcel_scan(raw_code=f"{JD}-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    parcel_scan(raw_code=f"{JD}-2-2", warehouse=cn_staff.warehouse, by=cn_staff)
    tracking = TrackingNumberFactory(customer=customer, code=JD)
    TrackingNumber.objects.filter(pk=tracking.pk).update(
        status=TrackingStatus.RECEIVED
    )  # a conflict, decided
    order = parcel_assign(parcel=result.parcel, customer=customer, by=ops, reason="YW532 on the label")
    tracking.refresh_from_db()
    assert (tracking.status, tracking.consignment_id) == (TrackingStatus.MATCHED, order.pk)
    assert order.parcels.count() == 2  # both pieces of the waybill go with it
    assert list(order.events.values_list("kind", flat=True)) == ["status", "owner"]


def test_assigning_a_piece_of_another_customers_order_is_refused(customer, other_customer, cn_staff, ops):
    TrackingNumberFactory(customer=customer, code=JD)
    parcel_scan(raw_code=f"{JD}-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    stray = Parcel.objects.create(
        tracking_code=JD, piece_number=2, piece_count=2, warehouse=cn_staff.warehouse, scanned_by=cn_staff
    )
    with pytest.raises(DomainError) as refused:
        parcel_assign(parcel=stray, customer=other_customer, by=ops, reason="label")
    assert refused.value.code == "other_owner"
    order = parcel_assign(parcel=stray, customer=customer, by=ops, reason="label")
    assert order.parcels.count() == 2


def test_the_station_card_shows_every_parcel(client_of, customer, cn_staff, english):
    VietnamDepotFactory()
    TrackingNumberFactory(customer=customer, code=JD)
    client = client_of(cn_staff)
    url = reverse("warehouse:scan")
    first = client.post(url, {"code": f"{JD}-1-2"}, HTTP_HX_REQUEST="true")
    assert b'data-outcome="matched"' in first.content
    second = client.post(url, {"code": f"{JD}-2-2"}, HTTP_HX_REQUEST="true")
    text = second.content.decode()
    assert 'data-outcome="piece"' in text
    assert "Read: piece 2 of 2 of JDAWX021335190001" in text
    assert "2 / 2 parcels, all here" in text
    order = Consignment.objects.get()
    card = client.get(reverse("warehouse:card", args=[order.pk])).content.decode()
    assert card.count('data-testid="weight-input"') == 2
    assert card.count('data-testid="print-label"') == 2


@translation.override("en")
def test_an_order_waits_for_its_announced_pieces_unless_staff_send_it_as_it_is(customer, cn_staff):
    TrackingNumberFactory(customer=customer, code=JD)
    result = parcel_scan(raw_code=f"{JD}-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    parcel_measure(parcel=result.parcel, weight_g=1000, by=cn_staff)
    order = Consignment.objects.get()
    consignment_declare(
        consignment=order, goods_vi="Áo", goods_zh="", quantity=1, unit_value_fen=100, by=cn_staff
    )
    done, errors = consignments_dispatch(consignments=Consignment.objects.all(), by=cn_staff)
    assert done == [] and "has 1 of its 2 parcels here" in errors[0]
    done, errors = consignments_dispatch(
        consignments=Consignment.objects.all(), by=cn_staff, incomplete_ok=True
    )
    assert errors == [] and done[0].status == ConsignmentStatus.IN_TRANSIT


def test_a_box_arriving_after_its_order_left_is_flagged_at_the_station(
    client_of, customer, cn_staff, english
):
    VietnamDepotFactory()
    TrackingNumberFactory(customer=customer, code=JD)
    parcel_scan(raw_code=f"{JD}-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    Consignment.objects.update(status=ConsignmentStatus.IN_TRANSIT)
    response = client_of(cn_staff).post(
        reverse("warehouse:scan"), {"code": f"{JD}-2-2"}, HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert 'data-outcome="piece"' in text and 'data-testid="scan-late-piece"' in text
    assert "already left the China warehouse" in text
