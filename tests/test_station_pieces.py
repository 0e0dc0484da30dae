"""The scan station in a real browser with what real scanners send: a JD shipment of two boxes under one
waybill (`…-1-2`, `…-2-2`, each with an AIM prefix), an SF e-waybill's QR code, and a symbol that is not a
waybill (the sorting code). The customer then sees one order with both parcels.
"""

import pytest
from django.urls import reverse

from consignments.models import Consignment
from tracking.tests.factories import TrackingNumberFactory
from warehouse.models import Parcel
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.browser

JD = "JDAWX021335190001"
SF = "SF7444400000001"


def scan(staff, code):
    """What a USB scanner does: types the code into the focused scan input and presses Enter."""
    staff.keyboard.type(code)
    staff.keyboard.press("Enter")


def wait_for_outcome(staff, expected: str):
    staff.wait_for_function(
        "o => document.querySelector('#scan-result')?.dataset.outcome === o", arg=expected
    )


SF_QR = "MMM={'k1':'020W','k2':'','k4':'T4','k5':'SF7444400000001','k6':'','k7':'3c1a9e'}"


def test_two_pieces_then_a_qr_code(page, shot, live_server, cn_staff, customer):
    VietnamDepotFactory()
    TrackingNumberFactory(customer=customer, code=JD, note="2 thùng giày")
    TrackingNumberFactory(customer=customer, code=SF, note="áo")
    staff = page(cn_staff)

    # Piece 1 of 2: a new order, "1 / 2 parcels arrived", and what the station understood.
    scan(staff, f"]C1{JD}-1-2")
    wait_for_outcome(staff, "matched")
    result = staff.locator("#scan-result")
    assert "1 / 2" in result.locator("[data-testid=scan-pieces]").inner_text()
    assert JD in result.locator("[data-testid=scan-understood]").inner_text()
    assert result.locator("[data-testid=scan-destination]").inner_text().strip().startswith("→")
    staff.locator("#scan-result [data-testid=station-card]").wait_for()
    shot(staff, "station-piece-1-of-2")

    # Piece 2 of 2: the same order, now 2 / 2, and the card shows both parcels to weigh.
    scan(staff, f"]C1{JD}-2-2")
    wait_for_outcome(staff, "piece")
    order = Consignment.objects.get(tracking_code=JD)
    assert result.locator("[data-testid=scan-order-code]").inner_text().strip() == order.code
    assert "2 / 2" in result.locator("[data-testid=scan-pieces]").inner_text()
    card = staff.locator("#scan-result [data-testid=station-card]")
    card.locator("[data-testid=parcel-2]").wait_for()
    assert card.locator("[data-testid=weight-input]").count() == 2
    shot(staff, "station-piece-2-of-2")

    # Weigh the second box from its own panel.
    panel = card.locator("[data-testid=parcel-2]")
    panel.locator("[data-testid=weight-input]").fill("2.4")
    panel.locator("button[type=submit]").first.click()
    panel.locator("[data-testid=weight-saved]").wait_for()
    assert Parcel.objects.get(tracking_code=JD, piece_number=2).weight_g == 2400

    # The SF e-waybill's QR code: the waybill inside it is matched.
    scan(staff, SF_QR)
    wait_for_outcome(staff, "matched")
    assert SF in result.locator("[data-testid=scan-understood]").inner_text()
    assert Consignment.objects.filter(tracking_code=SF, customer=customer).exists()

    # The sorting code at the top of the label is not a waybill: said plainly, nothing stored.
    before = Parcel.objects.count()
    scan(staff, "571-A01-003")
    wait_for_outcome(staff, "error")
    assert Parcel.objects.count() == before
    shot(staff, "station-not-a-waybill")
    assert len(staff.locator("#recent-scans > .list-group-item").all()) == 3

    # The customer sees one order with both parcels.
    buyer = page(customer)
    buyer.goto(f"{live_server.url}{reverse('consignments:detail', args=[order.code])}")
    assert "2 / 2" in buyer.locator("[data-testid=order-pieces]").inner_text()
    assert buyer.locator("[data-testid=order-parcel]").count() == 2
    shot(buyer, "customer-order-two-parcels")
