"""Operations' wallet desk: find a customer, adjust or refund with a reason (once per form), change the
group."""

import uuid

import pytest
from django.urls import reverse

from accounts.tests.factories import CustomerFactory
from billing.models import EntryKind, Wallet, WalletEntry
from billing.selectors import balance_of, wallets_out_of_balance
from billing.services.wallet import wallet_top_up
from billing.tests.factories import CustomerGroupFactory, awaiting_order
from notifications.models import NotificationKind, PendingNotification

pytestmark = pytest.mark.django_db

URL = reverse("billing:ops_wallets")


def entry_url(customer):
    return reverse("billing:ops_wallet_entry", args=[customer.pk])


def form(**values):
    return {
        "kind": "adjustment",
        "amount_vnd": "-20000",
        "reason": "Thu thiếu phí",
        "key": str(uuid.uuid4()),
        **values,
    }


def test_find_by_code_or_username(client_of, english, ops, customer, other_customer):
    wallet_top_up(customer=customer, amount_vnd=300_000, key="bank:1", reason="bank transfer")
    client = client_of(ops)
    for q in ("yw532", "THUBIN89X"):
        response = client.get(URL, {"q": q})
        assert response.context["customer"] == customer
        html = response.content.decode()
        assert 'data-testid="ops-balance">300.000\u00a0₫<' in html and "+300.000\u00a0₫" in html
        assert 'name="key"' in html
    keys = {client.get(URL, {"q": "YW532"}).context["entry_form"].initial["key"] for _ in range(2)}
    assert len(keys) == 2  # a new key each time the form is rendered
    assert "No customer" in client.get(URL, {"q": "ZZ999"}).content.decode()
    assert client.get(URL, {"q": "hoa"}).context["customer"] == other_customer  # one by its prefix
    third = CustomerFactory(username="hieu88")
    response = client.get(URL, {"q": "h"})  # two: a list to choose from
    assert response.context["matches"] == [third, other_customer]
    assert 'data-testid="ops-desk"' not in response.content.decode()


def test_adjustment_posts_once_however_often_sent(client_of, english, ops, customer):
    client = client_of(ops)
    data = form()
    response = client.post(entry_url(customer), data, follow=True)
    assert "Adjustment of −20.000\u00a0₫ recorded for YW532" in response.content.decode()
    response = client.post(entry_url(customer), data, follow=True)  # the same form again
    assert "already sent" in response.content.decode()
    entry = WalletEntry.objects.get()
    assert (entry.kind, entry.amount_vnd, entry.by, entry.reason) == (
        EntryKind.ADJUSTMENT,
        -20_000,
        ops,
        "Thu thiếu phí",
    )
    assert balance_of(customer) == -20_000
    assert (
        PendingNotification.objects.filter(user=customer, kind=NotificationKind.WALLET_DEBITED).count() == 1
    )
    assert not wallets_out_of_balance().exists()


def test_refund_for_an_order(client_of, english, schedule, ops, customer, other_customer):
    order = awaiting_order(customer, 2_000)
    client = client_of(ops)
    response = client.post(entry_url(customer), form(kind="refund", amount_vnd="15000", order=order.code))
    assert response.status_code == 302
    entry = WalletEntry.objects.get()
    assert (entry.kind, entry.amount_vnd, entry.consignment) == (EntryKind.REFUND, 15_000, order)
    theirs = awaiting_order(other_customer, 2_000)
    response = client.post(entry_url(customer), form(kind="refund", amount_vnd="15000", order=theirs.code))
    assert "no order with that code" in response.content.decode()
    assert WalletEntry.objects.count() == 1


@pytest.mark.parametrize(
    "values, words",
    [
        ({"reason": "   "}, "This field is required"),
        ({"amount_vnd": "0"}, "other than 0"),
        ({"amount_vnd": "1.5"}, "Enter a whole number"),
        ({"amount_vnd": str(10**15)}, "At most 10.000.000.000\u00a0₫"),
        ({"kind": "refund", "amount_vnd": "-5"}, "A refund must be a positive amount."),
        ({"kind": "topup"}, "Select a valid choice"),
        ({"key": "not-a-uuid"}, "send it again"),
        ({"order": "KG1"}, "Only a refund names an order."),
    ],
)
def test_bad_input_posts_nothing_and_keeps_the_key(client_of, english, ops, customer, values, words):
    data = form(**values)
    response = client_of(ops).post(entry_url(customer), data)
    assert response.status_code == 200 and words in response.content.decode()
    assert not WalletEntry.objects.exists()
    if values.get("key") is None:
        assert data["key"] in response.content.decode()  # sent again, it still posts once


def test_group_change(client_of, english, ops, customer):
    CustomerGroupFactory()
    vip = CustomerGroupFactory(code="vip1", name="VIP 1", is_default=False, freight_discount_bp=500)
    client = client_of(ops)
    url = reverse("billing:ops_wallet_group", args=[customer.pk])
    response = client.post(url, {"group": vip.pk}, follow=True)
    assert "now in the group VIP 1" in response.content.decode()
    assert Wallet.objects.get(customer=customer).group == vip
    client.post(url, {"group": ""})
    assert Wallet.objects.get(customer=customer).group is None
    response = client.post(url, {"group": "999999"}, follow=True)
    assert "Choose a group" in response.content.decode()


def test_staff_cannot_touch_a_staff_wallet(client_of, ops, vn_staff):
    assert client_of(ops).post(entry_url(vn_staff), form()).status_code == 404
    assert not WalletEntry.objects.exists()


def test_ops_wrong_persona_and_method(client, client_of, ops, customer, vn_staff):
    urls = [URL, entry_url(customer), reverse("billing:ops_wallet_group", args=[customer.pk])]
    for url in urls:
        assert client.get(url).status_code == 302
        assert client.post(url, form()).status_code == 302
    for url in urls:
        assert client_of(customer).get(url).status_code == 403
        assert client_of(customer).post(url, form()).status_code == 403
        assert client_of(vn_staff).post(url, form()).status_code == 403
    ops_client = client_of(ops)
    assert ops_client.post(URL).status_code == 405
    assert ops_client.get(urls[1]).status_code == 405 and ops_client.get(urls[2]).status_code == 405
    assert not WalletEntry.objects.exists()


def test_operations_reverse_an_entry_once(client_of, customer, ops, other_customer):
    from django.urls import reverse

    from billing.models import EntryKind, WalletEntry
    from billing.services.wallet import wallet_adjust, wallet_refund, wallet_top_up

    entry = wallet_adjust(customer=customer, amount_vnd=40_000, reason="bù", by=ops, key="adj:ops-rev")
    url = reverse("billing:ops_wallet_reverse", args=[entry.pk])
    assert client_of(other_customer).post(url, {"reason": "x"}).status_code == 403
    client = client_of(ops)
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("billing:ops_wallet_reverse", args=[999999]), {"reason": "x"}).status_code == 404
    )
    client.post(url, {"reason": ""})
    assert not WalletEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    response = client.post(url, {"reason": "chuyển nhầm"})
    assert response.status_code == 302
    client.post(url, {"reason": "lần nữa"})
    reversal = WalletEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversal.amount_vnd == -40_000 and reversal.reverses == entry and reversal.by == ops
    before = client.get(response.url).content.decode()
    assert "ops-reverse-form" not in before  # the adjustment is reversed, and a reversal is not reversed
    wallet_top_up(customer=customer, amount_vnd=10_000, key="t:ops-rev-2")  # a top-up offers no reversal
    wallet_refund(customer=customer, amount_vnd=5_000, reason="hoàn", by=ops, key="ref:ops-rev")
    assert client.get(response.url).content.decode().count('data-testid="ops-reverse-form"') == 1
