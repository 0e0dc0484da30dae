"""View tests for the customer's consignment orders: the list and the detail with its timeline."""

import pytest
from django.urls import reverse

from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.tests.factories import ConsignmentFactory
from core.testing import assert_login_redirect

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def my_order(customer):
    return ConsignmentFactory(customer=customer, code="KG10000001", parcel__tracking_code="SF100000000001")


@pytest.fixture
def their_order(other_customer):
    return ConsignmentFactory(
        customer=other_customer, code="KG20000002", parcel__tracking_code="SF200000000002"
    )


def paths(order):
    return [reverse("consignments:list"), reverse("consignments:detail", args=[order.code])]


# --- who may open what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1], ids=["list", "detail"])
def test_anonymous_is_sent_to_login(client, my_order, which):
    path = paths(my_order)[which]
    assert_login_redirect(client.get(path), path)


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
@pytest.mark.parametrize("which", [0, 1], ids=["list", "detail"])
def test_staff_are_refused_customer_pages(request, client_of, my_order, persona, which):
    response = client_of(request.getfixturevalue(persona)).get(paths(my_order)[which])
    assert response.status_code == 403
    assert my_order.code not in response.text


# --- the list --------------------------------------------------------------------------------------------


def test_list_shows_my_orders_and_never_another_customers(client_of, customer, my_order, their_order):
    second = ConsignmentFactory(customer=customer, code="KG10000003", status=ConsignmentStatus.IN_TRANSIT)

    response = client_of(customer).get(reverse("consignments:list"))

    assert response.status_code == 200
    assert set(response.context["page"]) == {my_order, second}
    text = response.text
    assert my_order.code in text and second.code in text and "SF100000000001" in text
    assert their_order.code not in text and "SF200000000002" not in text
    assert text.count('data-testid="order-row"') == 2
    assert "International transit" in text


def test_list_empty_state(client_of, customer, their_order):
    response = client_of(customer).get(reverse("consignments:list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert 'data-testid="order-row"' not in response.text
    assert their_order.code not in response.text


def test_list_shows_the_weight_in_kg(client_of, customer):
    ConsignmentFactory(customer=customer, code="KG10000009", weight_g=1250)
    response = client_of(customer).get(reverse("consignments:list"))
    assert "1.25" in response.text


def test_list_page_out_of_range_shows_the_last_page(client_of, customer, my_order):
    response = client_of(customer).get(reverse("consignments:list"), {"page": 99})
    assert response.status_code == 200
    assert list(response.context["page"]) == [my_order]


# --- the detail ------------------------------------------------------------------------------------------


def test_detail_shows_my_order_and_its_timeline(client_of, customer, cn_staff, my_order):
    ConsignmentEvent.objects.create(
        consignment=my_order,
        old_status=ConsignmentStatus.CN_RECEIVED,
        new_status=ConsignmentStatus.CN_RECEIVED,
        kind=EventKind.MEASURED,
        data={"weight_g": 1250, "previous": {"weight_g": None}},
        warehouse=my_order.current_warehouse,
        by=cn_staff,
    )

    response = client_of(customer).get(reverse("consignments:detail", args=[my_order.code]))

    assert response.status_code == 200
    assert response.context["consignment"] == my_order
    assert [e.kind for e in response.context["events"]] == [EventKind.STATUS, EventKind.MEASURED]
    text = response.text
    assert my_order.code in text
    assert "SF100000000001" in text
    assert "Arrived at China warehouse" in text
    assert "Weighed: 1.25 kg" in text
    assert my_order.current_warehouse.name in text


def test_detail_of_another_customers_order_is_404(client_of, customer, their_order):
    response = client_of(customer).get(reverse("consignments:detail", args=[their_order.code]))
    assert response.status_code == 404
    assert "SF200000000002" not in response.text


def test_detail_of_an_unknown_code_is_404(client_of, customer, my_order):
    response = client_of(customer).get(reverse("consignments:detail", args=["KG99999999"]))
    assert response.status_code == 404


def test_detail_shows_the_chargeable_weight_and_the_declaration(client_of, customer):
    order = ConsignmentFactory(
        customer=customer,
        code="KG10000007",
        weight_g=1250,
        length_mm=400,
        width_mm=300,
        height_mm=200,
        volumetric_divisor=6000,
        volumetric_weight_g=4000,
        chargeable_weight_g=4000,
        goods_vi="giày thể thao",
        goods_quantity=3,
        goods_unit_value_fen=5000,
    )
    response = client_of(customer).get(reverse("consignments:detail", args=[order.code]))
    assert response.status_code == 200
    text = response.text
    assert 'data-testid="chargeable">4 kg</dd>' in text
    assert "40 × 30 × 20 cm" in text
    assert "giày thể thao × 3" in text
