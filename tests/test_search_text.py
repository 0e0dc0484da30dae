"""Every search box reads full-width text (review of issue 12: the orders search found nothing for
"ＪＴ３１" typed on a Chinese keyboard): core.search.search_text, applied by SearchTextMiddleware to the
search parameters of every request."""

import unicodedata

import pytest

from consignments.tests.factories import ConsignmentFactory
from consignments.tests.test_list_filters import codes, orders  # noqa: F401 (a fixture)
from core.search import search_text


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ＪＴ３１", "JT31"),
        ("  ｋｇ１０００  ", "kg1000"),
        ("JT\u200b31", "JT31"),  # a zero-width space copied from a chat
        ("Nguy\u1ec5n   Bình", "Nguyễn Bình"),
        (unicodedata.normalize("NFD", "Nguyễn"), "Nguyễn"),  # typed as letters plus combining marks
        ("", ""),
        (None, ""),
    ],
)
def test_search_text(typed, read):
    assert search_text(typed) == read


def test_search_text_cuts_at_the_limit():
    assert search_text("ＡＢＣＤＥ", limit=3) == "ABC"


def test_the_customers_order_list_finds_a_full_width_tracking_number(client_of, customer, orders):  # noqa: F811
    response = client_of(customer).get("/orders/", {"q": full_width("jt3000000003")})
    assert codes(response) == ["KG10000003"]


def test_the_operations_orders_search_finds_a_full_width_code(client_of, ops, customer):
    ConsignmentFactory(customer=customer, code="KG10000031", tracking_code="JT3100000001")
    ConsignmentFactory(customer=customer, code="KG10000032", tracking_code="SF5500000001")
    response = client_of(ops).get("/staff/ops/orders/", {"q": full_width("kg10000031")})
    assert response.status_code == 200
    assert "KG10000031" in response.text and "KG10000032" not in response.text
    assert 'value="kg10000031"' in response.text  # the box shows what was searched


def test_the_customers_search_finds_a_full_width_customer_code(client_of, ops, customer):
    response = client_of(ops).get("/staff/ops/customers/", {"q": "ｙｗ５３２"})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # one match opens their page
        assert str(customer.pk) in response["Location"]
    else:
        assert "YW532" in response.text


def test_other_parameters_are_left_alone(client_of, ops):
    from django.test import RequestFactory

    from core.middleware import SearchTextMiddleware

    seen = {}

    def view(request):
        seen.update(q=request.GET.getlist("q"), page=request.GET.get("page"))
        return None

    SearchTextMiddleware(view)(RequestFactory().get("/", {"q": ["ＪＴ３１", " a  b "], "page": "２"}))
    assert seen == {"q": ["JT31", "a b"], "page": "２"}
