"""Numbers as a Chinese or Vietnamese keyboard types them (issue 12): full-width digits and marks are read,
other scripts' digits are refused with a message naming the character, in every numeric field of every form
of the project (found by walking the forms, not listed by hand), and in the rate and money parsers."""

import importlib
import pkgutil
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from billing.forms.fields import parse_vnd, to_decimal
from billing.services.rates import rate_check
from billing.services.schedules import ScheduleError
from core.numbers import KeyboardNumberMixin, NumberScriptError, keyboard_number_text, parse_int

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())

# What other keyboards and copy-paste bring: digits of other scripts, superscripts, circled numbers,
# fractions, Roman numerals.
FOREIGN = ["٣", "١٢", "۴", "१२", "๓", "²", "¹2", "①", "½", "Ⅻ", "𝟙"]


def _all_forms() -> list[type]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in (".tests", ".migrations", ".management")):
                continue
            importlib.import_module(info.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_APPS and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


def _numeric_fields():
    fields = []
    for form in _all_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
                fields.append(pytest.param(field, id=f"{form.__module__}.{form.__name__}.{name}"))
    return fields


NUMERIC_FIELDS = _numeric_fields()


def _codes(error: forms.ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def test_the_walk_finds_the_forms_numeric_fields():
    ids = {p.id for p in NUMERIC_FIELDS}
    assert len(ids) > 30
    assert "warehouse.forms.WeightForm.weight_kg" in ids
    assert "warehouse.forms.WeightForm.length_cm" in ids


@pytest.mark.parametrize("field", NUMERIC_FIELDS)
def test_every_numeric_field_reads_full_width_and_refuses_other_scripts(field):
    assert isinstance(field, KeyboardNumberMixin), "a numeric field must be one of core.numbers' fields"
    for ascii_text, full_width in (("12", "１２"), ("7", "７")):
        try:
            expected = field.clean(ascii_text)
        except forms.ValidationError as exc:
            expected = ("error", _codes(exc))
        try:
            got = field.clean(full_width)
        except forms.ValidationError as exc:
            got = ("error", _codes(exc))
        assert got == expected, (ascii_text, full_width)
    for text in FOREIGN:
        with pytest.raises(forms.ValidationError) as caught:
            field.clean(text)
        assert _codes(caught.value) == ["digits"], text
        assert text[0] in caught.value.messages[0]


@pytest.mark.parametrize("field", [f for f in NUMERIC_FIELDS if isinstance(f.values[0], forms.DecimalField)])
def test_every_decimal_field_reads_a_full_width_point(field):
    field = field.values[0] if hasattr(field, "values") else field
    for ascii_text, typed in (("12.5", "１２．５"), ("12.5", "１２。５"), ("1.5", "1．5")):
        try:
            expected = field.clean(ascii_text)
        except forms.ValidationError as exc:
            expected = ("error", _codes(exc))
        try:
            got = field.clean(typed)
        except forms.ValidationError as exc:
            got = ("error", _codes(exc))
        assert got == expected, typed


@pytest.mark.parametrize(
    ("typed", "ascii_text"),
    [("１２．５", "12.5"), ("１２，５", "12,5"), ("12。5", "12.5"), ("－３", "-3"), ("1\u3000000", "1 000")],
)
def test_keyboard_text(typed, ascii_text):
    assert keyboard_number_text(typed) == ascii_text


@pytest.mark.parametrize("text", FOREIGN)
def test_keyboard_text_refuses_other_scripts(text):
    with pytest.raises(NumberScriptError):
        keyboard_number_text(text)


def test_money_and_decimal_parsers():
    assert parse_vnd("１．５００．０００") == 1_500_000
    assert parse_vnd("２０．０００đ") == 20_000
    assert to_decimal("１，５") == Decimal("1.5")
    assert to_decimal("1．5") == Decimal("1.5")
    for text in FOREIGN:
        assert parse_vnd(text) is None and to_decimal(text) is None


def test_exchange_rate():
    assert rate_check("３６５０，５") == Decimal("3650.50")
    with pytest.raises(ScheduleError) as caught:
        rate_check("٣٦٥٠")
    assert "٣" in str(caught.value.message)


def test_counts_and_ids_read_without_a_form():
    assert parse_int("１２") == 12 and parse_int("12") == 12
    assert parse_int("-5") is None and parse_int("-5", low=None) == -5
    for text in [*FOREIGN, "", "1.5", "1e3", " ", "abc", "9" * 30]:
        assert parse_int(text) is None, text


@pytest.mark.django_db
def test_the_weighing_station_takes_a_full_width_weight(client_of, english, cn_staff, customer):
    from tracking.services import tracking_register
    from warehouse.matching import parcel_scan

    tracking_register(customer=customer, raw_code="SF2000000000001")
    order = parcel_scan(raw_code="SF2000000000001", warehouse=cn_staff.warehouse, by=cn_staff).consignment
    parcel = order.parcels.get()
    client = client_of(cn_staff)
    response = client.post(f"/staff/cn/parcels/{parcel.pk}/weight/", {"weight_kg": "١٢"})
    parcel.refresh_from_db()
    assert parcel.weight_g is None
    response = client.post(
        f"/staff/cn/parcels/{parcel.pk}/weight/",
        {"weight_kg": "１２．５", "length_cm": "４０", "width_cm": "３０", "height_cm": "２０"},
    )
    assert response.status_code in (200, 302)
    parcel.refresh_from_db()
    assert parcel.weight_g == 12_500 and parcel.length_mm == 400


def test_no_view_takes_isdigit_for_a_number():
    """`"²".isdigit()` is True and `int("²")` a ValueError (a 500): request values are read with
    core.numbers.parse_int, or checked with isascii() too."""
    import re

    offenders = []
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if (
                    re.search(r"\.is(digit|numeric|decimal)\(\)", line)
                    and "isascii()" not in line
                    and path.name not in ("normalize.py", "bank_formats.py", "numbers.py")
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


ID_LIKE = (
    "ids",
    "keep",
    "parcel",
    "orders",
    "customer",
    "page",
    "pk",
    "expected_total",
    "depot",
    "address",
    "weight_kg",
    "amount",
    "amount_vnd",
    "q",
    "cursor",
    "after",
    "before",
    "focus",
    "group",
    "warehouse",
)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["²", "١٢", "１２", "-1", "9" * 40])
def test_no_url_fails_on_a_strange_number(client, customer, cn_staff, vn_staff, ops, text):
    """Every URL, as each persona, with every id-like parameter set to a strange number: never a 500."""
    import re

    from django.urls import URLPattern, URLResolver, get_resolver

    def patterns(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if "admin" not in route:
                    yield from patterns(entry, route)
            elif isinstance(entry, URLPattern):
                yield route

    client.raise_request_exception = False
    routes = sorted(set(patterns(get_resolver())))
    failures = []
    for who in (customer, cn_staff, vn_staff, ops):
        client.force_login(who)
        for route in routes:
            path = "/" + re.sub(r"<(?:(\w+):)?\w+>", "1", route).lstrip("^").rstrip("$")
            data = dict.fromkeys(ID_LIKE, text)
            for method in (client.get, client.post):
                response = method(path, data)
                if response.status_code == 500:
                    failures.append((who.username, method.__name__, path, response.status_code))
    assert failures == []
