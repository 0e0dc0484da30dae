"""consignments.services.consignments_transition_many: one UPDATE for many orders, a history row each,
nothing the second time."""

import pytest

from consignments.models import ConsignmentEvent, ConsignmentStatus
from consignments.services import consignments_transition_many
from consignments.tests.factories import ConsignmentFactory

pytestmark = pytest.mark.django_db


def test_many_orders_move_once(customer, cn_staff):
    orders = [ConsignmentFactory(customer=customer) for _ in range(3)]
    ids = [o.pk for o in orders]
    moved = consignments_transition_many(
        ids=ids,
        old=ConsignmentStatus.CN_RECEIVED,
        to=ConsignmentStatus.IN_TRANSIT,
        by=cn_staff,
        note="T000001",
    )
    assert sorted(moved) == sorted(ids)
    assert ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT).count() == 3
    again = consignments_transition_many(
        ids=ids, old=ConsignmentStatus.CN_RECEIVED, to=ConsignmentStatus.IN_TRANSIT, by=cn_staff
    )
    assert (
        again == [] and ConsignmentEvent.objects.filter(new_status=ConsignmentStatus.IN_TRANSIT).count() == 3
    )
