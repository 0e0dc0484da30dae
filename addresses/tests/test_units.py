"""The 2025 administrative units, and the 2025 province of any address, old ones included."""

import json
import time

import pytest
from django.core.exceptions import ValidationError

from addresses import units
from addresses.selectors import (
    default_address,
    default_province_code,
    province_code_for,
    province_name,
    provinces,
    wards,
)
from addresses.services import address_save
from addresses.tests.factories import DeliveryAddressFactory

# --- the data --------------------------------------------------------------------------------------------


def test_34_provinces_and_3321_wards():
    codes = [code for code, _name in provinces()]
    assert len(codes) == len(set(codes)) == 34
    all_wards = [ward for code in codes for ward in wards(code)]
    assert len(all_wards) == len({code for code, _name in all_wards}) == 3321
    assert all(len(code) == 2 and code.isdigit() for code in codes)
    assert all(len(code) == 5 and code.isdigit() for code, _name in all_wards)
    kinds = {name.split(" ")[0] for _code, name in all_wards}
    assert kinds == {"Phường", "Xã", "Đặc"}  # phường, xã, đặc khu


def test_provinces_in_vietnamese_alphabetical_order():
    names = [name for _code, name in provinces()]
    assert names == sorted(names, key=units.vi_sort_key)
    # ă, â, đ, ơ, ư … are letters of their own, after a, d, o, u; tones only break ties.
    assert names.index("Cao Bằng") < names.index("Cần Thơ") < names.index("Đà Nẵng") < names.index("Gia Lai")
    assert (
        names.index("Lai Châu") < names.index("Lạng Sơn") < names.index("Lào Cai") < names.index("Lâm Đồng")
    )
    assert names.index("Huế") < names.index("Hưng Yên")
    assert names[0] == "An Giang" and names[-1] == "Vĩnh Long"


def test_vietnamese_sort_key():
    words = ["Bất Bạt", "Bạch Mai", "Ba Vì", "Bát Tràng", "Bà", "Bá", "Ba", "Bạ", "Bả", "Bã", "Đa", "Dương"]
    assert sorted(words, key=units.vi_sort_key) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bá",
        "Bạ",
        "Ba Vì",
        "Bạch Mai",
        "Bát Tràng",
        "Bất Bạt",
        "Dương",
        "Đa",
    ]


def test_province_name():
    assert province_name("01") == "Hà Nội"
    assert province_name("79") == "Hồ Chí Minh"
    assert units.province_full_name("79") == "Thành phố Hồ Chí Minh"
    for not_a_province in ("02", "74", "99", "", None, "1"):  # 02 Hà Giang, 74 Bình Dương: merged
        assert province_name(not_a_province) is None


def test_wards_of_a_province():
    hanoi = wards("01")
    assert len(hanoi) == 126
    assert ("00004", "Phường Ba Đình") in hanoi and ("00577", "Xã Bát Tràng") in hanoi
    assert ("26740", "Phường Sài Gòn") in wards("79")
    assert ("31078", "Đặc khu Phú Quốc") in wards("91")
    assert wards("02") == wards("") == wards(None) == []
    # Sorted by name without "Phường"/"Xã": Ba Đình next to Ba Vì, whatever their kind.
    names = [name for _code, name in hanoi]
    assert names.index("Phường Ba Đình") + 1 == names.index("Xã Ba Vì")


def test_ward_name_checks_the_province():
    assert units.ward_name("01", "00004") == "Phường Ba Đình"
    assert units.ward_name("79", "00004") is None
    assert units.ward_name("", "00004") is None
    assert units.ward_name("01", "") is None


def test_lists_are_the_callers_own():
    first = wards("01")
    first.clear()
    assert len(wards("01")) == 126
    provinces().clear()
    assert len(provinces()) == 34


def test_provinces_and_wards_are_fast():
    provinces(), wards("01")  # read from disk once
    start = time.perf_counter()
    for _ in range(1000):
        provinces(), wards("79")
    assert time.perf_counter() - start < 0.5  # well under a millisecond a call


# --- old and new province names → the 2025 province --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # The 34 as they are named now, with and without their prefix, tones or case.
        ("Hà Nội", "01"),
        ("Thành phố Hà Nội", "01"),
        ("TP. Hà Nội", "01"),
        ("ha noi", "01"),
        ("Ha Noi", "01"),
        ("HÀ NỘI", "01"),
        ("Hanoi", "01"),
        ("  Hà   Nội ", "01"),
        ("Hồ Chí Minh", "79"),
        ("TP. Hồ Chí Minh", "79"),
        ("TP.HCM", "79"),
        ("TP HCM", "79"),
        ("Tp Hcm", "79"),
        ("TPHCM", "79"),
        ("HCM", "79"),
        ("Ho Chi Minh City", "79"),
        ("Sài Gòn", "79"),
        ("Sai Gon", "79"),
        ("Tỉnh Lào Cai", "15"),
        ("Thanh Hoá", "38"),  # the old tone placement
        ("Thanh Hóa", "38"),
        ("Khánh Hoà", "56"),
        ("Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("Thừa Thiên - Huế", "46"),
        ("Đắk Lắk", "66"),
        ("Dak Lak", "66"),
        ("Đắc Lắc", "66"),
        ("Cần Thơ", "92"),
        # The provinces merged on 1 July 2025 (Resolution 202/2025/QH15).
        ("Hà Giang", "08"),
        ("Tỉnh Hà Giang", "08"),
        ("Bắc Kạn", "19"),
        ("Yên Bái", "15"),
        ("Hòa Bình", "25"),
        ("Hoà Bình", "25"),
        ("Vĩnh Phúc", "25"),
        ("Bắc Giang", "24"),
        ("Hải Dương", "31"),
        ("Thái Bình", "33"),
        ("Hà Nam", "37"),
        ("Nam Định", "37"),
        ("Quảng Bình", "44"),
        ("Quảng Nam", "48"),
        ("Kon Tum", "51"),
        ("Bình Định", "52"),
        ("Phú Yên", "66"),
        ("Ninh Thuận", "56"),
        ("Đắk Nông", "68"),
        ("Bình Thuận", "68"),
        ("Bình Phước", "75"),
        ("Bình Dương", "79"),
        ("Tỉnh Bình Dương", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("Bà Rịa – Vũng Tàu", "79"),
        ("Bà Rịa-Vũng Tàu", "79"),
        ("BR-VT", "79"),
        ("Vũng Tàu", "79"),
        ("Long An", "80"),
        ("Tiền Giang", "82"),
        ("Bến Tre", "86"),
        ("Trà Vinh", "86"),
        ("Kiên Giang", "91"),
        ("Hậu Giang", "92"),
        ("Sóc Trăng", "92"),
        ("Bạc Liêu", "96"),
        ("Hà Tây", "01"),
        # More than the province: read by its last part.
        ("Quận 1, TP.HCM", "79"),
        ("Hà Nội, Việt Nam", "01"),
        # Not a province.
        ("", None),
        ("   ", None),
        (None, None),
        ("Paris", None),
        ("Quận 1", None),
        ("Thành phố", None),
    ],
)
def test_province_code_from_name(name, code):
    assert units.province_code_from_name(name) == code


def test_every_old_province_has_its_2025_province():
    legacy = json.loads((units.DATA_DIR / "legacy_provinces.json").read_text(encoding="utf-8"))
    assert len(legacy) == 63
    for old_name, code in legacy.items():
        assert province_name(code), old_name
        assert units.province_code_from_name(old_name) == code, old_name
    for code, name in provinces():
        assert units.province_code_from_name(name) == code
        assert units.province_code_from_name(units.province_full_name(code)) == code


@pytest.mark.django_db
def test_province_code_for_an_address():
    assert province_code_for(DeliveryAddressFactory(new_units=True)) == "01"
    assert province_code_for(DeliveryAddressFactory(province="Bình Dương")) == "79"
    assert province_code_for(DeliveryAddressFactory(province="TP. Hồ Chí Minh", district="Quận 1")) == "79"
    assert province_code_for(DeliveryAddressFactory(province="chưa rõ")) is None
    # The chosen code wins over the name.
    assert province_code_for(DeliveryAddressFactory(province="Hà Nội", province_code="79")) == "79"
    # A code that is not one of the 34 falls back to the name.
    assert province_code_for(DeliveryAddressFactory(province="Hà Nội", province_code="02")) == "01"


# --- the customer's default ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_address_and_its_province(customer, new_customer):
    assert default_address(new_customer) is None
    assert default_province_code(new_customer) is None

    old_default = customer.addresses.get()  # Hà Nội, typed by hand
    assert default_address(customer) == old_default
    assert default_province_code(customer) == "01"

    DeliveryAddressFactory(customer=customer, province="Bình Dương")  # not the default
    assert default_province_code(customer) == "01"

    merged = DeliveryAddressFactory(customer=new_customer, province="Tỉnh Bắc Giang", is_default=True)
    assert default_address(new_customer) == merged
    assert default_province_code(new_customer) == "24"  # now Bắc Ninh


@pytest.mark.django_db
def test_default_province_code_of_an_unreadable_province(new_customer):
    DeliveryAddressFactory(customer=new_customer, province="???", is_default=True)
    assert default_province_code(new_customer) is None


@pytest.mark.django_db
def test_default_province_code_reads_one_query(customer, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert default_province_code(customer) == "01"


# --- saving ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_address_save_takes_the_names_from_the_codes(new_customer):
    address = address_save(
        customer=new_customer,
        recipient_name="A",
        phone="0912345678",
        street="1 Lê Lợi",
        province_code="79",
        ward_code="26743",
        district="ignored",
    )
    address.refresh_from_db()
    assert (address.province, address.district, address.ward) == ("Hồ Chí Minh", "", "Phường Bến Thành")


@pytest.mark.django_db
def test_address_save_refuses_a_ward_of_another_province(new_customer):
    with pytest.raises(ValidationError):
        address_save(
            customer=new_customer,
            recipient_name="A",
            phone="0912345678",
            street="1 Lê Lợi",
            province_code="79",
            ward_code="00004",
        )
    assert not new_customer.addresses.exists()


@pytest.mark.django_db
def test_address_save_still_takes_an_old_style_address(new_customer):
    """Demo data and scripts may still give names only: kept as given, with the province code their name
    gives (for the destination depot) and no ward code: still an old-style address."""
    address = address_save(
        customer=new_customer,
        recipient_name="A",
        phone="0912345678",
        street="Số 12",
        province="Hà Nội",
        district="Cầu Giấy",
        ward="Dịch Vọng",
    )
    assert (address.province_code, address.ward_code, address.district) == ("01", "", "Cầu Giấy")
    assert not address.uses_new_units
    assert province_code_for(address) == "01"
