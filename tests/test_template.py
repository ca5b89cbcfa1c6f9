"""The staff template: written by `python -m etl template`, filled in here with openpyxl as staff would,
and read back by the importer (observations and plan_progress)."""
from __future__ import annotations

import shutil

from openpyxl import load_workbook

from etl.__main__ import main
from etl.sources import staff_template
from etl.steps.statistics import import_file
from etl.template import write_template


def test_template_sheets_and_dropdowns(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["instructions", "observations", "plan_progress", "lists"]
    assert [c.value for c in wb["observations"][1]] == staff_template.OBSERVATION_HEADERS
    assert [c.value for c in wb["plan_progress"][1]] == staff_template.PROGRESS_HEADERS
    validations = {str(v.sqref): v.formula1 for v in wb["observations"].data_validations.dataValidation}
    assert validations["A2:A2000"].startswith("=lists!$A$2:$A$")
    assert validations["K2:K2000"] == "=lists!$K$2:$K$8"
    assert "Шаблон" in wb["instructions"]["A1"].value and "template" in wb["instructions"]["B1"].value
    assert wb["observations"]["B2"].number_format == "@"


def test_template_round_trip_filled_workbook(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["observations"]
    rows = {2: ["readmissions", "2024", None, None, None, None, None, None, 251, None, "provisional", None,
                "ГДГП отчет 2024", "пример"],
            3: ["returns", "2024-Q1", "AFG", "M", None, None, "forced", None, "1 234", "persons", None, "MVR-DM",
                "ДМ отчет, табл. 2", None]}
    for number, values in rows.items():  # cell by cell, as staff type into the formatted rows
        for column, value in zip("ABCDEFGHIJKLMN", values):
            ws[f"{column}{number}"] = value
    progress = wb["plan_progress"]
    for column, value in zip("ABCDEFGH", ["2024-038", "2024-038-01", "2024", 150, "150 върнати", None, None, "отчет ДМ"]):
        progress[f"{column}2"] = value
    wb.save(path)

    frame, problems = import_file(path, "statistics", {})
    assert problems == []
    got = frame[["series", "period", "citizenship", "sex", "return_type", "value", "unit", "flag", "institution_code",
                 "_row", "_sheet"]]
    got = got.astype(object).where(got.notna(), None).values.tolist()
    assert ["returns", "2024-Q1", "AFG", "M", "forced", 1234.0, "persons", None, "MVR-DM", 3, "observations"] in got
    assert ["readmissions", "2024", None, None, None, 251.0, "persons", "provisional", "MVR-GDGP", 2,
            "observations"] in got
    actuals, problems = staff_template.read_progress(path, {})
    assert problems == []
    assert actuals[["indicator_id", "measure_id", "period", "actual_value", "actual_text", "source_ref"]].values.tolist() == [
        ["2024-038-01", "2024-038", "2024", 150.0, "150 върнати", "отчет ДМ"]]


def test_template_error_names_sheet_row_and_column(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    wb["observations"]["A2"], wb["observations"]["B2"], wb["observations"]["I2"] = "readmissions", "2023", "много"
    wb["observations"]["M2"] = "x"
    wb.save(path)
    _, problems = import_file(path, "statistics", {})
    assert [str(p).split(": ", 1)[0].rsplit(", sheet", 1)[1] for p in problems] == [" 'observations', row 2, column 'value'"]


def test_template_excel_date_period_is_read_as_month(tmp_path):
    from datetime import datetime

    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["observations"]
    ws["A2"], ws["B2"], ws["I2"], ws["M2"] = "temporary_protection_beneficiaries", datetime(2023, 3, 1), 152930, "x"
    wb.save(path)
    frame, problems = import_file(path, "statistics", {})
    assert problems == [] and frame.loc[0, "period"] == "2023-03"


def test_template_cli_default_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["template"]) == 0
    assert (tmp_path / "staff-template.xlsx").exists()
    shutil.rmtree(tmp_path / "sub", ignore_errors=True)
    assert main(["template", str(tmp_path / "sub" / "x.xlsx")]) == 0
    assert (tmp_path / "sub" / "x.xlsx").exists()


def test_template_progress_unknown_status_and_text_value(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    for column, value in zip("ABCDEFGH", ["2024-070", "2024-070-01", "2024", "около 250", None, "done", None, "отчет"]):
        wb["plan_progress"][f"{column}2"] = value
    wb.save(path)
    _, problems = staff_template.read_progress(path, {})
    where = f"{problems[0].file}, sheet 'plan_progress', row 2"
    assert [str(p) for p in problems] == [
        f"{where}, column 'actual_value': non-numeric value: 'около 250' is not a number (write text in actual_text)",
        f"{where}, column 'status_override': unknown status 'done': use one of achieved, substantial, moderate, "
        f"limited, no_progress, deterioration, no_actual, no_target, no_baseline, target_equals_baseline",
    ]


MOI_ROWS = [  # the Ministry of Interior's yearly returns and readmissions, as staff would enter them
    ["returns", "2024", None, None, None, None, None, None, 2210, None, None, None, "ДМ-МВР отчет 2024, табл. 1"],
    ["returns", "2024", None, None, None, None, "voluntary", None, 1400, None, None, None, "ДМ-МВР отчет 2024, табл. 1"],
    ["returns", "2024", None, None, None, None, "assisted_voluntary", None, 310, None, None, None, "ДМ-МВР отчет 2024, табл. 1"],
    ["returns", "2024", None, None, None, None, "forced", None, 500, None, None, None, "ДМ-МВР отчет 2024, табл. 1"],
    ["returns_by_country_of_return", "2024", None, None, None, None, None, "TUR", 640, None, None, None,
     "ДМ-МВР отчет 2024, табл. 2"],
    ["returns_by_country_of_return", "2024", None, None, None, None, None, "afg", 120, None, None, None,
     "ДМ-МВР отчет 2024, табл. 2"],
    ["readmissions", "2024", None, None, None, None, None, None, 262, None, None, None, "ГДГП отчет 2024"],
    ["readmissions", "2024", None, None, None, None, None, "eu_agreement", 190, None, None, None, "ГДГП отчет 2024"],
    ["readmissions", "2024", None, None, None, None, None, "bilateral_agreement", 72, None, None, None, "ГДГП отчет 2024"],
]


def _fill(ws, rows, first=2):
    for number, values in enumerate(rows, start=first):
        for column, value in zip("ABCDEFGHIJKLM", values):
            ws[f"{column}{number}"] = value


def test_template_moi_returns_and_readmissions_through_the_importer(tmp_path):
    path = write_template(tmp_path / "moi-2024.xlsx")
    wb = load_workbook(path)
    lists = {(r[16], r[17]): [] for r in wb["lists"].iter_rows(min_row=2, values_only=True) if r[16]}
    for r in wb["lists"].iter_rows(min_row=2, values_only=True):
        if r[16]:
            lists[(r[16], r[17])].append(r[18])
    assert lists[("returns", "return_type")] == ["voluntary", "assisted_voluntary", "forced", "frontex"]
    assert lists[("readmissions", "category")] == ["eu_agreement", "bilateral_agreement", "no_agreement"]
    validations = {str(v.sqref): v.formula1 for v in wb["observations"].data_validations.dataValidation}
    assert validations["G2:G2000"] == '"voluntary,assisted_voluntary,forced,frontex"'   # return_type
    _fill(wb["observations"], MOI_ROWS)
    wb.save(path)
    frame, problems = import_file(path, "statistics", {})
    assert problems == []
    cols = ["series", "geo", "period", "return_type", "category", "value", "unit", "institution_code"]
    got = frame[cols].astype(object).where(frame[cols].notna(), None).values.tolist()
    assert got == [
        ["returns", "BGR", "2024", None, None, 2210.0, "persons", "MVR-DM"],
        ["returns", "BGR", "2024", "voluntary", None, 1400.0, "persons", "MVR-DM"],
        ["returns", "BGR", "2024", "assisted_voluntary", None, 310.0, "persons", "MVR-DM"],
        ["returns", "BGR", "2024", "forced", None, 500.0, "persons", "MVR-DM"],
        ["returns_by_country_of_return", "BGR", "2024", None, "TUR", 640.0, "persons", "MVR-DM"],
        ["returns_by_country_of_return", "BGR", "2024", None, "AFG", 120.0, "persons", "MVR-DM"],   # upper-cased
        ["readmissions", "BGR", "2024", None, None, 262.0, "persons", "MVR-GDGP"],
        ["readmissions", "BGR", "2024", None, "eu_agreement", 190.0, "persons", "MVR-GDGP"],
        ["readmissions", "BGR", "2024", None, "bilateral_agreement", 72.0, "persons", "MVR-GDGP"],
    ]


def test_template_moi_rows_with_wrong_codes_name_file_sheet_row_and_column(tmp_path):
    path = write_template(tmp_path / "moi-2024.xlsx")
    wb = load_workbook(path)
    bad = [list(r) for r in MOI_ROWS[:3]]
    bad[1][6] = "voluntarily"                      # a return type the series does not declare
    bad[2][0], bad[2][6], bad[2][7] = "returns_by_country_of_return", None, "Turkey"   # a name, not a code
    _fill(wb["observations"], bad)
    wb.save(path)
    _, problems = import_file(path, "statistics", {})
    where = f"{problems[0].file}, sheet 'observations'"
    assert [str(p) for p in problems] == [
        f"{where}, row 3, column 'return_type': return_type 'voluntarily' is not a code of series 'returns' (did you "
        f"mean 'voluntary'?): use one of voluntary, assisted_voluntary, forced, frontex (empty = total; "
        f"etl/statistics/series.yml)",
        f"{where}, row 4, column 'category': category 'TURKEY' of series 'returns_by_country_of_return' is the country "
        f"of return: an ISO 3166 alpha-3 code (e.g. TUR, AFG)"]
