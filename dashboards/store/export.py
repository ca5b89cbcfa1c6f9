"""The one export path: a table (plus what it is) -> CSV, XLSX, JSON or Parquet bytes.

Chart downloads, catalogue downloads and the API all come through here (cf. Datasette's one CSV
streamer and renderer registry), so every file has the same encoding, the same protection
against spreadsheet formulas and the same "About" information.

- CSV: UTF-8 with BOM, so Excel shows Cyrillic correctly; comma-separated; numbers with a dot.
- XLSX: a data sheet with typed numbers and flags in their own column, and an "About" sheet
  (title, filters, definition, source and licence, dates, version, citation, link to the view).
- Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab, CR or LF,
  also after leading spaces, and the full-width ＝ ＋ － ＠ some spreadsheets fold to ASCII) get a
  leading apostrophe; real numbers are numbers and are never touched.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


@dataclass
class About:
    """What a table is: shown in the XLSX "About" sheet and the API's metadata."""
    title: str
    lang: str = "bg"
    filters: list[tuple[str, str]] = field(default_factory=list)
    definition: str | None = None
    sources: list[dict] = field(default_factory=list)   # title, provider, url, license, retrieved
    version: str | None = None
    published: str | None = None
    citation: str | None = None
    url: str | None = None


def safe_text(value):
    """Neutralise a text cell a spreadsheet would evaluate; leave everything else as it is."""
    # Spreadsheets skip leading spaces before evaluating "  =1+1"; "  12" is left as it is.
    if isinstance(value, str) and value.lstrip(" \u00a0\u3000").startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(value):
    """A cell value as Python: None for missing, lists as JSON text, dates as ISO strings."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # 17030, not 17030.0
    return value


def rows_of(frame: pd.DataFrame):
    for row in frame.itertuples(index=False, name=None):
        yield [_plain(v) for v in row]


def to_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(str(c)) for c in frame.columns])
    for row in rows_of(frame):
        writer.writerow(["" if v is None else safe_text(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


ABOUT_LABELS = {
    "bg": {"title": "Заглавие", "filters": "Филтри", "definition": "Определение", "source": "Източник",
           "licence": "Лиценз", "retrieved": "Изтеглено", "published": "Публикувано", "version": "Версия на данните",
           "citation": "Цитиране", "url": "Изглед", "sheet_data": "Данни", "sheet_about": "Информация", "none": "няма"},
    "en": {"title": "Title", "filters": "Filters", "definition": "Definition", "source": "Source",
           "licence": "Licence", "retrieved": "Retrieved", "published": "Published", "version": "Data version",
           "citation": "Citation", "url": "View", "sheet_data": "Data", "sheet_about": "About", "none": "none"},
}


def to_xlsx(frame: pd.DataFrame, about: About) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    labels = ABOUT_LABELS["en" if about.lang == "en" else "bg"]
    book = Workbook()
    data = book.active
    data.title = labels["sheet_data"]
    data.append([safe_text(str(c)) for c in frame.columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in rows_of(frame):
        data.append([safe_text(v) if isinstance(v, str) else v for v in row])
    data.freeze_panes = "A2"
    if len(frame.columns):
        data.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    for i, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200).tolist()])
        data.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))

    sheet = book.create_sheet(labels["sheet_about"])
    lines = [(labels["title"], about.title),
             (labels["filters"], "; ".join(f"{k}: {v}" for k, v in about.filters) or labels["none"])]
    if about.definition:
        lines.append((labels["definition"], about.definition))
    for source in about.sources:
        lines.append((labels["source"], " — ".join(str(x) for x in (source.get("title"), source.get("provider"), source.get("url")) if x)))
        if source.get("license"):
            lines.append((labels["licence"], source["license"]))
        if source.get("retrieved"):
            lines.append((labels["retrieved"], source["retrieved"]))
    lines += [(labels["published"], about.published or ""), (labels["version"], about.version or ""),
              (labels["citation"], about.citation or ""), (labels["url"], about.url or "")]
    for label, value in lines:
        sheet.append([label, safe_text(value)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    for row in sheet.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(frame: pd.DataFrame, extra: dict | None = None) -> bytes:
    columns = [str(c) for c in frame.columns]
    rows = [dict(zip(columns, row)) for row in rows_of(frame)]
    return json.dumps({**(extra or {}), "rows": rows}, ensure_ascii=False, default=str).encode("utf-8")


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def render(frame: pd.DataFrame, fmt: str, about: About) -> bytes:
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        return to_xlsx(frame, about)
    if fmt == "json":
        return to_json(frame, {"title": about.title, "version": about.version})
    if fmt == "parquet":
        return to_parquet(frame)
    raise ValueError(f"unknown format {fmt!r}")


# Bulgarian official transliteration (Transliteration Act 2009), for ASCII-only file names.
TRANSLIT = dict(zip("абвгдежзийклмнопрстуфхцчшщъьюя", [
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h",
    "ts", "ch", "sh", "sht", "a", "y", "yu", "ya"]))


def ascii_name(name: str) -> str:
    out = []
    for ch in name:
        low = ch.lower()
        if low in TRANSLIT:
            rep = TRANSLIT[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    text = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "data"


def file_name(title: str, fmt: str, limit: int = 80) -> str:
    """A safe download name from a title: letters and digits (any script), '-' between words."""
    text = unicodedata.normalize("NFKC", title)
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    text = re.sub(r"-{2,}", "-", text)[:limit].strip("-") or "data"
    return f"{text}.{fmt}"
