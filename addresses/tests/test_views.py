"""View tests for the delivery addresses and the China warehouse address page.

A customer only ever sees and changes their own addresses: an id from the URL is never trusted.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from addresses.models import DeliveryAddress
from addresses.tests.factories import DeliveryAddressFactory
from core.testing import assert_login_redirect
from warehouse.tests.factories import ChinaWarehouseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot(address):
    """Every column of the row, fresh from the database."""
    return DeliveryAddress.objects.filter(pk=address.pk).values().get()


# An address in the 2025 units: TP. Hồ Chí Minh, Phường Sài Gòn (formerly Bến Nghé, Quận 1).
ADDRESS_DATA = {
    "recipient_name": "Trần Thị Bình",
    "phone": "0987 654 321",
    "province_code": "79",
    "ward_code": "26740",
    "street": "12 Lê Lợi",
}


@pytest.fixture
def others_address(other_customer):
    return other_customer.addresses.get()


# (url name, needs an address pk, HTTP method)
URLS = [
    ("addresses:list", False, "get"),
    ("addresses:create", False, "get"),
    ("addresses:create", False, "post"),
    ("addresses:edit", True, "get"),
    ("addresses:edit", True, "post"),
    ("addresses:delete", True, "post"),
    ("addresses:default", True, "post"),
    ("addresses:china", False, "get"),
    ("addresses:wards", False, "get"),
]


def url_for(name, needs_pk, address):
    return reverse(name, args=[address.pk]) if needs_pk else reverse(name)


# --- who may open what -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "needs_pk", "method"), URLS)
def test_anonymous_is_sent_to_login(client, customer, name, needs_pk, method):
    address = customer.addresses.get()
    before = snapshot(address)
    path = url_for(name, needs_pk, address)
    response = getattr(client, method)(path, ADDRESS_DATA if method == "post" else None)
    assert_login_redirect(response, path)
    assert snapshot(address) == before
    assert DeliveryAddress.objects.count() == 1


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
@pytest.mark.parametrize(("name", "needs_pk", "method"), URLS)
def test_staff_are_refused_customer_pages(request, client_of, customer, persona, name, needs_pk, method):
    address = customer.addresses.get()
    before = snapshot(address)
    client = client_of(request.getfixturevalue(persona))
    response = getattr(client, method)(
        url_for(name, needs_pk, address), ADDRESS_DATA if method == "post" else None
    )
    assert response.status_code == 403
    assert snapshot(address) == before
    assert DeliveryAddress.objects.count() == 1


@pytest.mark.parametrize("name", ["addresses:delete", "addresses:default"])
def test_post_only_views_refuse_get(client_of, customer, name):
    second = DeliveryAddressFactory(customer=customer)
    before = snapshot(second)
    response = client_of(customer).get(reverse(name, args=[second.pk]))
    assert response.status_code == 405
    assert snapshot(second) == before
    assert customer.addresses.filter(is_default=True).count() == 1


# --- another customer's address: always 404, never changed ----------------------------------------------


def test_cannot_open_another_customers_address_for_editing(client_of, customer, others_address):
    response = client_of(customer).get(reverse("addresses:edit", args=[others_address.pk]))
    assert response.status_code == 404
    assert others_address.street not in response.text


def test_cannot_edit_another_customers_address(client_of, customer, others_address):
    before = snapshot(others_address)
    response = client_of(customer).post(
        reverse("addresses:edit", args=[others_address.pk]), {**ADDRESS_DATA, "make_default": "on"}
    )
    assert response.status_code == 404
    assert snapshot(others_address) == before
    assert customer.addresses.count() == 1  # and nothing was created for the attacker either


def test_cannot_delete_another_customers_address(client_of, customer, others_address):
    before = snapshot(others_address)
    response = client_of(customer).post(reverse("addresses:delete", args=[others_address.pk]))
    assert response.status_code == 404
    assert snapshot(others_address) == before


def test_cannot_make_another_customers_address_default(client_of, customer, other_customer):
    theirs = DeliveryAddressFactory(customer=other_customer)  # not their default
    their_default = other_customer.addresses.get(is_default=True)
    my_default = customer.addresses.get(is_default=True)
    before = snapshot(theirs)

    response = client_of(customer).post(reverse("addresses:default", args=[theirs.pk]))

    assert response.status_code == 404
    assert snapshot(theirs) == before
    assert other_customer.addresses.get(is_default=True) == their_default
    assert customer.addresses.get(is_default=True) == my_default


def test_address_list_shows_only_my_addresses(client_of, customer, other_customer):
    mine = DeliveryAddressFactory(customer=customer, street="Số 7 Hàng Bạc")
    theirs = DeliveryAddressFactory(customer=other_customer, street="Số 99 Phố Lạ")

    response = client_of(customer).get(reverse("addresses:list"))

    assert response.status_code == 200
    assert set(response.context["addresses"]) == set(customer.addresses.all())
    assert mine.street in response.text
    assert theirs.street not in response.text
    assert reverse("addresses:edit", args=[theirs.pk]) not in response.text
    assert response.text.count('data-testid="address"') == 2


def test_address_list_empty_state(client_of, new_customer):
    response = client_of(new_customer).get(reverse("addresses:list"))
    assert response.status_code == 200
    assert "You have no delivery address yet" in response.text


# --- creating, editing, default, deleting ----------------------------------------------------------------


def test_create_form_opens_empty(client_of, new_customer):
    response = client_of(new_customer).get(reverse("addresses:create"))
    assert response.status_code == 200
    assert response.context["address"] is None
    assert 'name="recipient_name"' in response.text
    assert 'name="district"' not in response.text  # no district level since July 2025
    assert 'data-testid="old-address"' not in response.text
    form = response.context["form"]
    assert len(form.fields["province_code"].choices) == 1 + 34
    assert form.fields["ward_code"].choices == [("", "Choose the province or city first")]


def test_first_address_becomes_the_default(client_of, new_customer):
    response = client_of(new_customer).post(reverse("addresses:create"), ADDRESS_DATA)

    assert response.status_code == 302 and response.url == reverse("addresses:list")
    address = new_customer.addresses.get()
    assert address.is_default is True
    assert address.phone == "0987654321"  # spaces dropped
    assert address.street == "12 Lê Lợi"
    # The codes, and the names that go with them (every label and template reads the names); no district.
    assert (address.province_code, address.ward_code) == ("79", "26740")
    assert (address.province, address.district, address.ward) == ("Hồ Chí Minh", "", "Phường Sài Gòn")
    assert str(address) == "12 Lê Lợi, Phường Sài Gòn, Hồ Chí Minh"
    assert "Address saved." in messages_of(response)


def test_second_address_without_make_default_is_not_default(client_of, customer):
    old_default = customer.addresses.get()
    client_of(customer).post(reverse("addresses:create"), ADDRESS_DATA)
    assert customer.addresses.count() == 2
    assert list(customer.addresses.filter(is_default=True)) == [old_default]


def test_new_address_with_make_default_takes_over(client_of, customer):
    client_of(customer).post(reverse("addresses:create"), {**ADDRESS_DATA, "make_default": "on"})
    defaults = list(customer.addresses.filter(is_default=True))
    assert len(defaults) == 1 and defaults[0].street == "12 Lê Lợi"


def test_create_with_next_returns_to_where_the_customer_was(client_of, new_customer):
    response = client_of(new_customer).post(
        reverse("addresses:create"), {**ADDRESS_DATA, "next": reverse("tracking:list")}
    )
    assert response.status_code == 302 and response.url == reverse("tracking:list")
    assert new_customer.addresses.count() == 1


@pytest.mark.parametrize("nxt", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_create_ignores_a_next_to_another_site(client_of, new_customer, nxt):
    response = client_of(new_customer).post(reverse("addresses:create"), {**ADDRESS_DATA, "next": nxt})
    assert response.status_code == 302 and response.url == reverse("addresses:list")


def test_create_keeps_next_in_the_form(client_of, new_customer):
    response = client_of(new_customer).get(reverse("addresses:create") + "?next=/tracking/")
    assert 'name="next" value="/tracking/"' in response.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Enter a Vietnamese phone number"),
        ("recipient_name", "", "This field is required."),
        ("street", "", "This field is required."),
        ("province_code", "", "Choose the province or city."),
        ("province_code", "99", "Select a valid choice. 99 is not one of the available choices."),
        ("ward_code", "", "Choose the ward or commune."),
    ],
)
def test_create_refuses_invalid_data(client_of, new_customer, field, value, message):
    response = client_of(new_customer).post(reverse("addresses:create"), {**ADDRESS_DATA, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.text
    assert not new_customer.addresses.exists()


def test_edit_form_shows_my_address(client_of, customer):
    address = customer.addresses.get()
    response = client_of(customer).get(reverse("addresses:edit", args=[address.pk]))
    assert response.status_code == 200
    assert response.context["address"] == address
    assert f'value="{address.street}"' in response.text


def test_edit_saves_my_address_and_keeps_it_default(client_of, customer):
    address = customer.addresses.get()
    response = client_of(customer).post(reverse("addresses:edit", args=[address.pk]), ADDRESS_DATA)
    assert response.status_code == 302 and response.url == reverse("addresses:list")
    address.refresh_from_db()
    assert address.street == "12 Lê Lợi" and address.phone == "0987654321"
    assert address.is_default is True  # the only address stays the default
    assert customer.addresses.count() == 1


def test_edit_with_make_default_leaves_exactly_one_default(client_of, customer):
    second = DeliveryAddressFactory(customer=customer)
    client_of(customer).post(
        reverse("addresses:edit", args=[second.pk]), {**ADDRESS_DATA, "make_default": "on"}
    )
    assert list(customer.addresses.filter(is_default=True)) == [second]


def test_make_default_leaves_exactly_one_default(client_of, customer, other_customer):
    first = customer.addresses.get()
    second = DeliveryAddressFactory(customer=customer)
    third = DeliveryAddressFactory(customer=customer)
    their_default = other_customer.addresses.get()

    response = client_of(customer).post(reverse("addresses:default", args=[second.pk]))

    assert response.status_code == 302 and response.url == reverse("addresses:list")
    assert "Default address changed." in messages_of(response)
    assert list(customer.addresses.filter(is_default=True)) == [second]
    first.refresh_from_db()
    third.refresh_from_db()
    assert not first.is_default and not third.is_default
    their_default.refresh_from_db()
    assert their_default.is_default  # someone else's default is untouched


def test_make_default_on_the_default_keeps_it(client_of, customer):
    first = customer.addresses.get()
    client_of(customer).post(reverse("addresses:default", args=[first.pk]))
    assert list(customer.addresses.filter(is_default=True)) == [first]


def test_deleting_the_default_promotes_another(client_of, customer, other_customer):
    first = customer.addresses.get()
    second = DeliveryAddressFactory(customer=customer)

    response = client_of(customer).post(reverse("addresses:delete", args=[first.pk]))

    assert response.status_code == 302 and response.url == reverse("addresses:list")
    assert "Address deleted." in messages_of(response)
    assert not DeliveryAddress.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.is_default is True
    assert customer.addresses.filter(is_default=True).count() == 1
    assert other_customer.addresses.filter(is_default=True).count() == 1


def test_deleting_another_address_keeps_the_default(client_of, customer):
    first = customer.addresses.get()
    second = DeliveryAddressFactory(customer=customer)
    client_of(customer).post(reverse("addresses:delete", args=[second.pk]))
    assert list(customer.addresses.all()) == [first]
    first.refresh_from_db()
    assert first.is_default


def test_deleting_the_last_address_leaves_none(client_of, customer):
    client_of(customer).post(reverse("addresses:delete", args=[customer.addresses.get().pk]))
    assert not customer.addresses.exists()


@pytest.mark.parametrize(
    "status", ["cn_received", "in_transit", "awaiting_delivery", "delivering", "refused"]
)
def test_the_last_address_stays_while_orders_await_delivery(client_of, customer, other_customer, status):
    from consignments.tests.factories import ConsignmentFactory

    ConsignmentFactory(customer=customer, status=status)
    ConsignmentFactory(customer=customer, status="delivered")
    address = customer.addresses.get()

    response = client_of(customer).post(reverse("addresses:delete", args=[address.pk]))

    assert response.status_code == 302 and response.url == reverse("addresses:list")
    assert DeliveryAddress.objects.filter(pk=address.pk).exists()
    assert messages_of(response) == [
        "This is your last delivery address and 1 order is still on its way or awaiting delivery: "
        "add another address first, then delete this one."
    ]
    # with a second address, either one can go
    DeliveryAddressFactory(customer=customer)
    response = client_of(customer).post(reverse("addresses:delete", args=[address.pk]))
    assert "Address deleted." in messages_of(response)
    assert customer.addresses.count() == 1


def test_the_last_address_goes_when_every_order_is_finished(client_of, customer):
    from consignments.tests.factories import ConsignmentFactory

    for status in ("delivered", "cancelled", "lost"):
        ConsignmentFactory(customer=customer, status=status)
    client_of(customer).post(reverse("addresses:delete", args=[customer.addresses.get().pk]))
    assert not customer.addresses.exists()


def test_unknown_address_is_404(client_of, customer):
    client = client_of(customer)
    assert client.get(reverse("addresses:edit", args=[999999])).status_code == 404
    assert client.post(reverse("addresses:delete", args=[999999])).status_code == 404
    assert client.post(reverse("addresses:default", args=[999999])).status_code == 404


# --- the China warehouse address -------------------------------------------------------------------------


def test_china_address_shows_each_platforms_block_with_my_mark(client_of, customer, other_customer):
    warehouse = ChinaWarehouseFactory()

    response = client_of(customer).get(reverse("addresses:china"))

    assert response.status_code == 200
    [(shown, blocks)] = response.context["warehouses"]
    assert shown == warehouse
    by_key = {key: dict(fields) for key, _title, fields in blocks}
    assert set(by_key) == {"wechat", "taobao_web", "pinduoduo", "taobao_app", "1688_app"}
    receiver, address, postal = "Receiver (收货人)", "Address (收货地址)", "Postal code (邮政编码)"
    assert by_key["wechat"][receiver] == "123PO thubin89x YW532"
    assert by_key["wechat"][address] == warehouse.address
    for key in ("taobao_web", "pinduoduo", "taobao_app", "1688_app"):
        assert by_key[key][receiver] == "thubin89x - YW532"
        assert by_key[key][address].endswith("thubin89x - YW532")
    # DOMAIN.md: the Pinduoduo and Taobao apps have no postal-code field.
    assert {k for k, fields in by_key.items() if postal in fields} == {"wechat", "taobao_web", "1688_app"}
    text = response.text
    assert warehouse.name in text and "510890" in text and "123PO thubin89x YW532" in text
    assert "hoang2024" not in text and "KM748" not in text


def test_china_address_hides_inactive_warehouses(client_of, customer):
    ChinaWarehouseFactory(code="SZ", name="Kho Thâm Quyến cũ", is_active=False)
    response = client_of(customer).get(reverse("addresses:china"))
    assert response.status_code == 200
    assert response.context["warehouses"] == []
    assert "Kho Thâm Quyến cũ" not in response.text
    assert "No China warehouse is configured yet." in response.text


# --- the 2025 units: province, then one of its wards -----------------------------------------------------


def test_a_ward_of_another_province_is_refused_with_a_clear_message(client_of, new_customer):
    # Phường Ba Đình is in Hà Nội, not in TP. Hồ Chí Minh.
    response = client_of(new_customer).post(
        reverse("addresses:create"), {**ADDRESS_DATA, "ward_code": "00004"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ward_code"] == [
        "This ward or commune is not in Hồ Chí Minh: choose one from the list."
    ]
    assert "This ward or commune is not in Hồ Chí Minh" in response.text
    assert not new_customer.addresses.exists()
    # The form comes back with the chosen province's wards, so it works without JavaScript too.
    assert '<option value="26740">Phường Sài Gòn</option>' in response.text
    assert "Phường Ba Đình" not in response.text


def test_without_javascript_a_new_province_comes_back_with_its_wards(client_of, new_customer):
    """No htmx: the customer picks Hà Nội and saves; the page comes back asking for one of its wards."""
    data = {**ADDRESS_DATA, "province_code": "01", "ward_code": ""}
    response = client_of(new_customer).post(reverse("addresses:create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["ward_code"] == ["Choose the ward or commune."]
    assert '<option value="01" selected>Hà Nội</option>' in response.text
    assert '<option value="00004">Phường Ba Đình</option>' in response.text
    assert "Phường Sài Gòn" not in response.text
    assert not new_customer.addresses.exists()


def test_a_ward_without_a_province_is_refused(client_of, new_customer):
    response = client_of(new_customer).post(
        reverse("addresses:create"), {**ADDRESS_DATA, "province_code": ""}
    )
    errors = response.context["form"].errors
    assert errors["province_code"] == ["Choose the province or city."]
    assert errors["ward_code"] == ["Choose the province or city first."]
    assert not new_customer.addresses.exists()


def test_province_select_loads_the_wards_with_htmx(client_of, new_customer):
    response = client_of(new_customer).get(reverse("addresses:create"))
    select = response.context["form"]["province_code"].as_widget()
    assert f'hx-get="{reverse("addresses:wards")}"' in select
    assert 'hx-target="#id_ward_code"' in select
    assert 'id="id_ward_code"' in response.text


def test_provinces_are_the_34_in_vietnamese_order(client_of, new_customer):
    response = client_of(new_customer).get(reverse("addresses:create"))
    names = [label for value, label in response.context["form"].fields["province_code"].choices if value]
    assert len(names) == 34
    assert names[:5] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ"]
    assert names[-1] == "Vĩnh Long"
    assert "Hà Giang" not in names and "Bình Dương" not in names  # merged on 1 July 2025


def test_edit_form_of_a_new_units_address_shows_its_choices(client_of, customer):
    address = DeliveryAddressFactory(customer=customer, new_units=True)
    response = client_of(customer).get(reverse("addresses:edit", args=[address.pk]))
    assert response.status_code == 200
    assert '<option value="01" selected>Hà Nội</option>' in response.text
    assert '<option value="00166" selected>Phường Cầu Giấy</option>' in response.text
    assert 'data-testid="old-address"' not in response.text


def test_editing_a_new_units_address_to_another_ward(client_of, customer):
    address = DeliveryAddressFactory(customer=customer, new_units=True)
    data = {**ADDRESS_DATA, "province_code": "01", "ward_code": "00004"}
    response = client_of(customer).post(reverse("addresses:edit", args=[address.pk]), data)
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.province_code, address.ward_code, address.ward) == ("01", "00004", "Phường Ba Đình")


# --- addresses entered before the 2025 units -------------------------------------------------------------


def test_old_addresses_are_listed_as_entered(client_of, customer):
    old = customer.addresses.get()  # Hà Nội / Cầu Giấy / Dịch Vọng, typed by hand
    new = DeliveryAddressFactory(customer=customer, new_units=True, street="Số 1 Xuân Thủy")

    response = client_of(customer).get(reverse("addresses:list"))

    assert response.status_code == 200
    assert f"{old.street}, Dịch Vọng, Cầu Giấy, Hà Nội" in response.text
    assert "Số 1 Xuân Thủy, Phường Cầu Giấy, Hà Nội" in response.text
    assert response.text.count('data-testid="old-units"') == 1  # only the old one is flagged
    assert reverse("addresses:edit", args=[old.pk]) in response.text
    assert reverse("addresses:edit", args=[new.pk]) in response.text


def test_editing_an_old_address_asks_for_the_new_units(client_of, customer):
    address = customer.addresses.get()

    response = client_of(customer).get(reverse("addresses:edit", args=[address.pk]))

    assert response.status_code == 200
    assert response.context["old_address"] == f"{address.street}, Dịch Vọng, Cầu Giấy, Hà Nội"
    assert 'data-testid="old-address"' in response.text
    assert f'value="{address.street}"' in response.text
    # Its province is suggested (read from the old name), its ward asked anew among that province's.
    assert '<option value="01" selected>Hà Nội</option>' in response.text
    assert '<option value="" selected>Choose a ward or commune</option>' in response.text
    assert '<option value="00166">Phường Cầu Giấy</option>' in response.text


def test_an_old_address_of_a_merged_province_suggests_the_province_it_is_in_now(client_of, customer):
    address = DeliveryAddressFactory(customer=customer, province="Tỉnh Bình Dương", district="Thủ Dầu Một")
    response = client_of(customer).get(reverse("addresses:edit", args=[address.pk]))
    assert '<option value="79" selected>Hồ Chí Minh</option>' in response.text
    assert '<option value="25747">Phường Thủ Dầu Một</option>' in response.text


def test_an_old_address_is_not_saved_without_a_ward(client_of, customer):
    address = customer.addresses.get()
    before = snapshot(address)
    data = {**ADDRESS_DATA, "province_code": "01", "ward_code": ""}
    response = client_of(customer).post(reverse("addresses:edit", args=[address.pk]), data)
    assert response.status_code == 200
    assert "Choose the ward or commune." in response.text
    assert 'data-testid="old-address"' in response.text  # still explained: it is still the old address
    assert snapshot(address) == before


def test_an_old_address_saved_in_the_new_units_loses_its_district(client_of, customer):
    address = customer.addresses.get()
    data = {**ADDRESS_DATA, "province_code": "01", "ward_code": "00166"}
    response = client_of(customer).post(reverse("addresses:edit", args=[address.pk]), data)
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.province_code, address.ward_code) == ("01", "00166")
    assert (address.province, address.district, address.ward) == ("Hà Nội", "", "Phường Cầu Giấy")
    assert address.uses_new_units and address.is_default
    assert customer.addresses.count() == 1


# --- the ward options (htmx) -----------------------------------------------------------------------------


def test_ward_options_of_a_province(client_of, customer):
    response = client_of(customer).get(
        reverse("addresses:wards"), {"province_code": "01"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    text = response.text
    assert "<html" not in text and "<select" not in text  # only the options, swapped into the select
    assert text.startswith('<option value="">Choose a ward or commune</option>')
    assert '<option value="00004">Phường Ba Đình</option>' in text
    assert '<option value="00577">Xã Bát Tràng</option>' in text
    assert "Phường Sài Gòn" not in text
    assert text.count("<option") == 1 + 126  # Hà Nội has 126 wards and communes


@pytest.mark.parametrize(
    "params", [{}, {"province_code": ""}, {"province_code": "02"}, {"province_code": "x"}]
)
def test_ward_options_without_a_province(client_of, customer, params):
    response = client_of(customer).get(reverse("addresses:wards"), params)
    assert response.status_code == 200
    assert response.text.strip() == '<option value="">Choose the province or city first</option>'


def test_ward_options_refuse_post(client_of, customer):
    response = client_of(customer).post(reverse("addresses:wards"), {"province_code": "01"})
    assert response.status_code == 405
