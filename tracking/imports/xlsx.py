"""Reading an .xlsx: the rows of its first sheet, each cell as the text it shows (number formats applied).

openpyxl does the workbook (the package, the styles, which sheet); the sheet's cells are read here, faster.
"""

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .common import MAX_COLUMNS, ImportFileError
from .number_formats import compile_format, compile_text_format


def open_xlsx(fileobj):
    """(rows the file says it has or None, iterator of (row number, values as shown), close)."""
    # load_workbook(fileobj, read_only=True, data_only=True, keep_links=False), with a faster string table.
    reader = _WorkbookReader(fileobj, read_only=True, data_only=True, keep_links=False)
    reader.read()
    workbook = reader.wb
    sheet = workbook.active
    if not hasattr(sheet, "iter_rows"):  # the active sheet is a chart
        sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        workbook.close()
        raise ImportFileError(_("This workbook has no sheet with rows in it."))
    size_hint = sheet.max_row
    # The stored size is only what the writing program claimed; rows past a wrong one would be dropped.
    sheet.reset_dimensions()
    return size_hint, xlsx_rows(sheet, shown=True), workbook.close


_MAIN = "{%s}" % SHEET_MAIN_NS  # noqa: UP031
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_TEXT, _RUN, _STRING_ITEM = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}si"


class _WorkbookReader(ExcelReader):
    """openpyxl's reader (what load_workbook uses), with the shared-string table read by read_shared_strings.

    openpyxl builds a Text object per string (~25 µs each here): 2.4 s for the 100,000 distinct codes of a
    full import, before the first row is read. The strings come out the same (a test compares them).
    """

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)


def read_shared_strings(source) -> list[str]:
    """openpyxl.reader.strings.read_string_table, without its per-string objects."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag == _STRING_ITEM:
            strings.append(_rich_text_value(node).replace("x005F_", ""))
            node.clear()
    return strings


def _rich_text_value(node) -> str:
    """The text of an <si> or <is>: its plain <t>, then the <t> of each run; phonetic runs left out."""
    parts = [child.text or "" for child in node if child.tag == _TEXT]
    parts += [run.findtext(_TEXT) or "" for run in node if run.tag == _RUN]
    return "".join(parts)


def _format_code(workbook, format_id: int) -> str | None:
    if format_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(format_id)
    try:
        return workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
    except IndexError:
        return None


def _shown_styles(workbook):
    """For each cell style (the s of a cell): how a number with it is shown (None: as General), and the
    styles whose format shows text with more around it ("SF"@)."""
    numbers, texts, compiled = [], {}, {}
    for index, style in enumerate(workbook._cell_styles):
        code = _format_code(workbook, style.numFmtId)
        if code not in compiled:
            compiled[code] = (
                None if is_date_format(code) else compile_format(code),
                compile_text_format(code),
            )
        number, text = compiled[code]
        numbers.append(number)
        if text is not None:
            texts[index] = text
    return numbers, texts


def xlsx_rows(sheet, *, shown: bool = False):
    """(row number, values) of a read-only sheet, as openpyxl's iter_rows(values_only=True) gives them; with
    shown, each number with a number format (and text with a text format) is the text the cell shows.

    openpyxl's parser spends ~60 µs a cell on this machine (12 s for 100,000 rows of two cells); this one
    reads the same sheet XML with the same rules for the cell types that data_only can return, several times
    faster. It leans on attributes of openpyxl's read-only worksheet; where they are missing (another
    openpyxl) or the XML is not the usual dialect, openpyxl's own parser reads the sheet instead.
    """
    workbook = sheet.parent
    try:
        archive, path, strings = workbook._archive, sheet._worksheet_path, sheet._shared_strings
        date_styles, timedelta_styles, epoch = (
            workbook._date_formats,
            workbook._timedelta_formats,
            workbook.epoch,
        )
        numbers, texts = _shown_styles(workbook) if shown else ([], {})
    except AttributeError:
        yield from _openpyxl_rows(sheet, shown)
        return

    number = 0
    with archive.open(path) as source:
        for index, (_event, element) in enumerate(iterparse(source)):
            tag = element.tag
            if tag != _ROW:
                if index == 0 and not tag.startswith(_MAIN):  # e.g. Strict OOXML: let openpyxl try
                    yield from _openpyxl_rows(sheet, shown)
                    return
                continue
            # Rows the file leaves out are empty: nothing is yielded for them (a row numbered in the
            # billions costs nothing), and cells past MAX_COLUMNS are not read (nor is a cell in XFD).
            number = int(element.get("r") or number + 1)
            values = []
            for cell in element:
                if cell.tag != _CELL:
                    continue
                ref = cell.get("r")
                if ref:
                    column = column_index_from_string(ref.rstrip("0123456789"))
                    if column > MAX_COLUMNS:
                        break
                    if column > len(values) + 1:
                        values.extend([None] * (column - len(values) - 1))
                elif len(values) >= MAX_COLUMNS:
                    break
                values.append(
                    _xlsx_value(cell, strings, date_styles, timedelta_styles, epoch, numbers, texts)
                )
            element.clear()
            yield number, tuple(values)


def _xlsx_value(cell, strings, date_styles, timedelta_styles, epoch, numbers, texts):
    """A cell's value as openpyxl's read-only data_only parser makes it (WorkSheetParser.parse_cell); a
    number through numbers (its style's display, if any) and text through texts."""
    kind = cell.get("t", "n")
    if kind == "n":
        value = cell.findtext(_VALUE) or None
        if value is None:
            return None
        number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        style = cell.get("s")
        if style:
            style = int(style)
            if style in date_styles:
                try:
                    return from_excel(number, epoch, timedelta=style in timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            show = numbers[style] if style < len(numbers) else None
            if show is not None:
                return show(number)
        return number
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        text = None if inline is None else _rich_text_value(inline)
    else:
        value = cell.findtext(_VALUE) or None
        if value is None:
            return None
        if kind == "s":
            text = strings[int(value)]
        elif kind == "b":
            return bool(int(value))
        elif kind == "d":
            return from_ISO8601(value)
        elif kind == "str":  # a formula's text result
            text = value
        else:
            return value  # "e": an error such as #N/A
    if texts and text:
        style = cell.get("s")
        show = texts.get(int(style)) if style else None
        if show is not None:
            return show(text)
    return text


def _openpyxl_rows(sheet, shown: bool):
    """The rows as openpyxl's own parser reads them (a dialect the fast reader does not know)."""
    if not shown:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        return
    compiled: dict = {}
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, tuple(_shown_cell(cell, compiled) for cell in cells[:MAX_COLUMNS])


def _shown_cell(cell, compiled: dict):
    value = cell.value
    code = getattr(cell, "number_format", None)
    if value is None or code is None or isinstance(value, bool):
        return value
    if code not in compiled:
        compiled[code] = (compile_format(code), compile_text_format(code))
    number, text = compiled[code]
    if isinstance(value, int | float) and number is not None:
        return number(value)
    if isinstance(value, str) and text is not None and value:
        return text(value)
    return value
