"""Helpers shared by the view tests of every app."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse


def assert_login_redirect(response, path):
    """An anonymous visitor is sent to the login page, which brings them back to `path`."""
    assert response.status_code == 302, response.status_code
    url = urlsplit(response.url)
    assert url.path == reverse("accounts:login")
    assert parse_qs(url.query)["next"] == [path]


def run_threads(count, target):
    """Run target(i) for i in range(count) in real threads released together; returns (results, errors).

    Each thread closes its database connections at the end (race tests run on PostgreSQL, transaction=True).
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results.append(target(i))
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
