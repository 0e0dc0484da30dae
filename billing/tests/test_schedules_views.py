"""Operations' fee schedule pages: who may open them, which methods, editing a draft in people's units
(kg, CNY, percent), bad input kept and named, publishing, the exchange rate."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import ExchangeRate, FeeSchedule, FreightBracket, ScheduleStatus
from billing.services.schedules import schedule_draft_create
from billing.tests.factories import FeeScheduleFactory
from core.testing import assert_login_redirect
from notifications.models import NotificationKind, PendingNotification
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(db):
    return VietnamDepotFactory()


@pytest.fixture
def draft(ops, depot):
    return schedule_draft_create(by=ops)


def _pages(pk):
    return [
        ("get", reverse("billing:schedules")),
        ("post", reverse("billing:schedule_new")),
        ("get", reverse("billing:schedule_edit", args=[pk])),
        ("get", reverse("billing:schedule_publish", args=[pk])),
        ("get", reverse("billing:exchange_rates")),
    ]


def _form(**overrides):
    data = {
        "name": "Biểu phí 7/2026",
        "note": "",
        "volumetric_divisor": "6000",
        "volumetric_min_excess_kg": "0",
        "min_billable_kg": "0,5",
        "weight_step_kg": "0.1",
        "volume_price_per_m3_vnd": "0",
        "bulky_below_kg_per_m3": "0",
        "crate_first_kg_cny": "25",
        "crate_extra_kg_cny": "2",
        "bubble_first_kg_cny": "10",
        "bubble_extra_kg_cny": "1,5",
        "insurance_rate_percent": "5",
        "insurance_min_vnd": "20.000",
        "inspection_per_item_vnd": "1000",
        "handling_per_parcel_vnd": "3000",
        "storage_free_days": "5",
        "storage_per_kg_day_vnd": "2000",
    }
    data.update(overrides)
    return data


LINES = "0 - 10 - 24000\n10 - 30 - 23.000\n30\t100\t22000\n100 - ∞ - 21000\n"


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_other_personas_are_refused(client_of, request, draft, persona):
    client = client_of(request.getfixturevalue(persona))
    for method, url in _pages(draft.pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_goes_to_log_in(client, draft):
    for method, url in _pages(draft.pk):
        assert_login_redirect(getattr(client, method)(url), url)


def test_wrong_methods(client_of, ops, draft):
    client = client_of(ops)
    assert client.post(reverse("billing:schedules")).status_code == 405
    assert client.get(reverse("billing:schedule_new")).status_code == 405
    assert client.put(reverse("billing:schedule_edit", args=[draft.pk])).status_code == 405
    assert client.delete(reverse("billing:schedule_publish", args=[draft.pk])).status_code == 405
    assert client.put(reverse("billing:exchange_rates")).status_code == 405


def test_unknown_version_is_404(client_of, ops):
    assert client_of(ops).get(reverse("billing:schedule_edit", args=[999_999])).status_code == 404


def test_list_shows_each_state(client_of, ops, depot, english):
    now = timezone.now()
    past = FeeScheduleFactory(name="Cũ", effective_from=now - timedelta(days=30), depots=[depot])
    current = FeeScheduleFactory(name="Hiện hành", effective_from=now - timedelta(days=1), depots=[depot])
    coming = FeeScheduleFactory(name="Sắp tới", effective_from=now + timedelta(days=5), depots=[depot])
    schedule_draft_create(by=ops)
    html = client_of(ops).get(reverse("billing:schedules")).content.decode()
    for s in (past, current, coming):
        assert s.name in html
    for state in ("Draft", "In force", "Upcoming", "Past"):
        assert state in html


def test_new_draft_copies_the_version_in_force(client_of, ops, schedule):
    response = client_of(ops).post(reverse("billing:schedule_new"))
    draft = FeeSchedule.objects.get(status=ScheduleStatus.DRAFT)
    assert response.status_code == 302 and response.url == reverse("billing:schedule_edit", args=[draft.pk])
    assert draft.brackets.count() == 4


def test_the_editor_shows_figures_in_peoples_units(client_of, ops, schedule):
    draft = schedule_draft_create(by=ops)
    html = client_of(ops).get(reverse("billing:schedule_edit", args=[draft.pk])).content.decode()
    assert "0 - 10 - 24000" in html and "100 - ∞ - 21000" in html
    assert 'value="0.5"' in html  # min billable weight in kg
    assert 'value="25"' in html  # crate first kg in CNY
    assert 'value="5"' in html  # insurance percent


def test_saving_converts_kg_cny_and_percent(client_of, ops, depot, draft):
    data = _form(
        **{f"brackets_{depot.pk}": LINES, "insurance_rate_percent": "4,5", "crate_first_kg_cny": "22.5"}
    )
    response = client_of(ops).post(reverse("billing:schedule_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Biểu phí 7/2026"
    assert (draft.min_billable_g, draft.weight_step_g) == (500, 100)
    assert (draft.crate_first_kg_fen, draft.bubble_extra_kg_fen) == (2250, 150)
    assert (draft.insurance_rate_bp, draft.insurance_min_vnd) == (450, 20_000)
    assert list(draft.brackets.values_list("from_g", "to_g", "price_per_kg_vnd")) == [
        (0, 10_000, 24_000),
        (10_000, 30_000, 23_000),
        (30_000, 100_000, 22_000),
        (100_000, None, 21_000),
    ]


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("0 - 10 - 24000\n5 - - 23000", "Rows 1 and 2 overlap"),
        ("0 - 10 - 24000\n12 - - 23000", "Rows 1 and 2 leave a gap"),
        ("0 - 10 - -24000\n10 - - 23000", "Row 1: the price per kg must be above 0"),
        ("0 - 10 - 24000\n10 - 30 - 23000", "Row 2: the last bracket must have no upper end"),
        ("0 - 10 - 24000\nten - - 23000", "Row 2"),
        ("0 - 10\n10 - - 23000", "Row 1: write three values"),
        ("0 - 10 - 24000,5\n10 - - 23000", "Row 1: the price per kg must be a whole number"),
    ],
)
def test_bad_bracket_rows_are_named_and_kept(client_of, ops, depot, draft, english, lines, says):
    response = client_of(ops).post(
        reverse("billing:schedule_edit", args=[draft.pk]), _form(**{f"brackets_{depot.pk}": lines})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert says in html
    assert lines.split("\n")[1] in html  # what was typed is still there
    assert not FreightBracket.objects.filter(schedule=draft).exists()
    assert FeeSchedule.objects.get(pk=draft.pk).name != "Biểu phí 7/2026"  # nothing saved


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("volumetric_divisor", "0", "At least 1"),
        ("weight_step_kg", "0", "At least 0.001"),
        ("handling_per_parcel_vnd", "-3000", "Cannot be negative"),
        ("insurance_rate_percent", "101", "At most 100"),
        ("min_billable_kg", "abc", "Enter a number"),
        ("insurance_min_vnd", "20000,5", "whole number of đồng"),
    ],
)
def test_bad_figures_are_named_and_kept(client_of, ops, depot, draft, english, field, value, says):
    data = _form(**{f"brackets_{depot.pk}": LINES, field: value})
    form = client_of(ops).post(reverse("billing:schedule_edit", args=[draft.pk]), data).context["form"]
    assert list(form.errors) == [field] and says in form.errors[field][0]
    assert form[field].value() == value


def test_the_m3_rule_is_named_on_its_field_after_saving(client_of, ops, depot, draft, english):
    data = _form(
        **{f"brackets_{depot.pk}": LINES},
        volume_pricing="on",
        bulky_below_kg_per_m3="200",
        volume_price_per_m3_vnd="5.000.000",
    )
    response = client_of(ops).post(reverse("billing:schedule_edit", args=[draft.pk]), data)
    form = response.context["form"]
    assert (
        "volume_price_per_m3_vnd" in form.errors and "4.200.000" in form.errors["volume_price_per_m3_vnd"][0]
    )
    assert "cannot be published yet" in response.content.decode()
    assert FeeSchedule.objects.get(pk=draft.pk).volume_price_per_m3_vnd == 5_000_000  # the draft keeps it


def test_a_published_version_is_read_only(client_of, ops, schedule, english):
    client = client_of(ops)
    url = reverse("billing:schedule_edit", args=[schedule.pk])
    html = client.get(url).content.decode()
    assert "never changed" in html and "<textarea" not in html
    response = client.post(url, _form(name="Hack"))
    assert response.status_code == 302
    assert FeeSchedule.objects.get(pk=schedule.pk).name == schedule.name
    assert client.get(reverse("billing:schedule_publish", args=[schedule.pk])).status_code == 302


def test_publish_page_explains_what_is_missing(client_of, ops, depot, draft, english):
    html = client_of(ops).get(reverse("billing:schedule_publish", args=[draft.pk])).content.decode()
    assert "cannot be published yet" in html and depot.name in html


def _fill(client, draft, depot):
    client.post(reverse("billing:schedule_edit", args=[draft.pk]), _form(**{f"brackets_{depot.pk}": LINES}))


def test_publish_from_a_date_to_come_announces_it(client_of, ops, depot, draft, customer):
    client = client_of(ops)
    _fill(client, draft, depot)
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("billing:schedule_publish", args=[draft.pk]),
        {"when": "at", "effective_from": start.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302 and response.url == reverse("billing:schedules")
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED and draft.effective_from == start
    assert PendingNotification.objects.filter(kind=NotificationKind.FEES_ANNOUNCED, user=customer).exists()


@pytest.mark.parametrize("typed", ["", "2020-01-01T00:00", "hôm qua"])
def test_publish_now_is_a_choice_whatever_the_date_box_holds(client_of, ops, depot, draft, typed):
    client = client_of(ops)
    _fill(client, draft, depot)
    response = client.post(
        reverse("billing:schedule_publish", args=[draft.pk]), {"when": "now", "effective_from": typed}
    )
    assert response.status_code == 302 and response.url == reverse("billing:schedules")
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED and draft.effective_from <= timezone.now()


def test_the_page_offers_now_checked_and_a_date(client_of, ops, depot, draft):
    client = client_of(ops)
    _fill(client, draft, depot)
    html = client.get(reverse("billing:schedule_publish", args=[draft.pk])).content.decode()
    assert 'type="radio" name="when" id="id_when_0" value="now" checked' in html
    assert 'value="at"' in html and 'value="at" checked' not in html
    assert 'name="effective_from"' in html


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"when": "at", "effective_from": ""}, "effective_from", "Choose the date and time"),
        ({"effective_from": ""}, "when", "This field is required"),
        ({"when": "tomorrow", "effective_from": ""}, "when", "Select a valid choice"),
    ],
)
def test_no_choice_publishes_nothing(client_of, ops, depot, draft, english, data, field, says):
    client = client_of(ops)
    _fill(client, draft, depot)
    response = client.post(reverse("billing:schedule_publish", args=[draft.pk]), data)
    assert response.status_code == 200
    assert says in response.context["form"].errors[field][0]
    assert FeeSchedule.objects.get(pk=draft.pk).status == ScheduleStatus.DRAFT


@pytest.mark.parametrize(
    ("value", "says"), [("2020-01-01T00:00", "in the past"), ("hôm qua", "Enter a date")]
)
def test_a_bad_start_is_named(client_of, ops, depot, draft, english, value, says):
    client = client_of(ops)
    _fill(client, draft, depot)
    response = client.post(
        reverse("billing:schedule_publish", args=[draft.pk]), {"when": "at", "effective_from": value}
    )
    assert response.status_code == 200
    assert says in response.context["form"].errors["effective_from"][0]
    assert FeeSchedule.objects.get(pk=draft.pk).status == ScheduleStatus.DRAFT


def test_exchange_rate_form_and_history(client_of, ops, english):
    client = client_of(ops)
    response = client.post(reverse("billing:exchange_rates"), {"vnd_per_cny": "3.650", "effective_from": ""})
    assert response.status_code == 200  # 3650 or 3.65? refused, never guessed
    assert "3650 or 3650,50" in response.context["form"].errors["vnd_per_cny"][0]
    response = client.post(
        reverse("billing:exchange_rates"), {"vnd_per_cny": "3650,50", "effective_from": ""}
    )
    assert response.status_code == 302
    html = client.get(reverse("billing:exchange_rates")).content.decode()
    assert "3.650,5\u00a0₫" in html and "In force" in html and ops.username in html
    response = client.post(reverse("billing:exchange_rates"), {"vnd_per_cny": "-1", "effective_from": ""})
    assert "above 0" in response.context["form"].errors["vnd_per_cny"][0]
    assert ExchangeRate.objects.count() == 1
