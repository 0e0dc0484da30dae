"""Orders finished before finished_at existed get it from their history, so their numbers can be reused."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory

pytestmark = pytest.mark.django_db

backfill = import_module("consignments.migrations.0005_finished_at_of_finished_orders").backfill


def test_finished_orders_take_the_time_of_their_last_move_to_that_status(customer):
    delivered = ConsignmentFactory(customer=customer, status=ConsignmentStatus.DELIVERED)
    when = timezone.now() - timedelta(days=100)
    ConsignmentEvent.objects.filter(consignment=delivered).update(at=when - timedelta(days=3))  # created
    event = ConsignmentEvent.objects.create(
        consignment=delivered, old_status="delivering", new_status="delivered"
    )
    ConsignmentEvent.objects.filter(pk=event.pk).update(at=when)
    lost = ConsignmentFactory(customer=customer, status=ConsignmentStatus.LOST)
    ConsignmentEvent.objects.filter(consignment=lost).delete()  # an order with no history row for its status
    moving = ConsignmentFactory(customer=customer, status=ConsignmentStatus.IN_TRANSIT)
    backfill(apps, None)
    assert Consignment.objects.get(pk=delivered.pk).finished_at == when
    lost_row = Consignment.objects.get(pk=lost.pk)
    assert lost_row.finished_at == lost_row.updated_at
    assert Consignment.objects.get(pk=moving.pk).finished_at is None
