"""Editing one's own profile, and logging out on every device (accounts/profile_views.py)."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.testing import assert_login_redirect

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def profile_data(**overrides):
    data = {
        "first_name": "Thu Bình",
        "email": "thu@example.com",
        "phone": "+84 912 345 678",
        "language": "zh-hans",
    }
    data.update(overrides)
    return data


# --- edit profile ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:profile_edit", "accounts:logout_everywhere"])
def test_anonymous_is_sent_to_login(client, name):
    path = reverse(name)
    assert_login_redirect(client.get(path), path)
    assert_login_redirect(client.post(path, profile_data()), path)


def test_the_profile_links_to_its_edit_password_and_logout_everywhere(client_of, customer):
    text = client_of(customer).get(reverse("accounts:profile")).text
    for name in ("accounts:profile_edit", "accounts:password_change", "accounts:logout_everywhere"):
        assert reverse(name) in text


def test_a_customer_edits_their_profile(client_of, customer, other_customer):
    client = client_of(customer)
    form = client.get(reverse("accounts:profile_edit"))
    assert form.status_code == 200 and 'name="phone"' in form.text and 'name="username"' not in form.text

    response = client.post(reverse("accounts:profile_edit"), profile_data())

    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.phone, customer.language) == (
        "Thu Bình",
        "thu@example.com",
        "0912345678",  # stored in the national form
        "zh-hans",
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"  # the pages follow at once
    other_customer.refresh_from_db()
    assert other_customer.first_name != "Thu Bình" and other_customer.phone != "0912345678"


def test_a_bad_phone_is_refused_and_nothing_typed_is_lost(client_of, customer):
    response = client_of(customer).post(reverse("accounts:profile_edit"), profile_data(phone="0412 345 678"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "Enter a Vietnamese phone number" in response.text
    assert 'value="Thu Bình"' in response.text and 'value="0412 345 678"' in response.text
    customer.refresh_from_db()
    assert customer.first_name != "Thu Bình" and customer.language == ""


def test_the_username_role_and_warehouse_cannot_be_changed_here(client_of, cn_staff):
    warehouse = cn_staff.warehouse_id
    client_of(cn_staff).post(
        reverse("accounts:profile_edit"),
        profile_data(username="hacker", role="ops", warehouse="", is_staff="on", is_superuser="on"),
    )
    cn_staff.refresh_from_db()
    assert (cn_staff.username, cn_staff.role, cn_staff.warehouse_id) == ("khotq", "cn_staff", warehouse)
    assert not cn_staff.is_staff and not cn_staff.is_superuser
    assert cn_staff.phone == "0912345678"  # what they may change, changed


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
def test_staff_edit_their_own_profile(request, client_of, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).post(reverse("accounts:profile_edit"), profile_data(language="", phone=""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Thu Bình" and user.phone == "" and user.language == ""


def test_edit_profile_wrong_method(client_of, customer):
    assert client_of(customer).put(reverse("accounts:profile_edit")).status_code == 405


def test_signup_also_checks_and_normalises_the_phone(client):
    data = {"username": "lanphuong", "password1": "Kygui-2024-mat-khau!", "password2": "Kygui-2024-mat-khau!"}
    refused = client.post(reverse("accounts:signup"), {**data, "phone": "12345"})
    assert refused.status_code == 200 and "phone" in refused.context["form"].errors
    client.post(reverse("accounts:signup"), {**data, "phone": "84 912 345 678"})
    assert User.objects.get(username="lanphuong").phone == "0912345678"


# --- log out everywhere ----------------------------------------------------------------------------------


def test_log_out_everywhere_ends_every_session_of_the_user_only(client_of, customer, other_customer):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"  # as in production
    phone, laptop, someone_else = Client(), Client(), Client()
    for device in (phone, laptop, someone_else):
        device.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    phone.force_login(customer)
    laptop.force_login(customer)
    someone_else.force_login(other_customer)
    assert phone.get(reverse("accounts:profile")).status_code == 200

    response = laptop.post(reverse("accounts:logout_everywhere"))

    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert SESSION_KEY not in laptop.session
    assert "You have been logged out on every device" in laptop.get(response.url).text
    assert_login_redirect(phone.get(reverse("accounts:profile")), reverse("accounts:profile"))
    assert someone_else.get(reverse("accounts:profile")).status_code == 200
    # A new login works as before, and stays.
    laptop.force_login(User.objects.get(pk=customer.pk))
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_log_out_everywhere_is_post_only(client_of, customer):
    client = client_of(customer)
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
    assert client.session[SESSION_KEY] == str(customer.pk)


def test_sessions_made_before_the_salt_existed_stay_valid(customer):
    """An empty salt gives Django's own hash: deploying the field logs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert customer.session_salt == ""
    assert customer.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(customer)
