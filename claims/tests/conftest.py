"""Claims fixtures: a priced order awaiting delivery with declared goods, a second operations person, photos."""

import io

import pytest

from accounts.tests.factories import OperationsFactory
from billing.tests.factories import (
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
    awaiting_order,
)
from consignments.models import Consignment


@pytest.fixture
def schedule(db):
    CustomerGroupFactory()
    ExchangeRateFactory()  # 3,650 ₫ per CNY
    return FeeScheduleFactory()


@pytest.fixture
def order(customer, schedule):
    """Chờ giao, 2 kg priced by the schedule; 2 × 1,000 CNY declared = 7,300,000 ₫ (a refund may be at most
    that plus the charges)."""
    order = awaiting_order(customer)
    Consignment.objects.filter(pk=order.pk).update(
        goods_vi="Áo khoác", goods_quantity=2, goods_unit_value_fen=100_000
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def ops2(db):
    return OperationsFactory(username="vanhanh2")


def photo(name="damage.png", size=(40, 30), fmt="PNG"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def claim(order):
    from claims.services import claim_open

    return claim_open(
        customer=order.customer,
        consignment=order,
        kind="damaged",
        description="Hộp bị móp, áo rách",
        amount_asked_vnd=500_000,
        photos=[photo()],
    )


@pytest.fixture
def in_review(claim, ops):
    from claims.services import claim_accept

    return claim_accept(claim=claim, by=ops)
