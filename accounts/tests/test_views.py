"""View tests for the accounts URLs: home, sign-up, log in/out, profile, and the admin entrance.

Every page is tried by the right persona, anonymously and by the wrong persona (STYLE.md, Tests).
Pages are requested in English so that the assertions hold whatever the translators compile.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import Role, User
from addresses.tests.factories import DeliveryAddressFactory
from consignments.tests.factories import ConsignmentFactory
from core.testing import assert_login_redirect
from tracking.tests.factories import TrackingNumberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STRONG_PASSWORD = "Kygui-2024-mat-khau!"
CODE_RE = re.compile(r"^[A-Z]{2}[2-9]{3}$")


def signup_data(**overrides):
    data = {
        "username": "lanphuong",
        "first_name": "Lan Phương",
        "email": "lan@example.com",
        "phone": "0912345678",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


# --- anonymous -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "accounts:profile"])
def test_anonymous_is_sent_to_login(client, name):
    path = reverse(name)
    assert_login_redirect(client.get(path), path)


def test_anonymous_can_open_login_and_signup(client):
    login = client.get(reverse("accounts:login"))
    assert login.status_code == 200
    assert 'name="username"' in login.text and 'name="password"' in login.text
    signup = client.get(reverse("accounts:signup"))
    assert signup.status_code == 200
    assert 'name="password2"' in signup.text


# --- home: each kind of user lands on their own portal --------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "target"),
    [("cn_staff", "warehouse:scan"), ("vn_staff", "warehouse:depot"), ("ops", "backoffice:dashboard")],
)
def test_home_sends_staff_to_their_portal(request, client_of, persona, target):
    response = client_of(request.getfixturevalue(persona)).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_home_shows_the_customers_own_dashboard(client_of, customer, other_customer):
    mine = ConsignmentFactory(customer=customer, code="KG11110001")
    theirs = ConsignmentFactory(customer=other_customer, code="KG22220002")
    TrackingNumberFactory(customer=customer, code="SF111111111111")
    TrackingNumberFactory(customer=other_customer, code="SF999999999999")

    response = client_of(customer).get(reverse("home"))

    assert response.status_code == 200
    assert response.context["has_address"] is True
    assert list(response.context["recent_orders"]) == [mine]
    assert [t.code for t in response.context["recent_tracking"]] == ["SF111111111111"]
    text = response.text
    assert "123PO thubin89x YW532" in text  # the label mark to write on parcels
    assert mine.code in text and theirs.code not in text
    assert "SF111111111111" in text and "SF999999999999" not in text


def test_home_tells_a_new_customer_to_add_an_address(client_of, new_customer):
    response = client_of(new_customer).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["has_address"] is False
    assert reverse("addresses:create") in response.text
    assert "PQ365" in response.text


# --- sign-up ---------------------------------------------------------------------------------------------


def test_signup_creates_a_logged_in_customer_with_a_customer_code(client):
    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 302
    assert response.url == reverse("addresses:create")
    user = User.objects.get(username="lanphuong")
    assert user.role == Role.CUSTOMER and user.is_customer
    assert user.email == "lan@example.com" and user.phone == "0912345678"
    assert user.check_password(STRONG_PASSWORD)
    assert CODE_RE.fullmatch(user.customer_code), user.customer_code
    assert not set(user.customer_code) & set("0O1IL")
    assert client.session[SESSION_KEY] == str(user.pk)

    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["user"] == user
    assert f"Your customer code is {user.customer_code}" in page.text


def test_signup_codes_are_always_unambiguous(client):
    """The code is random: sign up a handful of customers and check every code."""
    codes = []
    for n in range(12):
        data = signup_data(username=f"khachmoi{n}", email=f"khachmoi{n}@example.com")  # e-mails are unique
        response = client.post(reverse("accounts:signup"), data)
        assert response.status_code == 302
        client.logout()
        codes.append(User.objects.get(username=f"khachmoi{n}").customer_code)
    for code in codes:
        assert len(code) == 5 and CODE_RE.fullmatch(code), code
        assert not set(code) & set("0O1IL"), code
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize(
    "username",
    ["thủybình", "thu binh", "thu@binh", "thu-binh", "thu.binh", "ab", "Ñandu99", "ｔｈｕｂｉｎ"],
)
def test_signup_refuses_a_username_not_fit_for_a_parcel_label(client, username):
    response = client.post(reverse("accounts:signup"), signup_data(username=username))

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert "Use 3 to 20 Latin letters or digits, with no spaces, accents or symbols" in response.text
    assert not User.objects.filter(role=Role.CUSTOMER).exists()
    assert SESSION_KEY not in client.session


def test_signup_refuses_a_username_taken_in_another_case(client, customer):
    response = client.post(reverse("accounts:signup"), signup_data(username="THUBIN89X"))

    assert response.status_code == 200
    assert "This username is already taken." in response.text
    assert User.objects.filter(username__iexact="thubin89x").count() == 1
    assert SESSION_KEY not in client.session


def test_signup_refuses_different_passwords(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2=STRONG_PASSWORD + "x"))
    assert response.status_code == 200
    assert "The two passwords differ." in response.text
    assert not User.objects.filter(username="lanphuong").exists()


def test_signup_refuses_a_weak_password(client):
    response = client.post(
        reverse("accounts:signup"), signup_data(password1="12345678", password2="12345678")
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(username="lanphuong").exists()


def test_signup_when_logged_in_goes_home(client_of, customer):
    client = client_of(customer)
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302 and response.url == reverse("home")
    assert not User.objects.filter(username="lanphuong").exists()


# --- log in / log out ------------------------------------------------------------------------------------


def test_login_with_the_right_password(client, customer):
    response = client.post(reverse("accounts:login"), {"username": "thubin89x", "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(customer.pk)


def test_login_follows_next(client, customer):
    response = client.post(
        reverse("accounts:login"),
        {"username": "thubin89x", "password": "pw-for-tests-1", "next": reverse("tracking:list")},
    )
    assert response.status_code == 302 and response.url == reverse("tracking:list")


def test_login_with_a_wrong_password_fails(client, customer):
    response = client.post(reverse("accounts:login"), {"username": "thubin89x", "password": "wrong-one"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


def test_login_page_when_logged_in_goes_home(client_of, customer):
    response = client_of(customer).get(reverse("accounts:login"))
    assert response.status_code == 302 and response.url == reverse("home")


def test_logout_is_post_only(client_of, customer):
    client = client_of(customer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session[SESSION_KEY] == str(customer.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert SESSION_KEY not in client.session


# --- profile ---------------------------------------------------------------------------------------------


def test_profile_shows_the_customers_own_data(client_of, customer, other_customer):
    DeliveryAddressFactory(customer=other_customer, street="Số 99 Phố Lạ")
    mine = DeliveryAddressFactory(customer=customer, street="Số 7 Hàng Bạc")

    response = client_of(customer).get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert set(response.context["addresses"]) == set(customer.addresses.all())
    assert mine.street in response.text
    assert "Số 99 Phố Lạ" not in response.text
    assert "YW532" in response.text and "123PO thubin89x YW532" in response.text


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
def test_profile_for_staff_shows_their_role(request, client_of, persona):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert user.username in response.text
    assert str(user.get_role_display()) in response.text
    assert 'data-testid="label-mark"' not in response.text  # staff have no parcel label
    if user.warehouse_id:
        assert user.warehouse.name in response.text


# --- the admin -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_admin_is_closed_to_non_operations(request, client_of, persona):
    response = client_of(request.getfixturevalue(persona)).get(reverse("admin:index"))
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("admin:login")


def test_anonymous_admin_goes_to_admin_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and urlsplit(response.url).path == reverse("admin:login")


@pytest.mark.parametrize(
    "model",
    sorted(admin.site._registry, key=lambda m: m._meta.label),
    ids=lambda m: m._meta.label,
)
def test_operations_can_open_every_admin_list_and_add_page(client_of, ops, customer, model):
    # Some data so that every list has rows to render (list_display, select_related).
    ConsignmentFactory(customer=customer)
    TrackingNumberFactory(customer=customer)
    client = client_of(ops)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Orders, parcels and money are made by the services only (billing/tests/test_admin.py): no add page.
    assert add.status_code == (200 if admin.site._registry[model].has_add_permission(_request(ops)) else 403)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


# --- operations transfer an order to another depot: who may --------------------------------------------


@pytest.fixture
def to_transfer(customer):
    """An order bound for the Hà Nội depot (HN), and the TP.HCM depot it could go to instead."""
    from warehouse.tests.factories import VietnamDepotFactory

    return ConsignmentFactory(customer=customer), VietnamDepotFactory(code="SG", name="Kho phân phối TP.HCM")


def _transfer_requests(order, depot):
    return {
        "form-get": ("get", reverse("warehouse:transfer_form", args=[order.pk]), None),
        "transfer-post": (
            "post",
            reverse("warehouse:transfer", args=[order.pk]),
            {"depot": depot.pk, "reason": "moved"},
        ),
    }


@pytest.mark.parametrize("which", ["form-get", "transfer-post"])
def test_anonymous_cannot_transfer_an_order(client, to_transfer, which):
    order, depot = to_transfer
    method, path, data = _transfer_requests(order, depot)[which]
    assert_login_redirect(getattr(client, method)(path, data), path)
    order.refresh_from_db()
    assert order.destination.code == "HN"


@pytest.mark.parametrize("persona", ["customer", "other_customer", "cn_staff", "vn_staff"])
@pytest.mark.parametrize("which", ["form-get", "transfer-post"])
def test_only_operations_transfer_an_order(request, client_of, to_transfer, persona, which):
    order, depot = to_transfer
    method, path, data = _transfer_requests(order, depot)[which]
    response = getattr(client_of(request.getfixturevalue(persona)), method)(path, data)
    assert response.status_code == 403
    assert order.code not in response.text
    order.refresh_from_db()
    assert order.destination.code == "HN" and not order.events.filter(kind="destination").exists()


def test_operations_open_the_transfer_form_and_transfer(client_of, ops, to_transfer):
    order, depot = to_transfer
    client = client_of(ops)
    form = client.get(reverse("warehouse:transfer_form", args=[order.pk]))
    assert form.status_code == 200
    assert order.code in form.text and "Kho phân phối TP.HCM" in form.text

    response = client.post(
        reverse("warehouse:transfer", args=[order.pk]), {"depot": depot.pk, "reason": "moved"}
    )

    assert response.status_code == 302
    assert response.url == reverse("warehouse:transfer_form", args=[order.pk])
    order.refresh_from_db()
    assert order.destination == depot


def test_a_transfer_is_post_only(client_of, ops, to_transfer):
    order, _depot = to_transfer
    response = client_of(ops).get(reverse("warehouse:transfer", args=[order.pk]))
    assert response.status_code == 405
    order.refresh_from_db()
    assert order.destination.code == "HN"


# --- every URL has view tests ----------------------------------------------------------------------------
