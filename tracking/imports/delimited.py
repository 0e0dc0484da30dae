"""Reading a CSV file: its text, then the character that separates its columns.

A wrong separator changes a customer's codes (a note glued onto the code: "SF9606000000479,áo; size M" read at
its semicolons gives the code "SF9606000000479,áo"), so the separator is never guessed:

1. the one the customer chose on the import form;
2. else, when a header row is found (headers.py), the one that splits it into the column names we know;
3. else, without a header, the only one that occurs in the file, when every row has as many cells with it;
   a file with none of them is one column;
4. else the import stops and asks the customer which it is (ImportFileError).

Fields in quotes ("áo, size M") are read as one cell, as Excel writes them.
"""

import csv
import io
from collections import Counter
from itertools import islice

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .common import ImportFileError
from .decoding import decode
from .headers import find_layout, named_columns

CANDIDATES = (",", ";", "\t")


def open_csv(fileobj, separator: str = ""):
    """(lines in the file, iterator of (row number as Excel would show it, values), close, separator)."""
    data = fileobj.read()  # at most MAX_UPLOAD_BYTES: the encoding is only known once all of it decodes
    text = decode(data)
    del data
    delimiter = separator or choose_separator(text)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return lines, enumerate(reader, start=1), lambda: None, delimiter


def _records(text: str, delimiter: str):
    """The rows of text read with this delimiter, up to a row the csv module refuses (reading the file for
    real says so, with the message for a damaged file)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        return


def _header(text: str, delimiter: str) -> tuple[int, list[str]] | None:
    """(index of the row, its cells) of the header row read with this delimiter, if the import would find
    one there (headers.find_layout)."""
    layout, _rows = find_layout(enumerate(_records(text, delimiter)))
    return None if layout.header_row is None else (layout.header_row, list(layout.cells))


def _widths(text: str, delimiter: str, start: int) -> set[int]:
    """How many cells the rows from start have with this delimiter, blank lines left out."""
    counted = Counter(map(len, islice(_records(text, delimiter), start, None)))  # at C speed
    counted.pop(0, None)  # a blank line
    if 1 in counted and len(counted) > 1:  # is one of the rows of one cell only spaces? Look closer.
        counted = Counter(
            len(record)
            for record in islice(_records(text, delimiter), start, None)
            if record and (len(record) > 1 or record[0].strip())
        )
    return set(counted)


def choose_separator(text: str) -> str:
    """The separator of a CSV file's columns, when it is sure; ImportFileError asking for it when it is not."""
    present = [delimiter for delimiter in CANDIDATES if delimiter in text]
    if not present:
        return ","  # one column
    headers = {delimiter: _header(text, delimiter) for delimiter in CANDIDATES}
    # A header split into several cells: the separator is the one that splits it into names we know.
    splitting = {
        delimiter: named_columns(found[1])
        for delimiter, found in headers.items()
        if found is not None and len(found[1]) > 1
    }
    if splitting:
        best = max(splitting.values())
        chosen = [delimiter for delimiter, score in splitting.items() if score == best]
        if len(chosen) == 1:
            return chosen[0]
        raise _ask(chosen)
    # No header, or a header of one column: the rows after it decide.
    start = next((found[0] + 1 for found in headers.values() if found is not None), 0)
    occurring = {}
    for delimiter in present:
        widths = _widths(text, delimiter, start)
        if max(widths, default=1) > 1:
            occurring[delimiter] = len(widths) == 1
    if not occurring:
        return ","  # one column: the delimiter characters are inside codes or notes, not between cells
    if len(occurring) == 1:
        delimiter, consistent = next(iter(occurring.items()))
        if consistent:
            return delimiter
    raise _ask(list(occurring))


def separator_name(delimiter: str) -> str:
    return {",": _("commas"), ";": _("semicolons"), "\t": _("tabs")}.get(delimiter, repr(delimiter))


def _ask(delimiters: list[str]) -> ImportFileError:
    """The question to the customer: which separator their file uses."""
    if len(delimiters) > 1:
        message = _(
            "This CSV file has %(separators)s between its cells, so we cannot be sure which of them separates "
            "its columns, and a wrong guess would change your tracking numbers. Upload it again and choose its "
            "separator under “Separator”: comma, semicolon or tab."
        ) % {"separators": get_text_list([separator_name(d) for d in delimiters], _("and"))}
    else:
        message = _(
            "This CSV file has %(separator)s in some rows and not in others, so we cannot be sure they "
            "separate its columns, and a wrong guess would change your tracking numbers. Upload it again and "
            "choose its separator under “Separator”: comma, semicolon or tab."
        ) % {"separator": separator_name(delimiters[0])}
    return ImportFileError(message)
