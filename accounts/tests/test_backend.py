"""UserWithWarehouseBackend.get_user: its once-compiled SQL must give what the ORM query it stands for gives."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.backends import UserWithWarehouseBackend
from accounts.models import User
from core.testing import assert_login_redirect
from warehouse.models import Warehouse

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _signed_in_before(user):
    """A last login in the past, so that a datetime column other than date_joined holds a value."""
    when = timezone.now() - datetime.timedelta(days=2, microseconds=123)
    User.objects.filter(pk=user.pk).update(last_login=when)
    return when


@pytest.fixture
def backend():
    return UserWithWarehouseBackend()


@pytest.mark.parametrize("persona", ["cn_staff", "customer"])
def test_get_user_gives_what_the_orm_gives(request, backend, persona, django_assert_num_queries):
    user = request.getfixturevalue(persona)
    last_login = _signed_in_before(user)
    expected = User.objects.select_related("warehouse").get(pk=user.pk)

    with django_assert_num_queries(1):
        got = backend.get_user(user.pk)

    assert type(got) is User
    assert got.pk == user.pk
    assert _fields(got) == _fields(expected)
    assert got.get_deferred_fields() == set()
    assert got.last_login == last_login
    for name in ("date_joined", "last_login"):
        value = getattr(got, name)
        assert isinstance(value, datetime.datetime) and timezone.is_aware(value), (name, value)
    for name in ("is_active", "is_staff", "is_superuser"):
        assert type(getattr(got, name)) is bool, (name, getattr(got, name))
    assert got.password == expected.password and got.check_password("pw-for-tests-1")
    assert got._state.adding is False and got._state.db == "default"


def test_a_staff_members_warehouse_comes_with_the_user(backend, cn_staff, django_assert_num_queries):
    Warehouse.objects.filter(pk=cn_staff.warehouse_id).update(postal_code="510891", phone="02012345678")
    expected = Warehouse.objects.get(pk=cn_staff.warehouse_id)
    got = backend.get_user(cn_staff.pk)

    with django_assert_num_queries(0):
        warehouse = got.warehouse
    assert type(warehouse) is Warehouse
    assert _fields(warehouse) == _fields(expected)
    assert warehouse.postal_code == "510891" and warehouse.kind == Warehouse.Kind.CHINA
    assert type(warehouse.is_active) is bool
    assert warehouse.get_deferred_fields() == set()
    assert warehouse._state.adding is False


def test_a_customer_has_no_warehouse_and_no_query_for_it(backend, customer, django_assert_num_queries):
    got = backend.get_user(customer.pk)
    assert User.warehouse.is_cached(got)  # set by get_user, as select_related sets it
    with django_assert_num_queries(0):
        assert got.warehouse is None
    assert got.warehouse_id is None


def test_each_call_reads_the_row_again(backend, cn_staff):
    assert backend.get_user(cn_staff.pk).warehouse.name == "Kho Quảng Châu"
    Warehouse.objects.filter(pk=cn_staff.warehouse_id).update(name="Kho Quảng Châu 2")
    User.objects.filter(pk=cn_staff.pk).update(phone="0900000000")
    again = backend.get_user(cn_staff.pk)
    assert again.warehouse.name == "Kho Quảng Châu 2"
    assert again.phone == "0900000000"


def test_an_inactive_user_is_nobody(backend, cn_staff, django_assert_num_queries):
    User.objects.filter(pk=cn_staff.pk).update(is_active=False)
    with django_assert_num_queries(1):
        assert backend.get_user(cn_staff.pk) is None


def test_a_missing_user_is_nobody(backend, customer, django_assert_num_queries):
    missing = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with django_assert_num_queries(1):
        assert backend.get_user(missing) is None


# --- the signed-in request -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_every_request_reads_the_signed_in_user_afresh(client, cn_staff):
    url = reverse("warehouse:scan")
    client.force_login(cn_staff)

    response = client.get(url)
    assert response.status_code == 200
    assert response.wsgi_request.user == cn_staff
    assert "Kho Quảng Châu" in response.content.decode()

    # The warehouse is read with the user, on every request: a rename shows at once.
    Warehouse.objects.filter(pk=cn_staff.warehouse_id).update(name="Kho Bạch Vân")
    response = client.get(url)
    assert response.status_code == 200
    assert "Kho Bạch Vân" in response.content.decode()

    User.objects.filter(pk=cn_staff.pk).update(is_active=False)
    response = client.get(url)
    assert_login_redirect(response, url)
    assert not response.wsgi_request.user.is_authenticated
