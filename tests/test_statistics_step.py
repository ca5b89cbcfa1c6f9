"""The statistics step on the embedded data and on folders built here: tables, sources, the four mission
themes with cited values, the registry's consistency with the plan, and problems across files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.problems import EtlError
from etl.schemas import TABLES
from etl.statistics.registry import registry
from etl.steps import statistics

EMBEDDED = Path(__file__).parent.parent / "data" / "raw" / "statistics"
HEADER = "series,period,citizenship,sex,age_group,decision,return_type,category,value,unit,flag,institution_code,source_ref,note"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(EMBEDDED, raw / "statistics")
    return statistics.run(raw)


def test_statistics_step_embedded_tables(embedded):
    assert set(embedded.tables) == {"observations", "series", "indicator_actuals"}
    for name, frame in embedded.tables.items():
        assert list(frame.columns) == TABLES[name].names
    obs = embedded.tables["observations"]
    bulgaria = obs[obs["geo"] == "BGR"]     # the Eurostat files carry every reporting country
    assert obs.groupby("source_id").size().to_dict()["eurostat-migr_asyappctza"] == 1080
    assert bulgaria.groupby("source_id").size().to_dict() == {
        "eurostat-migr_asyappctza": 34, "eurostat-migr_asydcfstq-2008-2016": 108, "eurostat-migr_asytpsm": 37,
        "eurostat-migr_eipre": 19, "plan-2024-section-i": 18, "unhcr-asylum-decisions": 1235, "unodc-glotip": 328}
    assert embedded.warnings == []
    assert len(embedded.tables["indicator_actuals"]) == 0


def test_statistics_step_embedded_mission_themes_with_cited_values(embedded):
    obs = embedded.tables["observations"].merge(embedded.tables["series"][["series", "theme"]], on="series")
    assert {"returns", "readmissions", "protection", "trafficking", "asylum", "temporary_protection",
            "irregular_migration"} <= set(obs["theme"])
    assert obs["source_ref"].str.strip().ne("").all()

    def value(series, period, **where):
        sel = obs[(obs["series"] == series) & (obs["period"] == period) & (obs["geo"] == where.get("geo", "BGR"))]
        for column in ("citizenship", "sex", "age_group", "decision", "return_type", "category"):
            sel = sel[sel[column].isna()] if where.get(column) is None else sel[sel[column] == where[column]]
        assert len(sel) == 1, sel
        return sel.iloc[0]["value"], sel.iloc[0]["source_ref"]

    assert value("readmissions", "2023") == (243.0, "plan-2024 line 63")
    assert value("returns", "2023", return_type="voluntary") == (81.0, "plan-2024 line 35")
    assert value("frontex_reintegration_participants", "2023") == (127.0, "plan-2024 line 68")
    assert value("asylum_applicants", "2015")[0] == 20390.0
    assert value("asylum_first_instance_decisions", "2015-Q3", decision="positive")[0] == 1830.0
    assert value("asylum_decisions_unhcr", "2017", citizenship="AFG", decision="rejected")[0] == 1041.0
    assert value("trafficking_victims_detected", "2021") == (466.0, "UNODC GLOTIP data_glotip.xlsx row 3592")
    assert value("temporary_protection_beneficiaries", "2022-03", citizenship="UKR")[0] == 30505.0
    assert value("tcn_illegally_present", "2023")[0] == 22805.0


def test_statistics_step_embedded_sources_have_provenance(embedded):
    sources = pd.DataFrame(embedded.sources)
    assert sources["source_id"].is_unique
    assert (sources["url"].notna() | (sources["source_id"] == "plan-2024-section-i")).all()
    assert sources["license"].notna().all() and sources["retrieved"].notna().all()
    kinds = dict(zip(sources["source_id"], sources["kind"]))
    assert kinds["plan-2024-section-i"] == "staff_template" and kinds["unodc-glotip"] == "dataset"
    assert dict(zip(sources["source_id"], sources["provider"]))["eurostat-migr_asyappctza"] == "Eurostat"


def test_statistics_step_every_raw_file_has_a_sidecar():
    for path in EMBEDDED.iterdir():
        if not path.name.endswith(".meta.yml"):
            assert path.with_name(path.name + ".meta.yml").exists(), path


def test_statistics_step_series_only_with_observations(embedded):
    series = embedded.tables["series"]
    assert set(series["series"]) == set(embedded.tables["observations"]["series"])


def test_statistics_registry_measures_exist_in_the_plan(plan_tables):
    measures = {m["measure_id"] for m in plan_tables.measures}
    for code, s in registry().items():
        assert set(s.measure_ids) <= measures, code


def test_statistics_step_build_publishes_observations(fresh_data_dir):
    from etl.build import build

    result = build()
    assert len(result.tables["observations"]) > 1700
    assert {"series", "observations"} <= set(result.tables)


def write(folder: Path, name: str, rows: list[str], encoding="utf-8-sig") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode(encoding))
    return path


def test_statistics_step_duplicate_across_files(tmp_path):
    write(tmp_path / "statistics", "a.csv", ["readmissions,2023,,,,,,,243,,,,plan-2024 line 63,"])
    write(tmp_path / "statistics", "b.csv", ["readmissions,2023,,,,,,,250,,,,report,"])
    with pytest.raises(EtlError) as exc:
        statistics.run(tmp_path)
    assert [p.message for p in exc.value.problems] == [
        f"duplicate key: {statistics.rel(tmp_path / 'statistics' / 'a.csv')} row 2 already has series readmissions, "
        f"period 2023 with the same breakdown"]
    assert exc.value.problems[0].line == 2


def test_statistics_step_collects_all_problems(tmp_path):
    write(tmp_path / "statistics", "a.csv", ["readmissions,2023,,,,,,,-5,,,,x,", "unknown,2023,,,,,,,5,,,,x,"])
    write(tmp_path / "statistics", "b.csv", ["returns,1980,,,,,,,5,,,,x,"])
    with pytest.raises(EtlError) as exc:
        statistics.run(tmp_path)
    assert len(exc.value.problems) == 3


def test_statistics_step_progress_sheet_to_indicator_actuals(tmp_path):
    from openpyxl import load_workbook

    from etl.template import write_template

    path = write_template(tmp_path / "statistics" / "dm-2024.xlsx")
    wb = load_workbook(path)
    for column, value in zip("ABCDEFGH", ["2024-070", "2024-070-01", "2024", "260", None, None, None, "ГДГП отчет"]):
        wb["plan_progress"][f"{column}2"] = value
    wb.save(path)
    result = statistics.run(tmp_path)
    actuals = result.tables["indicator_actuals"]
    assert actuals[["indicator_id", "period", "actual_value", "source_id"]].values.tolist() == [
        ["2024-070-01", "2024", 260.0, "dm-2024"]]
    assert result.sources[0]["kind"] == "staff_template"


def test_statistics_step_unknown_download_format(tmp_path):
    (tmp_path / "eurostat").mkdir()
    (tmp_path / "eurostat" / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(EtlError) as exc:
        statistics.run(tmp_path)
    assert exc.value.problems[0].message == "not a Eurostat SDMX-CSV or legacy export (first line not recognised)"
