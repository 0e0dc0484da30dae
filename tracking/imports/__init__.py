"""Spreadsheets of tracking numbers (mã vận đơn): the import a customer uploads, and the export of their list.

`import_start` (upload.py, the upload request) checks the file and queues the `run_import` task; `import_run`
(run.py, the task's body) reads the rows as they stream out of the file, registers them CHUNK_ROWS at a time
through `tracking_register_many`, keeps the progress counters current for the progress bar, and writes a
result file with one line per row saying what became of it. `export_tracking_xlsx` (export.py) writes a
customer's list.

Reading, by role:
- reading.py: a file to rows (row number as Excel shows it, values), for both kinds of file;
- xlsx.py: an .xlsx's first sheet, each cell as the text it shows (number_formats.py: 000000000000,
  "SF"0000000000000, 0.00E+00…);
- delimited.py: a CSV's separator, never guessed (decoding.py: its text, whichever Windows saved it);
- headers.py: the header row, among the first rows, by the column names customers and platforms use.

Spreadsheets are hostile input: nothing read from one ever raises out of `import_run` (a broken file ends the
import as FAILED with a reason a customer can act on), and nothing written to one can become a formula.
"""

from ..services import tracking_register_many
from . import run, upload  # noqa: F401  (where the limits and the registering function are read: tests patch them there)
from .common import (
    CHUNK_ROWS,
    EXPORT_CHUNK,
    EXTENSIONS,
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_XML_BYTES,
    MAX_UPLOAD_BYTES,
    SEPARATORS,
    ImportFileError,
)
from .decoding import as_vietnamese, decode
from .delimited import choose_separator
from .export import export_tracking_xlsx, safe_cell_text
from .headers import CODE_HEADERS, NOTE_HEADERS, find_header
from .reading import cell_text
from .run import REQUEUE_AFTER, STALLED_AFTER, import_run, imports_sweep
from .upload import import_start
from .xlsx import read_shared_strings, xlsx_rows

__all__ = [
    "CHUNK_ROWS",
    "CODE_HEADERS",
    "EXPORT_CHUNK",
    "EXTENSIONS",
    "HEADER_SEARCH_ROWS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNPACKED_XML_BYTES",
    "MAX_UPLOAD_BYTES",
    "NOTE_HEADERS",
    "REQUEUE_AFTER",
    "SEPARATORS",
    "STALLED_AFTER",
    "ImportFileError",
    "as_vietnamese",
    "cell_text",
    "decode",
    "find_header",
    "read_shared_strings",
    "xlsx_rows",
    "choose_separator",
    "export_tracking_xlsx",
    "import_run",
    "import_start",
    "imports_sweep",
    "safe_cell_text",
    "tracking_register_many",
]
