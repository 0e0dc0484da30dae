"""The dashboard's counts against the database, each with the link to its list, in a bounded number of
queries."""

import re

import pytest
from django.urls import reverse

from backoffice.selectors.dashboard import dashboard
from backoffice.tests.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_each_count(world):
    board = dashboard()
    assert {row["warehouse"].code: row["count"] for row in board.intake} == world["intake"]
    assert board.intake_total == sum(world["intake"].values())
    assert (board.unidentified, board.unidentified_old) == (world["unidentified"], world["unidentified_old"])
    assert board.conflicts == world["conflicts"]
    assert {row["depot"].code: row["count"] for row in board.awaiting} == world["awaiting"]
    assert {row["depot"].code: row["past_free"] for row in board.awaiting} == world["past_free"]
    assert board.free_days == 5
    assert board.trips_in_transit == world["trips"]
    assert board.unpaid == world["unpaid"]
    assert board.unmatched_transfers == world["transfers"]


def test_open_claims_come_from_the_claims_app_or_show_a_dash(world):
    try:
        from claims.selectors import open_claims
    except ImportError:
        assert dashboard().open_claims is None
    else:
        assert dashboard().open_claims == open_claims().count()


def test_queries_are_bounded(world, client_of, ops, django_assert_max_num_queries):
    client = client_of(ops)
    client.get(reverse("backoffice:dashboard"))  # warm the session
    with django_assert_max_num_queries(16):
        response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200


def _count(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


def _href(html, testid):
    match = re.search(rf'href="([^"]*)"[^>]*data-testid="{testid}"', html)
    assert match, testid
    return match.group(1).replace("&amp;", "&")


def test_the_page_shows_each_count_and_its_list_agrees(world, client_of, ops, english):
    client = client_of(ops)
    html = client.get(reverse("backoffice:dashboard")).content.decode()
    assert _count(html, "count-unidentified") == str(world["unidentified"])
    assert _href(html, "count-unidentified") == reverse("warehouse:unidentified")
    assert _count(html, "count-conflicts") == str(world["conflicts"])
    assert _href(html, "count-conflicts") == reverse("warehouse:conflicts")
    assert _count(html, "count-trips") == str(world["trips"])
    assert _href(html, "count-trips") == reverse("shipping:trips") + "?status=departed"
    assert _count(html, "count-transfers") == str(world["transfers"])
    assert _href(html, "count-transfers") == reverse("billing:transfers")
    assert _count(html, "count-awaiting") == str(sum(world["awaiting"].values()))

    def listed(testid, what="order"):
        page = client.get(_href(html, testid)).content.decode()
        return page.count(f'data-testid="{what}-row"')

    assert _count(html, "count-unpaid") == str(world["unpaid"])
    assert listed("count-unpaid") == world["unpaid"]
    for code, n in world["awaiting"].items():
        assert listed(f"awaiting-{code}") == n
        assert listed(f"past-free-{code}") == world["past_free"][code]
    for code, n in world["intake"].items():
        assert listed(f"intake-{code}", "parcel") == n
    assert listed("count-unidentified-old", "parcel") == world["unidentified_old"]


def test_an_empty_office(client_of, ops, english):
    html = client_of(ops).get(reverse("backoffice:dashboard")).content.decode()
    assert _count(html, "count-unpaid") == "0"
    assert "No Vietnam depot yet." in html
