"""What every part of the import shares: its limits, the separators a customer can choose, and its errors."""

import csv
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from django.conf import settings
from openpyxl.utils.exceptions import InvalidFileException

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What a 20 MB workbook may unpack to (its XML parts; pictures do not count). A zip bomb stops here.
MAX_UNPACKED_XML_BYTES = 300 * 1024 * 1024
MAX_ROWS = 100_000  # data rows per file; the rest is left unprocessed and the customer told to split it
# Rows per tracking_register_many call, and per progress update (the fault tests make it small, to kill a
# worker in the middle of an import).
CHUNK_ROWS = getattr(settings, "IMPORT_CHUNK_ROWS", 5000)
MAX_COLUMNS = 64  # the code and note columns are looked for among the first MAX_COLUMNS
HEADER_SEARCH_ROWS = 20  # the header row is looked for among the first rows that are not empty
EXPORT_CHUNK = 2000

EXTENSIONS = (".xlsx", ".csv")

# The separators a customer can name for a CSV file (the import form's choices; "" leaves it to us).
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}

# What a broken or disguised file makes the reading libraries raise. Caught only around the reading itself.
FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    InvalidFileException,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    ParseError,
    EOFError,
    OSError,
    zlib.error,
    csv.Error,
)


class ImportFileError(Exception):
    """The file cannot be read; the message is for the customer, already translated."""
