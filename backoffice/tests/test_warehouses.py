"""Operations open a warehouse or depot from the portal (no Django admin), close one only when nothing
depends on it, and a warehouse's phone is checked by its country (Vietnamese for depots, Chinese in China)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import VietnamStaffFactory
from backoffice.forms_warehouses import normalize_cn_phone
from backoffice.models import AuditEntry, AuditKind
from backoffice.services_warehouses import warehouse_contents, warehouse_create, warehouse_save
from core.errors import DomainError
from core.testing import assert_login_redirect
from warehouse.models import DepotProvince, Warehouse
from warehouse.tests.factories import ChinaWarehouseFactory, ParcelFactory, VietnamDepotFactory

pytestmark = pytest.mark.django_db
NEW = "/staff/ops/warehouses/new/"
DEPOT = {
    "code": "dn",
    "name": "Kho phân phối Đà Nẵng",
    "kind": "vn",
    "address": "12 Nguyễn Văn Linh, Hải Châu, Đà Nẵng",
    "postal_code": "",
    "phone": "+84 236 3822 999",
    "opening_hours": "8:00–17:30, T2–T7",
}


def _edit(place, **changes):
    data = {
        "name": place.name,
        "address": place.address,
        "postal_code": place.postal_code,
        "phone": place.phone,
        "opening_hours": place.opening_hours,
        "is_active": "on" if place.is_active else "",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


# --- who may ----------------------------------------------------------------------------------------------


def test_new_warehouse_page_is_for_operations_only(client, client_of, customer, cn_staff, vn_staff, ops):
    assert reverse("backoffice:warehouse_new") == NEW
    assert_login_redirect(client.get(NEW), NEW)
    assert_login_redirect(client.post(NEW, DEPOT), NEW)
    for persona in (customer, cn_staff, vn_staff):
        assert client_of(persona).get(NEW).status_code == 403
        assert client_of(persona).post(NEW, DEPOT).status_code == 403
    assert not Warehouse.objects.filter(code="DN").exists()
    ops_client = client_of(ops)
    assert ops_client.get(NEW).status_code == 200
    assert ops_client.delete(NEW).status_code == 405
    assert NEW in ops_client.get(reverse("backoffice:warehouses")).content.decode()


# --- creating ---------------------------------------------------------------------------------------------


def test_operations_create_a_depot_with_its_provinces(client_of, ops, english):
    sg = VietnamDepotFactory(code="SG", name="TP.HCM", address="1 Lê Lợi")
    DepotProvince.objects.create(province_code="48", depot=sg)
    response = client_of(ops).post(NEW, {**DEPOT, "provinces": ["48", "46"]})
    place = Warehouse.objects.get(code="DN")  # upper-cased
    assert response.status_code == 302 and response["Location"] == reverse(
        "backoffice:warehouse", args=[place.pk]
    )
    assert (place.kind, place.phone, place.is_active) == ("vn", "02363822999", True)
    assert dict(DepotProvince.objects.values_list("province_code", "depot__code")) == {"48": "DN", "46": "DN"}
    created = AuditEntry.objects.get(kind=AuditKind.WAREHOUSE_CREATED)
    assert (created.by, created.warehouse, created.data["code"]) == (ops, place, "DN")


def test_a_china_warehouse_takes_no_provinces_and_a_chinese_phone(client_of, ops):
    data = {**DEPOT, "code": "YW", "name": "Kho Nghĩa Ô", "kind": "cn", "phone": "+86 579 8555 1234"}
    assert client_of(ops).post(NEW, {**data, "provinces": ["01"]}).status_code == 302
    place = Warehouse.objects.get(code="YW")
    assert place.phone == "0579-85551234"
    assert not DepotProvince.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "GZ"}, "code"),  # taken (any case)
        ({"code": "gz"}, "code"),
        ({"code": "H N"}, "code"),
        ({"code": ""}, "code"),
        ({"kind": "xx"}, "kind"),
        ({"phone": "abc"}, "phone"),
        ({"phone": "13812345678"}, "phone"),  # a Chinese mobile for a Vietnam depot
        ({"kind": "cn", "phone": "0912345678"}, "phone"),  # a Vietnamese mobile for a China warehouse
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client_of, ops, english, changes, field):
    ChinaWarehouseFactory()
    response = client_of(ops).post(NEW, {**DEPOT, **changes})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert DEPOT["address"] in response.content.decode()  # nothing typed is lost
    assert Warehouse.objects.count() == 1


def test_the_code_taken_at_the_same_moment_is_a_clear_error(ops):
    warehouse_create(by=ops, **{**DEPOT, "code": "DN", "phone": ""})
    with pytest.raises(DomainError) as caught:
        warehouse_create(by=ops, **{**DEPOT, "code": "dn", "phone": ""})
    assert caught.value.code == "code"


def test_only_operations_create(vn_staff):
    with pytest.raises(DomainError):
        warehouse_create(by=vn_staff, **{**DEPOT, "code": "DN", "phone": ""})


# --- phones -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("020-12345678", "020-12345678"),
        ("010 1234 5678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("(0755) 8765 4321", "0755-87654321"),
        ("+86 20 1234 5678", "020-12345678"),
        ("+86 755 8765 4321", "0755-87654321"),
        ("400-820-8820", "4008208820"),
        ("", ""),
    ],
)
def test_chinese_numbers_are_read_in_their_usual_forms(typed, stored):
    assert normalize_cn_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "1381234567",
        "138123456789",
        "23812345678",
        "020-123456",
        "+84 912 345 678",
        "12345",
        "0912345678",
    ],
)
def test_other_numbers_are_not_chinese(typed, english):
    with pytest.raises(ValidationError) as caught:
        normalize_cn_phone(typed)
    assert "Chinese" in str(caught.value.messages)


def test_a_depot_phone_is_checked_on_edit(client_of, ops, english):
    hn = VietnamDepotFactory()
    url = reverse("backoffice:warehouse", args=[hn.pk])
    response = client_of(ops).post(url, _edit(hn, phone="abc"))
    assert response.status_code == 400
    assert "Vietnamese phone number" in response.content.decode()
    hn.refresh_from_db()
    assert hn.phone == ""
    assert client_of(ops).post(url, _edit(hn, phone="0912.345.678")).status_code == 302
    hn.refresh_from_db()
    assert hn.phone == "0912345678"


def test_a_china_warehouse_phone_is_checked_on_edit(client_of, ops, english):
    gz = ChinaWarehouseFactory()
    url = reverse("backoffice:warehouse", args=[gz.pk])
    response = client_of(ops).post(url, _edit(gz, phone="0912345678"))
    assert response.status_code == 400
    assert "Chinese phone number" in response.content.decode()
    assert client_of(ops).post(url, _edit(gz, phone="+86 189 2219 0239")).status_code == 302
    gz.refresh_from_db()
    assert gz.phone == "18922190239"


# --- closing ----------------------------------------------------------------------------------------------


def test_an_empty_warehouse_closes(client_of, ops):
    place = warehouse_create(by=ops, **{**DEPOT, "code": "DN", "phone": ""})
    response = client_of(ops).post(
        reverse("backoffice:warehouse", args=[place.pk]), _edit(place, is_active="")
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.is_active is False


def test_a_warehouse_with_something_in_it_does_not_close(client_of, ops, english):
    gz = ChinaWarehouseFactory()
    ParcelFactory(warehouse=gz)  # unidentified, on the shelf
    response = client_of(ops).post(reverse("backoffice:warehouse", args=[gz.pk]), _edit(gz, is_active=""))
    assert response.status_code == 400
    assert "1 unidentified parcel waits here." in response.content.decode()
    gz.refresh_from_db()
    assert gz.is_active is True


def test_a_depot_serving_provinces_or_with_staff_does_not_close(ops, english):
    hn = VietnamDepotFactory()
    DepotProvince.objects.create(province_code="01", depot=hn)
    assert warehouse_contents(hn) == ["It serves 1 province: give it to another depot first."]
    with pytest.raises(DomainError) as caught:
        warehouse_save(warehouse=hn, by=ops, is_active=False)
    assert caught.value.code == "contents"
    DepotProvince.objects.all().delete()
    VietnamStaffFactory(warehouse=hn)
    with pytest.raises(DomainError) as caught:
        warehouse_save(warehouse=hn, by=ops, is_active=False)
    assert caught.value.code == "staff"


def test_a_depot_with_orders_waiting_or_coming_does_not_close(ops, customer, english):
    from consignments.models import ConsignmentStatus
    from consignments.tests.factories import ConsignmentFactory

    gz, hn = ChinaWarehouseFactory(), VietnamDepotFactory()
    ConsignmentFactory(customer=customer, current_warehouse=gz, destination=hn)
    ConsignmentFactory(
        customer=customer, status=ConsignmentStatus.AWAITING_DELIVERY, current_warehouse=hn, destination=hn
    )
    ConsignmentFactory(
        customer=customer, status=ConsignmentStatus.DELIVERED, current_warehouse=hn, destination=hn
    )
    assert warehouse_contents(hn) == ["1 order is still here.", "1 order is on its way here."]
    assert "1 order is still here." in warehouse_contents(gz)
