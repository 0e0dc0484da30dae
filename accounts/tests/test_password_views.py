"""Password reset by e-mail and password change (accounts/password_views.py).

Each URL: anonymous, wrong persona, right persona, wrong method. Pages in English (the `english` fixture).
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.testing import assert_login_redirect

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PASSWORD = "Hang-Bac-77-moi!"
LINK_RE = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _no_recent_reset_mail():
    """The one-mail-a-minute guard lives in the cache, which outlives a test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def with_email(customer):
    customer.email = "thu.binh@example.com"
    customer.language = "vi"
    customer.save()
    return customer


def _reset_link(message) -> str:
    return LINK_RE.search(message.body).group(1)


def _ask_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


# --- asking for a link -----------------------------------------------------------------------------------


def test_anyone_can_open_the_reset_page_and_the_login_page_links_to_it(client):
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).text
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200 and 'name="email"' in page.text


def test_a_reset_link_is_mailed_in_the_users_language(
    client, with_email, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import translation

    from accounts import tasks

    languages = []
    real_render = tasks.render_to_string
    monkeypatch.setattr(
        tasks,
        "render_to_string",
        lambda *a, **kw: languages.append(translation.get_language()) or real_render(*a, **kw),
    )
    response = _ask_reset(client, "THU.BINH@example.com", django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["thu.binh@example.com"]
    assert "123PO" in message.subject
    assert "thubin89x" in message.body
    assert languages == ["vi", "vi"]  # subject and body in Vietnamese, as she chose (the page was in English)
    assert LINK_RE.search(message.body)
    done = client.get(response.url)
    assert "If an account uses this address" in done.text


@pytest.mark.parametrize("email", ["nobody@example.com", ""])
def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, with_email, email, django_capture_on_commit_callbacks
):
    known = _ask_reset(Client(), "thu.binh@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert known.status_code == 302
    response = _ask_reset(client, email, django_capture_on_commit_callbacks)
    if email:
        assert response.status_code == known.status_code == 302 and response.url == known.url
    else:
        assert response.status_code == 200 and "email" in response.context["form"].errors
    assert mail.outbox == []


def test_one_mail_a_minute_per_account(client, with_email, django_capture_on_commit_callbacks):
    first = _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    second = _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    assert first.status_code == second.status_code == 302 and first.url == second.url  # the same answer
    assert len(mail.outbox) == 1


def test_an_inactive_user_gets_no_mail(client, with_email, django_capture_on_commit_callbacks):
    User.objects.filter(pk=with_email.pk).update(is_active=False)
    _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_the_reset_request_is_post_or_get_only(client):
    assert client.put(reverse("accounts:password_reset")).status_code == 405
    assert client.delete(reverse("accounts:password_reset_done")).status_code == 405


# --- following the link ----------------------------------------------------------------------------------


def test_the_link_sets_a_new_password_once(client, with_email, django_capture_on_commit_callbacks):
    _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    link = _reset_link(mail.outbox[0])

    form = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    assert form.status_code == 200 and form.context["validlink"]
    assert "thubin89x" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    with_email.refresh_from_db()
    assert with_email.check_password(NEW_PASSWORD)
    assert "Log in with the new password" in client.get(done.url).text

    fresh = Client()
    fresh.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # another browser, also in English
    again = fresh.get(link, follow=True)
    assert again.status_code == 200 and not again.context["validlink"]
    assert "This link no longer works" in again.text


def test_a_forged_link_is_refused(client, with_email, other_customer):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(with_email.pk))
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, "abc-123"]), follow=True)
    assert response.status_code == 200 and not response.context["validlink"]


def test_the_link_is_get_or_post_only(client, with_email):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(with_email.pk))
    path = reverse(
        "accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(with_email)]
    )
    assert client.put(path).status_code == 405
    assert client.delete(path).status_code == 405


def test_a_link_for_one_user_does_not_work_for_another(client, with_email, other_customer):
    """The token is bound to its user: put another user's id in the link, and it is refused."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    token = default_token_generator.make_token(with_email)
    uid = urlsafe_base64_encode(force_bytes(other_customer.pk))
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    assert not response.context["validlink"]


def test_a_weak_new_password_is_refused_and_the_old_one_kept(
    client, with_email, django_capture_on_commit_callbacks
):
    _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    form = client.get(_reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    with_email.refresh_from_db()
    assert with_email.check_password("pw-for-tests-1")


def test_the_complete_page_is_get_only(client):
    assert client.post(reverse("accounts:password_reset_complete")).status_code == 405


# --- change password (signed in) -------------------------------------------------------------------------


def test_anonymous_cannot_change_a_password(client):
    path = reverse("accounts:password_change")
    assert_login_redirect(client.get(path), path)
    assert_login_redirect(client.post(path, {}), path)


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff", "ops"])
def test_everyone_changes_their_own_password_and_other_sessions_end(request, client_of, persona):
    user = request.getfixturevalue(persona)
    other_device = Client()
    other_device.force_login(user)
    client = client_of(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-for-tests-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200  # this browser stays in
    assert other_device.get(reverse("accounts:profile")).status_code == 302  # the other one is out


def test_a_wrong_old_password_changes_nothing(client_of, customer, other_customer):
    response = client_of(customer).post(
        reverse("accounts:password_change"),
        {"old_password": "not-mine", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    customer.refresh_from_db()
    other_customer.refresh_from_db()
    assert customer.check_password("pw-for-tests-1") and other_customer.check_password("pw-for-tests-1")


def test_change_password_wrong_method(client_of, customer):
    assert client_of(customer).put(reverse("accounts:password_change")).status_code == 405


def test_a_reset_by_email_clears_a_login_lockout(client, with_email, django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt

    for _n in range(5):
        client.post(reverse("accounts:login"), {"username": "thubin89x", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="thubin89x").exists()
    _ask_reset(client, "thu.binh@example.com", django_capture_on_commit_callbacks)
    form = client.get(_reset_link(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username="thubin89x").exists()
    response = client.post(reverse("accounts:login"), {"username": "thubin89x", "password": NEW_PASSWORD})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(with_email.pk)
