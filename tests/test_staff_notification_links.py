"""Staff receive no notification yet (every kind goes to a customer) and /notifications/ is the customer's
inbox (403 for staff): the menus offer staff no "Notification settings" link, and the settings page, if a
staff member opens it, says so (review of issue 12, item 10)."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SETTINGS = reverse("notifications:settings")


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
def test_staff_menus_have_no_notification_settings(request, client_of, persona):
    client = client_of(request.getfixturevalue(persona))
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert SETTINGS not in profile.text
    assert client.get(reverse("notifications:list")).status_code == 403
    page = client.get(SETTINGS)
    assert 'data-testid="staff-no-notifications"' in page.text


def test_a_customer_still_finds_them(client_of, customer):
    client = client_of(customer)
    assert SETTINGS in client.get(reverse("accounts:profile")).text
    assert SETTINGS in client.get(reverse("notifications:list")).text
    assert 'data-testid="staff-no-notifications"' not in client.get(SETTINGS).text
