"""Branded error pages (templates/400.html … 500.html, errors/base.html) and the CSRF failure page.

The test settings run with DEBUG = False, as production does, so Django renders these templates.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.usefixtures("english")


def _branded(response, status):
    assert response.status_code == status
    text = response.content.decode()
    assert 'data-testid="error-page"' in text
    assert "123PO" in text
    assert "<html lang=" in text
    return text


@pytest.mark.django_db
def test_404_page(client):
    text = _branded(client.get("/no-such-page/"), 404)
    assert "We cannot find this page" in text and 'href="/"' in text


@pytest.mark.django_db
def test_403_page_for_the_wrong_kind_of_user(client_of, customer):
    text = _branded(client_of(customer).get(reverse("warehouse:scan")), 403)
    assert "This page is not for your account" in text


@pytest.mark.django_db
def test_400_page_for_a_host_we_do_not_serve(client):
    text = _branded(client.get("/", HTTP_HOST="evil.example"), 400)
    assert "We could not read this request" in text


@pytest.mark.django_db
def test_400_page_for_a_zero_byte(client_of, customer):
    text = _branded(client_of(customer).get("/tracking/?q=abc%00def"), 400)
    assert "We could not read this request" in text


@pytest.mark.django_db
@pytest.mark.urls("accounts.tests.error_urls")
def test_500_page_for_a_bug():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    text = _branded(client.get("/broken-for-tests/"), 500)
    assert "Something went wrong on our side" in text


def test_500_page_renders_without_database_or_context_processors():
    """pytest-django refuses database access here: the page must not need it."""
    request = RequestFactory().get("/")
    text = _branded(defaults.server_error(request), 500)
    assert "Something went wrong on our side" in text


@pytest.mark.django_db
def test_the_error_pages_are_translatable(client):
    client.cookies["django_language"] = "vi"
    assert '<html lang="vi">' in client.get("/no-such-page/").content.decode()


# --- CSRF failure ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_without_its_token_gets_a_friendly_page_that_leads_back(customer):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    client.get(reverse("accounts:login"))  # a CSRF cookie, but the form's token is missing
    login = "http://testserver" + reverse("accounts:login")
    response = client.post(
        reverse("accounts:login"), {"username": "thubin89x", "password": "pw-for-tests-1"}, HTTP_REFERER=login
    )
    text = _branded(response, 403)
    assert "This form has expired" in text and "Nothing was saved" in text
    assert "Go back and try again" in text and f'href="{reverse("accounts:login")}"' in text


@pytest.mark.django_db
def test_without_cookies_the_page_says_so_and_ignores_a_foreign_referer():
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:login"), {}, HTTP_REFERER="https://evil.example/phish")
    text = _branded(response, 403)
    assert "Allow cookies for this site" in text
    assert "evil.example" not in text and "history.back()" in text
