"""The core path: weighed → estimate, Chờ giao → final, a top-up, paying, handing over."""

import pytest

from billing.models import Charge, ChargeStage, EntryKind, WalletEntry
from billing.selectors import wallets_out_of_balance
from billing.services.charges import charges_price_requested
from billing.services.wallet import wallet_pay, wallet_top_up
from consignments.models import ConsignmentStatus
from consignments.services import consignment_transition
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from warehouse.services import parcel_measure

pytestmark = pytest.mark.django_db


def test_weighed_then_final_then_paid(schedule, customer, cn_staff, vn_staff):
    order = ConsignmentFactory(customer=customer)
    parcel = order.parcels.get()
    parcel_measure(parcel=parcel, weight_g=12_345, by=cn_staff)
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert charge.stage == ChargeStage.ESTIMATE
    assert charge.lines[0]["code"] == "freight"
    assert charge.lines[0]["amount_vnd"] == 23_000 * 124 // 10  # 12.4 kg in the 10–30 kg bracket
    assert charge.total_vnd == 285_200 + 3_000  # + handling for one parcel
    with pytest.raises(DomainError):
        wallet_pay(customer=customer, consignments=[order], by=customer)  # not Chờ giao yet
    order = consignment_transition(consignment=order, to=ConsignmentStatus.IN_TRANSIT, by=cn_staff)
    order = consignment_transition(
        consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=vn_staff.warehouse
    )
    assert charges_price_requested() == 1  # the worker, right after the commit
    final = Charge.objects.get(consignment=order, is_current=True)
    assert final.stage == ChargeStage.FINAL and final.total_vnd == charge.total_vnd
    with pytest.raises(DomainError):
        consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=vn_staff)
    wallet_top_up(customer=customer, amount_vnd=200_000, key="test:1")
    with pytest.raises(DomainError) as exc:
        wallet_pay(customer=customer, consignments=[order], by=customer)
    assert exc.value.code == "insufficient"
    wallet_top_up(customer=customer, amount_vnd=200_000, key="test:2")
    wallet_top_up(customer=customer, amount_vnd=200_000, key="test:2")  # the same transfer again
    [entry] = wallet_pay(customer=customer, consignments=[order], by=customer)
    assert entry.amount_vnd == -final.total_vnd
    assert entry.balance_after_vnd == 400_000 - final.total_vnd
    assert WalletEntry.objects.filter(kind=EntryKind.TOPUP).count() == 2
    assert not wallets_out_of_balance().exists()
    with pytest.raises(DomainError) as exc:
        wallet_pay(customer=customer, consignments=[order], by=customer)
    assert exc.value.code == "paid"
    consignment_transition(consignment=order, to=ConsignmentStatus.DELIVERED, by=vn_staff)


def test_a_new_destination_reprices(schedule, customer, cn_staff, ops):
    from billing.tests.factories import brackets_for
    from consignments.services import consignment_set_destination
    from warehouse.tests.factories import VietnamDepotFactory

    saigon = VietnamDepotFactory(code="SG", name="TP.HCM")
    brackets_for(schedule, saigon, extra_vnd=6_000)
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=2_000, by=cn_staff)
    assert Charge.objects.get(consignment=order, is_current=True).lines[0]["amount_vnd"] == 48_000
    consignment_set_destination(consignment=order, depot=saigon, by=customer)
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert charge.lines[0]["amount_vnd"] == 60_000
    assert Charge.objects.filter(consignment=order).count() == 2
    assert order.events.filter(kind="priced").count() == 2


def test_storage_after_the_free_days_is_priced_when_paying(schedule, customer, cn_staff, vn_staff):
    from datetime import timedelta

    from django.utils import timezone

    from consignments.models import ConsignmentEvent

    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=order.parcels.get(), weight_g=3_000, by=cn_staff)
    order = consignment_transition(consignment=order, to=ConsignmentStatus.IN_TRANSIT, by=cn_staff)
    order = consignment_transition(
        consignment=order, to=ConsignmentStatus.AWAITING_DELIVERY, by=vn_staff, warehouse=vn_staff.warehouse
    )
    assert charges_price_requested() == 1  # the worker, right after the commit
    final = Charge.objects.get(consignment=order, is_current=True)
    ConsignmentEvent.objects.filter(consignment=order, new_status=ConsignmentStatus.AWAITING_DELIVERY).update(
        at=timezone.now() - timedelta(days=8)
    )
    wallet_top_up(customer=customer, amount_vnd=1_000_000, key="t:storage")
    [entry] = wallet_pay(customer=customer, consignments=[order], by=customer)
    paid = Charge.objects.get(consignment=order, is_current=True)
    storage = next(line for line in paid.lines if line["code"] == "storage")
    assert storage["inputs"]["billable_days"] == 3  # 8 days, 5 free
    assert storage["amount_vnd"] == 3 * 3 * 2_000  # 3 kg × 3 days × 2,000 ₫
    assert -entry.amount_vnd == paid.total_vnd == final.total_vnd + 18_000
    assert paid.paid_at is not None


def test_once_priced_the_chargeable_weight_is_the_fee_schedules(schedule, customer, cn_staff):
    """One figure everywhere: the station's own (settings) rule gives 1.23 kg; the schedule rounds up to
    0.1 kg, and the parcel, the order and the charge all say 1.3 kg."""
    order = ConsignmentFactory(customer=customer)
    parcel = parcel_measure(parcel=order.parcels.get(), weight_g=1_230, by=cn_staff)
    order.refresh_from_db()
    charge = Charge.objects.get(consignment=order, is_current=True)
    assert parcel.chargeable_weight_g == order.chargeable_weight_g == 1_300
    assert charge.inputs["parcels"][0]["chargeable_g"] == 1_300
