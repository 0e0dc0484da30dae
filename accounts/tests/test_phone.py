"""The Vietnamese phone rule: what people type becomes the national form, anything else a clear refusal."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.phone import normalize_vn_phone

MOBILE_PREFIXES = ["03", "05", "07", "08", "09"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("０９１２３４５６７８", "0912345678"),  # a Chinese keyboard's full-width digits
        ("  0372345678 ", "0372345678"),
        ("0523456789", "0523456789"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        ("02438253535", "02438253535"),  # Hà Nội landline (024)
        ("028 3823 4567", "02838234567"),  # TP.HCM landline (028)
        ("0236 382 1234", "02363821234"),  # Đà Nẵng landline (0236)
        ("+84 24 3825 3535", "02438253535"),
        ("842438253535", "02438253535"),
        ("", ""),
    ],
)
def test_accepted_numbers_are_stored_in_the_national_form(typed, stored):
    assert normalize_vn_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "091234567",  # 9 digits
        "09123456789",  # a mobile with 11 digits
        "0112345678",  # no network starts 01 since 2018
        "0412345678",
        "0612345678",
        "1912345678",
        "0243825353",  # a landline with 10 digits
        "024382535351",  # 12 digits
        "+86 138 0013 8000",  # a Chinese mobile
        "+1 202 555 0100",
        "8412345678",  # 84 + 8 digits: neither a country code nor a national number
        "0912abc678",
        "09١٢٣٤٥٦٧٨",  # Arabic-Indic digits: not what a Vietnamese or Chinese keyboard types
        "0912345678 ext 2",
        "0912\x00345678",
        "phone",
    ],
)
def test_other_numbers_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_vn_phone(typed)
    assert "Vietnamese" in str(caught.value.messages[0]) or "+84" in str(caught.value.messages[0])


@st.composite
def vietnamese_mobiles(draw):
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    return prefix + draw(st.text("0123456789", min_size=8, max_size=8))


def _written(number: str, style: int, sep: str) -> str:
    """The same number as people write it: national, +84, 84 or 0084, grouped with a separator."""
    rest = number[1:]
    groups = [rest[:2], rest[2:5], rest[5:]]
    national = sep.join([number[:3], number[3:6], number[6:]])
    return [national, "+84" + sep + sep.join(groups), "84" + rest, "0084" + sep + sep.join(groups)][style]


@given(vietnamese_mobiles(), st.integers(0, 3), st.sampled_from(["", " ", ".", "-"]))
def test_every_way_of_writing_a_mobile_gives_the_same_number(number, style, sep):
    assert normalize_vn_phone(_written(number, style, sep)) == number


@given(st.text("0123456789", min_size=1, max_size=14))
def test_a_digit_string_is_either_a_valid_number_or_refused(digits):
    try:
        stored = normalize_vn_phone(digits)
    except ValidationError:
        return
    assert stored.startswith("0") and stored.isdigit()
    assert (len(stored) == 10 and stored[1] in "35789") or (len(stored) == 11 and stored[1] == "2")
