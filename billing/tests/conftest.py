import pytest

from billing.tests.factories import CustomerGroupFactory, ExchangeRateFactory, FeeScheduleFactory


@pytest.fixture
def schedule(db):
    """A published fee schedule in force since yesterday (Hà Nội brackets of MONEY.md), a CNY rate of
    3,650 ₫ and a default group with no discount."""
    CustomerGroupFactory()
    ExchangeRateFactory()
    return FeeScheduleFactory()
