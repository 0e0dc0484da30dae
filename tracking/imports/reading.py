"""From an uploaded file to rows: (row number as the customer sees it in Excel, the cells' values)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .common import FILE_ERRORS, ImportFileError
from .delimited import open_csv
from .number_formats import WithDecimals, general
from .xlsx import open_xlsx


@dataclass
class Source:
    size_hint: int | None  # rows the file says it has (None: it does not say)
    rows: Any  # iterator of (row number, values)
    close: Any
    delimiter: str = ""  # a CSV file's separator


def open_rows(fileobj, extension: str, separator: str = "") -> Source:
    """The file's rows. Raises what the reading libraries raise for a broken file (FILE_ERRORS), or
    ImportFileError with what to do."""
    if extension == ".xlsx":
        return Source(*open_xlsx(fileobj))
    return Source(*open_csv(fileobj, separator))


def guarded(rows, extension: str):
    """The rows, with the reading libraries' errors turned into a message for the customer."""
    try:
        yield from rows
    except FILE_ERRORS as exc:
        raise unreadable(extension) from exc


def unreadable(extension: str) -> ImportFileError:
    if extension == ".csv":
        return ImportFileError(
            _(
                "This CSV file is damaged and could not be read. Open it in Excel and save it again as .csv or .xlsx."
            )
        )
    return ImportFileError(
        _(
            "This file could not be read as an Excel workbook: it is damaged or not really .xlsx. Open it in "
            "Excel and save it again as .xlsx (Excel Workbook) or .csv."
        )
    )


def cell_text(value) -> str:
    """A cell as the text a customer meant: numbers as Excel's General format shows them (no '.0'), numbers
    that lost digits as they now read, numbers with decimals marked (WithDecimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return general(value)
    if isinstance(value, WithDecimals):
        return WithDecimals(value.strip())
    return str(value).strip()
