"""UNODC GLOTIP workbook: Bulgaria's detected victims, prosecutions and convictions (constants checked
by eye in the file), `<5` as suppressed, and a small workbook written here for the layout."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.sources import unodc
from tests.conftest import real_file

HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age", "Year",
          "Unit of measurement", "txtVALUE", "Source"]


@pytest.fixture(scope="module")
def glotip():
    return unodc.read(real_file("unodc-glotip/data_glotip.xlsx"), {})


def pick(frame, series, period, sex=None, age=None, category=None):
    sel = frame[(frame["series"] == series) & (frame["period"] == period)]
    for column, value in (("sex", sex), ("age_group", age), ("category", category), ("citizenship", None)):
        sel = sel[sel[column].isna()] if value is None else sel[sel[column] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


@pytest.mark.realdata
def test_unodc_detected_victims_real_values(glotip):
    frame, problems = glotip
    assert problems == []
    r = pick(frame, "trafficking_victims_detected", "2021")
    assert (r["value"], r["_row"], r["source_ref"]) == (466.0, 3592, "UNODC GLOTIP data_glotip.xlsx row 3592")
    assert pick(frame, "trafficking_victims_detected", "2007")["value"] == 288.0
    assert pick(frame, "trafficking_victims_detected", "2021", sex="F")["value"] == 366.0
    assert pick(frame, "trafficking_victims_detected", "2014", sex="F", age="18+")["value"] == 433.0
    assert pick(frame, "trafficking_victims_detected", "2010", category="forced_labour")["value"] == 34.0


@pytest.mark.realdata
def test_unodc_less_than_five_is_suppressed_never_a_number(glotip):
    frame, _ = glotip
    r = pick(frame, "trafficking_victims_detected", "2021", sex="M", age="0-17")
    assert r["flag"] == "suppressed" and r["value"] != r["value"]  # NaN
    suppressed = frame[frame["flag"] == "suppressed"]
    assert len(suppressed) == 61 and suppressed["value"].isna().all()


@pytest.mark.realdata
def test_unodc_prosecuted_and_convicted(glotip):
    frame, _ = glotip
    assert pick(frame, "trafficking_persons_convicted", "2020")["value"] == 46.0
    assert pick(frame, "trafficking_persons_prosecuted", "2007")["value"] == 110.0
    assert pick(frame, "trafficking_offences", "2016")["value"] == 312.0
    assert len(frame) == 328


def write(tmp_path: Path, *rows) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["UNODC"])
    ws.append(["30/05/2023"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    path = tmp_path / "glotip.xlsx"
    wb.save(path)
    return path


def test_unodc_layout_bulgaria_only_and_forms_of_exploitation(tmp_path):
    base = ["Europe", "Eastern Europe", "Detected trafficking victims"]
    path = write(tmp_path,
                 ["BGR", "Bulgaria", *base, "by form of exploitation", "Sexual exploitation", "Female", "Total", 2020, "Counts", "120", "GLOTIP"],
                 ["ROU", "Romania", *base, "Total", "Total", "Total", "Total", 2020, "Counts", "500", "GLOTIP"],
                 ["BGR", "Bulgaria", *base, "Total", "Total", "Male", "0 to 17 years", 2020, "Counts", "<5", "GLOTIP"],
                 ["BGR", "Bulgaria", *base, "by citizenship", "Ukraine", "Total", "Total", 2020, "Counts", "7", "GLOTIP"])
    frame, problems = unodc.read(path, {})
    assert problems == []
    assert frame[["category", "sex", "age_group", "citizenship", "value", "flag", "_row"]].astype(object).where(
        frame[["category", "sex", "age_group", "citizenship", "value", "flag", "_row"]].notna(), None).values.tolist() == [
        ["sexual_exploitation", "F", None, None, 120.0, None, 4],
        [None, "M", "0-17", None, None, "suppressed", 6],
        [None, None, None, "UKR", 7.0, None, 7],
    ]


def test_unodc_no_header_is_an_error(tmp_path):
    wb = Workbook()
    wb.active.append(["something else"])
    wb.save(tmp_path / "x.xlsx")
    _, problems = unodc.read(tmp_path / "x.xlsx", {})
    assert problems[0].message == "no header row starting with 'Iso3_code' in the first 10 rows"
