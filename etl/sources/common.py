"""What every statistics importer shares: the output columns, text decoding, countries, periods.

Importers return observations in the contract's columns (without source_id) plus a few internal
columns starting with "_" that let the validation rules point at the source: `_row` (the row as
the file shows it, header = row 1), `_sheet`, `_value_text` (the value as written), `_flag_text`,
`_freq` (the frequency the source states, if any). `frame.attrs["columns"]` maps each contract
column to the source column name, so a problem names the column the user sees.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from etl.numbers import parse_number
from etl.problems import Problem
from etl.schemas import BULGARIA, TABLES
from etl.statistics.checks import wrong_encoding

OBS_COLUMNS = [c for c in TABLES["observations"].names if c != "source_id"]
INTERNAL = ["_row", "_sheet", "_value_text", "_flag_text", "_freq"]
COUNTRIES = Path(__file__).with_name("countries.yml")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]")


def observations_frame(rows: list[dict], columns: dict[str, str], sheet: str | None = None) -> pd.DataFrame:
    """Rows as a frame with every contract and internal column, and the source column names."""
    frame = pd.DataFrame(rows, columns=OBS_COLUMNS + INTERNAL)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["geo"] = frame["geo"].fillna(BULGARIA)   # sources that name no reporting country are Bulgaria's
    if sheet is not None:
        frame["_sheet"] = sheet
    frame.attrs["columns"] = dict(columns)
    return frame


def to_number(text, decimal: str = ",") -> float | None:
    """A cell as a number, or None when it is not one (the rule `non_numeric_value` says why)."""
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return None if pd.isna(text) else float(text)
    try:
        return parse_number(str(text), decimal=decimal)
    except ValueError:
        return None


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def clean(value) -> str | None:
    """Cell text without surrounding spaces; None when empty."""
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---- text files ---------------------------------------------------------------------------------

def sensible_cyrillic(text: str) -> bool:
    """True when text decoded as Windows-1251 reads as Bulgarian: no control characters, and no word
    mixing Latin and Cyrillic letters (Latin-1 "Genève" read as cp1251 becomes "Genиve")."""
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f]", text):
        return False
    if not CYRILLIC.search(text):
        return False
    for word in re.findall(r"[^\W\d_]+", text):
        if CYRILLIC.search(word) and LATIN.search(word):
            return False
    return True


def read_text(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """A text input decoded (see `decode`); None and the wrong-encoding problem when it is neither encoding."""
    raw = path.read_bytes()
    text, encoding = decode(raw)
    return text, wrong_encoding(raw, file, encoding)


def decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, encoding) for UTF-8 (with or without BOM) or Bulgarian Windows-1251; (None, None) if neither."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        try:
            return raw.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, None
    try:
        text = raw.decode("utf-8")
        if "\x00" in text:
            return None, None
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return None, None
    return (text, "cp1251") if sensible_cyrillic(text) else (None, None)


# ---- countries ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _countries() -> tuple[dict, dict, set]:
    data = yaml.safe_load(COUNTRIES.read_text(encoding="utf-8"))
    by_alpha2 = {v["alpha2"]: k for k, v in data["countries"].items()}
    by_alpha2.update(data.get("alpha2_aliases") or {})
    by_name = {v["name"].lower(): k for k, v in data["countries"].items()}
    by_name.update({k.lower(): v for k, v in (data.get("name_aliases") or {}).items()})
    alpha3 = set(data["countries"]) | set(by_alpha2.values()) | set(data.get("special") or {})
    return by_alpha2, by_name, alpha3


def iso3_from_alpha2(code: str) -> str | None:
    return _countries()[0].get(code.strip().upper())


def iso3_from_name(name: str) -> str | None:
    return _countries()[1].get(" ".join(name.split()).lower())


def is_iso3(code: str) -> bool:
    return code in _countries()[2]


def slug(text: str) -> str:
    """A stable id from a file name: lower case, [a-z0-9_-] only."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9_-]+", "-", text.lower())).strip("-")

