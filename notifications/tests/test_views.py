"""View tests for notifications: the list, opening one, marking all read, and the bell count."""

import pytest
from django.urls import reverse

from core.testing import assert_login_redirect
from notifications.models import Notification, NotificationKind
from notifications.tests.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def mine(customer):
    return NotificationFactory(
        user=customer, consignment__code="KG10000001", consignment__tracking_code="SF100000000001"
    )


@pytest.fixture
def theirs(other_customer):
    return NotificationFactory(
        user=other_customer,
        consignment__code="KG20000002",
        consignment__tracking_code="SF200000000002",
    )


def urls(notification):
    return [
        ("get", reverse("notifications:list")),
        ("get", reverse("notifications:open", args=[notification.pk])),
        ("post", reverse("notifications:mark_all_read")),
    ]


# --- who may open what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", [0, 1, 2], ids=["list", "open", "read-all"])
def test_anonymous_is_sent_to_login(client, mine, which):
    method, path = urls(mine)[which]
    assert_login_redirect(getattr(client, method)(path), path)
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
@pytest.mark.parametrize("which", [0, 1, 2], ids=["list", "open", "read-all"])
def test_staff_are_refused(request, client_of, mine, persona, which):
    method, path = urls(mine)[which]
    response = getattr(client_of(request.getfixturevalue(persona)), method)(path)
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_refuses_get(client_of, customer, mine):
    response = client_of(customer).get(reverse("notifications:mark_all_read"))
    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# --- the list --------------------------------------------------------------------------------------------


def test_list_shows_my_notifications_only(client_of, customer, mine, theirs):
    awaiting = NotificationFactory(
        user=customer, kind=NotificationKind.AWAITING_DELIVERY, consignment=mine.consignment
    )

    response = client_of(customer).get(reverse("notifications:list"))

    assert response.status_code == 200
    assert set(response.context["page"]) == {mine, awaiting}
    text = response.text
    assert "Your parcel SF100000000001 arrived at the China warehouse: order KG10000001." in text
    assert "Order KG10000001 is at the Vietnam depot, awaiting delivery (Chờ giao)." in text
    assert "KG20000002" not in text and "SF200000000002" not in text
    assert reverse("notifications:open", args=[theirs.pk]) not in text
    assert text.count('data-testid="notification"') == 2


def test_list_empty_state(client_of, customer, theirs):
    response = client_of(customer).get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "No notifications yet." in response.text
    assert 'data-testid="notification"' not in response.text


# --- opening one -----------------------------------------------------------------------------------------


def test_open_marks_it_read_and_goes_to_the_order(client_of, customer, mine):
    other_unread = NotificationFactory(user=customer)

    response = client_of(customer).get(reverse("notifications:open", args=[mine.pk]))

    assert response.status_code == 302
    assert response.url == reverse("consignments:detail", args=["KG10000001"])
    mine.refresh_from_db()
    other_unread.refresh_from_db()
    assert mine.read_at is not None
    assert other_unread.read_at is None  # only the one opened


def test_open_without_an_order_goes_to_the_list(client_of, customer):
    note = NotificationFactory(user=customer, consignment=None)
    response = client_of(customer).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    note.refresh_from_db()
    assert note.read_at is not None


def test_open_a_withdrawn_registration_notice_goes_to_the_tracking_list(client_of, customer):
    note = NotificationFactory(
        user=customer,
        consignment=None,
        kind=NotificationKind.TRACKING_WITHDRAWN,
        tracking_code="SF1234567890123",
    )
    response = client_of(customer).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == reverse("tracking:list")
    page = client_of(customer).get(reverse("notifications:list")).content.decode()
    assert "SF1234567890123" in page


def test_open_another_customers_notification_is_404(client_of, customer, theirs):
    response = client_of(customer).get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_unknown_notification_is_404(client_of, customer):
    assert client_of(customer).get(reverse("notifications:open", args=[999999])).status_code == 404


# --- mark all read ---------------------------------------------------------------------------------------


def test_mark_all_read_marks_only_mine(client_of, customer, mine, theirs):
    second = NotificationFactory(user=customer)

    response = client_of(customer).post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302 and response.url == reverse("notifications:list")
    assert not Notification.objects.filter(user=customer, read_at__isnull=True).exists()
    mine.refresh_from_db()
    second.refresh_from_db()
    assert mine.read_at and second.read_at
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- the bell --------------------------------------------------------------------------------------------


def test_bell_counts_my_unread_notifications(client_of, customer, mine, theirs):
    NotificationFactory(user=customer)
    client = client_of(customer)

    page = client.get(reverse("home"))
    assert page.context["unread_notifications"] == 2
    assert 'data-testid="bell-count">2</span>' in page.text

    client.get(reverse("notifications:open", args=[mine.pk]))
    page = client.get(reverse("notifications:list"))
    assert page.context["unread_notifications"] == 1
    assert 'data-testid="bell-count">1</span>' in page.text

    client.post(reverse("notifications:mark_all_read"))
    page = client.get(reverse("notifications:list"))
    assert page.context["unread_notifications"] == 0
    assert 'data-testid="bell-count"' not in page.text


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff"])
def test_staff_have_no_bell(request, client_of, persona):
    NotificationFactory()
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "unread_notifications" not in response.context
    assert 'data-testid="bell"' not in response.text


def test_stale_registration_notice_names_the_code_and_opens(client_of, customer):
    from tracking.tests.factories import TrackingNumberFactory

    tracking = TrackingNumberFactory(customer=customer, code="SF555555555555")
    note = NotificationFactory(
        user=customer, kind=NotificationKind.TRACKING_STALE, consignment=None, tracking=tracking
    )
    client = client_of(customer)

    listing = client.get(reverse("notifications:list"))
    assert "Tracking number SF555555555555 was registered" in listing.text

    opened = client.get(reverse("notifications:open", args=[note.pk]), follow=True)
    assert opened.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None
