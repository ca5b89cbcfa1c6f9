"""UNHCR asylum decisions: Bulgaria's decisions by country of origin (constants checked by eye in the
file), the yearly totals the importer adds, and rows split by procedure that are summed."""
from __future__ import annotations

import pytest

from etl.sources import unhcr
from tests.conftest import real_file

HEADER = ('Year,"Country of origin","Country of origin (ISO)","Country of asylum","Country of asylum (ISO)",Authority,'
          '"Stage of procedure","Cases / Persons","Recognized decisions","Complementary protection",'
          '"Rejected decisions","Otherwise closed","Total decisions"')


def decisions(frame, period, origin):
    sel = frame[(frame["period"] == period)]
    sel = sel[sel["citizenship"].isna()] if origin is None else sel[sel["citizenship"] == origin]
    return {(d if isinstance(d, str) else "total"): v for d, v in zip(sel["decision"], sel["value"])}


@pytest.mark.realdata
def test_unhcr_bulgaria_decisions_by_origin():
    frame, problems = unhcr.read(real_file("unhcr/asylum-decisions__BG.csv"), {})
    assert problems == []
    assert decisions(frame, "2017", "AFG") == {"refugee_status": 17, "humanitarian_status": 5, "rejected": 1041,
                                               "terminated": 5628, "total": 6691}
    assert decisions(frame, "2023", "SYR") == {"refugee_status": 73, "humanitarian_status": 5550, "rejected": 137,
                                               "terminated": 7408, "total": 13168}
    syr = frame[(frame["period"] == "2023") & (frame["citizenship"] == "SYR")]
    assert set(syr["source_ref"]) == {"UNHCR asylum-decisions asylum-decisions__BG.csv row 169"}
    assert set(frame["period"]) == {str(y) for y in range(2015, 2024)}


@pytest.mark.realdata
def test_unhcr_totals_are_sums_over_origins():
    frame, _ = unhcr.read(real_file("unhcr/asylum-decisions__BG.csv"), {})
    by_origin = frame[frame["citizenship"].notna() & (frame["period"] == "2023")]
    totals = decisions(frame, "2023", None)
    assert totals["total"] == by_origin[by_origin["decision"].isna()]["value"].sum()
    assert totals["humanitarian_status"] == by_origin[by_origin["decision"] == "humanitarian_status"]["value"].sum()
    assert totals["total"] == sum(totals[k] for k in ("refugee_status", "humanitarian_status", "rejected", "terminated"))


@pytest.mark.realdata
def test_unhcr_full_file_same_as_bulgaria_subset():
    full, _ = unhcr.read(real_file("unhcr/asylum-decisions.csv"), {})
    subset, _ = unhcr.read(real_file("unhcr/asylum-decisions__BG.csv"), {})
    key = ["period", "citizenship", "decision"]
    assert full.sort_values(key)["value"].tolist() == subset.sort_values(key)["value"].tolist()


def test_unhcr_rows_split_by_procedure_are_summed(tmp_path):
    path = tmp_path / "asylum-decisions.csv"
    path.write_text("\n".join([HEADER,
                               "2020,Iraq,IRQ,Bulgaria,BGR,G,FI,P,10,20,30,40,100",
                               "2020,Iraq,IRQ,Bulgaria,BGR,G,AR,P,1,2,3,4,10",
                               "2020,Iraq,IRQ,Romania,ROU,G,FI,P,9,9,9,9,36"]) + "\n", encoding="utf-8")
    frame, problems = unhcr.read(path, {})
    assert decisions(frame, "2020", "IRQ") == {"refugee_status": 11, "humanitarian_status": 22, "rejected": 33,
                                               "terminated": 44, "total": 110}
    assert [p.message for p in problems] == ["rows 2, 3 (2020, IRQ, stages AR+FI) are summed into one value per decision type"]
    assert problems[0].severity == "warning"
    assert frame[frame["citizenship"] == "IRQ"]["source_ref"].iloc[0] == "UNHCR asylum-decisions asylum-decisions.csv rows 2+3"


def test_unhcr_missing_columns_is_an_error(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Year,Country\n2020,Iraq\n", encoding="utf-8")
    _, problems = unhcr.read(path, {})
    assert problems[0].message.startswith("missing column(s) 'Country of origin (ISO)'")
