"""The claim services: every move of the status table, legal and illegal; refunds once; second approval."""

import pytest
from django.test import override_settings

from billing.models import WalletEntry
from billing.selectors import balance_of
from claims.models import TRANSITIONS, Claim, ClaimEvent, ClaimStatus, EventKind
from claims.services import (
    CLAIM_UPDATED,
    claim_accept,
    claim_approve_refund,
    claim_close,
    claim_decline_refund,
    claim_open,
    claim_reject,
    claim_reply,
    claim_resolve_refund,
    claim_resolve_reweigh,
    claim_transition,
    refund_bound_vnd,
)
from consignments.models import ConsignmentStatus
from consignments.tests.factories import ConsignmentFactory
from core.errors import DomainError
from notifications.models import PendingNotification as Notification  # delivered after commit

from .conftest import photo

S = ClaimStatus


def _statuses(claim):
    return [(e.old_status, e.new_status) for e in claim.events.filter(kind=EventKind.STATUS).order_by("id")]


def test_open_writes_history_photo_and_notice(claim, customer):
    assert claim.status == S.WAITING and claim.code.startswith("KN")
    [event] = claim.events.all()
    assert (event.old_status, event.new_status, event.by, event.text) == (
        "",
        "waiting",
        customer,
        claim.description,
    )
    [p] = claim.photos.all()
    assert p.event == event and p.image.name.endswith(".jpg")
    n = Notification.objects.get(user=customer, kind=CLAIM_UPDATED)
    assert n.data == {"claim": claim.code, "claim_id": claim.pk, "status": "waiting"}
    assert n.consignment_id == claim.consignment_id


def test_open_refuses_another_customers_order(order, other_customer):
    with pytest.raises(DomainError) as exc:
        claim_open(customer=other_customer, consignment=order, kind="lost", description="x")
    assert exc.value.code == "not_yours"


@pytest.mark.parametrize("status", [ConsignmentStatus.CANCELLED, ConsignmentStatus.CN_RECEIVED])
def test_open_refuses_an_order_not_weighed_or_cancelled(customer, status):
    order = ConsignmentFactory(customer=customer, status=status)  # not weighed
    with pytest.raises(DomainError) as exc:
        claim_open(customer=customer, consignment=order, kind="lost", description="x")
    assert exc.value.code == "not_claimable"
    assert not Claim.objects.exists()


def test_one_open_claim_per_order_and_kind(claim, order, ops):
    with pytest.raises(DomainError) as exc:
        claim_open(customer=order.customer, consignment=order, kind="damaged", description="again")
    assert exc.value.code == "duplicate"
    other = claim_open(
        customer=order.customer, consignment=order, kind="weight", description="and the weight"
    )
    assert other.status == S.WAITING
    claim_reject(claim=claim, by=ops, reason="no damage on the photos at the depot")
    claim_close(claim=claim, by=ops)
    again = claim_open(customer=order.customer, consignment=order, kind="damaged", description="new damage")
    assert again.pk != claim.pk


def test_open_checks_every_photo_first(order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("b.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(DomainError) as exc:
        claim_open(
            customer=order.customer,
            consignment=order,
            kind="damaged",
            description="x",
            photos=[photo(), fake],
        )
    assert "b.jpg" in exc.value.message
    assert not Claim.objects.exists()


def test_open_refuses_empty_description_and_silly_amounts(order):
    for kwargs in (
        {"description": "  "},
        {"description": "x", "amount_asked_vnd": -1},
        {"description": "x", "kind": "?"},
    ):
        with pytest.raises(DomainError):
            claim_open(customer=order.customer, consignment=order, **{"kind": "lost", **kwargs})


ALL_MOVES = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("old", "new"), ALL_MOVES)
def test_transition_table(claim, ops, old, new):
    Claim.objects.filter(pk=claim.pk).update(status=old)
    claim.refresh_from_db()
    if new in TRANSITIONS[old]:
        claim_transition(claim=claim, to=new, by=ops)
        claim.refresh_from_db()
        assert claim.status == new
        assert ClaimEvent.objects.filter(claim=claim, old_status=old, new_status=new).count() == 1
    else:
        with pytest.raises(DomainError) as exc:
            claim_transition(claim=claim, to=new, by=ops)
        assert exc.value.code == "illegal"
        claim.refresh_from_db()
        assert claim.status == old


def test_transition_is_compare_and_set(claim, ops):
    stale = Claim.objects.get(pk=claim.pk)
    claim_accept(claim=claim, by=ops)
    with pytest.raises(DomainError) as exc:
        claim_reject(claim=stale, by=ops, reason="too late")
    assert exc.value.code == "changed"


def test_only_operations_act(claim, customer, cn_staff):
    for who in (customer, cn_staff):
        with pytest.raises(DomainError) as exc:
            claim_accept(claim=claim, by=who)
        assert exc.value.code == "forbidden"


def test_small_refund_is_credited_at_once_and_only_once(in_review, ops, customer):
    claim = claim_resolve_refund(
        claim=in_review, amount_vnd=300_000, reason="áo rách", fault="carrier", by=ops
    )
    assert claim.status == S.RESOLVED
    assert balance_of(customer) == 300_000
    entry = WalletEntry.objects.get(idempotency_key=f"claim:{claim.pk}:refund")
    assert entry.amount_vnd == 300_000 and entry.consignment_id == claim.consignment_id
    assert Claim.objects.get(pk=claim.pk).wallet_entry == entry
    with pytest.raises(DomainError):  # a double click: the claim is resolved, nothing moves
        claim_resolve_refund(claim=in_review, amount_vnd=300_000, reason="áo rách", fault="carrier", by=ops)
    assert balance_of(customer) == 300_000
    assert _statuses(claim) == [("", "waiting"), ("waiting", "review"), ("review", "resolved")]
    claim_close(claim=claim, by=ops)
    assert Claim.objects.get(pk=claim.pk).closed_at is not None


def test_refund_needs_review_reason_fault_and_sane_amount(claim, ops):
    with pytest.raises(DomainError) as exc:
        claim_resolve_refund(claim=claim, amount_vnd=1000, reason="r", fault="carrier", by=ops)
    assert exc.value.code == "illegal"  # still waiting
    claim = claim_accept(claim=claim, by=ops)
    bound = 7_300_000  # 2 × 1,000 CNY at 3,650; its charge is not paid, so it counts nothing
    assert refund_bound_vnd(claim) == bound
    for kwargs, code in (
        ({"amount_vnd": 0}, "amount"),
        ({"amount_vnd": bound + 1}, "amount"),
        ({"fault": "moon"}, "fault"),
        ({"reason": " "}, "text"),
    ):
        with pytest.raises(DomainError) as exc:
            claim_resolve_refund(
                claim=claim, **{"amount_vnd": 1000, "reason": "r", "fault": "carrier", "by": ops, **kwargs}
            )
        assert exc.value.code == code
    claim_resolve_refund(
        claim=claim, amount_vnd=bound, reason="lost all", fault="carrier", by=ops
    )  # the bound itself


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_large_refund_waits_for_another_operations_person(in_review, ops, ops2, customer):
    claim = claim_resolve_refund(
        claim=in_review, amount_vnd=1_500_000, reason="hỏng", fault="warehouse_cn", by=ops
    )
    assert claim.status == S.REFUND_PENDING and claim.refund_proposed_by == ops
    assert balance_of(customer) == 0
    with pytest.raises(DomainError) as exc:
        claim_approve_refund(claim=claim, by=ops)
    assert exc.value.code == "same_person"
    claim = claim_approve_refund(claim=claim, by=ops2)
    assert claim.status == S.RESOLVED and claim.refund_approved_by == ops2
    assert balance_of(customer) == 1_500_000
    with pytest.raises(DomainError):
        claim_approve_refund(claim=claim, by=ops2)
    assert balance_of(customer) == 1_500_000
    assert WalletEntry.objects.filter(idempotency_key__startswith="claim:").count() == 1
    kinds = list(
        Notification.objects.filter(user=customer, kind=CLAIM_UPDATED).values_list("data__status", flat=True)
    )
    assert kinds == ["waiting", "review", "refund_pending", "resolved"]  # the outbox, oldest first


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_the_limit_itself_needs_no_approval(in_review, ops):
    assert (
        claim_resolve_refund(claim=in_review, amount_vnd=1_000_000, reason="r", fault="none", by=ops).status
        == S.RESOLVED
    )


@override_settings(CLAIM_REFUND_APPROVAL_VND=1_000_000)
def test_declined_refund_goes_back_to_review(in_review, ops, ops2, customer):
    claim = claim_resolve_refund(claim=in_review, amount_vnd=2_000_000, reason="r", fault="carrier", by=ops)
    with pytest.raises(DomainError):
        claim_decline_refund(claim=claim, by=ops2, reason="")
    claim = claim_decline_refund(claim=claim, by=ops2, reason="quá cao, đề xuất lại")
    assert claim.status == S.REVIEW and claim.refund_vnd is None and claim.refund_proposed_by is None
    assert balance_of(customer) == 0
    claim = claim_resolve_refund(claim=claim, amount_vnd=800_000, reason="r", fault="carrier", by=ops2)
    assert claim.status == S.RESOLVED and balance_of(customer) == 800_000


def test_reject_needs_a_reason_and_close(claim, ops):
    with pytest.raises(DomainError):
        claim_reject(claim=claim, by=ops, reason="")
    claim = claim_reject(claim=claim, by=ops, reason="hàng đúng như ảnh lúc nhận")
    assert claim.reject_reason == "hàng đúng như ảnh lúc nhận"
    with pytest.raises(DomainError):
        claim_accept(claim=claim, by=ops)
    claim_close(claim=claim, by=ops)
    assert Claim.objects.get(pk=claim.pk).status == S.CLOSED


def test_reply_by_both_sides_until_closed(claim, customer, other_customer, ops):
    claim_reply(claim=claim, by=customer, text="thêm ảnh", photos=[photo("b.png")])
    claim_reply(claim=claim, by=ops, text="đã nhận")
    assert claim.events.filter(kind=EventKind.REPLY).count() == 2
    assert claim.photos.count() == 2
    assert Notification.objects.filter(user=customer, kind=CLAIM_UPDATED).count() == 2  # opened, ops' reply
    with pytest.raises(DomainError) as exc:
        claim_reply(claim=claim, by=other_customer, text="hi")
    assert exc.value.code == "not_yours"
    with pytest.raises(DomainError):
        claim_reply(claim=claim, by=customer, text="  ")
    claim_reject(claim=claim, by=ops, reason="r")
    claim_reply(claim=claim, by=customer, text="tôi không đồng ý")  # a rejected claim can still be answered
    claim_close(claim=claim, by=ops)
    with pytest.raises(DomainError) as exc:
        claim_reply(claim=claim, by=customer, text="again")
    assert exc.value.code == "closed"


def test_reweigh_reprices_an_order_at_the_china_warehouse(customer, schedule, ops, cn_staff):
    from billing.selectors import current_charge
    from warehouse.services import parcel_measure

    order = ConsignmentFactory(customer=customer)
    parcel = order.parcels.get()
    parcel_measure(parcel=parcel, weight_g=5_000, by=cn_staff)
    order.refresh_from_db()
    before = current_charge(order).total_vnd
    claim = claim_open(customer=customer, consignment=order, kind="weight", description="chỉ 3 kg")
    claim = claim_accept(claim=claim, by=ops)
    with pytest.raises(DomainError):
        claim_resolve_reweigh(claim=claim, parcel_id=parcel.pk + 999, weight_g=3_000, by=ops)
    claim = claim_resolve_reweigh(claim=claim, parcel_id=parcel.pk, weight_g=3_000, by=ops, text="cân lại")
    assert claim.status == S.RESOLVED
    order.refresh_from_db()
    assert order.weight_g == 3_000
    after = current_charge(order).total_vnd
    assert after < before
    event = claim.events.get(kind=EventKind.REWEIGH)
    assert event.data["old_weight_g"] == 5_000 and event.data["new_weight_g"] == 3_000
    assert (event.data["old_total_vnd"], event.data["new_total_vnd"]) == (before, after)


def test_reweigh_after_the_china_warehouse_is_refused_and_changes_nothing(in_review, ops):
    parcel = in_review.consignment.parcels.get()
    with pytest.raises(DomainError) as exc:
        claim_resolve_reweigh(claim=in_review, parcel_id=parcel.pk, weight_g=1_000, by=ops)
    assert exc.value.code == "locked"
    assert Claim.objects.get(pk=in_review.pk).status == S.REVIEW
    assert not in_review.events.filter(kind=EventKind.REWEIGH).exists()


def test_a_refused_claim_leaves_no_photo_file_behind(claim, order, settings, tmp_path):
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(DomainError) as exc:  # the same kind again: the unique constraint refuses it
        claim_open(
            customer=order.customer, consignment=order, kind="damaged", description="x", photos=[photo()]
        )
    assert exc.value.code == "duplicate"
    assert [p for p in Path(tmp_path).rglob("*") if p.is_file()] == []


def test_a_full_disk_saves_nothing(claim, customer, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    with pytest.raises(DomainError) as exc:
        claim_reply(claim=claim, by=customer, text="thêm ảnh", photos=[photo("d.png")])
    assert exc.value.code == "storage"
    assert not claim.events.filter(kind=EventKind.REPLY).exists() and claim.photos.count() == 1
