"""Uploaded files whose name has no stem (issue 12): ".csv" is a CSV file, ".xlsx" a workbook, ".jpg" a
photo. The extension is what follows the last dot (core.files); every upload field is tried."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from core.errors import DomainError
from core.files import file_extension, file_stem
from tracking.imports import import_run, import_start
from tracking.models import TrackingImport, TrackingNumber


@pytest.mark.parametrize(
    ("name", "extension", "stem"),
    [
        (".csv", ".csv", "file"),
        (".XLSX", ".xlsx", "file"),
        ("codes.csv", ".csv", "codes"),
        ("ma.van.don.CSV", ".csv", "ma.van.don"),
        ("C:\\Users\\Bình\\.csv", ".csv", "file"),
        ("/home/a/b.xlsx", ".xlsx", "b"),
        ("codes", "", "codes"),
        ("codes.", "", "codes"),
        ("", "", "file"),
        (None, "", "file"),
        ("..csv", ".csv", "file"),
        (" .csv ", ".csv", "file"),
    ],
)
def test_extension_and_stem(name, extension, stem):
    assert file_extension(name) == extension
    assert file_stem(name) == stem


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        (".csv", b"SF1234567890123\n"),
        (".CSV", b"SF1234567890123\n"),
        (".xlsx", _xlsx([["SF1234567890123"]])),
        ("C:\\fakepath\\.xlsx", _xlsx([["SF1234567890123"]])),
    ],
)
def test_an_import_named_only_by_its_extension_is_read(customer, media, name, content):
    imp = import_start(customer=customer, uploaded_file=SimpleUploadedFile(name, content))
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    assert imp.status == TrackingImport.Status.DONE and imp.added == 1
    assert TrackingNumber.objects.filter(customer=customer, code="SF1234567890123").exists()
    assert imp.result_file.name.rsplit("/", 1)[-1].startswith("import-result")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["codes", "codes.", ".txt", "csv", "xlsx"])
def test_a_name_without_a_spreadsheet_extension_is_still_refused(customer, media, name):
    with pytest.raises(DomainError) as caught:
        import_start(customer=customer, uploaded_file=SimpleUploadedFile(name, b"SF1234567890123\n"))
    assert caught.value.code == "extension"


@pytest.mark.django_db
def test_the_import_page_takes_a_file_named_csv(client_of, english, customer, media):
    response = client_of(customer).post(
        "/tracking/import/", {"file": SimpleUploadedFile(".csv", b"SF1234567890123\n")}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    imp = TrackingImport.objects.get()
    assert imp.original_name == ".csv"
    assert "/tracking/import/" in response["Location"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("name", [".png", ".jpg", "photo", ".PNG"])
def test_a_parcel_photo_is_judged_by_its_content_not_its_name(customer, cn_staff, media, name):
    from tracking.services import tracking_register
    from warehouse.matching import parcel_scan
    from warehouse.services import parcel_add_photos

    tracking_register(customer=customer, raw_code="SF2000000000001")
    order = parcel_scan(raw_code="SF2000000000001", warehouse=cn_staff.warehouse, by=cn_staff).consignment
    parcel_add_photos(parcel=order.parcels.get(), files=[SimpleUploadedFile(name, _png())], by=cn_staff)
    assert order.parcels.get().photos.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", [".png", "photo"])
def test_a_claim_photo_is_judged_by_its_content_not_its_name(name, media):
    from claims.services.common import prepare_photos

    (prepared,) = prepare_photos(None, [SimpleUploadedFile(name, _png())])
    assert prepared[0].name.endswith(".jpg")
