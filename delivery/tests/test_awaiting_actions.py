"""The order page's box once the order waits at a depot: pick up or request delivery, or the request it is in."""

import pytest
from django.urls import reverse

from delivery.services.requests import delivery_request_create

pytestmark = pytest.mark.django_db


def test_the_order_page_offers_pickup_or_delivery_then_names_the_request(client_of, customer, at_depot, hn):
    order = at_depot(customer)
    client = client_of(customer)
    url = reverse("consignments:detail", args=[order.code])
    page = client.get(url).content.decode()
    assert 'data-testid="awaiting-actions"' in page and reverse("delivery:request_new") in page
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )
    page = client.get(url).content.decode()
    assert reverse("delivery:request_detail", args=[request.pk]) in page
    assert (
        reverse("delivery:request_new")
        not in page.split('data-testid="awaiting-actions"')[1].split("</div>")[0]
    )
