import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.tests.factories import CustomerFactory
from consignments.models import ConsignmentEvent, EventKind
from consignments.services import consignment_declare, declaration_prefill, volumetric_weight_g
from core.errors import DomainError
from tracking.models import TrackingStatus
from tracking.services import tracking_register
from warehouse.matching import ScanResult, parcel_assign, parcel_scan, parcels_rematch
from warehouse.models import ParcelPhoto
from warehouse.services import customers_from_label, parcel_add_photos, parcel_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(customer, cn_staff):
    tracking_register(customer=customer, raw_code="SF2000000000001", note="3 đôi giày")
    return parcel_scan(raw_code="SF2000000000001", warehouse=cn_staff.warehouse, by=cn_staff).consignment


def _png(size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


@given(
    st.integers(10, 3000), st.integers(10, 3000), st.integers(10, 3000), st.sampled_from([5000, 6000, 7000])
)
@settings(max_examples=200)
def test_volumetric_weight_is_cm3_over_divisor_rounded_up(length, width, height, divisor):
    grams = volumetric_weight_g(length_mm=length, width_mm=width, height_mm=height, divisor=divisor)
    exact_kg = (length / 10) * (width / 10) * (height / 10) / divisor
    assert grams >= exact_kg * 1000 - 1e-6
    assert grams - exact_kg * 1000 < 1


def test_chargeable_weight_is_the_larger_and_every_change_is_kept(matched, cn_staff, settings):
    settings.VOLUMETRIC_DIVISOR = 6000
    parcel = matched.parcels.get()
    parcel_measure(parcel=parcel, weight_g=1250, by=cn_staff, length_mm=400, width_mm=300, height_mm=200)
    assert (parcel.volumetric_weight_g, parcel.chargeable_weight_g, parcel.volumetric_divisor) == (
        4000,
        4000,
        6000,
    )
    matched.refresh_from_db()
    assert (matched.weight_g, matched.chargeable_weight_g) == (1250, 4000)
    parcel_measure(  # re-weighed; the same size
        parcel=parcel, weight_g=5200, by=cn_staff, length_mm=400, width_mm=300, height_mm=200
    )
    parcel.refresh_from_db()
    assert (parcel.weight_g, parcel.length_mm, parcel.chargeable_weight_g) == (5200, 400, 5200)
    matched.refresh_from_db()
    assert (matched.weight_g, matched.chargeable_weight_g) == (5200, 5200)
    events = list(
        ConsignmentEvent.objects.filter(consignment=matched, kind=EventKind.MEASURED).order_by("id")
    )
    assert [e.data["weight_g"] for e in events] == [1250, 5200]
    assert events[1].data["previous"]["weight_g"] == 1250
    assert all(e.by == cn_staff for e in events)


def test_each_parcel_is_charged_at_least_the_minimum_and_the_order_keeps_the_sums(
    customer, cn_staff, settings
):
    settings.MIN_BILLABLE_WEIGHT_G = 500
    tracking_register(customer=customer, raw_code="JDVA01234567890")
    first = parcel_scan(raw_code="JDVA01234567890-1-2", warehouse=cn_staff.warehouse, by=cn_staff)
    second = parcel_scan(raw_code="JDVA01234567890-2-2", warehouse=cn_staff.warehouse, by=cn_staff)
    assert (first.outcome, second.outcome) == (ScanResult.MATCHED, ScanResult.PIECE)
    order = second.consignment
    parcel_measure(parcel=first.parcel, weight_g=200, by=cn_staff)  # 0.2 kg is charged 0.5 kg
    assert first.parcel.chargeable_weight_g == 500
    parcel_measure(parcel=second.parcel, weight_g=3000, by=cn_staff)
    order.refresh_from_db()
    assert (order.weight_g, order.chargeable_weight_g) == (3200, 3500)


@pytest.mark.parametrize(
    ("weight_g", "dims"),
    [
        (0, {}),
        (9_999_000, {}),
        (1000, {"length_mm": -10, "width_mm": 100, "height_mm": 100}),
        (1000, {"length_mm": 100_000, "width_mm": 100, "height_mm": 100}),
        (1000, {"length_mm": 100, "width_mm": None, "height_mm": 100}),
    ],
)
def test_absurd_measurements_are_refused_and_nothing_is_saved(matched, cn_staff, weight_g, dims):
    parcel = matched.parcels.get()
    with pytest.raises(DomainError):
        parcel_measure(parcel=parcel, weight_g=weight_g, by=cn_staff, **dims)
    parcel.refresh_from_db()
    assert parcel.weight_g is None and parcel.length_mm is None
    matched.refresh_from_db()
    assert matched.weight_g is None and matched.chargeable_weight_g is None
    assert not ConsignmentEvent.objects.filter(consignment=matched, kind=EventKind.MEASURED).exists()


def test_declaration_is_prefilled_from_the_note_and_kept_in_history(matched, cn_staff):
    assert declaration_prefill(matched)["goods_vi"] == "3 đôi giày"
    consignment_declare(
        consignment=matched, goods_vi="Giày", goods_zh="鞋", quantity=3, unit_value_fen=4550, by=cn_staff
    )
    matched.refresh_from_db()
    assert matched.is_declared and str(matched.goods_unit_value_cny) == "45.5"
    event = ConsignmentEvent.objects.get(consignment=matched, kind=EventKind.DECLARED)
    assert event.data["goods_zh"] == "鞋" and event.data["previous"]["goods_quantity"] is None


@pytest.mark.parametrize(
    ("goods_vi", "goods_zh", "quantity", "value"),
    [("", "", 1, 100), ("Giày", "", 0, 100), ("Giày", "", 1, -1), ("Giày", "", 1, 10**12)],
)
def test_bad_declarations_are_refused(matched, cn_staff, goods_vi, goods_zh, quantity, value):
    with pytest.raises(DomainError):
        consignment_declare(
            consignment=matched,
            goods_vi=goods_vi,
            goods_zh=goods_zh,
            quantity=quantity,
            unit_value_fen=value,
            by=cn_staff,
        )


def test_photos_are_checked_before_any_is_saved(matched, cn_staff):
    parcel = matched.parcels.get()
    good = SimpleUploadedFile("a.png", _png(), content_type="image/png")
    fake = SimpleUploadedFile("b.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(DomainError) as exc:
        parcel_add_photos(parcel=parcel, files=[good, fake], by=cn_staff)
    assert "b.jpg" in exc.value.message
    assert ParcelPhoto.objects.count() == 0
    good.seek(0)
    parcel_add_photos(parcel=parcel, files=[good], by=cn_staff)
    assert parcel.photos.count() == 1
    assert ConsignmentEvent.objects.filter(consignment=matched, kind=EventKind.PHOTO).count() == 1


def test_a_50_mb_photo_is_refused(matched, cn_staff):
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (50 * 2**20), content_type="image/jpeg")
    with pytest.raises(DomainError) as exc:
        parcel_add_photos(parcel=matched.parcels.get(), files=[huge], by=cn_staff)
    assert "10 MB" in exc.value.message


@pytest.mark.parametrize(
    "label",
    [
        "123PO thubin89x YW532",
        "thubin89x - YW532",
        "yw532",
        "ＹＷ５３２",
        "THUBIN89X",
        "123po/thubin89x/yw532",
    ],
)
def test_the_label_names_the_customer_whatever_the_spacing_case_or_width(customer, label):
    found = customers_from_label(label)
    assert [c for c, _reasons in found] == [customer]


def test_code_and_username_of_different_customers_are_both_proposed(customer, other_customer):
    found = customers_from_label(f"123PO {customer.username} {other_customer.customer_code}")
    assert {c for c, _r in found} == {customer, other_customer}
    assert customers_from_label("123PO nobody ZZ999") == []


def test_an_unidentified_parcel_is_assigned_with_a_reason(customer, cn_staff):
    result = parcel_scan(raw_code="YT3000000000001", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.UNIDENTIFIED
    with pytest.raises(DomainError):
        parcel_assign(parcel=result.parcel, customer=customer, by=cn_staff, reason="  ")
    consignment = parcel_assign(
        parcel=result.parcel, customer=customer, by=cn_staff, reason="Mã KH trên nhãn"
    )
    owner = ConsignmentEvent.objects.get(consignment=consignment, kind=EventKind.OWNER)
    assert owner.data["reason"] == "Mã KH trên nhãn" and owner.by == cn_staff
    with pytest.raises(DomainError) as exc:  # never twice
        parcel_assign(parcel=result.parcel, customer=CustomerFactory(), by=cn_staff, reason="x")
    assert exc.value.code == "already"


def test_a_conflicted_parcel_goes_to_the_customer_on_the_label(customer, other_customer, cn_staff):
    tracking_register(customer=customer, raw_code="JT4000000000001")
    tracking_register(customer=other_customer, raw_code="JT4000000000001")
    result = parcel_scan(raw_code="JT4000000000001", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.CONFLICT
    ((chosen, _reasons),) = customers_from_label(
        f"123PO {other_customer.username} {other_customer.customer_code}"
    )
    consignment = parcel_assign(parcel=result.parcel, customer=chosen, by=cn_staff, reason="label")
    assert consignment.customer == other_customer
    assert other_customer.tracking_numbers.get().status == TrackingStatus.MATCHED


@pytest.mark.parametrize("raw", ["", "   ", "\x00", "x" * 10_240, "\x02\x03"])
def test_bad_scans_get_a_message_and_save_nothing(cn_staff, raw):
    from warehouse.models import Parcel

    with pytest.raises(DomainError) as exc:
        parcel_scan(raw_code=raw, warehouse=cn_staff.warehouse, by=cn_staff)
    assert exc.value.message
    assert Parcel.objects.count() == 0


def test_control_characters_around_a_scan_are_ignored(customer, cn_staff):
    tracking_register(customer=customer, raw_code="SF2000000000009")
    result = parcel_scan(raw_code="\x02SF2000000000009\x03\r", warehouse=cn_staff.warehouse, by=cn_staff)
    assert result.outcome == ScanResult.MATCHED


def test_the_scheduled_rematch_catches_a_registration_whose_task_was_lost(customer, cn_staff):
    from tracking.models import TrackingNumber

    parcel_scan(raw_code="YT5000000000001", warehouse=cn_staff.warehouse, by=cn_staff)
    parcel_scan(raw_code="YT5000000000002", warehouse=cn_staff.warehouse, by=cn_staff)  # nobody's
    TrackingNumber.objects.create(customer=customer, code="YT5000000000001")  # no task ran
    assert parcels_rematch() == 1
    assert TrackingNumber.objects.get(code="YT5000000000001").status == TrackingStatus.MATCHED
    assert parcels_rematch() == 0
