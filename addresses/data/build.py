"""Rebuild provinces.json, wards.json and legacy_provinces.json from the vietnamadminunits wheel (MIT).

    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau && unzip -q /tmp/vau/*.whl -d /tmp/vau
    python addresses/data/build.py /tmp/vau/vietnamadminunits/data

Only run by hand when the administrative units change; the app reads the JSON files, never this script.
"""

import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(src: Path) -> None:
    db = sqlite3.connect(src / "dataset.db")
    provinces = sorted(
        db.execute("SELECT DISTINCT provinceCode, provinceShort, province FROM admin_units").fetchall()
    )
    wards: dict[str, list[list[str]]] = {}
    for province, code, name in db.execute(
        "SELECT provinceCode, wardCode, ward FROM admin_units ORDER BY provinceCode, wardCode"
    ):
        wards.setdefault(province, []).append([code, name])
    new_code = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units"))
    old_name = dict(db.execute("SELECT DISTINCT provinceKey, province FROM admin_units_legacy"))
    merged = json.loads((src / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    legacy = {old_name[old]: new_code[new] for new, olds in merged.items() for old in olds}

    assert len(provinces) == 34 and sum(map(len, wards.values())) == 3321 and len(legacy) == 63
    (HERE / "provinces.json").write_text(_lines("[", [_json(list(p)) for p in provinces], "]"))
    (HERE / "wards.json").write_text(_lines("{", [f"{_json(k)}:{_json(v)}" for k, v in wards.items()], "}"))
    (HERE / "legacy_provinces.json").write_text(
        _lines("{", [f"{_json(k)}:{_json(v)}" for k, v in sorted(legacy.items())], "}")
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _lines(opening: str, items: list[str], closing: str) -> str:
    """One item a line: small diffs when the units change."""
    return opening + "\n" + ",\n".join(items) + "\n" + closing + "\n"


if __name__ == "__main__":
    build(Path(sys.argv[1]))
