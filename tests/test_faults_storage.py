"""Issue 13: the media storage fails while a station uploads a parcel photo.

Disk full is caused for real: the process's file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the kernel
refuse the write half-way through the photo, as a full disk does (EFBIG / ENOSPC: both OSError). Storage not
writable: MEDIA_ROOT under a path that is a file, so the photo's folder cannot be made. Each time the station
sees a clear message, the order stays as it was, and nothing is half-written: no file without its row, no
row without its file.
"""

import contextlib
import io
import os
import resource
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consignments.models import Consignment, EventKind
from tracking.tests.factories import TrackingNumberFactory
from warehouse.models import ParcelPhoto

HTMX = {"HX-Request": "true"}
LIMIT_BYTES = 16 * 1024  # the photo (a few hundred kB) is cut off after 16 kB


def noisy_photo(name="kien.jpg", side=900) -> SimpleUploadedFile:
    """A photo that stays large after resizing and JPEG compression (random pixels do not compress)."""
    from PIL import Image

    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@contextlib.contextmanager
def disk_full_after(limit: int):
    """Files written by this process may not grow past `limit` bytes: the write fails with EFBIG."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def files_under(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.fixture
def scanned(client_of, cn_staff, customer, settings, tmp_path, english):
    """A parcel scanned at the station a moment ago: its order exists."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    TrackingNumberFactory(customer=customer, code="SF9100000000001", raw_code="SF9100000000001")
    client = client_of(cn_staff)
    response = client.post(reverse("warehouse:scan"), {"code": "SF9100000000001"}, headers=HTMX)
    assert b'data-outcome="matched"' in response.content
    order = Consignment.objects.get(customer=customer)
    return client, order, order.parcels.get()


def test_a_full_disk_mid_photo_leaves_the_parcel_saved_and_nothing_half_written(scanned, settings):
    client, order, parcel = scanned
    events_before = order.events.count()
    with disk_full_after(LIMIT_BYTES):
        response = client.post(
            reverse("warehouse:photos", args=[parcel.pk]), {"photos": [noisy_photo()]}, headers=HTMX
        )
    assert response.status_code == 200
    assert b"could not be stored" in response.content  # said at the station, in the photo panel
    assert not ParcelPhoto.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []  # the partial file is gone
    order.refresh_from_db()
    assert order.events.count() == events_before
    assert not order.events.filter(kind=EventKind.PHOTO).exists()
    assert Consignment.objects.filter(pk=order.pk).exists()

    # Space again: the same photo is kept, with its thumbnail.
    response = client.post(
        reverse("warehouse:photos", args=[parcel.pk]), {"photos": [noisy_photo()]}, headers=HTMX
    )
    [photo] = ParcelPhoto.objects.all()
    assert Path(photo.image.path).stat().st_size > LIMIT_BYTES
    assert len(files_under(settings.MEDIA_ROOT)) == 2


def test_a_second_photo_failing_removes_the_first_one_too(scanned, settings):
    """Two photos in one upload: the first fits, the second does not. None is kept (all or nothing)."""
    client, order, parcel = scanned
    small = noisy_photo("a.jpg", side=40)
    with disk_full_after(LIMIT_BYTES):
        response = client.post(
            reverse("warehouse:photos", args=[parcel.pk]), {"photos": [small, noisy_photo("b.jpg")]}
        )
    assert response.status_code == 302  # without htmx: back to the card, with the message
    assert not ParcelPhoto.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []
    card = client.get(response["Location"])
    assert b"could not be stored" in card.content


def test_media_storage_not_writable(scanned, settings, tmp_path):
    client, order, parcel = scanned
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the media volume is not mounted here")
    settings.MEDIA_ROOT = str(blocker / "media")
    response = client.post(
        reverse("warehouse:photos", args=[parcel.pk]), {"photos": [noisy_photo()]}, headers=HTMX
    )
    assert response.status_code == 200
    assert b"could not be stored" in response.content
    assert not ParcelPhoto.objects.exists()
    assert blocker.read_text() == "the media volume is not mounted here"
