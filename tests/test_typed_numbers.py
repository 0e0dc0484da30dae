"""Numbers typed at a station or in any form (review of issue 12, item 1): "12,5" kg reached the server as
125 from an <input type=number> that drops the comma, and the customer's estimate jumped tenfold. Every
numeric field is a text box with the phone's number pad, read on the server by core.numbers: one decimal
mark ("." or ","), what could mean two numbers refused, never x10 or x1000 silently. A parcel heavier than
usual is saved only when staff confirm it."""

import importlib
import pkgutil
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from core.numbers import parse_decimal, parse_whole
from warehouse.forms import DeclarationForm, WeightForm

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("12。5", "12.5"),
        ("１２，５", "12.5"),
        ("１２．５", "12.5"),
        (" 12,5 ", "12.5"),
        ("1.250", "1.250"),  # as a scale shows 1.25 kg: the one mark is the decimal mark, never x1000
        ("1,250", "1.250"),
        ("0,5", "0.5"),
        (",5", "0.5"),
        ("125", "125"),
    ],
)
def test_a_decimal_is_read_with_one_mark(typed, number):
    assert parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed", ["12 5", "1 250,5", "1.250,5", "1,250.5", "1.2.5", "12,,5", "12kg", "", ",", "١٢", "1e3", "NaN"]
)
def test_what_could_mean_two_numbers_is_refused(typed):
    assert parse_decimal(typed) is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [("1000", 1000), ("1.000", 1000), ("1,000", 1000), ("1 000", 1000), ("１．０００", 1000), ("12", 12)],
)
def test_a_whole_number_may_group_thousands(typed, number):
    assert parse_whole(typed) == number


@pytest.mark.parametrize("typed", ["12.5", "12.0", "1.00", "12 5", "1.000,000", "1.000.00"])
def test_a_whole_number_with_decimals_is_refused_not_cut(typed):
    assert parse_whole(typed) is None  # Django's own IntegerField read "1.000" as 1


def _all_forms() -> list[type]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in info.name for part in (".tests", ".migrations", ".management")):
                importlib.import_module(info.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


NUMERIC = [
    pytest.param(field, id=f"{form.__module__}.{form.__name__}.{name}")
    for form in _all_forms()
    for name, field in form.base_fields.items()
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField))
]


def test_the_walk_finds_the_numeric_fields():
    assert len(NUMERIC) > 30


@pytest.mark.parametrize("field", NUMERIC)
def test_no_numeric_field_is_an_input_type_number(field):
    html = field.widget.render("n", "", attrs=field.widget_attrs(field.widget))
    assert 'type="number"' not in html
    if not field.widget.is_hidden:
        assert 'inputmode="numeric"' in html or 'inputmode="decimal"' in html, html


@pytest.mark.parametrize("field", [p for p in NUMERIC if isinstance(p.values[0], forms.DecimalField)])
def test_every_decimal_field_reads_a_decimal_comma(field):
    for typed in ("1,5", "1.5", "１，５", "1。5"):
        try:
            assert field.clean(typed) == Decimal("1.5")
        except forms.ValidationError as exc:  # out of this field's range: refused, not read as 15
            assert "invalid" not in [e.code for e in exc.error_list], typed
    with pytest.raises(forms.ValidationError):
        field.clean("1 5")


def test_no_template_has_a_number_input():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"type=[\"']?number", path.read_text())
    ]
    assert offenders == []


def test_the_declaration_reads_a_vietnamese_quantity_and_a_decimal_comma():
    form = DeclarationForm({"goods_vi": "giày", "quantity": "1.000", "unit_value_cny": "12,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quantity"] == 1000 and form.unit_value_fen == 1250
    assert not DeclarationForm({"goods_vi": "giày", "quantity": "2.5", "unit_value_cny": "1"}).is_valid()


def test_heavy_weights_need_the_confirmation():
    from django.utils import translation

    assert WeightForm({"weight_kg": "30"}).is_valid()
    heavy = WeightForm({"weight_kg": "125"})
    with translation.override("en"):
        assert not heavy.is_valid() and heavy.heavy
        assert "That is 125 kg: heavier than usual. Save anyway?" in str(heavy.errors)
    assert WeightForm({"weight_kg": "125", "confirm_heavy": "on"}).is_valid()
    # five times what the parcel weighed before
    assert not WeightForm({"weight_kg": "15"}, previous_g=2_900).is_valid()
    assert WeightForm({"weight_kg": "14"}, previous_g=2_900).is_valid()


# --- the station ------------------------------------------------------------------------------------------


@pytest.fixture
def parcel(customer, cn_staff):
    from tracking.services import tracking_register
    from warehouse.matching import parcel_scan

    tracking_register(customer=customer, raw_code="SF2000000000777")
    order = parcel_scan(raw_code="SF2000000000777", warehouse=cn_staff.warehouse, by=cn_staff).consignment
    return order.parcels.get()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12,5", "12.5", "12。5", "１２，５", "１２．５"])
def test_the_station_saves_12_5_kg_however_it_is_typed(client_of, cn_staff, parcel, typed):
    response = client_of(cn_staff).post(
        f"/staff/cn/parcels/{parcel.pk}/weight/", {"weight_kg": typed}, headers=HTMX
    )
    assert response.status_code == 200
    parcel.refresh_from_db()
    assert parcel.weight_g == 12_500


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12 5", "1.250,5", "12,5kg"])
def test_the_station_refuses_an_ambiguous_weight_and_keeps_it_in_the_box(client_of, cn_staff, parcel, typed):
    response = client_of(cn_staff).post(
        f"/staff/cn/parcels/{parcel.pk}/weight/", {"weight_kg": typed}, headers=HTMX
    )
    parcel.refresh_from_db()
    assert parcel.weight_g is None
    assert 'data-testid="weight-error"' in response.text
    assert f'value="{typed}"' in response.text


@pytest.mark.django_db
def test_the_station_asks_before_saving_a_heavy_parcel(client_of, cn_staff, parcel, english):
    client = client_of(cn_staff)
    url = f"/staff/cn/parcels/{parcel.pk}/weight/"
    response = client.post(url, {"weight_kg": "125"}, headers=HTMX)
    parcel.refresh_from_db()
    assert parcel.weight_g is None
    assert "heavier than usual" in response.text and 'data-testid="confirm-heavy"' in response.text
    assert 'value="125"' in response.text
    response = client.post(url, {"weight_kg": "125", "confirm_heavy": "on"}, headers=HTMX)
    parcel.refresh_from_db()
    assert parcel.weight_g == 125_000 and 'data-testid="confirm-heavy"' not in response.text


@pytest.mark.django_db
def test_without_javascript_the_card_comes_back_with_the_confirmation(client_of, cn_staff, parcel, english):
    client = client_of(cn_staff)
    url = f"/staff/cn/parcels/{parcel.pk}/weight/"
    response = client.post(url, {"weight_kg": "125"})
    assert response.status_code == 200
    assert 'data-testid="confirm-heavy"' in response.text and 'value="125"' in response.text
    assert "heavier than usual" in response.text
    parcel.refresh_from_db()
    assert parcel.weight_g is None
    response = client.post(url, {"weight_kg": "125", "confirm_heavy": "on"})
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.weight_g == 125_000


@pytest.mark.parametrize("typed", ["12 5", "1.250,5", "1,250.5"])
def test_an_ambiguous_weight_is_refused_with_a_message_that_says_why(typed, english):
    form = WeightForm({"weight_kg": typed})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["weight_kg"]] == ["ambiguous"]
    assert "could be read as more than one number" in form.errors["weight_kg"][0]
    assert "could be read" not in str(WeightForm({"weight_kg": "abc"}).errors)  # not a number at all
