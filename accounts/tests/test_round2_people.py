"""Round 2: e-mail addresses belong to one account; the login page says how many attempts are left; the
Django admin answers a signed-in non-superuser with our 403 page."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.emails import normalize_email
from accounts.tests.factories import CustomerFactory, OperationsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_domain_is_lower_cased():
    assert normalize_email("  Lan@Example.VN ") == "Lan@example.vn"


def test_profile_refuses_an_address_another_account_uses_whatever_its_case(client_of, customer):
    CustomerFactory(username="khac1", email="lan@example.vn")
    client = client_of(customer)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"first_name": "Bình", "email": "LAN@Example.vn", "phone": "", "language": ""},
    )
    assert response.status_code in (200, 400)
    assert "Another account already uses this e-mail" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email.lower() != "lan@example.vn"


def test_profile_keeps_ones_own_address_and_lowercases_its_domain(client_of, customer):
    client = client_of(customer)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"first_name": "Bình", "email": "Binh@Example.VN", "phone": "", "language": ""},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "Binh@example.vn"


def test_sign_up_refuses_a_taken_address(client):
    CustomerFactory(username="khac1", email="lan@example.vn")
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "moi123",
            "email": "Lan@EXAMPLE.vn",
            "password1": "a-long-pass-Word-9",
            "password2": "a-long-pass-Word-9",
        },
    )
    assert "Another account already uses this e-mail" in response.content.decode()


def _login(client, username, password):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="203.0.113.9"
    )


def test_after_three_failures_the_page_says_how_many_attempts_are_left(client, customer):
    for _n in range(2):
        assert 'data-testid="attempts-left"' not in _login(client, customer.username, "wrong").text
    response = _login(client, customer.username.upper(), "wrong")
    left = settings.AXES_FAILURE_LIMIT - 3
    assert 'data-testid="attempts-left"' in response.text
    assert f"{left} attempt" in response.text and "15 minutes" in response.text


def test_a_non_superuser_in_the_admin_gets_our_403(client):
    ops = OperationsFactory(username="vanhanh3", is_staff=True, is_superuser=False)
    client.force_login(ops)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "This page is not for your account" in response.content.decode()


def test_anonymous_still_gets_the_admin_login(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200 and "/admin/login/" in response.redirect_chain[-1][0]


def test_a_superuser_still_gets_in(client):
    client.force_login(OperationsFactory(username="sieuquan2"))
    assert client.get("/admin/").status_code == 200
