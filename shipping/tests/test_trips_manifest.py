"""The trip manifest: per destination and bag, one line per order with its declaration counted once; the
PDF and the xlsx open and say the same."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from consignments.models import Consignment
from shipping.tests.factories import closed_bag, hcm_depot, loaded_trip, ready_order
from shipping.trip_manifest import trip_manifest, trip_manifest_pdf
from shipping.trip_manifest_xlsx import trip_manifest_xlsx
from warehouse.models import Parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(customer, other_customer, cn_staff):
    """HN: an order in two pieces spread over two bags, and one of another customer; SG: one order."""
    spread = ready_order(customer, pieces=2, weight_g=1_000)
    first, second = Parcel.objects.filter(consignment=spread).order_by("piece_number")
    theirs = ready_order(other_customer, weight_g=2_500)
    Consignment.objects.filter(pk=theirs.pk).update(goods_vi='=HYPERLINK("x")', goods_quantity=3)
    south = ready_order(customer, destination=hcm_depot(), weight_g=4_000)
    bags = [
        closed_bag(
            parcels=[first, *Parcel.objects.filter(consignment=theirs)], destination=spread.destination
        ),
        closed_bag(parcels=[second], destination=spread.destination),
        closed_bag(orders=[south]),
    ]
    return loaded_trip(bags=bags, origin=cn_staff.warehouse), bags, (spread, theirs, south)


def test_lines_and_totals(trip):
    trip, bags, (spread, theirs, south) = trip
    manifest = trip_manifest(trip)
    assert [d.code for d in manifest.destinations] == ["HN", "SG"]
    hn = manifest.destinations[0]
    assert [b.code for b in hn.bags] == [bags[0].code, bags[1].code]
    first_bag, second_bag = hn.bags
    assert [
        (line.order, line.parcels, line.weight_g, line.declared_in) for line in first_bag.lines
    ] == sorted([(spread.code, 1, 1_000, ""), (theirs.code, 1, 2_500, "")])
    continued = second_bag.lines[0]
    assert (continued.order, continued.declared_in, continued.value_fen) == (spread.code, bags[0].code, None)
    # 2 × 45.50 CNY for the spread order, counted once; 3 × 45.50 for the other customer's
    assert (hn.totals.orders, hn.totals.parcels, hn.totals.weight_g, hn.totals.value_fen) == (
        2,
        3,
        4_500,
        22_750,
    )
    assert (second_bag.totals.orders, second_bag.totals.value_fen) == (0, 0)
    total = manifest.totals
    assert (total.orders, total.parcels, total.weight_g, total.value_fen, manifest.bags) == (
        3,
        4,
        8_500,
        31_850,
        3,
    )


def test_the_pdf_opens(trip):
    trip, bags, (spread, _theirs, south) = trip
    reader = PdfReader(io.BytesIO(trip_manifest_pdf(trip_manifest(trip))))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (trip.code, bags[0].code, spread.code, south.code, "YW532", "318.50"):
        assert expected in text, expected


def test_a_long_trip_runs_over_pages(customer, cn_staff):
    orders = [ready_order(customer) for _ in range(40)]
    trip = loaded_trip(
        bags=[closed_bag(orders=orders[:20]), closed_bag(orders=orders[20:])], origin=cn_staff.warehouse
    )
    reader = PdfReader(io.BytesIO(trip_manifest_pdf(trip_manifest(trip))))
    assert len(reader.pages) == 2 and "2/2" in reader.pages[1].extract_text()


def test_the_xlsx_opens_with_numbers_and_no_formula(trip):
    trip, bags, (spread, theirs, _south) = trip
    stream = io.BytesIO()
    trip_manifest_xlsx(trip_manifest(trip), stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Chuyến · 车次", trip.code)
    header = rows.index(next(r for r in rows if r[0] == "Đến · 目的仓"))
    lines = {(r[1], r[2]): r for r in rows[header + 1 :] if r[2] and str(r[2]).startswith("KG")}
    theirs_row = lines[(bags[0].code, theirs.code)]
    assert theirs_row[5] == '\'=HYPERLINK("x")'  # text, never a formula
    assert (theirs_row[7], float(theirs_row[8]), float(theirs_row[9]), theirs_row[10]) == (3, 45.5, 136.5, 1)
    assert float(theirs_row[11]) == 2.5
    continued = lines[(bags[1].code, spread.code)]
    assert continued[5] is None and continued[9] is None and continued[12] == bags[0].code
    total = rows[-1]
    assert (
        total[0] == "Tổng chuyến · 车次合计" and total[2] == 3 and float(total[9]) == 318.5 and total[10] == 4
    )


def test_an_empty_trip_has_a_manifest(cn_staff):
    from shipping.tests.factories import TripFactory

    trip = TripFactory(origin=cn_staff.warehouse)
    manifest = trip_manifest(trip)
    assert manifest.destinations == [] and manifest.totals.orders == 0
    assert PdfReader(io.BytesIO(trip_manifest_pdf(manifest))).pages
