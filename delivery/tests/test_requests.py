"""Delivery requests by the customer: ask for orders of one depot to be delivered, follow them, cancel them
until the depot starts; refusals (someone else's order, not awaiting, two depots, twice) change nothing."""

import re

import pytest
from django.urls import reverse

from addresses.tests.factories import DeliveryAddressFactory
from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.services import consignment_transition
from core.errors import DomainError
from delivery.models import DeliveryRequest, DeliveryRequestItem, RequestStatus
from delivery.services.release import release_note_create
from delivery.services.requests import delivery_request_cancel, delivery_request_create

pytestmark = pytest.mark.django_db

NEW = reverse("delivery:request_new")
LIST = reverse("delivery:requests")


def make(customer, depot, orders, **kwargs):
    kwargs.setdefault("address", customer.addresses.get(is_default=True))
    kwargs.setdefault("carrier", "ghn")
    return delivery_request_create(customer=customer, depot=depot, ids=[o.pk for o in orders], **kwargs)


def refused(customer, depot, orders, **kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        make(customer, depot, orders, **kwargs)
    return caught.value.code


def test_a_request_keeps_the_address_as_text_and_writes_history(customer, at_depot, hn):
    first, second = at_depot(customer), at_depot(customer, paid=True)
    address = customer.addresses.get()
    request = make(customer, hn, [first, second], carrier="depot", note="Gọi trước khi giao")
    assert (request.status, request.depot, request.carrier, request.note) == (
        "new",
        hn,
        "depot",
        "Gọi trước khi giao",
    )
    assert request.address == address and request.recipient_name == address.recipient_name
    assert address.street in request.address_text and request.code == f"YC{request.pk:06d}"
    assert set(request.items.values_list("consignment_id", flat=True)) == {first.pk, second.pk}
    rows = ConsignmentEvent.objects.filter(kind=EventKind.DELIVERY, data__step="requested")
    assert rows.count() == 2 and rows.first().data["request"] == request.code
    address.delete()
    request.refresh_from_db()
    assert request.address is None and address.street in request.address_text


def test_refusals_change_nothing(customer, other_customer, at_depot, hn, hcm_staff, cn_staff):
    from consignments.tests.factories import ConsignmentFactory

    mine, theirs = at_depot(customer), at_depot(other_customer)
    far = at_depot(customer, staff=hcm_staff)
    in_china = ConsignmentFactory(customer=customer)
    assert refused(customer, hn, [mine, theirs]) == "not_yours"
    assert refused(customer, hn, [in_china]) == "not_awaiting"
    assert refused(customer, hn, [mine, far]) == "other_depot"
    assert refused(customer, hn, []) == "empty"
    assert refused(customer, hn, [mine], address=other_customer.addresses.get()) == "address"
    assert refused(customer, hn, [mine], carrier="dhl") == "carrier"
    assert refused(customer, hn, [mine], note="x" * 501) == "note"
    assert not DeliveryRequest.objects.exists()
    assert not ConsignmentEvent.objects.filter(kind=EventKind.DELIVERY).exists()


def test_an_order_is_in_one_open_request(customer, at_depot, hn, vn_staff):
    order = at_depot(customer)
    first = make(customer, hn, [order])
    assert refused(customer, hn, [order]) == "requested"
    delivery_request_cancel(request=first, by=customer)
    second = make(customer, hn, [order])
    assert DeliveryRequestItem.objects.filter(consignment=order, is_open=True).get().request == second


def test_the_database_keeps_one_open_request_per_order(customer, at_depot, hn):
    from django.db import IntegrityError, transaction

    order = at_depot(customer)
    request = make(customer, hn, [order])
    other = DeliveryRequest.objects.create(
        customer=customer,
        depot=hn,
        recipient_name="A",
        recipient_phone="0912345678",
        address_text="x",
        carrier="ghn",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryRequestItem.objects.create(request=other, consignment=order)
    assert request.items.count() == 1


def test_cancel_until_in_progress(customer, at_depot, hn, vn_staff):
    order = at_depot(customer)
    request = make(customer, hn, [order])
    release_note_create(request=request, by=vn_staff, depot=hn)
    with pytest.raises(DomainError) as caught:
        delivery_request_cancel(request=request, by=customer)
    assert caught.value.code == "started"
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


# --- pages -----------------------------------------------------------------------------------------------


def test_new_request_page_ticks_every_order_and_the_default_address(
    client_of, english, customer, at_depot, hn, hcm_staff
):
    first, second = at_depot(customer), at_depot(customer, paid=True)
    at_depot(customer, staff=hcm_staff)
    DeliveryAddressFactory(customer=customer, street="Số 99 Láng Hạ")
    response = client_of(customer).get(NEW, {"depot": hn.pk})
    html = response.content.decode()
    assert response.context["depot"] == hn and response.context["selected"] == {first.pk, second.pk}
    assert html.count('name="orders"') == 2 and html.count("checked") >= 3
    default = customer.addresses.get(is_default=True)
    checked = re.findall(r'<input type="radio" name="address" value="(\d+)"[^>]*\bchecked\b', html)
    assert checked == [str(default.pk)]
    assert 'data-testid="request-depots"' in html  # two depots: one tab each


def test_sending_a_request(client_of, english, customer, at_depot, hn):
    first, _second = at_depot(customer), at_depot(customer)
    address = customer.addresses.get()
    response = client_of(customer).post(
        NEW,
        {
            "depot": hn.pk,
            "orders": [first.pk],
            "address": address.pk,
            "carrier": "viettel_post",
            "note": "Sau 17h",
        },
    )
    request = DeliveryRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "delivery:request_detail", args=[request.pk]
    )
    assert list(request.items.values_list("consignment_id", flat=True)) == [first.pk]
    page = client_of(customer).get(response.url)
    html = page.content.decode()
    assert request.code in html and "Viettel Post" in html and "Sau 17h" in html and first.code in html
    assert 'data-testid="request-cancel"' in html and "Delivery requested" in html
    assert request.code in client_of(customer).get(LIST).content.decode()


def test_refusals_on_the_page(client_of, english, customer, other_customer, at_depot, hn, hcm_staff):
    mine, theirs = at_depot(customer), at_depot(other_customer)
    far = at_depot(customer, staff=hcm_staff)
    address = customer.addresses.get()
    client = client_of(customer)

    def post(orders, **extra):
        data = {"depot": hn.pk, "orders": orders, "address": address.pk, "carrier": "ghn", **extra}
        return client.post(NEW, data)

    for response in (
        post([mine.pk, theirs.pk]),
        post([mine.pk, far.pk]),
        post([]),
        post(["x" * 10_240]),
        post([mine.pk], address=other_customer.addresses.get().pk),
        post([mine.pk], carrier="dhl"),
        post([mine.pk], depot="abc"),
    ):
        assert response.status_code == 200
        assert response.context["error"] or response.context["form"].errors
    assert not DeliveryRequest.objects.exists()


def test_nothing_awaiting_goes_back_to_the_pickup_page(client_of, customer):
    response = client_of(customer).get(NEW)
    assert response.status_code == 302 and response.url == reverse("delivery:pickup")


def test_cancelling_from_the_page(client_of, english, customer, at_depot, hn):
    order = at_depot(customer)
    request = make(customer, hn, [order])
    response = client_of(customer).post(reverse("delivery:request_cancel", args=[request.pk]), follow=True)
    assert "is cancelled" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED and request.cancelled_by == customer
    response = client_of(customer).post(reverse("delivery:request_cancel", args=[request.pk]), follow=True)
    assert "can no longer be cancelled" in response.content.decode()


def test_another_customers_request_is_not_found(client_of, customer, other_customer, at_depot, hn):
    order = at_depot(other_customer)
    request = make(other_customer, hn, [order])
    client = client_of(customer)
    assert client.get(reverse("delivery:request_detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("delivery:request_cancel", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


@pytest.mark.parametrize("persona", ["vn_staff", "cn_staff", "ops"])
@pytest.mark.parametrize("name", ["delivery:requests", "delivery:request_new"])
def test_staff_are_not_customers(request, client_of, persona, name):
    assert client_of(request.getfixturevalue(persona)).get(reverse(name)).status_code == 403


def test_wrong_methods(client_of, customer, at_depot, hn):
    request = make(customer, hn, [at_depot(customer)])
    client = client_of(customer)
    assert client.post(LIST).status_code == 405
    assert client.post(reverse("delivery:request_detail", args=[request.pk])).status_code == 405
    assert client.get(reverse("delivery:request_cancel", args=[request.pk])).status_code == 405
    assert client.put(NEW).status_code == 405


def test_status_after_refusal_lets_the_order_be_requested_again(customer, at_depot, hn, vn_staff):
    order = at_depot(customer, paid=True)
    consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERING, by=vn_staff)
    consignment_transition(consignment=order, to=ConsignmentStatus.REFUSED, by=vn_staff)
    consignment_transition(
        consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=hn
    )
    assert make(customer, hn, [order]).status == RequestStatus.NEW
