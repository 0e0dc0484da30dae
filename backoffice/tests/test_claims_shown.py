"""Claims, from the claims app, on the dashboard, the customer's and the order's pages and in the audit."""

import pytest
from django.urls import reverse

from billing.tests.factories import (
    CustomerGroupFactory,
    ExchangeRateFactory,
    FeeScheduleFactory,
    awaiting_order,
)

claims_services = pytest.importorskip("claims.services")


@pytest.fixture
def claim(customer, ops):
    CustomerGroupFactory()
    ExchangeRateFactory()
    FeeScheduleFactory()
    order = awaiting_order(customer)
    claim = claims_services.claim_open(
        customer=customer,
        consignment=order,
        kind="damaged",
        description="Hộp bị móp",
        amount_asked_vnd=100_000,
    )
    return claims_services.claim_accept(claim=claim, by=ops)


def test_claims_everywhere(client_of, ops, claim, english):
    client = client_of(ops)
    html = client.get(reverse("backoffice:dashboard")).content.decode()
    assert 'data-testid="count-claims">1<' in html
    link = f'href="{reverse("claims:ops_detail", args=[claim.pk])}">{claim.code}</a>'  # KN000001, a link
    assert claim.code == f"KN{claim.pk:06d}"
    assert link in client.get(reverse("backoffice:customer", args=[claim.customer_id])).content.decode()
    assert link in client.get(reverse("backoffice:order", args=[claim.consignment_id])).content.decode()
    audit = client.get(reverse("backoffice:audit"), {"what": "claim"}).content.decode()
    assert audit.count('data-source="claim"') >= 2  # opened, accepted
    assert reverse("claims:ops_detail", args=[claim.pk]) in audit
