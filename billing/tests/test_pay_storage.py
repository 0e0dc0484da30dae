"""Storage after the free days: the pay page and the order page show what will be taken, and the payment
takes exactly that (a page drawn yesterday is refused rather than charging more than it showed)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import EntryKind, WalletEntry
from billing.selectors import dues_now
from billing.services.wallet import wallet_top_up
from billing.tests.factories import awaiting_order
from consignments.models import ConsignmentEvent, ConsignmentStatus
from core.money import vnd

pytestmark = pytest.mark.django_db


def _waited(order, days):
    ConsignmentEvent.objects.filter(consignment=order, new_status=ConsignmentStatus.AWAITING_DELIVERY).update(
        at=timezone.now() - timedelta(days=days)
    )


def test_the_page_shows_what_the_payment_takes(schedule, customer, client_of, english):
    order = awaiting_order(customer, 3_000)  # 3 kg: 72,000 freight + 3,000 handling
    _waited(order, 12)  # 7 days beyond the 5 free: 3 kg × 7 × 2,000 = 42,000
    wallet_top_up(customer=customer, amount_vnd=500_000, key="t:storage-page")
    due = dues_now([order])[order.pk]
    assert (due.charge.total_vnd, due.storage_vnd, due.total_vnd) == (75_000, 42_000, 117_000)
    client = client_of(customer)
    page = client.get(reverse("billing:pay")).content.decode()
    assert (
        f'data-testid="pay-total">{vnd(117_000)}<' in page and 'name="expected_total" value="117000"' in page
    )
    detail = client.get(reverse("consignments:detail", args=[order.code])).content.decode()
    assert 'data-testid="order-storage-due"' in detail and vnd(117_000) in detail
    response = client.post(reverse("billing:pay"), {"orders": [order.pk], "expected_total": "117000"})
    assert response.status_code == 302
    assert WalletEntry.objects.get(kind=EntryKind.PAYMENT).amount_vnd == -117_000


def test_a_page_drawn_before_the_total_changed_is_refused(schedule, customer, client_of, english):
    order = awaiting_order(customer, 3_000)
    _waited(order, 12)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="t:storage-stale")
    response = client_of(customer).post(
        reverse("billing:pay"), {"orders": [order.pk], "expected_total": "75000"}
    )
    assert response.status_code == 200 and "The amount due is now" in response.content.decode()
    assert not WalletEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_paying_does_not_read_every_unpaid_order(schedule, customer, client_of):
    """The pay POST touches the ticked orders only: the page's list is drawn for GET (and refusals)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wallet_top_up(customer=customer, amount_vnd=5_000_000, key="t:pay-queries")
    client = client_of(customer)
    counts = []
    for waiting in (1, 6):
        orders = [awaiting_order(customer, 2_000) for _ in range(waiting)]
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(reverse("billing:pay"), {"orders": [orders[0].pk]}).status_code == 302
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_ticks_changed_just_before_paying_are_not_a_changed_amount(schedule, customer, client_of, english):
    """The summary's total is redrawn a moment after a tick changes: a tap on Pay in between sends the old
    total, but each row's own amount (due_<id>) says what the page showed for the orders ticked."""
    first, second = awaiting_order(customer, 3_000), awaiting_order(customer, 2_000)
    wallet_top_up(customer=customer, amount_vnd=500_000, key="t:ticks")
    client = client_of(customer)
    page = client.get(reverse("billing:pay")).content.decode()
    dues = dues_now([first, second])
    for order in (first, second):
        assert f'name="due_{order.pk}" value="{dues[order.pk].total_vnd}"' in page
    both = dues[first.pk].total_vnd + dues[second.pk].total_vnd
    response = client.post(
        reverse("billing:pay"),
        {
            "orders": [first.pk],  # the second was unticked a moment ago
            "expected_total": str(both),  # the summary not redrawn yet
            f"due_{first.pk}": str(dues[first.pk].total_vnd),
            f"due_{second.pk}": str(dues[second.pk].total_vnd),
        },
    )
    assert response.status_code == 302
    [entry] = WalletEntry.objects.filter(kind=EntryKind.PAYMENT)
    assert (entry.consignment, entry.amount_vnd) == (first, -dues[first.pk].total_vnd)


def test_a_row_drawn_before_its_amount_changed_is_refused(schedule, customer, client_of, english):
    order = awaiting_order(customer, 3_000)
    _waited(order, 12)  # storage since the page was drawn: 117,000 now
    wallet_top_up(customer=customer, amount_vnd=500_000, key="t:row-stale")
    response = client_of(customer).post(
        reverse("billing:pay"), {"orders": [order.pk], f"due_{order.pk}": "75000", "expected_total": "117000"}
    )
    assert response.status_code == 200 and "The amount due is now" in response.content.decode()
    assert not WalletEntry.objects.filter(kind=EntryKind.PAYMENT).exists()
