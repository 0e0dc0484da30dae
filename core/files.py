"""Names of uploaded files, as customers' phones and computers send them.

`os.path.splitext(".csv")` and `PurePath(".csv").suffix` both take ".csv" for a hidden file's stem with no
extension, so a file named just ".csv" (a phone's share sheet, a file renamed without a name) was told it is
"neither .xlsx nor .csv". Here the extension is what follows the last dot, whatever comes before it.
"""


def base_name(name: str | None) -> str:
    """The file's own name, without a folder (a browser may send C:\\Users\\…\\codes.csv)."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()


def file_extension(name: str | None) -> str:
    """ ".csv" for "codes.CSV", ".csv" and "a.b.csv"; "" for "codes" or "codes."."""
    name = base_name(name)
    if "." not in name:
        return ""
    extension = name.rsplit(".", 1)[1].lower()
    return f".{extension}" if extension else ""


def file_stem(name: str | None, default: str = "file") -> str:
    """The name without its extension ("codes" for "codes.csv"), or `default` when nothing is left."""
    name = base_name(name)
    extension = file_extension(name)
    stem = name[: -len(extension)] if extension else name
    return stem.strip(" .") or default
