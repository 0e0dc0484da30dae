"""Login throttling (django-axes, accounts/throttling.py): lock after N failures, a clear message, cool-off."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIMIT = settings.AXES_FAILURE_LIMIT
RIGHT = "pw-for-tests-1"


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail(client, username, times, ip="203.0.113.7"):
    return [_login(client, username, "wrong-password", ip) for _n in range(times)]


def test_settings_lock_by_username_and_address_in_the_database_for_a_while():
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60  # nobody is locked out for good
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.throttling.ThrottlingBackend"
    assert "accounts.backends.UserWithWarehouseBackend" in settings.AUTHENTICATION_BACKENDS


def test_failures_below_the_limit_only_say_the_password_is_wrong(client, customer):
    responses = _fail(client, "thubin89x", LIMIT - 1)
    assert all(r.status_code == 200 and r.context["form"].non_field_errors() for r in responses)
    assert 'data-testid="locked-out"' not in responses[-1].text
    assert _login(client, "thubin89x", RIGHT).status_code == 302


def test_the_limit_locks_with_a_clear_message_even_for_the_right_password(client, customer):
    responses = _fail(client, "thubin89x", LIMIT)
    locked = responses[-1]
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.text
    assert "Too many failed attempts" in locked.text and "15 minutes" in locked.text
    assert 'value="thubin89x"' in locked.text  # the username is kept
    assert reverse("accounts:password_reset") in locked.text  # and the way out offered
    assert "123PO" in locked.text  # the branded page, not a bare 403

    right = _login(client, "THUBIN89X", RIGHT)  # case does not matter: the same username
    assert right.status_code == 429 and SESSION_KEY not in client.session


def test_the_lock_is_for_that_username_from_that_address(client, customer, other_customer):
    _fail(client, "thubin89x", LIMIT)
    assert _login(Client(), "thubin89x", RIGHT, ip="198.51.100.2").status_code == 302  # from elsewhere
    assert _login(Client(), "hoang2024", RIGHT).status_code == 302  # someone else from here


def test_after_the_cool_off_the_right_password_works_again(client, customer):
    _fail(client, "thubin89x", LIMIT)
    assert _login(client, "thubin89x", RIGHT).status_code == 429
    later = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)

    response = _login(client, "thubin89x", RIGHT)

    assert response.status_code == 302 and client.session[SESSION_KEY] == str(customer.pk)
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_attempts_during_the_lock_do_not_extend_it(client, ops):
    """Staff (like everyone) are never locked out for good: hammering during the lock does not prolong it."""
    _fail(client, "vanhanh", LIMIT)
    started = AccessAttempt.objects.get().attempt_time
    _fail(client, "vanhanh", 3)
    assert AccessAttempt.objects.get().attempt_time == started


def test_a_success_resets_the_count(client, customer):
    _fail(client, "thubin89x", LIMIT - 1)
    assert _login(client, "thubin89x", RIGHT).status_code == 302
    client.logout()
    responses = _fail(client, "thubin89x", LIMIT - 1)
    assert responses[-1].status_code == 200


def test_the_admin_login_is_throttled_too(client, ops):
    for _n in range(LIMIT):
        response = client.post(
            reverse("admin:login"), {"username": "vanhanh", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 429 and "Too many failed attempts" in response.text


def test_the_test_clients_login_still_works(client, customer):
    """Django's Client.login() authenticates without a request: nothing to throttle, and no error."""
    assert client.login(username="thubin89x", password=RIGHT) is True
    assert client.session[SESSION_KEY] == str(customer.pk)
    assert client.login(username="thubin89x", password="wrong") is False
