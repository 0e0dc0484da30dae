"""The upload: check the file a customer sends, keep it, and queue its import."""

import uuid
import zipfile

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from core.broker import publish
from core.errors import DomainError
from core.files import base_name, file_extension

from ..models import TrackingImport
from ..services import _require_address
from ..tasks import run_import
from .common import EXTENSIONS, MAX_UNPACKED_XML_BYTES, MAX_UPLOAD_BYTES, SEPARATORS
from .decoding import UTF16_BOMS

_SEPARATOR_NAMES = {character: name for name, character in SEPARATORS.items()}
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls, or an .xlsx protected with a password


@transaction.atomic
def import_start(*, customer, uploaded_file, separator: str = "") -> TrackingImport:
    """Check an uploaded spreadsheet, keep it, and queue its import. Refusals say what to do instead.

    separator is the customer's answer for a CSV file ("comma", "semicolon", "tab", or the character); ""
    lets the import find it, and ask when it cannot be sure.
    """
    _require_address(customer)
    if uploaded_file is None or not uploaded_file.size:
        raise DomainError(
            _("The file is empty. Choose a spreadsheet with your tracking numbers."), code="empty"
        )
    separator = SEPARATORS.get(separator, separator)  # a name from the form, or the character itself
    if separator and separator not in _SEPARATOR_NAMES:
        raise DomainError(_("Choose the separator from the list."), code="separator")
    name = base_name(uploaded_file.name)
    extension = file_extension(name)  # ".csv" is a CSV file with no name, not a name with no extension
    if extension == ".xls":
        raise DomainError(
            _("Old Excel files (.xls) cannot be read. Open it in Excel and save it as .xlsx or .csv."),
            code="extension",
        )
    if extension not in EXTENSIONS:
        raise DomainError(
            _("Upload an Excel file (.xlsx) or a CSV file (.csv); “%(name)s” is neither.")
            % {"name": name[:60]},
            code="extension",
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is %(size)s MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {
                "size": formats.number_format(uploaded_file.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            },
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(4096)
    uploaded_file.seek(0)
    if extension == ".xlsx":
        _check_xlsx(head, uploaded_file)
        stored = f"{uuid.uuid4().hex}{extension}"
    else:
        _check_csv(head)
        stored = f"{uuid.uuid4().hex}{extension}"

    imp = TrackingImport(customer=customer, original_name=name[:255], csv_separator=separator)
    # A name of our own in storage: the customer's may be long, odd, or say more than it should.
    imp.file.save(stored, uploaded_file, save=False)
    imp.save()
    transaction.on_commit(lambda: publish(run_import, imp.pk))
    return imp


def _not_excel() -> DomainError:
    return DomainError(
        _(
            "This is not an Excel file, even though its name ends in .xlsx. Open it in Excel or Google Sheets "
            "and save it as .xlsx (Excel Workbook) or .csv."
        ),
        code="not_xlsx",
    )


def _check_xlsx(head: bytes, uploaded_file) -> None:
    if head.startswith(OLE_MAGIC):
        raise DomainError(
            _(
                "This file is an old Excel file (.xls) or is protected with a password. Open it in Excel, remove "
                "any password, and save it as .xlsx (Excel Workbook) or .csv."
            ),
            code="not_xlsx",
        )
    if not head.startswith(ZIP_MAGIC):
        raise _not_excel()
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _not_excel() from exc
    finally:
        uploaded_file.seek(0)
    if unpacked > MAX_UNPACKED_XML_BYTES:
        raise DomainError(
            _("This workbook holds far more than a list of tracking numbers. Split it into smaller files."),
            code="too_large",
        )


def _check_csv(head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise DomainError(
            _("This is an Excel workbook with a .csv name. Rename it to .xlsx, or save it as .csv in Excel."),
            code="not_csv",
        )
    if not head.startswith(UTF16_BOMS) and (head.startswith(OLE_MAGIC) or b"\x00" in head):
        raise DomainError(
            _("This is not a CSV text file. Open it in Excel and save it as .csv or .xlsx."), code="not_csv"
        )
