"""The old Eurostat Data Explorer CSV: quoted fields, "20,365" thousands commas, ":" not available,
2008Q1 quarters; real files (constants checked by eye) and fixtures."""
from __future__ import annotations

import pytest

from etl.sources import eurostat_legacy
from tests.conftest import real_file

LEGACY = "eurostat-legacy-csv"
HEADER = '"TIME","GEO","CITIZEN","SEX","AGE","DECISION","UNIT","Value"'


def value(frame, period, decision=None):
    sel = frame[(frame["period"] == period)]
    sel = sel[sel["decision"].isna()] if decision is None else sel[sel["decision"] == decision]
    assert len(sel) == 1
    return sel.iloc[0]


@pytest.mark.realdata
def test_eurostat_legacy_applicants_2015_revised_later():
    """20,365 in the 2017 export; the current SDMX file says 20 390 (a revision)."""
    frame, problems = eurostat_legacy.read(real_file(f"{LEGACY}/migr_asyappctza_applicants_2008-2016__BG.csv"), {})
    assert problems == []
    r = value(frame, "2015")
    assert (r["value"], r["series"], r["flag"], r["_row"]) == (20365.0, "asylum_applicants", "rounded", 9)
    assert value(frame, "2010")["value"] == 1025.0
    assert len(frame) == 9


@pytest.mark.realdata
def test_eurostat_legacy_decisions_quarterly():
    files = {"geneva_status": "refugee_status", "total_positive": "positive", "rejected": "rejected"}
    got = {}
    for name, decision in files.items():
        frame, problems = eurostat_legacy.read(real_file(f"{LEGACY}/migr_asydcfstq_{name}_2008-2016__BG.csv"), {})
        assert problems == []
        assert len(frame) == 36 and set(frame["freq"]) == {"Q"}
        got[decision] = value(frame, "2015-Q3", decision)["value"]
        if name == "total_positive":
            assert value(frame, "2013-Q4", decision)["value"] == 1475.0
            assert value(frame, "2008-Q1", decision)["value"] == 65.0
    assert got == {"refugee_status": 1475.0, "positive": 1830.0, "rejected": 170.0}


def test_eurostat_legacy_not_available_and_thousands(tmp_path):
    path = tmp_path / "migr_asydcfstq_1_Data.csv"
    path.write_text("\n".join([HEADER,
                               '"2016Q1","Bulgaria","Total","Total","Total","Rejected","Person","1,234"',
                               '"2016Q2","Bulgaria","Total","Total","Total","Rejected","Person",":"',
                               '"2016Q2","Romania","Total","Total","Total","Rejected","Person","15"']), encoding="utf-8")
    frame, problems = eurostat_legacy.read(path, {})
    assert frame[["geo", "period", "value", "decision"]].values.tolist() == [["BGR", "2016-Q1", 1234.0, "rejected"],
                                                                         ["ROU", "2016-Q2", 15.0, "rejected"]]
    assert [p.message for p in problems] == ["1 value(s) not available (empty or ':') left out"]


def test_eurostat_legacy_dataset_from_sidecar(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + '\n"2016","Bulgaria","Syria","Total","Total","Rejected","Person","5"\n', encoding="utf-8")
    _, problems = eurostat_legacy.read(path, {})
    assert problems[0].message.startswith("cannot tell which Eurostat dataset this export is")
    frame, problems = eurostat_legacy.read(path, {"dataset": "migr_asydcfstq"})
    assert problems == [] and frame.loc[0, "citizenship"] == "SYR"


def test_eurostat_legacy_detected_by_first_line():
    assert eurostat_legacy.is_legacy_csv(HEADER)
    assert not eurostat_legacy.is_legacy_csv("STRUCTURE,STRUCTURE_ID")
