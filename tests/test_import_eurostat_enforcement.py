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
    # Assumed (no stored copy): MIGR_EIRTN's dimensions plus `return` (code list RETURN); c_dest in one of the two,
    # so that both forms are read.
    "MIGR_EIRT_VOL": [("freq", "Time frequency"), ("c_dest", "Country of destination"), ("citizen", "Country of citizenship"),
                      ("age", "Age class"), ("sex", "Sex"), ("return", "Type of return"), ("unit", "Unit of measure")],
    "MIGR_EIRT_ASS": [("freq", "Time frequency"), ("citizen", "Country of citizenship"), ("age", "Age class"),
                      ("sex", "Sex"), ("return", "Type of return"), ("unit", "Unit of measure")],
}
TAIL = ["geo", "Geopolitical entity (reporting)", "TIME_PERIOD", "Time", "OBS_VALUE", "Observation value", "OBS_FLAG",
        "Observation status (Flag) V2 structure", "CONF_STATUS", "Confidentiality status (flag)"]
LABELS = {"A": "Annual", "TOTAL": "Total", "T": "Total", "PER": "Person", "SY": "Syria", "AF": "Afghanistan",
          "BG": "Bulgaria", "EL": "Greece", "EU27_2020": "European Union - 27 countries (from 2020)",
          "REJECTED": "Rejected", "GENCONV": "Geneva Convention status", "VOLU": "Voluntary return",
          "FORC": "Forced return", "ASSI": "Assisted return", "NASSI": "Non-assisted return", "THRD": "Third country",
          "ASSI_VOLU": "Assisted voluntary return"}


def sdmx_file(tmp_path: Path, dataset: str, rows: list[dict]) -> Path:
    dims = DIMENSIONS[dataset]
    header = ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME"] + [x for d in dims for x in d] + TAIL
    lines = [",".join(header)]
    for r in rows:
        codes = {"freq": "A", "citizen": "TOTAL", "age": "TOTAL", "sex": "T", "unit": "PER", "decision": "TOTAL",
                 "return": "TOTAL", "c_dest": "TOTAL", **r}
        cells = ["dataflow", f"ESTAT:{dataset}(1.0)", f'"{dataset} title"']
        cells += [x for dim, _ in dims for x in (codes[dim], LABELS.get(codes[dim], codes[dim]))]
        cells += [codes["geo"], LABELS.get(codes["geo"], codes["geo"]), codes["period"], "", codes["value"], "", "", "", "", ""]
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


def _rows(frame):
    return [tuple(r) for r in frame[["series", "geo", "period", "return_type", "value"]].astype(object)
            .where(frame[["series", "geo", "period", "return_type", "value"]].notna(), None).values.tolist()]


def test_returns_by_type_voluntary_and_forced(tmp_path):
    frame, problems = eurostat.read(sdmx_file(tmp_path, "MIGR_EIRT_VOL", [
        {"geo": "BG", "period": "2023", "value": "2040"}, {"geo": "BG", "period": "2023", "return": "VOLU", "value": "1230"},
        {"geo": "BG", "period": "2023", "return": "FORC", "value": "810"},
        {"geo": "BG", "period": "2023", "return": "FORC", "c_dest": "THRD", "value": "700"},   # a destination split: out
        {"geo": "EL", "period": "2022", "return": "VOLU", "value": "9115"}]), {})
    assert [p for p in problems if p.severity == "error"] == []
    assert _rows(frame) == [("tcn_returned_by_type", "BGR", "2023", None, 2040.0),
                            ("tcn_returned_by_type", "BGR", "2023", "voluntary", 1230.0),
                            ("tcn_returned_by_type", "BGR", "2023", "forced", 810.0),
                            ("tcn_returned_by_type", "GRC", "2022", "voluntary", 9115.0)]
    assert set(frame["flag"].isna()) == {True}          # not a dataset Eurostat's metadata states as rounded


def test_returns_by_assistance_and_an_overlapping_code_left_out_with_a_warning(tmp_path):
    frame, problems = eurostat.read(sdmx_file(tmp_path, "MIGR_EIRT_ASS", [
        {"geo": "BG", "period": "2023", "return": "ASSI", "value": "420"},
        {"geo": "BG", "period": "2023", "return": "NASSI", "value": "1620"},
        {"geo": "BG", "period": "2023", "return": "ASSI_VOLU", "value": "400"}]), {})
    assert _rows(frame) == [("tcn_returned_by_assistance", "BGR", "2023", "assisted", 420.0),
                            ("tcn_returned_by_assistance", "BGR", "2023", "non_assisted", 1620.0)]
    assert [(p.severity, p.column) for p in problems] == [("warning", "return")]
    assert "1 row(s) left out: return 'ASSI_VOLU' is not in the mapping of MIGR_EIRT_ASS" in problems[0].message


def test_a_file_without_the_type_of_return_column_is_an_error_naming_it(tmp_path):
    path = sdmx_file(tmp_path, "MIGR_EIRT_VOL", [{"geo": "BG", "period": "2023", "return": "VOLU", "value": "1"}])
    lines = path.read_text().splitlines()
    cut = lambda line: ",".join(c for i, c in enumerate(line.split(",")) if i not in (13, 14))  # noqa: E731
    path.write_text("\n".join(cut(line) for line in lines) + "\n")
    assert "return" not in path.read_text().splitlines()[0].split(",")
    frame, problems = eurostat.read(path, {})
    assert len(frame) == 0
    assert [(p.severity, p.line, p.column) for p in problems] == [("error", 1, "return")]
    assert "no column 'return': the mapping of MIGR_EIRT_VOL" in problems[0].message


@pytest.mark.parametrize("dataset", ["MIGR_EIRT_VOL", "MIGR_EIRT_ASS"])
def test_returns_datasets_unnamed_geo_and_truncated_file_are_errors(tmp_path, dataset):
    _, problems = eurostat.read(sdmx_file(tmp_path, dataset, [
        {"geo": "BG", "period": "2023", "value": "1"}, {"geo": "XK9", "period": "2023", "value": "2"}]), {})
    assert [(p.severity, p.line, p.column) for p in problems] == [("error", 3, "geo")]
    path = sdmx_file(tmp_path, dataset, [{"geo": "BG", "period": "2023", "value": "1"}] * 3)
    text = path.read_text()
    path.write_text(text[: text.rindex(",BG,")])        # the download stopped in the middle of the last row
    frame, problems = eurostat.read(path, {})
    assert len(frame) == 0 and [(p.severity, p.line) for p in problems] == [("error", 4)]
    assert "truncated" in problems[0].message


def test_unknown_dataset_names_the_mapped_ones(tmp_path):
    path = sdmx_file(tmp_path, "MIGR_EIRT_VOL", [{"geo": "BG", "period": "2023", "value": "1"}])
    path.write_text(path.read_text().replace("ESTAT:MIGR_EIRT_VOL", "ESTAT:MIGR_EIRT_AGR"))
    _, problems = eurostat.read(path, {})
    assert [(p.severity, p.line, p.column) for p in problems] == [("error", 2, "STRUCTURE_ID")]
    assert "'MIGR_EIRT_AGR' has no mapping" in problems[0].message and "MIGR_EIRT_VOL" in problems[0].message


@pytest.mark.parametrize("dataset", ["migr_eirt_vol", "MIGR_EIRT_ASS", "migr_eiord", "migr_eirtn"])
def test_fetch_asks_for_each_returns_dataset(monkeypatch, dataset):
    from etl.fetch import eurostat_url

    monkeypatch.setenv("MIGDASH_EUROSTAT_API", "http://127.0.0.1:9/api")
    assert eurostat_url(dataset, None) == (f"http://127.0.0.1:9/api/sdmx/3.0/data/dataflow/ESTAT/{dataset.upper()}/1.0/*"
                                           "?format=csvdata&formatVersion=2.0&compress=false&lang=en&labels=name")
    assert eurostat_url(dataset, "bg").endswith(f"{dataset.upper()}/1.0/*?c[geo]=BG&format=csvdata&formatVersion=2.0"
                                                "&compress=false&lang=en&labels=name")


def test_a_file_no_row_of_which_passes_the_filters_says_so(tmp_path):
    """E.g. a download with only returns to a third country (c_dest THRD), none for the total kept."""
    frame, problems = eurostat.read(sdmx_file(tmp_path, "MIGR_EIRT_VOL", [
        {"geo": "BG", "period": "2023", "return": "VOLU", "c_dest": "THRD", "value": "1230"}]), {})
    assert len(frame) == 0
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "no row of MIGR_EIRT_VOL passed the filters of etl/sources/eurostat_mapping.yml (the file has "
                    "c_dest: 'THRD'): nothing is imported from it")]


def _body(dataset: str, rows: list[dict]) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return sdmx_file(Path(folder), dataset, rows).read_bytes()


VOL_BODY = _body("MIGR_EIRT_VOL", [{"geo": "BG", "period": "2023", "return": "VOLU", "value": "1230"},
                                   {"geo": "RO", "period": "2023", "return": "FORC", "value": "410"}])


@pytest.mark.parametrize("server", [(200, VOL_BODY)], indirect=True)
def test_fetch_then_import_returns_by_type(server, data, monkeypatch):
    """`python -m etl fetch eurostat MIGR_EIRT_VOL` against a local server, and the file it writes is read."""
    from etl.__main__ import main

    base, asked = server
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", base)
    assert main(["fetch", "eurostat", "MIGR_EIRT_VOL"]) == 0
    assert asked[0].startswith("/api/sdmx/3.0/data/dataflow/ESTAT/MIGR_EIRT_VOL/1.0/*?format=csvdata")
    frame, problems = eurostat.read(data / "raw" / "eurostat" / "migr_eirt_vol.csv", {})
    assert problems == []
    assert _rows(frame) == [("tcn_returned_by_type", "BGR", "2023", "voluntary", 1230.0),
                            ("tcn_returned_by_type", "ROU", "2023", "forced", 410.0)]


from tests.test_fetch import data, server  # noqa: E402,F401  (fixtures: a local HTTP server, a data folder)
