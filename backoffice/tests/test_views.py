"""Every page of the operations portal: anonymous → login, customers and warehouse staff → 403, operations
→ 200, the wrong HTTP method → 405; and an unknown object → 404."""

import pytest
from django.urls import reverse

from accounts.tests.factories import ChinaStaffFactory
from core.testing import assert_login_redirect


@pytest.fixture
def urls(db, customer, cn_staff):
    """(url name, path, allowed methods) for every URL of the portal."""
    from consignments.tests.factories import ConsignmentFactory
    from warehouse.tests.factories import ChinaWarehouseFactory

    other = ChinaStaffFactory(username="khotq2")
    order = ConsignmentFactory(customer=customer)
    from warehouse.tests.factories import VietnamDepotFactory

    gz = ChinaWarehouseFactory()
    hn = VietnamDepotFactory()
    return [
        ("backoffice:dashboard", reverse("backoffice:dashboard"), {"GET"}),
        ("backoffice:orders", reverse("backoffice:orders"), {"GET"}),
        ("backoffice:order", reverse("backoffice:order", args=[order.pk]), {"GET"}),
        ("backoffice:parcels", reverse("backoffice:parcels"), {"GET"}),
        ("backoffice:customers", reverse("backoffice:customers"), {"GET"}),
        ("backoffice:customer", reverse("backoffice:customer", args=[customer.pk]), {"GET"}),
        ("backoffice:customer_group", reverse("backoffice:customer_group", args=[customer.pk]), {"POST"}),
        ("backoffice:staff", reverse("backoffice:staff"), {"GET"}),
        ("backoffice:staff_new", reverse("backoffice:staff_new"), {"GET", "POST"}),
        ("backoffice:staff_edit", reverse("backoffice:staff_edit", args=[other.pk]), {"GET", "POST"}),
        ("backoffice:staff_active", reverse("backoffice:staff_active", args=[other.pk]), {"POST"}),
        ("backoffice:warehouses", reverse("backoffice:warehouses"), {"GET"}),
        ("backoffice:warehouse_new", reverse("backoffice:warehouse_new"), {"GET", "POST"}),
        ("backoffice:warehouse", reverse("backoffice:warehouse", args=[gz.pk]), {"GET", "POST"}),
        ("backoffice:depot_provinces", reverse("backoffice:depot_provinces", args=[hn.pk]), {"POST"}),
        ("backoffice:audit", reverse("backoffice:audit"), {"GET"}),
        (
            "backoffice:customer_edit",
            reverse("backoffice:customer_edit", args=[customer.pk]),
            {"GET", "POST"},
        ),
        ("backoffice:customer_active", reverse("backoffice:customer_active", args=[customer.pk]), {"POST"}),
        ("backoffice:account_password", reverse("backoffice:account_password", args=[other.pk]), {"POST"}),
        ("backoffice:account_unlock", reverse("backoffice:account_unlock", args=[other.pk]), {"POST"}),
        ("backoffice:password_shown", reverse("backoffice:password_shown"), {"GET"}),
    ]


def test_every_portal_url_is_listed_here(urls):
    from django.urls import get_resolver

    resolver = get_resolver().namespace_dict["backoffice"][1]
    names = {f"backoffice:{p.name}" for p in resolver.url_patterns}
    assert names == {name for name, _path, _methods in urls}


def test_anonymous_is_sent_to_log_in(client, urls):
    for _name, path, methods in urls:
        response = client.post(path) if methods == {"POST"} else client.get(path)
        assert_login_redirect(response, path)


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_only_operations(client_of, request, persona, urls):
    client = client_of(request.getfixturevalue(persona))
    for name, path, methods in urls:
        for method in methods:
            response = client.get(path) if method == "GET" else client.post(path)
            assert response.status_code == 403, (name, method, response.status_code)


def test_operations_open_every_page(client_of, ops, urls):
    client = client_of(ops)
    for name, path, methods in urls:
        if "GET" in methods:
            assert client.get(path).status_code == 200, name


def test_wrong_methods(client_of, ops, urls):
    client = client_of(ops)
    for name, path, methods in urls:
        if "GET" not in methods:
            assert client.get(path).status_code == 405, name
        if "POST" not in methods:
            assert client.post(path).status_code == 405, name
        assert client.delete(path).status_code == 405, name


def test_unknown_objects_are_404(client_of, ops, cn_staff, vn_staff):
    client = client_of(ops)
    assert client.get(reverse("backoffice:customer", args=[999999])).status_code == 404
    assert client.get(reverse("backoffice:order", args=[999999])).status_code == 404
    # a staff member is not a customer, a customer is not staff
    assert client.get(reverse("backoffice:customer", args=[cn_staff.pk])).status_code == 404
    assert client.get(reverse("backoffice:staff_edit", args=[999999])).status_code == 404
    assert client.get(reverse("backoffice:warehouse", args=[999999])).status_code == 404
    assert client.post(reverse("backoffice:depot_provinces", args=[999999])).status_code == 404


def test_customer_is_not_staff(client_of, ops, customer):
    client = client_of(ops)
    assert client.get(reverse("backoffice:staff_edit", args=[customer.pk])).status_code == 404
    assert client.post(reverse("backoffice:staff_active", args=[customer.pk])).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/staff/ops/orders/?q=abc%00def",
        "/staff/ops/orders/?status=nope",
        "/staff/ops/orders/?date_from=2026-13-01",
        "/staff/ops/orders/?warehouse=abc",
        "/staff/ops/parcels/?day=x",
        "/staff/ops/customers/?q=a%00b",
        "/staff/ops/audit/?who=a%00b",
        "/staff/ops/audit/?date_from=2026-05-02&date_to=2026-05-01",
    ],
)
def test_bad_filters_get_a_form_error_not_a_500(client_of, ops, path):
    response = client_of(ops).get(path)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "after", ["x", "a|b|c", "2026-01-01T00:00:00|order|1x", "NaN|ops|1", "{{7*7}}", "2026-01-01|ops|1"]
)
def test_a_damaged_cursor_starts_from_the_newest(client_of, ops, after):
    assert client_of(ops).get(f"/staff/ops/audit/?after={after}").status_code == 200
