"""The final charge of an order reaching Chờ giao: asked for in the move's transaction (PricingRequest),
written by the worker right after the commit, and by the payment itself when the worker has not run yet."""

import pytest
from django.conf import settings
from django.urls import reverse

from billing.models import Charge, ChargeStage, PricingRequest, WalletEntry
from billing.services.charges import charges_price_requested, pricing_kick
from billing.services.wallet import wallet_pay, wallet_top_up
from billing.tasks import price_requested
from consignments.models import ConsignmentEvent, ConsignmentStatus, EventKind
from consignments.services import consignment_transition, consignments_transition_many
from core.errors import DomainError
from notifications.models import NotificationKind, PendingNotification

from .factories import in_transit_order

pytestmark = pytest.mark.django_db


def _arrive(order, vn_staff):
    return consignment_transition(
        consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=vn_staff.warehouse
    )


@pytest.fixture
def in_transit(schedule, customer, cn_staff):
    """An order weighed in China (its estimate written) and on its way."""
    return in_transit_order(customer, 2_000, cn_staff=cn_staff)


def test_the_move_asks_for_the_final_charge_and_the_worker_writes_it(in_transit, vn_staff, customer):
    order = _arrive(in_transit, vn_staff)
    estimate = Charge.objects.get(consignment=order, is_current=True)
    assert estimate.stage == ChargeStage.ESTIMATE  # not priced inside the depot's scan
    request = PricingRequest.objects.get()
    assert (request.consignment_id, request.by, request.storage_days) == (order.pk, vn_staff, 0)

    assert charges_price_requested() == 1
    final = Charge.objects.get(consignment=order, is_current=True)
    assert final.stage == ChargeStage.FINAL and final.total_vnd == estimate.total_vnd
    assert final.created_by == vn_staff and final.reason == "arrived at the Vietnam depot"
    assert not PricingRequest.objects.exists()
    priced = ConsignmentEvent.objects.filter(consignment=order, kind=EventKind.PRICED).latest("id")
    assert priced.data["stage"] == ChargeStage.FINAL
    assert charges_price_requested() == 0  # nothing left: a second run changes nothing
    assert Charge.objects.filter(consignment=order).count() == 2


def test_the_task_runs_after_the_commit(in_transit, vn_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = _arrive(in_transit, vn_staff)
    assert pricing_kick in callbacks
    assert Charge.objects.get(consignment=order, is_current=True).stage == ChargeStage.FINAL


def test_a_move_rolled_back_leaves_no_request(in_transit, vn_staff):
    from django.db import transaction

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _arrive(in_transit, vn_staff)
        raise Undo
    assert not PricingRequest.objects.exists()


def test_a_payment_before_the_worker_prices_the_order_itself(in_transit, vn_staff, customer):
    order = _arrive(in_transit, vn_staff)
    estimate = Charge.objects.get(consignment=order, is_current=True)
    wallet_top_up(customer=customer, amount_vnd=1_000_000, key="bank:1")
    [entry] = wallet_pay(
        customer=customer, consignments=[order], by=customer, expected_total_vnd=estimate.total_vnd
    )
    paid = Charge.objects.get(consignment=order, is_current=True)
    assert paid.stage == ChargeStage.FINAL and paid.paid_at is not None and entry.charge == paid
    # The worker then finds it final (and paid): it writes nothing more.
    assert charges_price_requested() == 1
    assert Charge.objects.get(consignment=order, is_current=True) == paid
    assert WalletEntry.objects.filter(consignment=order).count() == 1


def test_a_payment_shown_the_estimate_is_refused_when_the_final_differs(in_transit, vn_staff, customer):
    order = _arrive(in_transit, vn_staff)
    wallet_top_up(customer=customer, amount_vnd=1_000_000, key="bank:1")
    with pytest.raises(DomainError) as caught:
        wallet_pay(customer=customer, consignments=[order], by=customer, expected_total_vnd=1)
    assert caught.value.code == "changed"
    assert not WalletEntry.objects.filter(consignment=order).exists()


def test_the_order_page_offers_payment_while_the_final_charge_is_on_its_way(
    client_of, english, in_transit, vn_staff, customer
):
    order = _arrive(in_transit, vn_staff)
    html = client_of(customer).get(reverse("consignments:detail", args=[order.code])).content.decode()
    assert 'data-testid="charge-stage">Estimate<' in html
    assert 'data-testid="pay-order"' in html


def test_orders_received_in_bulk_are_priced_each(schedule, customer, cn_staff, vn_staff):
    orders = [in_transit_order(customer, 1_000 * (i + 1), cn_staff=cn_staff) for i in range(3)]
    ids = consignments_transition_many(
        ids=[o.pk for o in orders],
        old=ConsignmentStatus.IN_TRANSIT,
        to=ConsignmentStatus.AWAITING_DELIVERY,
        by=vn_staff,
        warehouse=vn_staff.warehouse,
    )
    assert sorted(ids) == sorted(o.pk for o in orders)
    assert PricingRequest.objects.count() == 3
    assert price_requested.apply().get() == 3  # the task, as the worker runs it
    stages = Charge.objects.filter(consignment__in=orders, is_current=True).values_list("stage", flat=True)
    assert list(stages) == [ChargeStage.FINAL] * 3


def test_an_order_that_cannot_be_priced_is_dropped_from_the_queue(customer, cn_staff, vn_staff):
    """No fee schedule published: nothing to price with. The request is done with; the order page says
    "not priced yet", and publishing a schedule prices the orders then."""
    from consignments.tests.factories import ConsignmentFactory

    order = ConsignmentFactory(customer=customer, status=ConsignmentStatus.IN_TRANSIT)
    _arrive(order, vn_staff)
    assert charges_price_requested() == 1
    assert not Charge.objects.filter(consignment=order).exists()
    assert not PricingRequest.objects.exists()


def test_a_changed_total_tells_the_customer(in_transit, vn_staff, customer):
    """The customer joined a group with a discount while the order travelled: the final charge differs."""
    from billing.models import CustomerGroup
    from billing.services.wallet import wallet_get

    _arrive(in_transit, vn_staff)
    vip = CustomerGroup.objects.create(code="vip", name="VIP", freight_discount_bp=1_000)
    wallet = wallet_get(customer)
    wallet.group = vip
    wallet.save(update_fields=["group"])
    before = PendingNotification.objects.filter(kind=NotificationKind.CHARGE_CHANGED).count()
    charges_price_requested()
    assert PendingNotification.objects.filter(kind=NotificationKind.CHARGE_CHANGED).count() == before + 1


def test_beat_runs_the_pricing_every_minute():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == price_requested.name]
    assert price_requested.name == "billing.tasks.price_requested"
    assert len(entries) == 1 and entries[0]["schedule"] <= 60


def test_the_pay_list_marks_an_amount_still_estimated(client_of, english, in_transit, vn_staff, customer):
    order = _arrive(in_transit, vn_staff)
    html = client_of(customer).get(reverse("billing:pay")).content.decode()
    assert order.code in html and 'data-testid="due-estimate"' in html
    charges_price_requested()
    html = client_of(customer).get(reverse("billing:pay")).content.decode()
    assert order.code in html and 'data-testid="due-estimate"' not in html
