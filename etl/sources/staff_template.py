"""Importer: the project's own format — the staff template workbook (XLSX) and CSV exports of its
`observations` sheet. It is also how the embedded data in data/raw/statistics/ is stored.

CSV files come from Excel on Bulgarian Windows as often as from anywhere else, so they may be UTF-8
(with or without BOM) or Windows-1251, use a comma or a semicolon between fields, and write numbers
as `1 234` or `1 234,5`. The encoding is detected honestly: UTF-8 first, then Windows-1251 only when
the text reads as Bulgarian; anything else is an error ("wrong encoding"), never a guess.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from etl.problems import Problem, rel
from etl.schemas import BULGARIA, FLAGS, TABLES
from etl.sources.eurostat import aggregates
from etl.sources.common import clean, is_iso3, observations_frame, read_text, to_number
from etl.statistics.periods import parse_period
from etl.statistics.registry import registry

OBSERVATIONS_SHEET = "observations"
PROGRESS_SHEET = "plan_progress"
OBSERVATION_HEADERS = ["series", "period", "citizenship", "sex", "age_group", "decision", "return_type", "category",
                       "value", "unit", "flag", "institution_code", "source_ref", "note", "geo"]   # geo last: older files lack it
PROGRESS_HEADERS = ["measure_id", "indicator_id", "period", "actual_value", "actual_text", "status_override", "note",
                    "source_ref"]
REQUIRED = ["series", "period", "value", "source_ref"]
SEX = {"F": "F", "M": "M", "U": "U", "Ж": "F", "М": "M"}
DELIMITERS = (";", ",", "\t")


def read(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Observations from a staff workbook (sheet `observations`) or a CSV export of it."""
    file = rel(path)
    if path.suffix.lower() == ".xlsx":
        rows, problems = _xlsx_rows(path, OBSERVATIONS_SHEET, file)
        sheet = OBSERVATIONS_SHEET
    else:
        rows, problems = _csv_rows(path, file)
        sheet = None
    if rows is None:
        return observations_frame([], {}), problems
    header, records = rows
    columns, header_problems = _columns(header, OBSERVATION_HEADERS, REQUIRED, file, sheet)
    problems += header_problems
    if any(p.severity == "error" for p in header_problems):
        return observations_frame([], {}), problems
    out = []
    declared = registry()
    for row_number, cells in records:
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
        if all(clean(v) is None for v in cell.values()):
            continue
        out.append(_observation(cell, row_number, declared, file, sheet, problems))
    return observations_frame(out, {name: name for name in OBSERVATION_HEADERS}, sheet), problems


def read_progress(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Indicator actual values from the `plan_progress` sheet (absent sheet = no rows)."""
    file = rel(path)
    columns_out = [c for c in TABLES["indicator_actuals"].names if c != "source_id"] + ["_row", "_sheet"]
    if path.suffix.lower() != ".xlsx":
        return pd.DataFrame(columns=columns_out), []
    rows, problems = _xlsx_rows(path, PROGRESS_SHEET, file, optional=True)
    if rows is None:
        return pd.DataFrame(columns=columns_out), problems
    header, records = rows
    columns, header_problems = _columns(header, PROGRESS_HEADERS, ["indicator_id", "period", "source_ref"], file,
                                        PROGRESS_SHEET)
    problems += header_problems
    if any(p.severity == "error" for p in header_problems):
        return pd.DataFrame(columns=columns_out), problems
    out = []
    for row_number, cells in records:
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
        if all(clean(v) is None for v in cell.values()):
            continue

        def problem(column, message):
            problems.append(Problem(file, message, line=row_number, column=column, sheet=PROGRESS_SHEET))

        indicator = clean(cell.get("indicator_id"))
        if indicator is None:
            problem("indicator_id", "the indicator id is empty (e.g. 2024-038-01)")
        period = clean(cell.get("period"))
        try:
            period = parse_period(period)[0]
        except ValueError as exc:
            problem("period", str(exc))
        value_text = cell.get("actual_value")
        value = to_number(value_text)
        if value is None and clean(value_text) is not None:
            problem("actual_value", f"non-numeric value: {clean(value_text)!r} is not a number "
                                    f"(write text in actual_text)")
        if clean(cell.get("source_ref")) is None:
            problem("source_ref", "missing source_ref: say where the value comes from")
        status = clean(cell.get("status_override"))
        if status is not None and status not in _statuses():
            problem("status_override", f"unknown status {status!r}: use one of {', '.join(_statuses())}")
        measure = clean(cell.get("measure_id"))
        if measure is None and indicator:
            measure = indicator.rsplit("-", 1)[0]
        out.append({"indicator_id": indicator, "measure_id": measure, "period": period, "actual_value": value,
                    "actual_text": clean(cell.get("actual_text")), "status_override": clean(cell.get("status_override")),
                    "note": clean(cell.get("note")), "source_ref": clean(cell.get("source_ref")),
                    "_row": row_number, "_sheet": PROGRESS_SHEET})
    return pd.DataFrame(out, columns=columns_out), problems


def _statuses() -> tuple[str, ...]:
    from etl.progress import STATUSES

    return tuple(STATUSES)


# ---- rows ---------------------------------------------------------------------------------------

def _observation(cell: dict, row_number: int, declared: dict, file: str, sheet: str | None,
                 problems: list[Problem]) -> dict:
    series = clean(cell.get("series"))
    period_cell = cell.get("period")
    if isinstance(period_cell, (datetime, date)):  # Excel turned "2023-03" into a date: the month is meant
        period_cell = f"{period_cell.year}-{period_cell.month:02d}"
    period_text = clean(period_cell)
    try:
        period, year, freq = parse_period(period_text)
    except ValueError:
        period, year, freq = period_text, None, None
    value_cell = cell.get("value")
    flag_text = clean(cell.get("flag"))
    flag = flag_text.lower() if flag_text and flag_text.lower() in FLAGS else None
    geo = (clean(cell.get("geo")) or BULGARIA).upper()
    if not (is_iso3(geo) or geo in aggregates()):
        problems.append(Problem(file, f"geo {geo!r} is not an ISO 3166 alpha-3 country code (e.g. BGR, ROU; empty = "
                                      f"Bulgaria) nor an aggregate ({', '.join(sorted(aggregates()))})",
                                line=row_number, column="geo", sheet=sheet))
    citizenship = clean(cell.get("citizenship"))
    if citizenship:
        citizenship = citizenship.upper()
        if not is_iso3(citizenship):
            problems.append(Problem(file, f"citizenship {citizenship!r} is not an ISO 3166 alpha-3 code (e.g. UKR, SYR)",
                                    line=row_number, column="citizenship", sheet=sheet))
    sex = clean(cell.get("sex"))
    if sex:
        if sex.upper() not in SEX:
            problems.append(Problem(file, f"sex {sex!r} is not F, M or U (empty = total)", line=row_number,
                                    column="sex", sheet=sheet))
        sex = SEX.get(sex.upper(), sex)
    known = declared.get(series)
    category = clean(cell.get("category"))
    if category and known is not None and known.codes.get("category") == "country":
        category = category.upper()      # a country of return, written like citizenship
    return {
        "series": series, "geo": geo, "period": period, "year": year, "freq": freq,
        "citizenship": citizenship, "sex": sex, "age_group": clean(cell.get("age_group")),
        "decision": clean(cell.get("decision")), "return_type": clean(cell.get("return_type")),
        "category": category,
        "value": to_number(value_cell), "unit": clean(cell.get("unit")) or (known.unit if known else None),
        "flag": flag, "institution_code": clean(cell.get("institution_code")) or (known.institution_code if known else None),
        "source_ref": clean(cell.get("source_ref")),
        "_row": row_number, "_value_text": None if value_cell is None else str(value_cell), "_flag_text": flag_text,
        "_freq": None,
    }


def _columns(header: list, expected: list[str], required: list[str], file: str,
             sheet: str | None) -> tuple[dict[str, int], list[Problem]]:
    """Header name -> position; problems for missing required and unknown columns."""
    names = [str(h).strip().lstrip("\ufeff").lower() if h is not None else "" for h in header]
    columns = {name: i for i, name in enumerate(names) if name in expected}
    problems = [Problem(file, f"missing column {name!r} (expected columns: {', '.join(expected)})", line=1,
                        column=name, sheet=sheet) for name in required if name not in columns]
    for i, name in enumerate(names):
        if name and name not in expected:
            problems.append(Problem(file, f"column {header[i]!r} is not part of the template and is ignored", line=1,
                                    column=str(header[i]), sheet=sheet, severity="warning"))
    return columns, problems


def _xlsx_rows(path: Path, sheet: str, file: str, optional: bool = False):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        return None, [Problem(file, f"cannot open the workbook: {exc}")]
    try:
        if sheet not in workbook.sheetnames:
            if optional:
                return None, []
            return None, [Problem(file, f"no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")]
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        return None, [Problem(file, "the sheet is empty", sheet=sheet)]
    return (list(rows[0]), [(i, list(r)) for i, r in enumerate(rows[1:], start=2)]), []


def _csv_rows(path: Path, file: str):
    text, problems = read_text(path, file)
    if text is None:
        return None, problems
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return None, [Problem(file, "the file is empty")]
    records = []
    for cells in reader:
        if len(cells) > len(header):  # left out: its cells would land in the wrong columns
            problems.append(Problem(file, f"the row has {len(cells)} fields but the header has {len(header)}: a value "
                                          f"with a comma (e.g. 1 234,5) must be in quotes, or use ';' between fields",
                                    line=reader.line_num))
            continue
        records.append((reader.line_num, cells))
    return (header, records), problems
