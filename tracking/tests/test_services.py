import pytest
from django.utils import timezone, translation

from consignments.models import Consignment
from core.errors import DomainError
from notifications.models import Notification, NotificationKind
from tracking.models import TrackingNumber, TrackingStatus
from tracking.services import (
    MAX_PASTE_LINES,
    Verdict,
    tracking_cancel,
    tracking_register,
    tracking_register_pasted,
    tracking_update_note,
    trackings_notify_stale,
)
from tracking.tests.factories import TrackingNumberFactory
from warehouse.matching import ScanResult, parcel_scan, tracking_conflict_resolve

pytestmark = pytest.mark.django_db


@translation.override("en")
def test_a_pasted_list_gets_one_verdict_per_line_and_keeps_the_good_ones(customer, other_customer):
    TrackingNumberFactory(customer=customer, code="SF1111111111111")
    TrackingNumberFactory(customer=other_customer, code="YT2222222222222")
    text = "\n".join(
        [
            "sf 1111 1111 11111",  # already yours
            "yt2222222222222",  # someone else's too
            "1234567890123456789",  # a Taobao order number
            "JT3333333333333",  # new
            "jt 3333333333333",  # the same again
            "7.8123E+13",  # mangled by Excel
            "中通快递 78123456789012",  # new, with a courier name
        ]
    )
    verdicts, rest = tracking_register_pasted(customer=customer, text=text)
    assert rest == ""
    assert [v.verdict for v in verdicts] == [
        Verdict.ALREADY,
        Verdict.CONFLICT,
        Verdict.REFUSED,
        Verdict.ADDED,
        Verdict.DUPLICATE,
        Verdict.REFUSED,
        Verdict.ADDED,
    ]
    assert [v.line for v in verdicts] == list(range(1, 8))
    assert "order number" in verdicts[2].message
    assert "line 4" in verdicts[4].message
    assert set(TrackingNumber.objects.filter(customer=customer).values_list("code", flat=True)) == {
        "SF1111111111111",
        "YT2222222222222",
        "JT3333333333333",
        "78123456789012",
    }
    assert TrackingNumber.objects.get(customer=customer, code="78123456789012").courier == "zto"


@pytest.mark.parametrize("separator", ["\n", "\r\n", ",", ";", "\t", " ,\n"])
def test_any_separator_works(customer, separator):
    verdicts, _rest = tracking_register_pasted(
        customer=customer, text=separator.join(["SF1000000000001", "SF1000000000002", "SF1000000000003"])
    )
    assert [v.verdict for v in verdicts] == [Verdict.ADDED] * 3


def test_an_empty_paste_is_refused(customer):
    with pytest.raises(DomainError):
        tracking_register_pasted(customer=customer, text=" \n ,, ;\n")


def test_more_than_the_limit_hands_the_rest_back(customer):
    codes = [f"SF{i:013d}" for i in range(MAX_PASTE_LINES + 3)]
    verdicts, rest = tracking_register_pasted(customer=customer, text="\n".join(codes))
    assert len(verdicts) == MAX_PASTE_LINES
    assert rest.split("\n") == codes[MAX_PASTE_LINES:]
    assert TrackingNumber.objects.filter(customer=customer).count() == MAX_PASTE_LINES


def test_registration_needs_an_address(new_customer):
    with pytest.raises(DomainError) as exc:
        tracking_register_pasted(customer=new_customer, text="SF1000000000001")
    assert exc.value.code == "no_address"


def test_html_in_a_note_is_kept_as_text(customer):
    tracking = tracking_register(
        customer=customer, raw_code="SF1000000000009", note="<script>alert(1)</script>"
    )
    assert tracking.note == "<script>alert(1)</script>"


def test_note_and_cancel_until_received_then_locked(customer, other_customer, cn_staff):
    tracking = tracking_register(customer=customer, raw_code="SF1000000000010", note="giày")
    tracking_update_note(customer=customer, pk=tracking.pk, note="3 đôi giày")
    tracking.refresh_from_db()
    assert tracking.note == "3 đôi giày"
    with pytest.raises(DomainError):  # not theirs
        tracking_update_note(customer=other_customer, pk=tracking.pk, note="x")

    parcel_scan(raw_code="SF1000000000010", warehouse=cn_staff.warehouse, by=cn_staff)
    with pytest.raises(DomainError) as exc:
        tracking_update_note(customer=customer, pk=tracking.pk, note="changed")
    assert exc.value.code == "locked"
    with pytest.raises(DomainError):
        tracking_cancel(customer=customer, pk=tracking.pk)

    other = tracking_register(customer=customer, raw_code="SF1000000000011")
    assert tracking_cancel(customer=customer, pk=other.pk) == "SF1000000000011"
    assert not TrackingNumber.objects.filter(pk=other.pk).exists()


def test_stale_registrations_are_told_once(customer, django_capture_on_commit_callbacks, settings):
    settings.TRACKING_STALE_DAYS = 7
    old = TrackingNumberFactory(customer=customer)
    TrackingNumber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=8))
    TrackingNumberFactory(customer=customer)  # recent: not stale
    with django_capture_on_commit_callbacks(execute=True):
        assert trackings_notify_stale() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert trackings_notify_stale() == 0
    notification = Notification.objects.get(user=customer, kind=NotificationKind.TRACKING_STALE)
    assert old.code in notification.message


def test_operations_resolve_a_conflict_and_the_waiting_parcel_is_matched(
    customer, other_customer, cn_staff, ops, django_capture_on_commit_callbacks
):
    tracking_register(customer=customer, raw_code="ZTO778899001122")
    theirs = tracking_register(customer=other_customer, raw_code="778899001122")
    assert theirs.conflict
    result = parcel_scan(raw_code="778899001122", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.CONFLICT
    assert set(TrackingNumber.objects.values_list("status", flat=True)) == {TrackingStatus.RECEIVED}

    with django_capture_on_commit_callbacks(execute=True):
        kept = tracking_conflict_resolve(code="778899001122", keep_id=theirs.pk, by=ops)
    assert kept.status == TrackingStatus.MATCHED
    assert Consignment.objects.get().customer == other_customer
    assert not TrackingNumber.objects.filter(customer=customer).exists()
    # The customer whose registration was withdrawn is told, in their language, with the code.
    notice = Notification.objects.get(user=customer, kind=NotificationKind.TRACKING_WITHDRAWN)
    assert notice.tracking_code == "778899001122"
    with translation.override("vi"):
        assert "778899001122" in notice.message and "khách hàng khác" in notice.message
    assert not Notification.objects.filter(user=other_customer, kind=NotificationKind.TRACKING_WITHDRAWN)
