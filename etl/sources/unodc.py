"""Importer: UNODC Global Report on Trafficking in Persons data (GLOTIP xlsx).

Two preamble rows (publisher, date), then the header `Iso3_code, Country, Region, Subregion,
Indicator, Dimension, Category, Sex, Age, Year, Unit of measurement, txtVALUE, Source`. Only
Bulgaria's rows are kept. Values under 5 are published as `<5`: they become a null value flagged
"suppressed", never a number. The form of exploitation goes to the `category` column.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.problems import Problem, rel
from etl.sources.common import clean, iso3_from_name, observations_frame, to_number
from etl.statistics.periods import parse_period
from etl.statistics.registry import registry

DATASET_ID = "UNODC-GLOTIP"  # what a sidecar's `dataset` says for this download
HEADER_FIRST_CELL = "Iso3_code"
COUNTRY = "BGR"
INDICATORS = {  # Indicator -> (series, unit)
    "Detected trafficking victims": ("trafficking_victims_detected", "persons"),
    "Persons brought into formal contact": ("trafficking_persons_formal_contact", "persons"),
    "Persons prosecuted": ("trafficking_persons_prosecuted", "persons"),
    "Persons convicted": ("trafficking_persons_convicted", "persons"),
    "Offences of trafficking in persons": ("trafficking_offences", "count"),
}
# Dimension -> the observation column its Category fills (None: Category is "Total").
DIMENSIONS = {"Total": None, "by form of exploitation": "category", "by citizenship": "citizenship",
              "by country of repatriation": "category"}
EXPLOITATION = {"Sexual exploitation": "sexual_exploitation", "Forced labour": "forced_labour",
                "Other forms of exploitation": "other_exploitation", "Total": None}
SEX = {"Total": None, "Female": "F", "Male": "M"}
AGE = {"Total": None, "0 to 17 years": "0-17", "18 years or over": "18+"}
SUPPRESSED = {"<5"}
COLUMNS = {"value": "txtVALUE", "period": "Year", "series": "Indicator", "category": "Category", "sex": "Sex",
           "age_group": "Age", "unit": "Unit of measurement"}


def read(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Bulgaria's rows of the GLOTIP workbook."""
    from openpyxl import load_workbook

    file = rel(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # damaged or not a workbook
        return observations_frame([], COLUMNS), [Problem(file, f"cannot open the workbook: {exc}")]
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header, header_row = None, 0
        for header_row, cells in enumerate(rows, start=1):
            if cells and cells[0] == HEADER_FIRST_CELL:
                header = [clean(c) for c in cells]
                break
            if header_row > 10:
                break
        if header is None:
            return observations_frame([], COLUMNS), [Problem(file, f"no header row starting with {HEADER_FIRST_CELL!r} "
                                                                   f"in the first 10 rows", sheet=sheet.title)]
        index = {name: i for i, name in enumerate(header)}
        missing = [c for c in ("Indicator", "Dimension", "Category", "Sex", "Age", "Year", "txtVALUE") if c not in index]
        if missing:
            return observations_frame([], COLUMNS), [Problem(file, f"missing column(s) {', '.join(missing)}",
                                                             line=header_row, sheet=sheet.title)]
        out, problems, skipped = [], [], {}
        for number, cells in enumerate(rows, start=header_row + 1):
            if not cells or cells[0] != COUNTRY:
                continue
            cell = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
            row = _observation(cell, number, path.name, sheet.title, file, problems)
            if isinstance(row, str):
                skipped[row] = skipped.get(row, 0) + 1
            else:
                out.append(row)
        title = sheet.title
    finally:
        workbook.close()
    for reason, count in sorted(skipped.items()):
        problems.append(Problem(file, f"{count} Bulgaria row(s) left out: {reason}", sheet=title, severity="warning"))
    if not out and not problems:
        problems.append(Problem(file, "no rows for Bulgaria (Iso3_code BGR)", sheet=title))
    frame = observations_frame(out, COLUMNS, title)
    frame.attrs["dataset"] = DATASET_ID
    return frame, problems


def _observation(cell: dict, number: int, file_name: str, sheet: str, file: str, problems: list[Problem]):
    indicator = clean(cell["Indicator"])
    if indicator not in INDICATORS:
        return f"indicator {indicator!r} is not mapped"
    series, unit = INDICATORS[indicator]
    dimension = clean(cell["Dimension"])
    if dimension not in DIMENSIONS:
        return f"dimension {dimension!r} is not mapped"
    breakdown = {"citizenship": None, "category": None}
    category = clean(cell["Category"])
    target = DIMENSIONS[dimension]
    if target == "citizenship":
        breakdown["citizenship"] = iso3_from_name(category or "")
        if breakdown["citizenship"] is None:
            return f"country {category!r} has no ISO code"
    elif dimension == "by country of repatriation":
        code = iso3_from_name(category or "")
        if code is None:
            return f"country {category!r} has no ISO code"
        breakdown["category"] = f"repatriated_to_{code}"
    elif target == "category":
        if category not in EXPLOITATION:
            return f"form of exploitation {category!r} is not mapped"
        breakdown["category"] = EXPLOITATION[category]
    sex, age = clean(cell["Sex"]), clean(cell["Age"])
    if sex not in SEX or age not in AGE:
        return f"sex {sex!r} or age {age!r} is not mapped"
    text = clean(cell["txtVALUE"])
    flag = "suppressed" if text in SUPPRESSED else None
    value = None if flag else to_number(text, decimal=".")
    try:
        period, year, freq = parse_period(cell["Year"])
    except ValueError:
        period, year, freq = clean(cell["Year"]), None, None
    declared = registry().get(series)
    return {"series": series, "period": period, "year": year, "freq": freq, **breakdown, "sex": SEX[sex],
            "age_group": AGE[age], "value": value, "unit": unit, "flag": flag,
            "institution_code": declared.institution_code if declared else None,
            "source_ref": f"UNODC GLOTIP {file_name} row {number}", "_row": number, "_value_text": text,
            "_flag_text": None, "_freq": "A"}
