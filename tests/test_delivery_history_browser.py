"""In a real browser (Debian's Chromium): the request's history on the customer's phone and on the depot's
desk, after a delivery that went out and came back refused. Screenshots in /tmp/shots/dhistory/."""

import os
from pathlib import Path

import pytest
from django.utils import translation

from delivery.services.release import (
    release_close,
    release_details_set,
    release_note_create,
    release_out,
    release_scan,
)
from delivery.services.requests import delivery_request_create
from delivery.tests.conftest import _fresh_cache, at_depot, hcm, hn, schedule  # noqa: F401 - fixtures
from warehouse.labels import parcel_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots")) / "dhistory"  # noqa: S108 (screenshots to look at)


def test_the_timeline_on_the_phone_and_at_the_desk(page, customer, vn_staff, at_depot, hn):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    order = at_depot(customer, paid=True)
    request = delivery_request_create(
        customer=customer, depot=hn, ids=[order.pk], address=customer.addresses.get(), carrier="ghtk"
    )
    note = release_note_create(request=request, by=vn_staff, depot=hn)
    release_scan(note=note, raw=parcel_code(order.parcels.get()), by=vn_staff)
    release_details_set(
        note=note, carrier="ghtk", tracking_number="S8812", domestic_fee_vnd=25_000, by=vn_staff
    )
    release_out(note=note, by=vn_staff)
    release_close(note=note, delivered=False, by=vn_staff)

    phone = page(customer)
    phone.goto(f"/delivery/{request.pk}/")
    rows = phone.locator("[data-testid=request-history] [data-testid=history-row]")
    assert rows.count() == 4
    whos = phone.locator("[data-testid=history-who]").all_inner_texts()
    with translation.override("vi"):
        you = translation.gettext("you")
    assert whos == [you, hn.name, hn.name, hn.name]
    assert vn_staff.username not in phone.inner_text("[data-testid=request-history]")
    assert "S8812" in rows.nth(2).inner_text() and note.code in rows.nth(1).inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=SHOTS / "customer_request_phone.png", full_page=True)

    desk = page(vn_staff)
    desk.goto(f"/staff/vn/deliveries/{request.pk}/")
    desk_whos = desk.locator("[data-testid=history-who]").all_inner_texts()
    assert desk_whos[0] == customer.username and all(vn_staff.username in w for w in desk_whos[1:])
    desk.screenshot(path=SHOTS / "depot_request_desk.png", full_page=True)
