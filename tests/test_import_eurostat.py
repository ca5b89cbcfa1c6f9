"""Eurostat SDMX-CSV: Bulgaria's published figures read from the real downloads (constants checked by
eye in the files), flags, the labels-only layout, and small fixtures for the defects."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.problems import rel
from etl.sources import eurostat
from tests.conftest import real_file

pytestmark = []
SDMX = "eurostat-sdmx-csv"
HEADER = ("STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,Time frequency,citizen,Country of citizenship,sex,Sex,unit,"
          "Unit of measure,age,Age class,asyl_app,Applicant type,geo,Geopolitical entity (reporting),TIME_PERIOD,Time,"
          "OBS_VALUE,Observation value,OBS_FLAG,Observation status (Flag) V2 structure,CONF_STATUS,Confidentiality status (flag)")


def row(citizen="TOTAL", geo="BG", period="2023", value="22510", flag="", freq="A", conf=""):
    return (f"dataflow,ESTAT:MIGR_ASYAPPCTZA(1.0),Asylum applicants,{freq},Annual,{citizen},x,T,Total,PER,Person,TOTAL,"
            f"Total,ASY_APP,Asylum applicant,{geo},x,{period},,{value},,{flag},,{conf},")


def one(frame, **where):
    sel = frame
    for column, value in where.items():
        sel = sel[sel[column].isna()] if value is None else sel[sel[column] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


@pytest.mark.realdata
def test_eurostat_sdmx_asylum_applicants_real_values():
    frame, problems = eurostat.read(real_file(f"{SDMX}/migr_asyappctza__asylum_applicants_total__BG.csv"), {})
    assert problems == []
    assert len(frame) == 34
    r = one(frame, period="2015", citizenship=None)
    assert (r["value"], r["flag"], r["series"], r["unit"]) == (20390.0, "rounded", "asylum_applicants", "persons")
    assert r["source_ref"] == "MIGR_ASYAPPCTZA migr_asyappctza__asylum_applicants_total__BG.csv row 9"
    assert one(frame, period="2024", citizenship=None)["value"] == 12260.0
    assert one(frame, period="2015", citizenship="UKR")["value"] == 65.0


@pytest.mark.realdata
def test_eurostat_sdmx_all_countries_file_keeps_every_country():
    frame, problems = eurostat.read(real_file(f"{SDMX}/migr_asyappctza__asylum_applicants_total.csv"), {})
    assert [p for p in problems if p.severity == "error"] == []
    assert len(frame) == 1080 and frame["geo"].nunique() == 33 and (frame["geo"] == "BGR").sum() == 34
    assert one(frame, geo="BGR", period="2008", citizenship=None)["value"] == 745.0
    # 2023 totals as Eurostat publishes them (Germany, Greece as EL, Romania, Norway: YAML's "NO" trap)
    assert {g: one(frame, geo=g, period="2023", citizenship=None)["value"] for g in ("DEU", "GRC", "ROU", "NOR")} == {
        "DEU": 351600.0, "GRC": 64230.0, "ROU": 10095.0, "NOR": 5350.0}


@pytest.mark.realdata
def test_eurostat_sdmx_temporary_protection_monthly_flags():
    frame, problems = eurostat.read(real_file(f"{SDMX}/migr_asytpsm__temporary_protection_beneficiaries_monthly__BG.csv"), {})
    assert problems == []
    r = one(frame, period="2022-03")
    assert (r["value"], r["flag"], r["freq"], r["citizenship"]) == (30505.0, "definition_differs", "M", "UKR")
    assert one(frame, period="2023-03")["value"] == 152930.0
    # no Eurostat flag: the dataset's rounding to 5 shows
    assert one(frame, period="2025-03")[["value", "flag"]].tolist() == [72220.0, "rounded"]


@pytest.mark.realdata
def test_eurostat_sdmx_labels_only_illegally_present():
    frame, problems = eurostat.read(real_file(f"{SDMX}/migr_eipre__migrants_illegally_present__BG.csv"), {})
    assert problems == []
    assert one(frame, period="2023", category=None)[["value", "flag", "_row"]].tolist() == [22805.0, None, 80]
    assert one(frame, period="2023", category="illegal_entry")["value"] == 21975.0
    assert one(frame, period="2023", category="overstay")["value"] == 830.0
    assert one(frame, period="2015", category=None)["value"] == 20810.0
    assert set(frame["series"]) == {"tcn_illegally_present"}


def write(tmp_path: Path, *rows: str, name="migr_asyappctza.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_eurostat_flags_mapped_and_precedence(tmp_path):
    frame, problems = eurostat.read(write(tmp_path, row(period="2021", flag="p"), row(period="2022", flag="bd"),
                                          row(period="2023", flag="e")), {})
    assert problems == []
    assert frame["flag"].tolist() == ["provisional", "break", "estimated"]


def test_eurostat_unknown_flag_letter_is_a_warning(tmp_path):
    path = write(tmp_path, row(flag="x"), row(period="2022", flag="u"))
    frame, problems = eurostat.read(path, {})
    assert frame["value"].tolist() == [22510.0, 22510.0]
    assert [str(p) for p in problems] == [
        f"{rel(path)}, column 'OBS_FLAG': observation flag 'u' has no project flag; 1 value(s) "
        f"kept without it (first at row 3)",
        f"{rel(path)}, column 'OBS_FLAG': observation flag 'x' is an unknown Eurostat flag; "
        f"1 value(s) kept without it (first at row 2)",
    ]
    assert {p.severity for p in problems} == {"warning"}


def test_eurostat_confidential_value_is_null(tmp_path):
    frame, _ = eurostat.read(write(tmp_path, row(value="", flag="c")), {})
    assert frame.loc[0, "flag"] == "confidential" and frame["value"].isna().all()


def test_eurostat_empty_value_without_flag_left_out(tmp_path):
    frame, problems = eurostat.read(write(tmp_path, row(value=""), row(period="2022")), {})
    assert frame["period"].tolist() == ["2022"]
    assert "not available" in str(problems[0])


def test_eurostat_other_country_is_kept_under_its_iso_code(tmp_path):
    frame, problems = eurostat.read(write(tmp_path, row(geo="RO") + "\n" + row(geo="EL", value="64230")), {})
    assert problems == []
    assert list(frame["geo"]) == ["ROU", "GRC"]     # Eurostat's EL is Greece's ISO code GRC


def test_eurostat_unknown_geo_is_an_error_naming_row_and_column(tmp_path):
    _, problems = eurostat.read(write(tmp_path, row() + "\n" + row(geo="XY")), {})
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "geo", "error")]
    assert "geo 'XY' is neither a country" in problems[0].message


def test_eurostat_truncated_file_is_an_error_naming_row_and_column(tmp_path):
    cut = row().rsplit(",", 6)[0]          # the row stops after the time period: the download was cut off
    _, problems = eurostat.read(write(tmp_path, row() + "\n" + cut), {})
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "OBS_VALUE", "error")]
    assert "truncated" in problems[0].message


def test_eurostat_unmapped_dataset_is_an_error(tmp_path):
    path = write(tmp_path, row().replace("MIGR_ASYAPPCTZA", "MIGR_ASYPENCTZM"))
    _, problems = eurostat.read(path, {})
    assert problems[0].message.startswith("Eurostat dataset 'MIGR_ASYPENCTZM' has no mapping in etl/sources/eurostat_mapping.yml")


def test_eurostat_citizen_codes_to_iso3(tmp_path):
    frame, _ = eurostat.read(write(tmp_path, row(citizen="UA"), row(citizen="SY"), row(citizen="EL"),
                                   row(citizen="STLS")), {})
    assert frame["citizenship"].tolist() == ["UKR", "SYR", "GRC", "XXA"]


def test_eurostat_frequency_mismatch_reported(tmp_path):
    from etl.steps.statistics import import_file

    path = tmp_path / "eurostat"
    path.mkdir()
    _, problems = import_file(write(path, row(period="2023-Q1", freq="A")), "eurostat", {})
    assert [p.message for p in problems] == ["period 2023-Q1 is quarterly but the row's frequency is annual"]
    assert problems[0].column == "TIME_PERIOD" and problems[0].line == 2
