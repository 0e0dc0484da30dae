"""The audit trail reads like sentences: each source's details in words with units and labels (kg, cm, đồng,
statuses, roles, yes/no), never the field names or internal ids; and it filters by an order, customer or
tracking code (full-width typing too)."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import CustomerFactory
from backoffice.models import AuditEntry, AuditKind
from backoffice.selectors.audit import AuditFilter, audit_rows
from backoffice.services import staff_update
from consignments.models import ConsignmentEvent, EventKind
from consignments.tests.factories import ConsignmentFactory
from warehouse.models import Parcel
from warehouse.services import parcel_measure
from warehouse.tests.factories import ChinaWarehouseFactory, VietnamDepotFactory

pytestmark = pytest.mark.django_db
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "JT3100000001")  # a Chinese keyboard
RAW = ("_g", "_mm", "_id", "None", "True", "False", "vn_staff", "cn_staff", "paid_at_counter", "{")


def _details(**filters):
    with translation.override("en"):
        rows, _more = audit_rows(AuditFilter(**filters))
    return rows


def _assert_words(text):
    for raw in RAW:
        assert raw not in text, (raw, text)


def test_a_weighing_reads_in_kg_and_cm(customer, cn_staff):
    order = ConsignmentFactory(customer=customer)
    parcel = Parcel.objects.get(consignment=order)
    parcel_measure(parcel=parcel, weight_g=12_500, by=cn_staff)
    parcel_measure(parcel=parcel, weight_g=125_000, length_mm=600, width_mm=405, height_mm=300, by=cn_staff)
    rows = [r for r in _details(what="order") if r.what == "Weighed and measured"]
    latest = rows[0].detail
    _assert_words(latest)
    assert "Parcel 1" in latest and "weighed 125\u00a0kg" in latest and "60 × 40,5 × 30 cm" in latest
    assert "(before: weighed 12,5\u00a0kg" in latest


def test_order_rows_of_every_kind_read_as_words(customer, ops):
    order = ConsignmentFactory(customer=customer)
    rows = [
        (
            EventKind.HANDOVER,
            {
                "handover_id": 3,
                "receiver_name": "Lan",
                "receiver_phone": "0912345678",
                "depot": "Kho HN",
                "paid_at_counter": False,
            },
            "Collected by Lan · 0912345678",
        ),
        (
            EventKind.PRICED,
            {"charge_id": 1, "total_vnd": 290_500, "previous_vnd": 2_628_000, "reason": ""},
            "Charges: 290.500\u00a0₫ (before: 2.628.000\u00a0₫)",
        ),
        (
            EventKind.DELIVERY,
            {"step": "requested", "request_id": 4, "request": "YC000004", "carrier": "ghn"},
            "Delivery requested (YC000004)",
        ),
        (
            EventKind.DECLARED,
            {
                "goods_vi": "Áo",
                "goods_zh": "",
                "goods_quantity": 3,
                "goods_unit_value_fen": 1250,
                "previous": {
                    "goods_vi": "",
                    "goods_zh": "",
                    "goods_quantity": None,
                    "goods_unit_value_fen": None,
                },
            },
            "Áo × 3, 12,5 CNY each",
        ),
        (
            EventKind.ROUTE,
            {"trip": "T000002", "checkpoint": 9, "kind": "border", "place": "Bằng Tường"},
            "At the border · Bằng Tường · trip T000002",
        ),
        (EventKind.RECEIVING, {"piece": 2, "bag": "B1", "missing": True}, "Parcel 2 missing from its bag"),
        (EventKind.PHOTO, {"photo_ids": [1, 2], "parcel_id": 5, "piece": 1}, "Parcel 1 · 2 photos"),
        (
            EventKind.OWNER,
            {"customer_id": 7, "customer_code": "YW532", "reason": "tên trên nhãn"},
            "Belongs to customer YW532 · tên trên nhãn",
        ),
    ]
    for kind, data, _text in rows:
        ConsignmentEvent.objects.create(
            consignment=order, kind=kind, by=ops, data=data, old_status=order.status, new_status=order.status
        )
    details = [r.detail for r in _details(what="order", who=ops.pk)]
    for detail in details:
        _assert_words(detail)
    for _kind, _data, text in rows:
        assert any(text in d for d in details), (text, details)


def test_operations_changes_name_roles_fields_and_yes_no(ops, cn_staff):
    hn = VietnamDepotFactory()
    staff_update(user=cn_staff, role=Role.VIETNAM_STAFF, warehouse=hn, by=ops)
    AuditEntry.objects.create(
        kind=AuditKind.WAREHOUSE_CHANGED,
        by=ops,
        warehouse=hn,
        data={"is_active": {"old": True, "new": False}, "phone": {"old": "", "new": "0912345678"}},
    )
    AuditEntry.objects.create(
        kind=AuditKind.DEPOT_PROVINCES,
        by=ops,
        warehouse=hn,
        data={"added": ["01"], "removed": [], "moved_from": {}},
    )
    details = {r.detail for r in _details(what="ops")}
    for detail in details:
        _assert_words(detail)
    assert "Role: China warehouse staff → Vietnam depot staff; Warehouse: GZ → HN" in details
    assert "Phone: — → 0912345678; Active: yes → no" in details
    assert any(d.startswith("Added: Hà Nội") for d in details), details


def test_a_claim_row_shows_its_code(customer, ops):
    from claims.models import Claim, ClaimEvent

    order = ConsignmentFactory(customer=customer)
    claim = Claim.objects.create(customer=customer, consignment=order, kind="damaged", description="vỡ")
    ClaimEvent.objects.create(claim=claim, kind="status", old_status="", new_status=claim.status, by=customer)
    rows = _details(what="claim")
    assert rows[0].subject == claim.code == f"KN{claim.pk:06d}"
    assert [r.subject for r in _details(what="claim", code=claim.code.lower())] == [claim.code]


# --- the code filter --------------------------------------------------------------------------------------


@pytest.fixture
def two_customers(cn_staff):
    from tracking.tests.factories import TrackingNumberFactory

    ChinaWarehouseFactory()
    mine = CustomerFactory(customer_code="LT482")
    other = CustomerFactory(customer_code="QX901")
    TrackingNumberFactory(customer=mine, code="JT3100000001")
    TrackingNumberFactory(customer=other, code="SF2200000002")
    order = ConsignmentFactory(customer=mine, tracking_code="JT3100000001")
    ConsignmentFactory(customer=other, tracking_code="SF2200000002")
    return {"order": order, "mine": mine}


def test_filter_by_order_customer_or_tracking_code(two_customers):
    order = two_customers["order"]
    for code in (order.code, "lt482", "JT3100000001", FULL_WIDTH, " jt31 0000 0001 "):
        rows = _details(code=code)
        assert rows, code
        subjects = {r.subject for r in rows}
        assert "SF2200000002" not in subjects and "QX901" not in subjects, (code, subjects)
        assert {r.source for r in rows} >= {"order"}, code
    assert {r.source for r in _details(code="JT3100000001")} >= {"order", "parcel", "registration"}
    assert _details(code="NOPE") == []


def test_the_page_filters_by_code(client_of, ops, two_customers, english):
    client = client_of(ops)
    page = client.get(reverse("backoffice:audit"), {"code": "ＬＴ４８２"}).content.decode()
    assert two_customers["order"].code in page
    assert "SF2200000002" not in page
    assert 'name="code"' in page


def test_the_order_page_history_reads_in_words(client_of, ops, customer, cn_staff, english):
    order = ConsignmentFactory(customer=customer)
    parcel_measure(parcel=Parcel.objects.get(consignment=order), weight_g=12_500, by=cn_staff)
    page = client_of(ops).get(reverse("backoffice:order", args=[order.pk])).content.decode()
    assert "weighed 12,5\u00a0kg" in page
    assert "weight_g" not in page and "parcel_id" not in page
