"""A packed order keeps its depot: the customer cannot change it once a parcel is in a bag."""

import pytest

from consignments.services import consignment_set_destination
from core.errors import DomainError
from shipping.tests.factories import closed_bag, hcm_depot, ready_order

pytestmark = pytest.mark.django_db


def test_a_bagged_order_keeps_its_depot_unless_operations_transfer_it(customer, ops, cn_staff):
    order = ready_order(customer)
    saigon = hcm_depot()
    bag = closed_bag(orders=[order], by=cn_staff)
    with pytest.raises(DomainError) as exc:
        consignment_set_destination(consignment=order, depot=saigon, by=customer)
    assert exc.value.code == "bagged" and bag.code in str(exc.value)
    consignment_set_destination(consignment=order, depot=saigon, by=ops, transfer=True, note="khách yêu cầu")
    order.refresh_from_db()
    assert order.destination == saigon


def test_an_unbagged_order_may_still_change_depot(customer):
    order = ready_order(customer)
    consignment_set_destination(consignment=order, depot=hcm_depot(), by=customer)
