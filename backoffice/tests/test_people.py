"""Round 2 (review items 4, 5, 6, 9, 10): operations help people with their accounts without the Django admin:
superusers protected, a new password shown once, a locked-out login cleared, a customer's contact details,
deactivation with a reason, every order of a customer, a search by name and the latest sign-ups."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import ChinaStaffFactory, CustomerFactory, OperationsFactory
from backoffice.models import AuditEntry, AuditKind
from backoffice.services import staff_set_active, staff_update
from core.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def plain_ops(db):
    return OperationsFactory(username="vanhanh2", is_staff=False, is_superuser=False)


# --- item 4: superusers ------------------------------------------------------------------------------------


def test_a_non_superuser_cannot_change_a_superuser(plain_ops, ops):
    from backoffice.services_people import login_unlock, password_set

    for call in (
        lambda: staff_set_active(user=ops, active=False, by=plain_ops),
        lambda: staff_update(user=ops, role=Role.OPERATIONS, warehouse=None, by=plain_ops),
        lambda: login_unlock(user=ops, by=plain_ops),  # a superuser's lock is lifted by a superuser
        lambda: password_set(user=ops, by=plain_ops),
    ):
        with pytest.raises(DomainError) as info:
            call()
        assert info.value.code == "superuser"
    ops.refresh_from_db()
    assert ops.is_active and ops.is_superuser
    assert not AuditEntry.objects.exists()


def test_through_the_pages_too(client_of, plain_ops, ops):
    client = client_of(plain_ops)
    page = client.get(reverse("backoffice:staff_edit", args=[ops.pk]))
    assert 'data-testid="superuser-note"' in page.text and 'data-testid="deactivate"' not in page.text
    client.post(reverse("backoffice:staff_active", args=[ops.pk]), {"active": "0"})
    client.post(reverse("backoffice:account_password", args=[ops.pk]))
    ops.refresh_from_db()
    assert ops.is_active
    assert not AuditEntry.objects.exists()


def test_a_superuser_may(ops):
    other = OperationsFactory(username="sieuquan9")
    staff_set_active(user=other, active=False, by=ops)
    other.refresh_from_db()
    assert not other.is_active


# --- item 10: staff creation redirects, the password shown once -------------------------------------------


def test_creating_staff_redirects_and_shows_the_password_once(client_of, ops):
    client = client_of(ops)
    response = client.post(
        reverse("backoffice:staff_new"), {"username": "nhanvien7", "role": Role.OPERATIONS, "warehouse": ""}
    )
    assert response.status_code == 302 and response.url == reverse("backoffice:password_shown")
    shown = client.get(response.url)
    password = shown.context["password"]
    assert User.objects.get(username="nhanvien7").check_password(password)
    assert password in shown.text and "no-store" in shown["Cache-Control"]
    again = client.get(response.url)  # a refresh: no re-post, no password
    assert password not in again.text and 'data-testid="password-gone"' in again.text
    assert User.objects.filter(username="nhanvien7").count() == 1


def test_the_staff_username_help_is_for_staff(client_of, ops):
    text = client_of(ops).get(reverse("backoffice:staff_new")).text
    assert "the person logs in with it" in text and "written on" not in text


# --- item 5: new password, unlock ----------------------------------------------------------------------------


def test_a_new_password_for_a_customer_ends_their_sessions(client_of, ops, customer):
    phone = Client()
    phone.force_login(customer)
    assert phone.get(reverse("accounts:profile")).status_code == 200
    client = client_of(ops)
    response = client.post(reverse("backoffice:account_password", args=[customer.pk]))
    assert response.url == reverse("backoffice:password_shown")
    password = client.get(response.url).context["password"]
    customer.refresh_from_db()
    assert customer.check_password(password)
    assert phone.get(reverse("accounts:profile")).status_code == 302  # logged out
    entry = AuditEntry.objects.get(kind=AuditKind.PASSWORD_SET)
    assert (entry.by, entry.user) == (ops, customer)


def test_not_ones_own_password(client_of, ops):
    client_of(ops).post(reverse("backoffice:account_password", args=[ops.pk]))
    assert not AuditEntry.objects.exists()


def test_unlock_clears_the_failed_logins(client_of, ops, customer):
    AccessAttempt.objects.create(
        username=customer.username.lower(),
        ip_address="203.0.113.5",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    client = client_of(ops)
    page = client.get(reverse("backoffice:customer", args=[customer.pk]))
    assert 'data-testid="unlock"' in page.text
    client.post(reverse("backoffice:account_unlock", args=[customer.pk]))
    assert not AccessAttempt.objects.exists()
    assert AuditEntry.objects.get(kind=AuditKind.LOGIN_UNLOCKED).data == {"failures": 5}


# --- item 5: contact details, deactivation --------------------------------------------------------------------


def _edit(client, customer, **data):
    base = {"first_name": "Nguyễn Văn Bình", "last_name": "", "phone": "0912 345 678", "email": ""}
    return client.post(reverse("backoffice:customer_edit", args=[customer.pk]), {**base, **data})


def test_contact_details_are_checked_saved_and_audited(client_of, ops, customer):
    client = client_of(ops)
    bad = _edit(client, customer, phone="abc")
    assert bad.status_code == 400
    CustomerFactory(username="khac2", email="lan@example.vn")
    taken = _edit(client, customer, email="LAN@example.VN")
    assert taken.status_code == 400 and "Another account already uses this e-mail" in taken.text
    assert _edit(client, customer, email="Binh@Example.VN").status_code == 302
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone, customer.email) == (
        "Nguyễn Văn Bình",
        "0912345678",
        "Binh@example.vn",
    )
    entry = AuditEntry.objects.get(kind=AuditKind.CUSTOMER_CHANGED)
    assert entry.user == customer and "email" in entry.data


def test_a_deactivated_customer_cannot_log_in_and_the_reason_is_kept(client_of, ops, customer):
    phone = Client()
    phone.force_login(customer)
    client = client_of(ops)
    url = reverse("backoffice:customer_active", args=[customer.pk])
    client.post(url, {"active": "0", "reason": ""})
    customer.refresh_from_db()
    assert customer.is_active  # no reason, nothing done
    client.post(url, {"active": "0", "reason": "Tài khoản trùng"})
    customer.refresh_from_db()
    assert not customer.is_active
    assert phone.get(reverse("accounts:profile")).status_code == 302
    entry = AuditEntry.objects.get(kind=AuditKind.CUSTOMER_DEACTIVATED)
    assert entry.data == {"reason": "Tài khoản trùng"}
    client.post(url, {"active": "1", "reason": "Nhầm"})
    customer.refresh_from_db()
    assert customer.is_active


def test_not_while_the_wallet_holds_their_money(client_of, ops, customer):
    from billing.models import Wallet

    Wallet.objects.update_or_create(customer=customer, defaults={"balance_vnd": 50_000})
    response = client_of(ops).post(
        reverse("backoffice:customer_active", args=[customer.pk]), {"active": "0", "reason": "x"}, follow=True
    )
    customer.refresh_from_db()
    assert customer.is_active and "refund it before deactivating" in response.text


def test_every_order_of_a_customer_is_one_link_away(client_of, ops, customer, other_customer):
    from consignments.tests.factories import ConsignmentFactory

    mine = [ConsignmentFactory(customer=customer) for _i in range(22)]
    ConsignmentFactory(customer=other_customer)
    client = client_of(ops)
    page = client.get(reverse("backoffice:customer", args=[customer.pk]))
    link = f"{reverse('backoffice:orders')}?customer={customer.customer_code}"
    assert link in page.text
    orders = client.get(link)
    assert orders.context["page"].paginator.count == 22
    assert {o.pk for o in orders.context["page"].object_list} <= {o.pk for o in mine}


# --- item 6: search by name, the latest sign-ups, pages --------------------------------------------------------


def test_search_by_name_any_case(client_of, ops):
    binh = CustomerFactory(username="khach1", first_name="Bình", last_name="Nguyễn")
    CustomerFactory(username="khach2", first_name="Lan", last_name="Trần")
    client = client_of(ops)
    for q in ("Bình", "nguyễn", "Bình Nguyễn"):
        response = client.get(reverse("backoffice:customers"), {"q": q})
        assert response.status_code == 302 and response.url.endswith(f"/{binh.pk}/"), q


def test_an_empty_search_lists_the_latest_sign_ups_in_pages(client_of, ops):
    for n in range(55):
        CustomerFactory(username=f"moi{n}")
    client = client_of(ops)
    first = client.get(reverse("backoffice:customers"))
    assert first.status_code == 200 and len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0].username == "moi54"
    assert "showing 1–50" in first.text and "page=2" in first.text
    assert len(client.get(reverse("backoffice:customers"), {"page": 2}).context["page"].object_list) >= 5


def test_many_matches_say_how_many(client_of, ops):
    for n in range(55):
        CustomerFactory(username=f"trung{n}")
    response = client_of(ops).get(reverse("backoffice:customers"), {"q": "trung"})
    assert "55 customers found" in response.text and "showing 1–50" in response.text


def test_staff_are_not_customers_here(client_of, ops):
    ChinaStaffFactory(username="khoqz", first_name="Bình")
    response = client_of(ops).get(reverse("backoffice:customers"), {"q": "Bình"})
    assert 'data-testid="no-customers"' in response.text


def test_the_audit_trail_shows_these_changes(client_of, ops, customer):
    client = client_of(ops)
    client.post(reverse("backoffice:account_password", args=[customer.pk]))
    client.post(reverse("backoffice:account_unlock", args=[customer.pk]))
    _edit(client, customer, email="binh@example.vn")
    client.post(reverse("backoffice:customer_active", args=[customer.pk]), {"active": "0", "reason": "Trùng"})
    page = client.get(reverse("backoffice:audit"))
    assert page.status_code == 200
    for label in (
        "New password set by operations",
        "Locked-out login unlocked",
        "Customer account deactivated",
    ):
        assert label in page.text, label
