import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from consignments.models import Consignment, ConsignmentStatus, EventKind
from consignments.services import consignment_create_for_parcel, consignment_event_add
from core.errors import DomainError
from notifications.models import NotificationKind
from notifications.services import notifications_kick
from tracking.models import TrackingNumber, TrackingStatus
from tracking.normalize import clean_tracking_code, normalize_tracking_code
from tracking.selectors import open_registrations_for_code

from .models import Parcel, ParcelPhoto

MAX_SCAN_LENGTH = 200


@dataclass(frozen=True)
class ScanResult:
    MATCHED = "matched"  # a consignment was created by this scan
    DUPLICATE = "duplicate"  # the parcel already has its consignment
    UNIDENTIFIED = "unidentified"  # nobody registered the code (yet)
    CONFLICT = "conflict"  # several customers registered the code

    outcome: str
    parcel: Parcel
    consignment: Consignment | None = None


def _code_key(code: str) -> int:
    return int.from_bytes(hashlib.blake2b(code.encode(), digest_size=8).digest(), "big", signed=True)


def lock_codes(codes) -> None:
    """Serialise everything that matches these tracking codes, until the transaction ends.

    A registration committed while a scan of the same code is in flight would otherwise be missed: the
    scan cannot see the registration yet, and the matching task cannot see the scan's uncommitted parcel.
    With this lock the later of the two always sees the other's committed rows. Many codes are locked in
    one statement, in a fixed order, so two callers never deadlock. (SQLite runs one write transaction at a
    time, so it needs nothing.)
    """
    if connection.vendor == "postgresql" and codes:
        keys = sorted({_code_key(code) for code in codes})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k", [keys]
            )


def _lock_code(code: str) -> None:
    """lock_codes for one code, a plain bigint parameter. The scan function on PostgreSQL takes the same
    lock with the same key (_code_key), so the two serialise each other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_code_key(code)])


def _match_locked(*, parcel: Parcel, by, known_unmatched: bool = False) -> tuple[str, Consignment | None]:
    """Match a parcel whose code lock (_lock_code) the caller holds. Returns (outcome, consignment).

    `known_unmatched`: the caller knows, under the lock, that the parcel has no consignment (it was created
    in this transaction, or selected as unmatched), so the check is skipped.
    """
    if not known_unmatched:
        existing = next(
            iter(Consignment.objects.filter(parcel_id=parcel.pk).select_related("customer").order_by()[:1]),
            None,
        )
        if existing is not None:
            return ScanResult.DUPLICATE, existing
    registrations = list(open_registrations_for_code(code=parcel.tracking_code).order_by()[:2])
    if not registrations:
        return ScanResult.UNIDENTIFIED, None
    if len(registrations) > 1:
        TrackingNumber.objects.filter(pk__in=[r.pk for r in registrations]).update(
            status=TrackingStatus.RECEIVED
        )
        return ScanResult.CONFLICT, None
    registration = registrations[0]
    consignment = consignment_create_for_parcel(
        parcel=parcel, customer=registration.customer, tracking=registration, by=by
    )
    return ScanResult.MATCHED, consignment


def parcel_scan(*, raw_code: str, warehouse, by) -> ScanResult:
    """A barcode was scanned at a China warehouse: find or keep the parcel and match it to its owner.

    Scanning the same parcel again, or from two stations at once, never creates a second consignment:
    the parcel's tracking code is unique, the code is locked while matching, and the consignment is
    one-to-one with the parcel. On PostgreSQL the whole scan is one call of a database function (the
    station's hot path, see migration warehouse 0004); elsewhere the same steps run through the ORM.
    """
    if len(raw_code) > MAX_SCAN_LENGTH:
        raise DomainError(_("That scan is far too long to be a tracking number; scan again."), code="long")
    try:
        code = clean_tracking_code(raw_code)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid") from exc
    if connection.vendor == "postgresql":
        return _scan_in_database(code=code, warehouse=warehouse, by=by)
    return _scan_in_python(code=code, warehouse=warehouse, by=by)


@transaction.atomic
def _scan_in_python(*, code: str, warehouse, by) -> ScanResult:
    """parcel_scan through the ORM: SQLite's path, and the reference the database function is tested
    against on PostgreSQL."""
    _lock_code(code)
    try:
        with transaction.atomic():
            parcel, created = Parcel.objects.get_or_create(
                tracking_code=code, defaults={"warehouse": warehouse, "scanned_by": by}
            )
    except IntegrityError:  # SQLite has no code lock: another station inserted it just now
        parcel, created = Parcel.objects.get(tracking_code=code), False
    if not created:
        Parcel.objects.filter(pk=parcel.pk).update(scan_count=F("scan_count") + 1)
        parcel.scan_count += 1
    outcome, consignment = _match_locked(parcel=parcel, by=by, known_unmatched=created)
    return ScanResult(outcome=outcome, parcel=parcel, consignment=consignment)


_SCAN_FUNCTION = "SELECT * FROM warehouse_parcel_scan(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _loaded(model, values: dict):
    """An instance holding only these fields, as if loaded from the database; any other field is read from
    the database if something asks for it. (Model.from_db takes values in the model's field order, not in
    the order of the names given: this puts them in that order.)"""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _scan_in_database(*, code: str, warehouse, by) -> ScanResult:
    """parcel_scan on PostgreSQL: one statement, its own transaction unless the caller has one open."""
    from accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            _SCAN_FUNCTION,
            [
                code,
                _code_key(code),
                warehouse.pk,
                by.pk,
                timezone.now(),
                ConsignmentStatus.CN_RECEIVED.value,
                EventKind.STATUS.value,
                TrackingStatus.RECEIVED.value,
                TrackingStatus.MATCHED.value,
                NotificationKind.ARRIVED_CHINA.value,
            ],
        )
        row = dict(zip([column.name for column in cursor.description], cursor.fetchone(), strict=True))
    parcel = _loaded(
        Parcel,
        {
            "id": row["parcel_id"],
            "tracking_code": code,
            "warehouse_id": row["parcel_warehouse_id"],
            "scanned_by_id": row["parcel_scanned_by_id"],
            "scanned_at": row["parcel_scanned_at"],
            "scan_count": row["parcel_scan_count"],
        },
    )
    if row["consignment_id"] is None:
        return ScanResult(outcome=row["outcome"], parcel=parcel)
    consignment = _loaded(
        Consignment,
        {
            "id": row["consignment_id"],
            "code": row["consignment_code"],
            "customer_id": row["customer_id"],
            "parcel_id": row["parcel_id"],
            "status": row["consignment_status"],
            "current_warehouse_id": row["consignment_warehouse_id"],
            "created_at": row["consignment_created_at"],
        },
    )
    consignment.customer = _loaded(
        User,
        {
            "id": row["customer_id"],
            "username": row["customer_username"],
            "customer_code": row["customer_code"],
        },
    )
    consignment.parcel = parcel
    outcome = row["outcome"]
    if outcome == ScanResult.MATCHED:  # the function queued the customer's notification
        transaction.on_commit(notifications_kick)
    return ScanResult(outcome=outcome, parcel=parcel, consignment=consignment)


@transaction.atomic
def codes_match(*, codes: list[str]) -> list[Consignment]:
    """Codes were just registered: match those whose parcels are already here and still unmatched."""
    lock_codes(codes)
    parcels = Parcel.objects.filter(tracking_code__in=codes, consignment__isnull=True)
    created = []
    for parcel in parcels:
        outcome, consignment = _match_locked(parcel=parcel, by=None, known_unmatched=True)
        if outcome == ScanResult.MATCHED:
            created.append(consignment)
    return created


def unidentified_parcels():
    return Parcel.objects.filter(consignment__isnull=True).select_related("warehouse").order_by("scanned_at")


def parcels_rematch() -> int:
    """The scheduled safety net behind the per-registration task: try again every unidentified parcel whose
    code has an open registration (a task lost with a worker, a registration committed mid-scan)."""
    matched = 0
    open_codes = TrackingNumber.objects.filter(consignment__isnull=True).values("code")
    candidates = unidentified_parcels().filter(tracking_code__in=open_codes).order_by()
    for parcel_id, code in candidates.values_list("pk", "tracking_code").iterator():
        with transaction.atomic():
            _lock_code(code)
            parcel = Parcel.objects.get(pk=parcel_id)
            outcome, _consignment = _match_locked(parcel=parcel, by=None)
            matched += outcome == ScanResult.MATCHED
    return matched


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
def parcel_assign(*, parcel: Parcel, customer, by, reason: str) -> Consignment:
    """Give an unidentified or conflicted parcel to a customer (label read by staff, or operations' decision).

    The reason is kept on the order's first history row. If the customer registered the code, that
    registration is the one matched.
    """
    from accounts.models import Role

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why this parcel is this customer's (e.g. “customer code on the label”)."))
    if customer.role != Role.CUSTOMER:
        raise DomainError(_("Only a customer can own a parcel."))
    _lock_code(parcel.tracking_code)
    existing = Consignment.objects.filter(parcel_id=parcel.pk).first()
    if existing is not None:
        raise DomainError(
            _("This parcel already has order %(code)s.") % {"code": existing.code}, code="already"
        )
    registration = TrackingNumber.objects.filter(
        code=parcel.tracking_code, customer=customer, consignment__isnull=True
    ).first()
    consignment = consignment_create_for_parcel(
        parcel=parcel, customer=customer, tracking=registration, by=by
    )
    consignment_event_add(
        consignment,
        kind=EventKind.OWNER,
        by=by,
        data={"customer_id": customer.pk, "customer_code": customer.customer_code, "reason": reason[:255]},
        note=reason[:255],
    )
    return consignment


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
    with transaction.atomic():
        photos = [
            ParcelPhoto.objects.create(parcel=parcel, image=photo, thumbnail=thumbnail, uploaded_by=by)
            for photo, thumbnail in prepared
        ]
        consignment = Consignment.objects.filter(parcel_id=parcel.pk).first()
        if consignment is not None:
            consignment_event_add(
                consignment, kind=EventKind.PHOTO, by=by, data={"photo_ids": [p.pk for p in photos]}
            )
    return photos


UNIDENTIFIED_FLAG_DAYS = 30


def unidentified_parcels_for_operations(*, q: str = ""):
    qs = unidentified_parcels().select_related("scanned_by").prefetch_related("photos")
    if q:
        qs = qs.filter(Q(tracking_code__contains=normalize_tracking_code(q)) | Q(label_text__icontains=q))
    return qs
