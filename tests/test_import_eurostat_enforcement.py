"""Enforcement (returns) and annual decision datasets read by the generic Eurostat importer, from files in
Eurostat's SDMX-CSV 2.0 form (code and label column pairs, as the data browser and the API write them)."""
from pathlib import Path

import pandas as pd
import pytest

from etl.changelog import diff_table
from etl.sources import eurostat

DIMENSIONS = {  # dataset -> its dimension columns (id, label) before geo, in Eurostat's order
    "MIGR_EIORD": [("freq", "Time frequency"), ("citizen", "Country of citizenship"), ("age", "Age class"),
                   ("sex", "Sex"), ("unit", "Unit of measure")],
    "MIGR_EIRTN": [("freq", "Time frequency"), ("citizen", "Country of citizenship"), ("age", "Age class"),
                   ("sex", "Sex"), ("unit", "Unit of measure")],
    "MIGR_ASYDCFINA": [("freq", "Time frequency"), ("citizen", "Country of citizenship"), ("sex", "Sex"),
                       ("age", "Age class"), ("decision", "Decision"), ("unit", "Unit of measure")],
}
TAIL = ["geo", "Geopolitical entity (reporting)", "TIME_PERIOD", "Time", "OBS_VALUE", "Observation value", "OBS_FLAG",
        "Observation status (Flag) V2 structure", "CONF_STATUS", "Confidentiality status (flag)"]
LABELS = {"A": "Annual", "TOTAL": "Total", "T": "Total", "PER": "Person", "SY": "Syria", "AF": "Afghanistan",
          "BG": "Bulgaria", "EL": "Greece", "EU27_2020": "European Union - 27 countries (from 2020)",
          "REJECTED": "Rejected", "GENCONV": "Geneva Convention status"}


def sdmx_file(tmp_path: Path, dataset: str, rows: list[dict]) -> Path:
    dims = DIMENSIONS[dataset]
    header = ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME"] + [x for d in dims for x in d] + TAIL
    lines = [",".join(header)]
    for r in rows:
        codes = {"freq": "A", "citizen": "TOTAL", "age": "TOTAL", "sex": "T", "unit": "PER", "decision": "TOTAL", **r}
        cells = ["dataflow", f"ESTAT:{dataset}(1.0)", f'"{dataset} title"']
        cells += [x for dim, _ in dims for x in (codes[dim], LABELS.get(codes[dim], codes[dim]))]
        cells += [codes["geo"], LABELS[codes["geo"]], codes["period"], "", codes["value"], "", "", "", "", ""]
        lines.append(",".join(cells))
    path = tmp_path / f"{dataset.lower()}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("dataset, series", [("MIGR_EIORD", "tcn_ordered_to_leave"),
                                             ("MIGR_EIRTN", "tcn_returned_following_order")])
def test_enforcement_dataset_every_country_and_citizenship(tmp_path, dataset, series):
    frame, problems = eurostat.read(sdmx_file(tmp_path, dataset, [
        {"geo": "BG", "period": "2023", "value": "4230"}, {"geo": "BG", "period": "2023", "citizen": "SY", "value": "1515"},
        {"geo": "EL", "period": "2023", "value": "29010"}, {"geo": "EU27_2020", "period": "2023", "value": "431790"},
        {"geo": "BG", "period": "2023", "sex": "F", "value": "300"}]), {})   # a sex split: not kept
    assert [p for p in problems if p.severity == "error"] == []
    got = frame[["series", "geo", "period", "citizenship", "value", "flag"]].astype(object).where(frame.notna(), None)
    assert got.values.tolist() == [[series, "BGR", "2023", None, 4230.0, None], [series, "BGR", "2023", "SYR", 1515.0, None],
                                   [series, "GRC", "2023", None, 29010.0, None],
                                   [series, "EU27_2020", "2023", None, 431790.0, None]]
    assert frame["source_ref"].iloc[0] == f"{dataset} {dataset.lower()}.csv row 2"


def test_final_decisions_by_type_rounded(tmp_path):
    frame, problems = eurostat.read(sdmx_file(tmp_path, "MIGR_ASYDCFINA", [
        {"geo": "BG", "period": "2023", "value": "1250"},
        {"geo": "BG", "period": "2023", "decision": "REJECTED", "value": "1005"},
        {"geo": "BG", "period": "2023", "decision": "GENCONV", "value": "40"}]), {})
    assert problems == []
    assert list(zip(frame["decision"].fillna("total"), frame["value"], frame["flag"])) == [
        ("total", 1250.0, "rounded"), ("rejected", 1005.0, "rounded"), ("refugee_status", 40.0, "rounded")]
    assert set(frame["series"]) == {"asylum_final_decisions"}


def test_change_log_reads_a_version_published_before_geo_as_bulgaria():
    new = pd.DataFrame({"series": ["returns"], "geo": ["BGR"], "period": ["2023"], "citizenship": [None], "sex": [None],
                        "age_group": [None], "decision": [None], "return_type": [None], "category": [None],
                        "value": [1950.0], "flag": [None], "unit": ["persons"], "source_ref": ["plan-2024 line 70"]})
    assert diff_table("observations", new.drop(columns="geo"), new) == []
    assert [r["change"] for r in diff_table("observations", new.drop(columns="geo"), new.assign(geo="ROU"))] == [
        "added", "removed"]
