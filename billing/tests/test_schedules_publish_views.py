"""The publish page shows what a draft changes against the version in force (old → new) and warns when a
version published earlier starts after the chosen start (its prices replace these then), with a button that
makes a draft of that later version carrying these changes; the same warning on a published version's
page. Wrong personas, methods and ids are refused."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import FeeSchedule, FreightBracket, ScheduleStatus
from billing.services.schedules import local_text, schedule_draft_create, schedule_save
from billing.tests.factories import HN_BRACKETS, FeeScheduleFactory
from core.testing import assert_login_redirect
from notifications.models import NotificationKind, PendingNotification
from warehouse.tests.factories import VietnamDepotFactory

pytestmark = pytest.mark.django_db

HCM_BRACKETS = tuple((lo, hi, price + 6_000) for lo, hi, price in HN_BRACKETS)


@pytest.fixture
def hn(db):
    return VietnamDepotFactory()


@pytest.fixture
def hcm(db):
    return VietnamDepotFactory(code="HCM", name="Kho phân phối TP.HCM")


@pytest.fixture
def in_force(hn, hcm):
    return FeeScheduleFactory(name="2026", depots=[hn, hcm])


@pytest.fixture
def later(in_force, hn):
    """'2027 (tăng giá)', announced for next month: Hà Nội 1,000 ₫/kg dearer, TP.HCM as '2026'."""
    version = FeeSchedule.objects.create(
        name="2027 (tăng giá)",
        status=ScheduleStatus.PUBLISHED,
        effective_from=timezone.now() + timedelta(days=30),
        published_at=timezone.now(),
    )
    for b in in_force.brackets.all():
        extra = 1_000 if b.depot == hn else 0
        FreightBracket.objects.create(
            schedule=version,
            depot=b.depot,
            from_g=b.from_g,
            to_g=b.to_g,
            price_per_kg_vnd=b.price_per_kg_vnd + extra,
        )
    return version


@pytest.fixture
def draft(in_force, ops, hcm):
    """'12/2026 (giảm HCM)': TP.HCM 2,000 ₫/kg cheaper, handling 3,000 → 3,500 ₫."""
    d = schedule_draft_create(by=ops)
    schedule_save(
        schedule=d,
        by=ops,
        fields={"name": "12/2026 (giảm HCM)", "handling_per_parcel_vnd": 3_500},
        brackets_by_depot={hcm: [(lo, hi, price - 2_000) for lo, hi, price in HCM_BRACKETS]},
    )
    return d


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # \s would eat the no-break spaces


def _url(d):
    return reverse("billing:schedule_publish", args=[d.pk])


def test_the_publish_page_shows_old_to_new_per_changed_value(client_of, ops, draft, english):
    response = client_of(ops).get(_url(draft))
    text = _text(response.content.decode())
    assert "What changes against “2026”" in text
    assert "Freight to Kho phân phối TP.HCM, up to 10 kg 30.000\u00a0₫ → 28.000\u00a0₫" in text
    assert "Freight to Kho phân phối TP.HCM, above 100 kg 27.000\u00a0₫ → 25.000\u00a0₫" in text
    assert "Handling per parcel (₫) 3.000\u00a0₫ → 3.500\u00a0₫" in text
    assert "Hà Nội" not in " ".join(r["label"] for r in response.context["changes"]["rows"])
    assert len(response.context["changes"]["rows"]) == 5


def test_a_version_with_no_change_says_so(client_of, ops, in_force, english):
    d = schedule_draft_create(by=ops)
    html = client_of(ops).get(_url(d)).content.decode()
    assert "The same figures and freight prices as “2026”" in html
    assert 'data-testid="later-warning"' not in html


def test_a_later_version_is_named_with_its_date_and_the_carry_button(client_of, ops, draft, later, english):
    html = client_of(ops).get(_url(draft)).content.decode()
    warning = html[html.index('data-testid="later-warning"') :]
    text = _text(warning)
    assert f"“2027 (tăng giá)” takes effect on {local_text(later.effective_from)}" in text
    assert "its prices replace these ones" in text
    assert "Freight to Kho phân phối TP.HCM, up to 10 kg: 28.000\u00a0₫ here" in text
    assert f'name="copy_from" value="{later.pk}"' in warning
    assert f'name="changes_of" value="{draft.pk}"' in warning
    assert "Make a draft of “2027 (tăng giá)” with these changes" in text


def test_the_warning_follows_the_start_chosen(client_of, ops, draft, later, english):
    client = client_of(ops)
    after = timezone.localtime(later.effective_from + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.get(_url(draft), {"when": "at", "effective_from": after}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="publish-impact"') and "<form" not in html.split("later")[0]
    assert response.context["later"] is None and 'data-testid="later-warning"' not in html
    assert "What changes against “2027 (tăng giá)”" in html  # in force on that day
    before = timezone.localtime(later.effective_from - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.get(_url(draft), {"when": "at", "effective_from": before}, HTTP_HX_REQUEST="true")
    assert response.context["later"] == later
    response = client.get(_url(draft), {"when": "now", "effective_from": after}, HTTP_HX_REQUEST="true")
    assert response.context["later"] == later


def test_publishing_now_before_a_later_version_leads_to_its_warning(client_of, ops, draft, later, english):
    client = client_of(ops)
    response = client.post(_url(draft), {"when": "now", "effective_from": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("billing:schedule_edit", args=[draft.pk])
    html = response.content.decode()
    assert "will replace these then" in html and "2027 (tăng giá)" in html
    assert 'data-testid="carry"' in html
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED


def test_publishing_now_a_freight_rise_notifies_customers(client_of, ops, in_force, hn, customer, english):
    d = schedule_draft_create(by=ops)
    schedule_save(
        schedule=d,
        by=ops,
        fields={},
        brackets_by_depot={hn: [(lo, hi, p + 500) for lo, hi, p in HN_BRACKETS]},
    )
    client = client_of(ops)
    page = client.get(_url(d)).content.decode()
    assert 'data-testid="rises"' in page and 'data-testid="rises-note"' in page
    response = client.post(_url(d), {"when": "now", "effective_from": ""}, follow=True)
    assert "Freight prices rise, so customers have been notified" in response.content.decode()
    [row] = PendingNotification.objects.filter(kind=NotificationKind.FEES_ANNOUNCED)
    assert row.user_id == customer.pk and row.data["applies"] == "now"


def test_the_carry_button_makes_the_later_version_with_these_changes(client_of, ops, draft, later, hn, hcm):
    client = client_of(ops)
    client.post(_url(draft), {"when": "now", "effective_from": ""})
    response = client.post(
        reverse("billing:schedule_new"), {"copy_from": later.pk, "changes_of": draft.pk}, follow=True
    )
    carried = FeeSchedule.objects.get(status=ScheduleStatus.DRAFT)
    assert response.redirect_chain[-1][0] == reverse("billing:schedule_edit", args=[carried.pk])
    assert carried.name == "2027 (tăng giá) + 12/2026 (giảm HCM)" and carried.handling_per_parcel_vnd == 3_500
    prices = dict(
        FreightBracket.objects.filter(schedule=carried, from_g=0).values_list("depot_id", "price_per_kg_vnd")
    )
    assert prices == {hn.pk: 25_000, hcm.pk: 28_000}
    assert local_text(later.effective_from) in response.content.decode()


def test_a_carry_that_keeps_the_later_value_says_which(client_of, ops, draft, later, english):
    FeeSchedule.objects.filter(pk=later.pk).update(handling_per_parcel_vnd=4_000)
    response = client_of(ops).post(
        reverse("billing:schedule_new"), {"copy_from": later.pk, "changes_of": draft.pk}, follow=True
    )
    text = _text(response.content.decode())
    assert "Handling per parcel (₫): 4.000\u00a0₫ (yours: 3.500\u00a0₫)" in text
    assert (
        FeeSchedule.objects.get(status=ScheduleStatus.DRAFT, name__startswith="2027").handling_per_parcel_vnd
        == 4_000
    )


def test_a_carry_onto_a_version_in_force_is_refused(client_of, ops, draft, in_force, english):
    response = client_of(ops).post(
        reverse("billing:schedule_new"), {"copy_from": in_force.pk, "changes_of": draft.pk}, follow=True
    )
    assert "already in force" in response.content.decode()
    assert FeeSchedule.objects.filter(status=ScheduleStatus.DRAFT).count() == 1


@pytest.mark.parametrize(
    "data", [{"copy_from": "abc", "changes_of": "1"}, {"copy_from": "999999"}, {"changes_of": ""}]
)
def test_a_carry_with_bad_ids_is_404(client_of, ops, draft, later, data):
    data = {k: (str(draft.pk) if v == "1" else v) for k, v in data.items()}
    assert client_of(ops).post(reverse("billing:schedule_new"), data).status_code == 404
    assert FeeSchedule.objects.filter(status=ScheduleStatus.DRAFT).count() == 1


@pytest.mark.parametrize("persona", ["customer", "cn_staff", "vn_staff"])
def test_only_operations_carry(client_of, request, draft, later, persona):
    client = client_of(request.getfixturevalue(persona))
    data = {"copy_from": later.pk, "changes_of": draft.pk}
    assert client.post(reverse("billing:schedule_new"), data).status_code == 403
    assert client.get(_url(draft), {"when": "now"}, HTTP_HX_REQUEST="true").status_code == 403
    assert FeeSchedule.objects.filter(status=ScheduleStatus.DRAFT).count() == 1


def test_anonymous_carry_goes_to_log_in(client, draft, later):
    url = reverse("billing:schedule_new")
    assert_login_redirect(client.post(url, {"copy_from": later.pk, "changes_of": draft.pk}), url)


def test_a_published_versions_page_warns_of_the_later_one(client_of, ops, later, in_force, english):
    html = client_of(ops).get(reverse("billing:schedule_edit", args=[in_force.pk])).content.decode()
    assert 'data-testid="later-note"' in html and "2027 (tăng giá)" in html  # no version before '2026':
    assert 'data-testid="carry"' not in html  # nothing it changed to carry
    html = client_of(ops).get(reverse("billing:schedule_edit", args=[later.pk])).content.decode()
    assert "What changes against “2026”" in _text(html) and 'data-testid="later-warning"' not in html


def test_a_first_version_before_an_announced_one_is_warned_too(client_of, ops, hn, english):
    announced = FeeScheduleFactory(
        name="Sắp tới", effective_from=timezone.now() + timedelta(days=9), depots=[hn]
    )
    d = schedule_draft_create(by=ops)
    schedule_save(schedule=d, by=ops, fields={}, brackets_by_depot={hn: HN_BRACKETS})
    html = client_of(ops).get(_url(d)).content.decode()
    assert "No version is in force before it" in html
    warning = html[html.index('data-testid="later-warning"') :]
    assert "Sắp tới" in warning and f'name="copy_from" value="{announced.pk}"' in warning
