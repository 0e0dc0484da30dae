"""The dispatch list shows what each order still needs (declaration, weighing, labels), marks the orders a
dispatch refused with a link to their card, and ticks an order from a scanned label."""

import re

import pytest
from django.urls import reverse

from consignments.models import ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from warehouse.models import Parcel
from warehouse.tests.factories import ParcelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
DISPATCH = "/staff/cn/dispatch/"
READY = {"weight_g": 1250, "goods_vi": "giày", "goods_quantity": 3, "goods_unit_value_fen": 5000}


def ready_order(**kwargs):
    parcel = ParcelFactory()
    Parcel.objects.filter(pk=parcel.pk).update(weight_g=1250, chargeable_weight_g=1250)
    return ConsignmentFactory(parcel=parcel, **{**READY, **kwargs})


def row_of(text, code):
    match = re.search(
        rf'<tr data-testid="dispatch-row" data-codes="{code} [^"]*"[^>]*>(.*?)</tr>', text, re.S
    )
    assert match, f"no row for {code}"
    return match.group(0)


def test_each_order_shows_whether_it_is_declared(client_of, cn_staff, customer):
    declared = ready_order(customer=customer, code="KG10000001")
    undeclared = ready_order(
        customer=customer, code="KG10000002", goods_vi="", goods_quantity=None, goods_unit_value_fen=None
    )
    text = client_of(cn_staff).get(DISPATCH).text
    assert 'data-testid="declared"' in row_of(text, "KG10000001")
    row = row_of(text, "KG10000002")
    assert 'data-testid="not-declared"' in row
    assert f'href="{reverse("warehouse:card", args=[undeclared.pk])}"' in row  # where the declaration is made
    assert declared.pk != undeclared.pk


def test_refused_orders_stay_marked_with_a_link_to_their_card(client_of, cn_staff, customer):
    sent = ready_order(customer=customer, code="KG10000001")
    undeclared = ready_order(
        customer=customer, code="KG10000002", goods_vi="", goods_quantity=None, goods_unit_value_fen=None
    )
    response = client_of(cn_staff).post(DISPATCH, {"ids": [sent.pk, undeclared.pk]}, follow=True)
    text = response.text
    row = row_of(text, "KG10000002")
    assert "data-refused" in row and 'class="table-danger"' in row
    assert 'data-testid="refused-link">' in row
    assert f'href="{reverse("warehouse:card", args=[undeclared.pk])}"' in row
    assert re.search(rf'name="ids" value="{undeclared.pk}"[^>]*checked', row)  # ticked to try again
    assert "Order KG10000002 has no customs declaration yet." in text
    sent.refresh_from_db()
    assert sent.status == ConsignmentStatus.IN_TRANSIT


def test_a_refused_id_from_the_address_bar_only_marks_orders_of_this_list(client_of, cn_staff, customer):
    mine = ready_order(customer=customer, code="KG10000001")
    response = client_of(cn_staff).get(DISPATCH, {"refused": f"{mine.pk},abc,99999,,-1"})
    assert response.status_code == 200
    assert "data-refused" in row_of(response.text, "KG10000001")


@pytest.mark.parametrize(
    "scanned", ["KG10000002", "kg10000002", "]C1KG10000002", "KG10000002-2", " YT5550000002 \r\n"]
)
def test_a_scanned_label_ticks_its_order_without_javascript(client_of, cn_staff, customer, scanned):
    ready_order(customer=customer, code="KG10000001", tracking_code="YT5550000001")
    wanted = ready_order(customer=customer, code="KG10000002", tracking_code="YT5550000002")
    text = client_of(cn_staff).get(DISPATCH, {"tick": scanned}).text
    assert re.search(rf'name="ids" value="{wanted.pk}"[^>]*checked', row_of(text, "KG10000002"))
    assert "checked" not in row_of(text, "KG10000001")


def test_a_scanned_code_not_on_the_list_says_so(client_of, cn_staff, customer):
    ready_order(customer=customer, code="KG10000001")
    response = client_of(cn_staff).get(DISPATCH, {"tick": "KG99999999"})
    assert response.status_code == 200
    assert "KG99999999 is not on this list." in [str(m) for m in response.context["messages"]]
    assert "checked" not in row_of(response.text, "KG10000001")


def test_the_scan_field_has_its_own_form(client_of, cn_staff, customer):
    """Enter in the scan field must never submit the dispatch form (that would send the ticked orders)."""
    text = client_of(cn_staff).get(DISPATCH).text
    scan_form = re.search(r'<form method="get"[^>]*id="dispatch-scan".*?</form>', text, re.S).group(0)
    assert 'name="tick"' in scan_form
    dispatch_form = re.search(r'<form method="post"[^>]*id="dispatch-form".*?</form>', text, re.S).group(0)
    assert 'name="tick"' not in dispatch_form


def test_the_list_costs_the_same_queries_for_many_orders(
    client_of, cn_staff, customer, django_assert_max_num_queries
):
    client = client_of(cn_staff)
    for _ in range(20):
        ready_order(customer=customer)
    with django_assert_max_num_queries(12):
        assert client.get(DISPATCH).status_code == 200
