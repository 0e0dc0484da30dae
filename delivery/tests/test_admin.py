"""Operations read handovers, requests and release notes in the admin; nobody edits them there, and pickup
codes' digits are not shown."""

import pytest
from django.urls import reverse

from delivery.services.handover import handover_create
from delivery.services.pickup import pickup_code_for
from delivery.services.release import release_note_create
from delivery.services.requests import delivery_request_create

pytestmark = pytest.mark.django_db


def test_operations_read_every_delivery_record(client_of, ops, customer, vn_staff, at_depot, hn):
    code = pickup_code_for(customer=customer, depot=hn)
    handed = at_depot(customer, paid=True)
    handover = handover_create(
        depot=hn,
        customer=customer,
        ids=[handed.pk],
        by=vn_staff,
        receiver_name="B",
        receiver_phone="0912345678",
    )
    order = at_depot(customer)
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    client = client_of(ops)
    for obj in (code, handover, request, note):
        opts = obj._meta
        assert client.get(reverse(f"admin:delivery_{opts.model_name}_changelist")).status_code == 200
        change = client.get(reverse(f"admin:delivery_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200
        assert client.get(reverse(f"admin:delivery_{opts.model_name}_add")).status_code == 403
        assert b'type="submit" value="Save"' not in change.content
    assert (
        code.code
        not in client.get(reverse("admin:delivery_pickupcode_change", args=[code.pk])).content.decode()
    )
