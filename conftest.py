"""Shared fixtures: the standard personas (STYLE.md) and the service switches.

On a laptop, tests that need PostgreSQL, Redis or Chromium skip with a reason. With REQUIRE_SERVICES=1
(CI sets it) a missing service is a failure, so nothing is skipped silently.
"""

import os

import pytest

from accounts.tests.factories import (
    ChinaStaffFactory,
    CustomerFactory,
    OperationsFactory,
    VietnamStaffFactory,
)
from addresses.tests.factories import DeliveryAddressFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a service is missing, unless CI requires every service: then fail."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def customer(db):
    """A customer with a default Vietnam delivery address."""
    user = CustomerFactory(username="thubin89x", customer_code="YW532")
    DeliveryAddressFactory(customer=user, is_default=True)
    return user


@pytest.fixture
def other_customer(db):
    user = CustomerFactory(username="hoang2024", customer_code="KM748")
    DeliveryAddressFactory(customer=user, is_default=True)
    return user


@pytest.fixture
def new_customer(db):
    """Signed up a minute ago: no address yet."""
    return CustomerFactory(username="moitoi", customer_code="PQ365")


@pytest.fixture
def cn_staff(db):
    return ChinaStaffFactory(username="khotq")


@pytest.fixture
def vn_staff(db):
    return VietnamStaffFactory(username="khohn")


@pytest.fixture
def ops(db):
    return OperationsFactory(username="vanhanh")


@pytest.fixture
def client_of(client):
    """client_of(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def english(client):
    """English for this test client's pages and for what the test calls directly (services, forms), so
    assertions do not depend on the Vietnamese wording, nor on the language an earlier test's request left
    active in this thread."""
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_fee_schedule_cache():
    """billing.selectors caches published schedule versions by id for the process; a test database
    rolled back reuses ids, so each test starts with the cache empty."""
    from billing import selectors

    selectors._published_terms.clear()
