"""Helpers shared by the view tests of every app."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse


def assert_login_redirect(response, path):
    """An anonymous visitor is sent to the login page, which brings them back to `path`."""
    assert response.status_code == 302, response.status_code
    url = urlsplit(response.url)
    assert url.path == reverse("accounts:login")
    assert parse_qs(url.query)["next"] == [path]
