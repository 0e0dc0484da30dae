"""The depot counter: find the customer (pickup code or search), see their orders here with what is due,
hand the ticked ones over; unpaid ones only once paid from the wallet; refusals change nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from billing.selectors import balance_of
from billing.services.wallet import wallet_top_up
from consignments.models import Consignment, ConsignmentEvent, ConsignmentStatus, EventKind
from core.errors import DomainError
from delivery.models import Handover, HandoverItem
from delivery.services.handover import handover_create
from delivery.services.pickup import pickup_code_for
from delivery.services.requests import delivery_request_create
from notifications.models import PendingNotification

pytestmark = pytest.mark.django_db

COUNTER = reverse("delivery:counter")
HANDOVER = reverse("delivery:handover")
COST = 51_000  # 2 kg at 24,000 ₫/kg + 3,000 ₫ handling


def status(order):
    return Consignment.objects.values_list("status", flat=True).get(pk=order.pk)


def post_handover(client, customer, orders, **extra):
    data = {
        "customer": customer.pk,
        "orders": [o.pk for o in orders],
        "receiver_name": "Nguyễn Thị B",
        "receiver_phone": "0912345678",
        **{f"due_{o.pk}": getattr(o, "shown_due", 0) for o in orders},
        **extra,
    }
    return client.post(HANDOVER, data)


def nothing_changed(*orders):
    assert not Handover.objects.exists() and not HandoverItem.objects.exists()
    for order in orders:
        assert status(order) == ConsignmentStatus.AWAITING_DELIVERY
    assert not ConsignmentEvent.objects.filter(kind=EventKind.HANDOVER).exists()


# --- the service -----------------------------------------------------------------------------------------


def test_handover_records_who_when_to_whom(customer, vn_staff, at_depot, hn):
    first, second = at_depot(customer, paid=True), at_depot(customer, paid=True)
    code = pickup_code_for(customer=customer, depot=hn)
    done = handover_create(
        depot=hn,
        customer=customer,
        ids=[first.pk, second.pk],
        by=vn_staff,
        receiver_name="Nguyễn Thị B",
        receiver_phone="0912345678",
        pickup_code=code,
    )
    assert (done.depot, done.customer, done.by, done.via, done.pickup_code) == (
        hn,
        customer,
        vn_staff,
        "code",
        code,
    )
    assert {i.consignment_id for i in done.items.all()} == {first.pk, second.pk}
    for order in (first, second):
        assert status(order) == ConsignmentStatus.DELIVERED
        event = ConsignmentEvent.objects.get(consignment=order, kind=EventKind.HANDOVER)
        assert (
            event.data["receiver_name"] == "Nguyễn Thị B" and event.by == vn_staff and event.warehouse == hn
        )
        assert (
            ConsignmentEvent.objects.filter(
                consignment=order, kind=EventKind.STATUS, new_status=ConsignmentStatus.DELIVERED, by=vn_staff
            ).count()
            == 1
        )
    notice = PendingNotification.objects.get(kind="handed_over")
    assert notice.user == customer and sorted(notice.data["codes"]) == sorted([first.code, second.code])


def _refused(**kwargs) -> str:
    with pytest.raises(DomainError) as caught:
        handover_create(receiver_name="B", receiver_phone="0912345678", **kwargs)
    return caught.value.code


def test_unpaid_is_refused_unless_paid_from_the_wallet(customer, vn_staff, at_depot, hn):
    order = at_depot(customer)
    assert _refused(depot=hn, customer=customer, ids=[order.pk], by=vn_staff) == "unpaid"
    nothing_changed(order)
    assert (
        _refused(depot=hn, customer=customer, ids=[order.pk], by=vn_staff, pay_from_wallet=True)
        == "insufficient"
    )
    nothing_changed(order)
    wallet_top_up(customer=customer, amount_vnd=60_000, key="bank:1")
    assert (
        _refused(
            depot=hn, customer=customer, ids=[order.pk], by=vn_staff, pay_from_wallet=True, expected_pay_vnd=1
        )
        == "changed"
    )
    assert balance_of(customer) == 60_000
    done = handover_create(
        depot=hn,
        customer=customer,
        ids=[order.pk],
        by=vn_staff,
        receiver_name="B",
        receiver_phone="0912345678",
        pay_from_wallet=True,
        expected_pay_vnd=COST,
    )
    assert done.paid_at_counter_vnd == COST and balance_of(customer) == 60_000 - COST
    assert status(order) == ConsignmentStatus.DELIVERED and done.via == "search"


def test_refusals(customer, other_customer, vn_staff, hcm_staff, at_depot, hn, hcm):
    mine, theirs = at_depot(customer, paid=True), at_depot(other_customer, paid=True)
    far = at_depot(customer, paid=True, staff=hcm_staff)
    assert _refused(depot=hn, customer=customer, ids=[mine.pk, theirs.pk], by=vn_staff) == "not_theirs"
    assert _refused(depot=hn, customer=customer, ids=[far.pk], by=vn_staff) == "not_here"
    assert _refused(depot=hn, customer=customer, ids=[], by=vn_staff) == "empty"
    assert _refused(depot=hn, customer=customer, ids=[10**9], by=vn_staff) == "not_theirs"
    with pytest.raises(DomainError):
        handover_create(
            depot=hn, customer=customer, ids=[mine.pk], by=vn_staff, receiver_name=" ", receiver_phone=""
        )
    nothing_changed(mine, theirs, far)


def test_an_order_in_an_open_delivery_request_is_not_handed_over(customer, vn_staff, at_depot, hn):
    order = at_depot(customer, paid=True)
    delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghn"
    )
    assert _refused(depot=hn, customer=customer, ids=[order.pk], by=vn_staff) == "in_request"


def test_handing_over_twice_is_refused(customer, vn_staff, at_depot, hn):
    order = at_depot(customer, paid=True)
    handover_create(
        depot=hn,
        customer=customer,
        ids=[order.pk],
        by=vn_staff,
        receiver_name="B",
        receiver_phone="0912345678",
    )
    with pytest.raises(DomainError) as caught, translation.override("en"):
        handover_create(
            depot=hn,
            customer=customer,
            ids=[order.pk],
            by=vn_staff,
            receiver_name="B",
            receiver_phone="0912345678",
        )
    assert caught.value.code == "not_here" and "handed over just now" in str(caught.value)
    assert Handover.objects.count() == 1


# --- the pages -------------------------------------------------------------------------------------------


def test_scanning_the_code_shows_the_customers_orders_here(
    client_of, english, customer, vn_staff, at_depot, hn, hcm_staff
):
    paid, unpaid = at_depot(customer, paid=True), at_depot(customer)
    far = at_depot(customer, paid=True, staff=hcm_staff)
    code = pickup_code_for(customer=customer, depot=hn)
    response = client_of(vn_staff).post(COUNTER, {"q": code.qr_payload})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["outcome"] == "ok"
    assert response.context["customer"] == customer and response.context["pickup_code"] == code
    assert {o.pk for o in response.context["orders"]} == {paid.pk, unpaid.pk}
    assert far.code not in html
    assert (
        'data-testid="counter-paid"' in html
        and 'data-testid="counter-unpaid"' in html
        and "51.000\u00a0₫" in html
    )
    assert f'name="due_{unpaid.pk}" value="{COST}"' in html and f'name="due_{paid.pk}" value="0"' in html
    assert 'name="pay_from_wallet"' in html and 'data-delivery-outcome="ok"' in html


def test_the_panel_alone_for_htmx(client_of, customer, vn_staff, at_depot, hn):
    at_depot(customer, paid=True)
    response = client_of(vn_staff).post(COUNTER, {"q": "YW532"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="counter-panel"') and "<html" not in html


@pytest.mark.parametrize(
    ("make", "words"),
    [
        ("other_depot", "not at this depot"),
        ("expired", "has expired"),
        ("unknown", "No pickup code has these digits"),
        ("huge", "10.240 characters were read"),
    ],
)
def test_refused_scans_say_why_with_their_sound(
    client_of, english, customer, vn_staff, at_depot, hn, hcm, make, words
):
    from datetime import timedelta

    from django.utils import timezone

    from delivery.models import PickupCode

    at_depot(customer, paid=True)
    if make == "other_depot":
        raw = pickup_code_for(customer=customer, depot=hcm).qr_payload
    elif make == "expired":
        code = pickup_code_for(customer=customer, depot=hn)
        PickupCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        raw = code.code
    elif make == "unknown":
        taken = set(PickupCode.objects.values_list("code", flat=True))
        raw = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in taken)
    else:
        raw = "9" * 10_240
    response = client_of(vn_staff).post(COUNTER, {"q": raw})
    html = response.content.decode()
    assert response.context["outcome"] == "refused" and 'data-delivery-outcome="refused"' in html
    assert 'data-testid="counter-error"' in html and words in html
    assert response.context["customer"] is None


def test_handing_over_from_the_page(client_of, english, customer, vn_staff, at_depot, hn):
    first, second = at_depot(customer, paid=True), at_depot(customer, paid=True)
    code = pickup_code_for(customer=customer, depot=hn)
    response = post_handover(client_of(vn_staff), customer, [first], pickup_code=code.pk)
    html = response.content.decode()
    assert response.status_code == 200 and response.context["outcome"] == "ok"
    assert 'data-testid="counter-done"' in html and f"{first.code} handed over to Nguyễn Thị B" in html
    assert (
        status(first) == ConsignmentStatus.DELIVERED and status(second) == ConsignmentStatus.AWAITING_DELIVERY
    )
    assert [o.pk for o in response.context["orders"]] == [second.pk]
    handover = Handover.objects.get()
    assert (
        handover.pickup_code == code and handover.receiver_phone == "0912345678" and handover.by == vn_staff
    )


def test_unpaid_on_the_page_then_paid_from_the_wallet(client_of, english, customer, vn_staff, at_depot):
    order = at_depot(customer)
    order.shown_due = COST
    client = client_of(vn_staff)
    response = post_handover(client, customer, [order])
    assert "Not paid yet" in response.content.decode() and response.context["outcome"] == "refused"
    nothing_changed(order)
    wallet_top_up(customer=customer, amount_vnd=COST, key="bank:1")
    response = post_handover(client, customer, [order], pay_from_wallet="on")
    assert (
        response.context["outcome"] == "ok"
        and "51.000\u00a0₫ paid from the wallet" in response.content.decode()
    )
    assert status(order) == ConsignmentStatus.DELIVERED and balance_of(customer) == 0


def test_another_customers_order_posted_is_refused(
    client_of, english, customer, other_customer, vn_staff, at_depot
):
    mine, theirs = at_depot(customer, paid=True), at_depot(other_customer, paid=True)
    response = post_handover(client_of(vn_staff), customer, [mine, theirs])
    assert response.context["outcome"] == "refused" and "not this customer's" in response.context["error"]
    nothing_changed(mine, theirs)


def test_bad_posts_change_nothing(client_of, english, customer, vn_staff, at_depot):
    order = at_depot(customer, paid=True)
    client = client_of(vn_staff)
    assert client.post(HANDOVER, {"customer": "x" * 10_240, "orders": [order.pk]}).status_code == 404
    assert client.post(HANDOVER, {"customer": vn_staff.pk, "orders": [order.pk]}).status_code == 404
    response = client.post(
        HANDOVER,
        {
            "customer": customer.pk,
            "orders": ["1 OR 1=1"],
            "receiver_name": "B",
            "receiver_phone": "0912345678",
        },
    )
    assert response.context["outcome"] == "refused"
    response = post_handover(client, customer, [order], receiver_phone="x" * 10_240)
    assert response.context["outcome"] == "refused"
    nothing_changed(order)


def test_staff_of_another_depot_cannot_hand_over_here(client_of, english, customer, hcm_staff, at_depot):
    order = at_depot(customer, paid=True)
    response = post_handover(client_of(hcm_staff), customer, [order])
    assert response.context["outcome"] == "refused" and "not at this depot" in response.content.decode()
    nothing_changed(order)
    response = client_of(hcm_staff).get(COUNTER, {"customer": customer.pk})
    assert response.context["orders"] == []


def test_opening_a_customer_by_id(client_of, customer, vn_staff, at_depot):
    at_depot(customer, paid=True)
    client = client_of(vn_staff)
    assert client.get(COUNTER, {"customer": customer.pk}).context["customer"] == customer
    assert client.get(COUNTER, {"customer": vn_staff.pk}).status_code == 404
    assert client.get(COUNTER).context["customer"] is None


@pytest.mark.parametrize("url", [COUNTER, HANDOVER])
@pytest.mark.parametrize("persona", ["customer", "cn_staff"])
def test_wrong_persona(request, client_of, url, persona):
    assert client_of(request.getfixturevalue(persona)).post(url, {}).status_code == 403


def test_wrong_methods(client_of, vn_staff):
    client = client_of(vn_staff)
    assert client.get(HANDOVER).status_code == 405
    assert client.put(COUNTER).status_code == 405
