"""The staff template: an XLSX workbook that ministry staff fill in and drop into data/raw/statistics/.

`python -m etl template [PATH]` writes it. Sheets: instructions (BG and EN), `observations` (the columns
etl/sources/staff_template.py reads, with drop-downs for series codes, flags and institutions so that
typing errors are caught in Excel, not at build time), `plan_progress` (indicator actual values) and
`lists` (the allowed codes with names). Period cells are text so Excel keeps "2023-03" as written.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from etl.schemas import FLAGS, UNITS
from etl.sources.staff_template import OBSERVATION_HEADERS, OBSERVATIONS_SHEET, PROGRESS_HEADERS, PROGRESS_SHEET
from etl.statistics.registry import registry

TEXT = Path(__file__).parent / "statistics" / "template_text.yml"
ROWS = 2000  # rows that carry the drop-downs
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
WIDTHS = {"series": 34, "period": 10, "value": 12, "source_ref": 36, "note": 30, "institution_code": 16,
          "indicator_id": 14, "measure_id": 12, "actual_text": 30, "status_override": 16}


def _statuses() -> list[str]:
    try:
        from etl.progress import STATUSES
    except ImportError:  # the progress module is optional for the template
        return []
    return list(STATUSES)


def write_template(path: Path) -> Path:
    """Write the template workbook to `path` and return it."""
    from etl.plan.institutions import registry as institutions

    text = yaml.safe_load(TEXT.read_text(encoding="utf-8"))
    workbook = Workbook()
    info = workbook.active
    info.title = "instructions"
    info["A1"], info["B1"] = text["title"]["bg"], text["title"]["en"]
    info["A1"].font = info["B1"].font = Font(bold=True, size=14)
    for i, item in enumerate(text["instructions"], start=3):
        info.cell(i, 1, item["bg"]).alignment = Alignment(wrap_text=True, vertical="top")
        info.cell(i, 2, item["en"]).alignment = Alignment(wrap_text=True, vertical="top")
    info.column_dimensions["A"].width = info.column_dimensions["B"].width = 80

    lists = workbook.create_sheet("lists")
    series = registry()
    lists.append(["series", "name_bg", "name_en", "unit", "institution_code", "", "institution_code", "name_bg",
                  "name_en", "", "flag", "", "unit", "", "status_override", "", "codes: series", "column", "code"])
    codes = sorted(series)
    inst = sorted(institutions().rows, key=lambda r: r["code"])
    statuses = _statuses()
    declared = [(code, column, value) for code in codes for column, allowed in series[code].codes.items()
                for value in (["ISO 3166 alpha-3 (TUR, AFG, …)"] if allowed == "country" else allowed)]
    for i in range(max(len(codes), len(inst), len(FLAGS), len(UNITS), len(statuses), len(declared))):
        row = [""] * 19
        if i < len(declared):
            row[16:19] = declared[i]
        if i < len(codes):
            s = series[codes[i]]
            row[0:5] = [s.series, s.name_bg, s.name_en, s.unit, s.institution_code or ""]
        if i < len(inst):
            row[6:9] = [inst[i]["code"], inst[i]["name_bg"], inst[i]["name_en"]]
        if i < len(FLAGS):
            row[10] = FLAGS[i]
        if i < len(UNITS):
            row[12] = UNITS[i]
        if i < len(statuses):
            row[14] = statuses[i]
        lists.append(row)
    for cell in lists[1]:
        cell.font = Font(bold=True)

    sheet = _table_sheet(workbook, OBSERVATIONS_SHEET, OBSERVATION_HEADERS)
    _dropdown(sheet, OBSERVATION_HEADERS, "series", f"=lists!$A$2:$A${len(codes) + 1}", "unknown series code")
    _dropdown(sheet, OBSERVATION_HEADERS, "flag", f"=lists!$K$2:$K${len(FLAGS) + 1}", "unknown flag")
    _dropdown(sheet, OBSERVATION_HEADERS, "unit", f"=lists!$M$2:$M${len(UNITS) + 1}", "unknown unit")
    _dropdown(sheet, OBSERVATION_HEADERS, "institution_code", f"=lists!$G$2:$G${len(inst) + 1}", "unknown institution")
    _dropdown(sheet, OBSERVATION_HEADERS, "sex", '"F,M,U"', "sex is F, M or U (empty = total)")
    return_types = list(dict.fromkeys(c for code in codes for c in series[code].codes.get("return_type", ())))
    if return_types:   # the codes the series declare (series.yml), e.g. voluntary, assisted_voluntary, forced
        _dropdown(sheet, OBSERVATION_HEADERS, "return_type", '"' + ",".join(return_types) + '"',
                  "return_type is one of " + ", ".join(return_types) + " (empty = total; see the lists sheet)")
    _as_text(sheet, OBSERVATION_HEADERS, "period")
    progress = _table_sheet(workbook, PROGRESS_SHEET, PROGRESS_HEADERS)
    if statuses:
        _dropdown(progress, PROGRESS_HEADERS, "status_override", f"=lists!$O$2:$O${len(statuses) + 1}",
                  "unknown status")
    _as_text(progress, PROGRESS_HEADERS, "period")
    workbook.move_sheet(lists, offset=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _table_sheet(workbook: Workbook, name: str, headers: list[str]):
    sheet = workbook.create_sheet(name)
    sheet.append(headers)
    for i, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = WIDTHS.get(headers[i - 1], 14)
    sheet.freeze_panes = "A2"
    return sheet


def _column(headers: list[str], name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers.index(name) + 1)


def _dropdown(sheet, headers: list[str], name: str, formula: str, error: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorTitle=name, error=error)
    sheet.add_data_validation(validation)
    column = _column(headers, name)
    validation.add(f"{column}2:{column}{ROWS}")


def _as_text(sheet, headers: list[str], name: str) -> None:
    column = _column(headers, name)
    for row in range(2, ROWS + 1):
        sheet[f"{column}{row}"].number_format = "@"
