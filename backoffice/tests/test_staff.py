"""Staff accounts: who may be created with which warehouse, the password shown once, role changes,
deactivation (never oneself), each audited."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import ChinaStaffFactory, OperationsFactory, VietnamStaffFactory
from backoffice.models import AuditEntry, AuditKind
from backoffice.services import staff_create, staff_set_active, staff_update, warehouse_update
from core.errors import DomainError
from warehouse.tests.factories import ChinaWarehouseFactory, VietnamDepotFactory

NEW = "/staff/ops/staff/new/"


@pytest.fixture
def gz(db):
    return ChinaWarehouseFactory()


@pytest.fixture
def hn(db):
    return VietnamDepotFactory()


def _post(client, **data):
    base = {"username": "nhanvien1", "first_name": "Lan", "last_name": "Trần", "email": "lan@example.vn"}
    return client.post(NEW, {**base, **data}, follow=True)  # the password is shown on the page after


@pytest.mark.parametrize(
    ("role", "where", "ok"),
    [
        (Role.CHINA_STAFF, "gz", True),
        (Role.CHINA_STAFF, "hn", False),
        (Role.CHINA_STAFF, None, False),
        (Role.VIETNAM_STAFF, "hn", True),
        (Role.VIETNAM_STAFF, "gz", False),
        (Role.VIETNAM_STAFF, None, False),
        (Role.OPERATIONS, None, True),
        (Role.OPERATIONS, "hn", True),
        (Role.CUSTOMER, None, False),
    ],
)
def test_the_role_decides_the_warehouse(client_of, ops, gz, hn, role, where, ok, english):
    place = {"gz": gz, "hn": hn, None: None}[where]
    response = _post(client_of(ops), role=role, warehouse=place.pk if place else "")
    user = User.objects.filter(username="nhanvien1").first()
    if ok:
        assert response.status_code == 200
        assert (user.role, user.warehouse) == (role, place)
        assert not user.is_staff and not user.is_superuser  # the Django admin is for superusers only
        password = response.context["password"]
        assert user.check_password(password) and len(password) >= 12
        assert password in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        entry = AuditEntry.objects.get(kind=AuditKind.STAFF_CREATED)
        assert (entry.by, entry.user) == (ops, user)
    else:
        assert response.status_code == 400
        assert user is None
        assert not AuditEntry.objects.exists()


def test_a_taken_username_is_refused_whatever_its_case(client_of, ops, gz, english):
    ChinaStaffFactory(username="NhanVien1")
    response = _post(client_of(ops), role=Role.CHINA_STAFF, warehouse=gz.pk)
    assert response.status_code == 400
    assert "already taken" in response.content.decode()


def test_a_username_must_be_writable_on_parcels(client_of, ops, gz):
    response = _post(client_of(ops), username="nhân viên", role=Role.CHINA_STAFF, warehouse=gz.pk)
    assert response.status_code == 400
    assert not User.objects.filter(role=Role.CHINA_STAFF, first_name="Lan").exists()


def test_the_new_account_logs_in_with_the_password_shown(client, client_of, ops, gz):
    password = _post(client_of(ops), role=Role.CHINA_STAFF, warehouse=gz.pk).context["password"]
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "nhanvien1", "password": password})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_only_operations_may_create(gz, cn_staff):
    with pytest.raises(DomainError):
        staff_create(
            username="x1234",
            first_name="",
            last_name="",
            email="",
            role=Role.CHINA_STAFF,
            warehouse=gz,
            by=cn_staff,
        )


def test_changing_role_and_warehouse_is_audited(client_of, ops, gz, hn):
    member = ChinaStaffFactory(warehouse=gz)
    response = client_of(ops).post(
        reverse("backoffice:staff_edit", args=[member.pk]), {"role": Role.VIETNAM_STAFF, "warehouse": hn.pk}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.warehouse) == (Role.VIETNAM_STAFF, hn)
    entry = AuditEntry.objects.get(kind=AuditKind.STAFF_CHANGED)
    assert entry.data == {
        "role": {"old": Role.CHINA_STAFF, "new": Role.VIETNAM_STAFF},
        "warehouse": {"old": gz.code, "new": hn.code},
    }


def test_a_wrong_warehouse_for_the_role_is_refused_on_edit(client_of, ops, gz, hn, english):
    member = ChinaStaffFactory(warehouse=gz)
    response = client_of(ops).post(
        reverse("backoffice:staff_edit", args=[member.pk]), {"role": Role.CHINA_STAFF, "warehouse": hn.pk}
    )
    assert response.status_code == 400
    assert "China warehouse staff work at a China warehouse" in response.content.decode()
    member.refresh_from_db()
    assert member.warehouse == gz


def test_ops_cannot_demote_themselves(ops, gz):
    with pytest.raises(DomainError):
        staff_update(user=ops, role=Role.CHINA_STAFF, warehouse=gz, by=ops)


def test_deactivate_and_reactivate(client, client_of, ops, hn):
    member = VietnamStaffFactory(warehouse=hn)
    url = reverse("backoffice:staff_active", args=[member.pk])
    assert client_of(ops).post(url, {"active": "0"}).status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": member.username, "password": "pw-for-tests-1"}
    )
    assert "_auth_user_id" not in client.session, response.status_code
    client.force_login(ops)
    client_of(ops).post(url, {"active": "1"})
    member.refresh_from_db()
    assert member.is_active
    kinds = list(AuditEntry.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [AuditKind.STAFF_DEACTIVATED, AuditKind.STAFF_REACTIVATED]


def test_a_deactivated_member_is_logged_out_at_the_next_page(client, ops, hn):
    member = VietnamStaffFactory(warehouse=hn)
    client.force_login(member)
    assert client.get(reverse("warehouse:depot")).status_code == 200
    staff_set_active(user=member, active=False, by=ops)
    assert client.get(reverse("warehouse:depot")).status_code == 302


def test_never_deactivate_yourself(client_of, ops, english):
    response = client_of(ops).post(
        reverse("backoffice:staff_active", args=[ops.pk]), {"active": "0"}, follow=True
    )
    ops.refresh_from_db()
    assert ops.is_active
    assert "You cannot deactivate your own account." in response.content.decode()


def test_another_ops_may_deactivate_an_ops(ops):
    other = OperationsFactory(username="vanhanh2")
    staff_set_active(user=other, active=False, by=ops)
    other.refresh_from_db()
    assert not other.is_active


def test_the_list_hides_deactivated_accounts_unless_asked(client_of, ops, hn):
    gone = VietnamStaffFactory(username="danghi", warehouse=hn, is_active=False)
    client = client_of(ops)
    assert gone.username not in client.get(reverse("backoffice:staff")).content.decode()
    assert gone.username in client.get(reverse("backoffice:staff") + "?show=all").content.decode()


def test_warehouse_details_are_saved_and_audited(client_of, ops, hn):
    response = client_of(ops).post(
        reverse("backoffice:warehouse", args=[hn.pk]),
        {
            "name": hn.name,
            "address": "Số 2 Phạm Văn Đồng, Cầu Giấy, Hà Nội",
            "postal_code": "",
            "phone": "0243 999 8888",
            "opening_hours": "8:00–18:00, T2–T7",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    hn.refresh_from_db()
    assert (hn.phone, hn.opening_hours) == ("02439998888", "8:00–18:00, T2–T7")
    entry = AuditEntry.objects.get(kind=AuditKind.WAREHOUSE_CHANGED)
    assert set(entry.data) == {"address", "phone", "opening_hours"}


def test_a_warehouse_with_staff_cannot_close(ops, hn):
    VietnamStaffFactory(warehouse=hn)
    with pytest.raises(DomainError):
        warehouse_update(warehouse=hn, by=ops, is_active=False)


def test_a_depot_takes_provinces_and_gives_them_back(client_of, ops, hn, english):
    from warehouse.models import DepotProvince

    sg = VietnamDepotFactory(code="SG", name="TP.HCM", address="1 Lê Lợi")
    DepotProvince.objects.create(province_code="79", depot=sg)
    url = reverse("backoffice:depot_provinces", args=[hn.pk])
    client = client_of(ops)
    page = client.get(reverse("backoffice:warehouse", args=[hn.pk])).content.decode()
    assert "(SG)" in page  # Hồ Chí Minh is served by SG for now
    assert client.post(url, {"provinces": ["01", "79"]}).status_code == 302
    assert dict(DepotProvince.objects.values_list("province_code", "depot__code")) == {"01": "HN", "79": "HN"}
    client.post(url, {"provinces": ["01"]})
    assert dict(DepotProvince.objects.values_list("province_code", "depot__code")) == {"01": "HN"}
    entries = AuditEntry.objects.filter(kind=AuditKind.DEPOT_PROVINCES).order_by("id")
    assert [e.data["added"] for e in entries] == [["01", "79"], []]
    assert entries[0].data["moved_from"] == {"79": sg.pk}


def test_unknown_provinces_and_china_warehouses_are_refused(client_of, ops, hn, gz):
    client = client_of(ops)
    assert (
        client.post(reverse("backoffice:depot_provinces", args=[hn.pk]), {"provinces": ["99x"]}).status_code
        == 400
    )
    assert (
        client.post(reverse("backoffice:depot_provinces", args=[gz.pk]), {"provinces": ["01"]}).status_code
        == 404
    )
