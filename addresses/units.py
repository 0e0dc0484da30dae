"""Vietnam's administrative units since 1 July 2025: 34 provinces/cities, each with its wards, communes and
special zones (phường, xã, đặc khu), no district level. Codes are the official ones (GSO / Decision
19/2025/QĐ-TTg): two digits for a province, five for a ward. Data and its source: addresses/data/README.md.

Everything is read once from the JSON files and cached: provinces and one province's wards are
ready in microseconds after the first call.
"""

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- Vietnamese alphabetical order -----------------------------------------------------------------------

# a ă â b c d đ e ê … : a letter with a breve, circumflex or horn is a letter of its own, after its base.
_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET, start=1)}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple:
    """Sort key for Vietnamese words as a dictionary orders them: letters first, then tones, then case."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", text):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _SHAPES:
            if letters:
                base = _ALPHABET[letters[-1] - 1] if 0 < letters[-1] <= len(_ALPHABET) else ""
                shaped = unicodedata.normalize("NFC", base + char)
                letters[-1] = _RANK.get(shaped, letters[-1])
            continue
        lower = char.lower()
        if lower.isspace():
            letters.append(0)
        else:
            letters.append(_RANK.get(lower, len(_ALPHABET) + ord(lower)))
        tones.append(0)
    return (tuple(letters), tuple(tones), text)


# --- the units -------------------------------------------------------------------------------------------


def _read(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _provinces() -> dict[str, tuple[str, str]]:
    """code → (name, official name), e.g. "79" → ("Hồ Chí Minh", "Thành phố Hồ Chí Minh")."""
    return {code: (name, full_name) for code, name, full_name in _read("provinces.json")}


@lru_cache(maxsize=1)
def _all_wards() -> dict[str, list[list[str]]]:
    return _read("wards.json")


@lru_cache(maxsize=1)
def province_choices() -> tuple[tuple[str, str], ...]:
    """The 34 provinces/cities as (code, name), in Vietnamese alphabetical order."""
    pairs = ((code, name) for code, (name, _full) in _provinces().items())
    return tuple(sorted(pairs, key=lambda pair: vi_sort_key(pair[1])))


@lru_cache(maxsize=64)
def ward_choices(province_code: str) -> tuple[tuple[str, str], ...]:
    """The wards, communes and special zones of one province as (code, name), e.g. ("00004", "Phường Ba
    Đình"), ordered by their name without "Phường"/"Xã"/"Đặc khu"; empty for an unknown province."""
    wards = _all_wards().get(province_code or "", [])
    return tuple(sorted(((c, n) for c, n in wards), key=lambda pair: vi_sort_key(_without_type(pair[1]))))


@lru_cache(maxsize=64)
def _ward_names(province_code: str) -> dict[str, str]:
    return dict(ward_choices(province_code))


def province_name(code: str | None) -> str | None:
    """The province's usual name ("Hà Nội", "Hồ Chí Minh"), or None for a code that is not one of the 34."""
    entry = _provinces().get(code or "")
    return entry[0] if entry else None


def province_full_name(code: str | None) -> str | None:
    """The official name ("Thành phố Hà Nội", "Tỉnh Lào Cai"), or None."""
    entry = _provinces().get(code or "")
    return entry[1] if entry else None


def ward_name(province_code: str | None, ward_code: str | None) -> str | None:
    """The ward's name if that ward is in that province, else None."""
    return _ward_names(province_code or "").get(ward_code or "")


def _without_type(ward: str) -> str:
    for prefix in ("Phường ", "Xã ", "Đặc khu "):
        if ward.startswith(prefix):
            return ward[len(prefix) :]
    return ward


# --- from a free-text province name, old or new, to the 2025 province -----------------------------------

_PREFIXES = ("thanh pho", "tinh", "tp", "t p", "city of", "province")
_SUFFIXES = ("city", "province", "viet nam", "vietnam")

# Names people write that are neither an official old nor a new name (keys as _name_key makes them).
_ALIASES = {
    "hcm": "79",
    "tphcm": "79",
    "hcmc": "79",
    "saigon": "79",
    "sg": "79",
    "hochiminhcity": "79",
    "brvt": "79",
    "baria": "79",
    "vungtau": "79",
    "hn": "01",
    "hatay": "01",  # merged into Hà Nội in 2008
    "thuathienhue": "46",
    "daclac": "66",
    "daklac": "66",
    "daclak": "66",
    "dacnong": "68",
}


def _name_key(text: str) -> str:
    """A name without case, tone marks, prefixes, punctuation or spaces: "Tỉnh Bà Rịa – Vũng Tàu" → "bariavungtau"."""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    changed = True
    while changed and words:
        changed = False
        for affix in _PREFIXES:
            n = len(affix.split())
            if words[:n] == affix.split() and len(words) > n:
                words, changed = words[n:], True
        for affix in _SUFFIXES:
            n = len(affix.split())
            if words[-n:] == affix.split() and len(words) > n:
                words, changed = words[:-n], True
    return "".join(words)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    """Every spelling we know → the 2025 province code: the 34, the 63 before the merger, aliases."""
    codes: dict[str, str] = {}
    for old_name, code in _read("legacy_provinces.json").items():
        codes[_name_key(old_name)] = code
    for code, (name, full_name) in _provinces().items():
        codes[_name_key(name)] = codes[_name_key(full_name)] = code
    for alias, code in _ALIASES.items():
        codes.setdefault(alias, code)
    return codes


def province_code_from_name(name: str | None) -> str | None:
    """The 2025 province for a province name as a customer or an old address has it, or None.

    Old provinces merged on 1 July 2025 (Resolution 202/2025/QH15) give the province they are now part
    of: "Hà Giang" → "08" (Tuyên Quang), "Bình Dương" → "79" (Hồ Chí Minh). Case, tone marks, "Tỉnh",
    "Thành phố", "TP." and common spellings ("HCM", "Sài Gòn", "Ha Noi") do not matter. A name with
    more in it ("Quận 1, TP.HCM") is read by its last comma-separated part.
    """
    if not name or not name.strip():
        return None
    codes = _codes_by_name()
    code = codes.get(_name_key(name))
    if code is None and "," in name:
        code = codes.get(_name_key(name.rsplit(",", 1)[1]))
    return code
