import io
import logging
import re
import unicodedata
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from consignments.models import Consignment, EventKind
from consignments.services import (
    MAX_DIMENSION_MM,
    MAX_WEIGHT_G,
    MEASURE_FIELDS,
    MIN_DIMENSION_MM,
    chargeable_weight_g,
    consignment_event_add,
    consignment_lock_at_china,
    volumetric_weight_g,
)
from consignments.signals import consignment_measured
from core.errors import DomainError
from tracking.normalize import normalize_tracking_code

from .models import Parcel, ParcelPhoto

logger = logging.getLogger(__name__)

# --- Weighing and measuring ----------------------------------------------------------------------------------


@transaction.atomic
def parcel_measure(*, parcel, weight_g: int, by, length_mm=None, width_mm=None, height_mm=None):
    """Record one parcel's weight and (optionally) dimensions; keep its volumetric and chargeable weight with
    the divisor and minimum used, so that a later change of settings never changes a measured parcel; the
    order's totals follow. Every change is a history row on the order with the previous values.

    The parcel must belong to an order still at the China warehouse (DomainError otherwise).
    """
    if not 1 <= weight_g <= MAX_WEIGHT_G:
        raise DomainError(_("Enter a weight between 0.001 kg and 500 kg."), code="weight")
    dims = (length_mm, width_mm, height_mm)
    if any(d is not None for d in dims):
        if any(d is None for d in dims):
            raise DomainError(_("Enter all three dimensions, or none."), code="dimensions")
        if not all(MIN_DIMENSION_MM <= d <= MAX_DIMENSION_MM for d in dims):
            raise DomainError(_("Each dimension must be between 1 cm and 300 cm."), code="dimensions")
    if parcel.consignment_id is None:
        raise DomainError(_("This parcel has no order yet: identify it first."), code="unidentified")
    order = consignment_lock_at_china(parcel.consignment)
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    previous = {field: getattr(locked, field) for field in MEASURE_FIELDS}
    divisor = settings.VOLUMETRIC_DIVISOR
    volumetric = (
        volumetric_weight_g(length_mm=length_mm, width_mm=width_mm, height_mm=height_mm, divisor=divisor)
        if length_mm is not None
        else None
    )
    values = {
        "weight_g": weight_g,
        "length_mm": length_mm,
        "width_mm": width_mm,
        "height_mm": height_mm,
        "volumetric_weight_g": volumetric,
        "volumetric_divisor": divisor if volumetric is not None else None,
        "chargeable_weight_g": chargeable_weight_g(
            weight_g=weight_g, volumetric_g=volumetric, minimum_g=settings.MIN_BILLABLE_WEIGHT_G
        ),
    }
    Parcel.objects.filter(pk=locked.pk).update(**values)
    for field, value in values.items():
        setattr(parcel, field, value)
    _totals_refresh(order)
    parcel.consignment = order
    consignment_event_add(
        order,
        kind=EventKind.MEASURED,
        by=by,
        data={"parcel_id": parcel.pk, "piece": parcel.piece_number, **values, "previous": previous},
    )
    consignment_measured.send(Consignment, consignment=order, by=by)
    # Pricing (billing) may have set the chargeable figures by the fee schedule's rules: show those.
    parcel.refresh_from_db(fields=["chargeable_weight_g", "volumetric_weight_g", "volumetric_divisor"])
    order.refresh_from_db(fields=["chargeable_weight_g"])
    return parcel


def _totals_refresh(order: Consignment) -> None:
    """The order's weight and chargeable weight: the sums of its current parcels' (the order row is locked)."""
    totals = order.parcels.aggregate(weight=Sum("weight_g"), chargeable=Sum("chargeable_weight_g"))
    order.weight_g, order.chargeable_weight_g = totals["weight"], totals["chargeable"]
    Consignment.objects.filter(pk=order.pk).update(
        weight_g=order.weight_g, chargeable_weight_g=order.chargeable_weight_g
    )


# --- Identifying a parcel by its label -----------------------------------------------------------------------

_LABEL_TOKENS = re.compile(r"[0-9A-Za-z]+")


def customers_from_label(text: str) -> list[tuple]:
    """Who a label names: the customer code and/or username in what staff typed or pasted, e.g. the whole
    receiver line `123PO thubin89x YW510`, `thubin89x - yw510`, or just `YW510`.

    Tolerant to spacing, case, full-width characters and separators. Returns [(customer, reasons)], best
    first: a customer named by both code and username first.
    """
    from accounts.models import Role, User

    folded = unicodedata.normalize("NFKC", text or "")
    tokens = {t.upper() for t in _LABEL_TOKENS.findall(folded) if 3 <= len(t) <= 20}
    tokens.discard(settings.BRAND_MARK.upper())
    if not tokens:
        return []
    lowered = [t.lower() for t in tokens]
    customers = (
        User.objects.filter(role=Role.CUSTOMER, is_active=True)
        .annotate(username_lower=Lower("username"))
        .filter(Q(customer_code__in=tokens) | Q(username_lower__in=lowered))[:10]
    )
    found = []
    for customer in customers:
        reasons = []
        if customer.customer_code in tokens:
            reasons.append("code")
        if customer.username.upper() in tokens:
            reasons.append("username")
        found.append((customer, reasons))
    found.sort(key=lambda item: (-len(item[1]), item[0].username))
    return found


@transaction.atomic
def parcel_set_label_text(*, parcel: Parcel, text: str) -> Parcel:
    parcel.label_text = (text or "").strip()[:255]
    Parcel.objects.filter(pk=parcel.pk).update(label_text=parcel.label_text)
    return parcel


# --- Photos ------------------------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}  # what Pillow reads them as
# Kept at most this many pixels on the long side: enough to read a label and see damage, and a tenth of the
# bytes of a phone's 4,000-pixel photo (customers open them on their phones, over mobile data).
PHOTO_MAX_SIDE = 2000
THUMBNAIL_SIDE = 400


def _open_photo(upload):
    """The upload as a Pillow image, checked; or a DomainError saying what is wrong with it."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise DomainError(
            _("A photo may be at most 10 MB; this one is %(mb)d MB.") % {"mb": upload.size // 2**20}
        )
    not_a_photo = DomainError(_("That file is not a photo (JPEG, PNG or WebP)."), code="not_image")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()  # the whole file is read; a truncated or forged one fails here
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in PHOTO_FORMATS:
            raise not_a_photo
        image.load()
    except Image.DecompressionBombError as exc:  # a small file that claims a gigantic picture
        raise DomainError(_("That photo is too large to open."), code="too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_a_photo from exc
    return image


def _jpeg(image, *, name: str, quality: int):
    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)  # no EXIF: no GPS, no phone model
    return ContentFile(buffer.getvalue(), name=name)


def _prepare_photo(upload, *, stem: str):
    """(photo, thumbnail) as JPEG files: upright as the phone showed it, at most PHOTO_MAX_SIDE pixels,
    without the camera's metadata."""
    from PIL import ImageOps

    with _open_photo(upload) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    photo = image.copy()
    photo.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return _jpeg(photo, name=f"{stem}.jpg", quality=85), _jpeg(image, name=f"{stem}-small.jpg", quality=80)


def parcel_add_photos(*, parcel: Parcel, files, by) -> list[ParcelPhoto]:
    """Keep photos of a parcel. All are checked first: one bad file saves none and says which."""
    files = list(files)
    if not files:
        raise DomainError(_("Choose or take a photo."), code="empty")
    prepared = []
    for upload in files:  # before the transaction: decoding and resizing take a moment
        try:
            # Named by the parcel, not by what the phone called the file.
            prepared.append(_prepare_photo(upload, stem=f"{parcel.tracking_code}-{uuid.uuid4().hex[:10]}"))
        except DomainError as exc:
            raise DomainError(f"{upload.name}: {exc.message}", code=exc.code) from exc
    stored: list[str] = []  # the files written so far: removed again if anything fails
    try:
        with transaction.atomic():
            photos = []
            for photo, thumbnail in prepared:
                row = ParcelPhoto(parcel=parcel, uploaded_by=by)
                _store(row.image, photo, stored)
                _store(row.thumbnail, thumbnail, stored)
                row.save()
                photos.append(row)
            consignment = Consignment.objects.filter(pk=parcel.consignment_id).first()
            if consignment is not None:
                consignment_event_add(
                    consignment,
                    kind=EventKind.PHOTO,
                    by=by,
                    data={
                        "photo_ids": [p.pk for p in photos],
                        "parcel_id": parcel.pk,
                        "piece": parcel.piece_number,
                    },
                )
    except OSError as exc:  # the media storage is full, read-only or gone
        _unstore(stored)
        logger.error("parcel %s: photo not stored (%s); the parcel is kept without it", parcel.pk, exc)
        raise DomainError(
            _(
                "The photo could not be stored: the server's storage is full or not writable. The parcel is "
                "saved without it; tell the office, and take the photo again later."
            ),
            code="storage",
        ) from exc
    except BaseException:
        _unstore(stored)
        raise
    return photos


def _store(field_file, content, stored: list[str]) -> None:
    """Write one file of a photo row, noting its name first: a write that fails half-way leaves a partial
    file under that name (FileSystemStorage does not remove it), which _unstore removes."""
    stored.append(field_file.field.generate_filename(field_file.instance, content.name))
    field_file.save(content.name, content, save=False)
    stored[-1] = field_file.name  # the name the storage chose (the same, unless it was taken)


def _unstore(names: list[str]) -> None:
    """Remove the files of photos that were not saved: no file without its row, no row without its file."""
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not remove %s, a photo that was not saved", name)


UNIDENTIFIED_FLAG_DAYS = 30


def unidentified_parcels_for_operations(*, q: str = ""):
    from .matching import unidentified_parcels

    qs = unidentified_parcels().select_related("scanned_by").prefetch_related("photos")
    if q:
        qs = qs.filter(Q(tracking_code__contains=normalize_tracking_code(q)) | Q(label_text__icontains=q))
    return qs


def parcels_mark_labelled(parcels) -> None:
    """Remember the depot each parcel's label was printed with (parcels with their consignment's destination
    loaded), so that a later change of depot asks for a reprint."""
    by_depot: dict[str, list[int]] = {}
    for parcel in parcels:
        destination = parcel.consignment.destination
        by_depot.setdefault(destination.code if destination else "", []).append(parcel.pk)
    for code, ids in by_depot.items():
        Parcel.objects.filter(pk__in=ids).update(label_destination=code)
