"""View tests for the customer's consignment orders: the list, the detail with its parcels and timeline, and
the choice of the destination depot."""

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.tests.factories import ConsignmentFactory
from core.testing import assert_login_redirect
from warehouse.models import Parcel
from warehouse.tests.factories import ParcelFactory, VietnamDepotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def my_order(customer):
    return ConsignmentFactory(customer=customer, code="KG10000001", tracking_code="SF100000000001")


@pytest.fixture
def their_order(other_customer):
    return ConsignmentFactory(customer=other_customer, code="KG20000002", tracking_code="SF200000000002")


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
    parcel = ParcelFactory(
        weight_g=1250,
        length_mm=400,
        width_mm=300,
        height_mm=200,
        volumetric_divisor=6000,
        volumetric_weight_g=4000,
        chargeable_weight_g=4000,
    )
    order = ConsignmentFactory(
        customer=customer,
        code="KG10000007",
        parcel=parcel,
        weight_g=1250,
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


def test_detail_shows_every_parcel_of_the_order_with_its_own_weight(client_of, customer):
    order = ConsignmentFactory(customer=customer, code="KG10000011", pieces=3, weight_g=3200)
    parcels = list(order.parcels.order_by("piece_number"))
    Parcel.objects.filter(pk=parcels[0].pk).update(weight_g=200, chargeable_weight_g=500)
    Parcel.objects.filter(pk=parcels[1].pk).update(weight_g=3000, chargeable_weight_g=3000)
    their_parcel = ConsignmentFactory(customer=CustomerFactory(), pieces=1).parcels.get()

    response = client_of(customer).get(reverse("consignments:detail", args=[order.code]))

    assert response.status_code == 200
    text = response.text
    assert text.count('data-testid="order-parcel"') == 3
    assert "3 / 3 parcels, all here" in text
    assert "0.2 kg" in text and "0.5 kg" in text  # a 0.2 kg parcel is charged the 0.5 kg minimum
    assert "not weighed yet" in text  # the third parcel
    assert their_parcel.tracking_code not in text


def test_list_says_how_many_parcels_arrived(client_of, customer):
    order = ConsignmentFactory(customer=customer, code="KG10000012", pieces=2)
    order.parcels.filter(piece_number=2).delete()
    order.parcels.update(piece_count=3)

    response = client_of(customer).get(reverse("consignments:list"))

    assert "1 / 3 parcels arrived" in response.text


# --- choosing the destination depot ----------------------------------------------------------------------


@pytest.fixture
def hcm(db):
    return VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")


def test_the_customer_changes_the_depot_until_the_order_leaves_china(client_of, customer, my_order, hcm):
    client = client_of(customer)
    detail = client.get(reverse("consignments:detail", args=[my_order.code]))
    assert reverse("consignments:destination", args=[my_order.code]) in detail.text
    assert "Kho phân phối TP.HCM" in detail.text

    response = client.post(reverse("consignments:destination", args=[my_order.code]), {"depot": hcm.pk})

    assert response.status_code == 302
    assert response.url == reverse("consignments:detail", args=[my_order.code])
    my_order.refresh_from_db()
    assert my_order.destination == hcm
    event = ConsignmentEvent.objects.get(consignment=my_order, kind=EventKind.DESTINATION)
    assert event.by == customer and event.data["depot"] == hcm.name and not event.data["transfer"]
    page = client.get(response.url)
    assert "Order KG10000001 now goes to Kho phân phối TP.HCM." in page.text
    assert "Destination depot: Kho phân phối TP.HCM" in page.text


def test_after_it_leaves_china_the_depot_is_no_longer_the_customers_choice(client_of, customer, hcm):
    order = ConsignmentFactory(customer=customer, code="KG10000013", status=ConsignmentStatus.IN_TRANSIT)
    first = order.destination
    client = client_of(customer)

    detail = client.get(reverse("consignments:detail", args=[order.code]))
    assert reverse("consignments:destination", args=[order.code]) not in detail.text

    response = client.post(
        reverse("consignments:destination", args=[order.code]), {"depot": hcm.pk}, follow=True
    )

    order.refresh_from_db()
    assert order.destination == first
    assert "its depot can no longer be changed" in response.text
    assert not ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.DESTINATION).exists()


def test_a_depot_that_is_not_one_of_ours_is_refused(client_of, customer, my_order):
    china = my_order.current_warehouse
    response = client_of(customer).post(
        reverse("consignments:destination", args=[my_order.code]), {"depot": china.pk}, follow=True
    )
    my_order.refresh_from_db()
    assert my_order.destination.code == "HN"
    assert "Choose one of our Vietnam depots." in response.text


def test_another_customers_order_cannot_be_redirected(client_of, customer, their_order, hcm):
    response = client_of(customer).post(
        reverse("consignments:destination", args=[their_order.code]), {"depot": hcm.pk}
    )
    assert response.status_code == 404
    their_order.refresh_from_db()
    assert their_order.destination.code == "HN"


def test_anonymous_cannot_change_the_destination(client, my_order, hcm):
    path = reverse("consignments:destination", args=[my_order.code])
    assert_login_redirect(client.post(path, {"depot": hcm.pk}), path)
    my_order.refresh_from_db()
    assert my_order.destination.code == "HN"


def test_the_destination_is_changed_by_post_only(client_of, customer, my_order):
    response = client_of(customer).get(reverse("consignments:destination", args=[my_order.code]))
    assert response.status_code == 405


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
def test_staff_do_not_use_the_customers_destination_form(request, client_of, my_order, hcm, persona):
    response = client_of(request.getfixturevalue(persona)).post(
        reverse("consignments:destination", args=[my_order.code]), {"depot": hcm.pk}
    )
    assert response.status_code == 403
    my_order.refresh_from_db()
    assert my_order.destination.code == "HN"
