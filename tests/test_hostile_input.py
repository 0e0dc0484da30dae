"""Hostile strings sent where a person types or a URL carries a value (issue 12, "Bad input"): each kind is a
whole class, tested over every place of its kind.

- `next`-like redirect targets: only a page of this site (core.redirects), whatever the value;
- a zero byte in a path, a query string or a POST value: a 400 before it reaches PostgreSQL (which refuses it
  with a 500), on every URL of the project (core.middleware.RefuseUnreadableInputMiddleware).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import OperationsFactory
from conftest import need

ROOT = Path(settings.BASE_DIR)
APPS = [p.name for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name in ("core", "config")]

HOSTILE_NEXT = [
    "0",
    "NaN",
    "{{7*7}}",
    "home",
    "addresses:list",
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "https://evil",
    "http://evil.com/",
    "data:text/html,hi",
    " //evil.com",
    "/tracking/\x01",
    "-1",
    "${7*7}",
]

ADDRESS_DATA = {
    "recipient_name": "Trần Thị Bình",
    "phone": "0987 654 321",
    "province_code": "79",
    "ward_code": "26740",
    "street": "12 Lê Lợi",
}


def _safe(location: str, default: str) -> None:
    assert location == default or (location.startswith("/") and not location.startswith(("//", "/\\")))
    assert "evil" not in location and "javascript" not in location and "{" not in location


# ---- 1. redirect targets ------------------------------------------------------------------------------------


def test_no_view_reads_a_redirect_target_itself():
    """Every `next`/`return`/Referer read from a request goes through core.redirects (found by reading the
    code: a new view that reads one itself fails here)."""
    pattern = re.compile(
        r"""(POST|GET|REQUEST|META)\s*(\.get\(|\[)\s*["'](next|return|return_to|back|HTTP_REFERER)["']"""
    )
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "redirects.py":
                continue
            text = path.read_text()
            offenders += [f"{path.relative_to(ROOT)}:{m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_no_redirect_is_given_a_request_value():
    """redirect() takes a view name; a value from the request must never be its first argument."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "redirect" and node.args:
                    target = node.args[0]
                    if isinstance(target, ast.JoinedStr) and "reverse(" in ast.unparse(target.values[0]):
                        continue  # a path of ours, with the request's query string after it
                    source = ast.unparse(target)
                    if "request." in source:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {source}")
    assert offenders == []


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_address_create_with_a_hostile_next(client_of, new_customer, nxt):
    response = client_of(new_customer).post(reverse("addresses:create"), {**ADDRESS_DATA, "next": nxt})
    assert response.status_code == 302
    _safe(response["Location"], reverse("addresses:list"))
    assert response["Location"] == reverse("addresses:list")
    assert new_customer.addresses.count() == 1


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_address_edit_with_a_hostile_next(client_of, customer, nxt):
    address = customer.addresses.get()
    url = reverse("addresses:edit", args=[address.pk])
    client = client_of(customer)
    page = client.get(url, {"next": nxt})
    assert page.status_code == 200 and f'value="{nxt}"' not in page.text
    response = client.post(url, {**ADDRESS_DATA, "next": nxt})
    assert response.status_code == 302 and response["Location"] == reverse("addresses:list")


def test_address_next_of_this_site_is_followed(client_of, new_customer):
    response = client_of(new_customer).post(
        reverse("addresses:create"), {**ADDRESS_DATA, "next": "/tracking/?status=registered"}
    )
    assert response["Location"] == "/tracking/?status=registered"


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_pay_with_a_hostile_next(client_of, customer, nxt):
    response = client_of(customer).post(reverse("billing:pay"), {"orders": [], "next": nxt})
    assert response.status_code == 200  # the refusal on the pay page itself


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_login_with_a_hostile_next(client, customer, nxt):
    customer.set_password("pw-123456-x")
    customer.save()
    response = client.post(
        reverse("accounts:login"), {"username": customer.username, "password": "pw-123456-x", "next": nxt}
    )
    assert response.status_code == 302
    _safe(response["Location"], settings.LOGIN_REDIRECT_URL)


@pytest.mark.parametrize("nxt", ["//evil.com", "{{7*7}}", "0"])
def test_the_locked_out_login_page_keeps_no_hostile_next(client, english, customer, nxt):
    for _n in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            reverse("accounts:login"),
            {"username": customer.username, "password": "wrong", "next": nxt},
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 429
    assert f'value="{nxt}"' not in response.text
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.username, "password": "wrong", "next": "/orders/"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429 and 'value="/orders/"' in response.text


def test_a_logged_in_persons_login_page_ignores_a_hostile_next(client_of, customer):
    response = client_of(customer).get(reverse("accounts:login"), {"next": "{{7*7}}"})
    assert response.status_code == 302 and "{" not in response["Location"]


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_logout_with_a_hostile_next(client_of, customer, nxt):
    response = client_of(customer).post(reverse("accounts:logout"), {"next": nxt})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        _safe(response["Location"], "/")


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_set_language_with_a_hostile_next(client, nxt):
    response = client.post(reverse("set_language"), {"language": "en", "next": nxt})
    assert response.status_code in (204, 302)
    if response.status_code == 302:
        _safe(response["Location"], "/")


def test_set_language_returns_to_the_page_it_came_from(client):
    response = client.post(
        reverse("set_language"), {"language": "en"}, HTTP_REFERER="http://testserver/tracking/?page=2"
    )
    assert response["Location"] == "/tracking/?page=2"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/orders/"})
    assert response["Location"] == "/orders/"


# ---- 2. zero bytes --------------------------------------------------------------------------------------------


def _patterns(resolver=None, prefix=""):
    """(name, route) of every URL pattern of the project, the admin's included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield entry.name or route, route


def _with_nul(route: str) -> list[str]:
    """Concrete paths of a route with a zero byte: in each captured value, or in a plain segment."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    filled = {
        "int": "1",
        "str": "abc",
        "slug": "abc",
        "path": "abc",
        "uuid": "00000000-0000-0000-0000-000000000000",
    }
    paths = []
    converters = re.findall(r"<(?:(\w+):)?\w+>", route)
    base = re.sub(r"<(?:(\w+):)?\w+>", lambda m: filled.get(m.group(1) or "str", "abc"), route)
    base = re.sub(r"\(\?P<\w+>[^)]*\)", "abc", base)
    base = re.sub(r"[\^$?*+()\[\]]", "", base)
    paths.append("/" + base + "x%00y/")
    for i in range(len(converters)):
        k = -1

        def nul_at(m, i=i):
            nonlocal k
            k += 1
            return "ab%00c" if k == i else filled.get(m.group(1) or "str", "abc")

        paths.append("/" + re.sub(r"<(?:(\w+):)?\w+>", nul_at, route))
    return paths


ALL_PATTERNS = sorted(set(_patterns()))


@pytest.fixture
def superuser(db):
    return OperationsFactory(username="root0", is_superuser=True, is_staff=True)


@pytest.mark.postgres
def test_a_zero_byte_in_any_path_or_query_is_a_400(client, superuser, customer, vn_staff, cn_staff):
    need(connection.vendor == "postgresql", "a zero byte reaches PostgreSQL only there (SQLite keeps it)")
    assert len(ALL_PATTERNS) > 100
    for who in (superuser, customer, vn_staff, cn_staff, None):
        client.logout()
        if who:
            client.force_login(who)
        for name, route in ALL_PATTERNS:
            for path in _with_nul(route):
                response = client.get(path)
                assert response.status_code == 400, (who, name, path, response.status_code)
            plain = "/" + re.sub(r"<(?:(\w+):)?\w+>", "1", route).lstrip("^").rstrip("$").replace("\\Z", "")
            for query in ("q=abc%00def", "status=a%00", "a%00b=1", "o=1&code=%00"):
                response = client.get(f"{plain}?{query}")
                assert response.status_code == 400, (who, name, plain, query, response.status_code)


@pytest.mark.postgres
def test_a_zero_byte_in_any_post_value_is_a_400_or_a_form_error(client, superuser, customer, vn_staff):
    need(connection.vendor == "postgresql", "a zero byte reaches PostgreSQL only there (SQLite keeps it)")
    names = (
        "q",
        "code",
        "reason",
        "note",
        "text",
        "status",
        "weight",
        "amount",
        "next",
        "raw_code",
        "content",
    )
    for who in (superuser, customer, vn_staff):
        client.force_login(who)
        for name, route in ALL_PATTERNS:
            plain = "/" + re.sub(r"<(?:(\w+):)?\w+>", "1", route).lstrip("^").rstrip("$").replace("\\Z", "")
            for data in (dict.fromkeys(names, "ab\x00cd"), {"ab\x00cd": "1"}):
                response = client.post(plain, data)
                assert response.status_code in (400, 404), (who, name, plain, response.status_code)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url",
    [
        "/staff/ops/unidentified/?q=abc%00def",
        "/orders/abc%00def/",
        "/admin/consignments/consignment/?status__exact=a%00b",
        "/tracking/?q=ab%00c",
    ],
)
def test_the_walks_examples_are_a_400(client, superuser, url):
    need(connection.vendor == "postgresql", "a zero byte reaches PostgreSQL only there")
    client.force_login(superuser)
    assert client.get(url).status_code == 400


# ---- everything at once: hostile strings in every parameter of every URL --------------------------------------

HOSTILE_VALUES = [
    "0",
    "NaN",
    "Infinity",
    "1e309",
    "-0",
    "{{7*7}}",
    "${7*7}",
    "//evil.com",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eabc",
    "𝟙𝟚",
    "x" * 5000,
    "ab\x00cd",
]
PARAMETERS = (
    "next", "q", "code", "raw_code", "reason", "note", "text", "status", "date", "date_from", "date_to", "from",
    "to", "kind", "language", "carrier", "province_code", "ward_code", "customer", "parcel", "ids", "orders",
    "page", "pk", "keep", "depot", "warehouse", "weight_kg", "amount_vnd", "group", "role", "label", "who",
    "what", "after", "before", "sort", "format",
)  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=lambda v: repr(v[:20]))
def test_no_url_fails_on_a_hostile_value(client, customer, cn_staff, vn_staff, ops, value):
    """Every URL (the admin's aside), as each persona and anonymous, with every usual parameter set to a
    hostile value, by GET and POST: a page, a refusal or a 400, never a 500."""
    client.raise_request_exception = False
    routes = sorted({route for _name, route in ALL_PATTERNS if not route.startswith("admin/")})
    failures = []
    for who in (customer, cn_staff, vn_staff, ops, None):
        client.logout()
        if who:
            client.force_login(who)
        for route in routes:
            path = "/" + re.sub(r"<(?:(\w+):)?\w+>", "1", route).lstrip("^").rstrip("$")
            data = dict.fromkeys(PARAMETERS, value)
            for method in (client.get, client.post):
                response = method(path, data)
                if response.status_code == 500:
                    failures.append((getattr(who, "username", "anonymous"), method.__name__, path))
    assert failures == []


@pytest.mark.postgres
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "a\x00b"},  # axes writes it down at a failed login
        {"HTTP_COOKIE": "sessionid=abcdefgh\x00ijkl"},  # the session is looked up by it
        {"HTTP_X_FORWARDED_FOR": "1.2.3.4\x00"},
    ],
)
def test_a_zero_byte_in_a_header_or_cookie_is_a_400(client, customer, headers):
    """Gunicorn refuses these; behind another server they would reach PostgreSQL."""
    need(connection.vendor == "postgresql", "a zero byte reaches PostgreSQL only there")
    client.raise_request_exception = False
    if "HTTP_COOKIE" in headers:
        client.cookies["sessionid"] = headers.pop("HTTP_COOKIE").split("=", 1)[1]
    login = {"username": customer.username, "password": "wrong"}
    assert client.post(reverse("accounts:login"), login, **headers).status_code == 400
    # A bad session cookie is deleted by the 400's answer: the next request is simply not logged in.
    assert client.get(reverse("tracking:list"), **headers).status_code == (400 if headers else 302)
