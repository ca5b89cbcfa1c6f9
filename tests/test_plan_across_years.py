"""The action plans across years: measure identity, the measure_changes table, and the errors a
second plan of a year or a wrong pin file must give. Every variant is made from the real 2024
document in tests/plan_variants.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.problems import EtlError
from etl.steps import plan as plan_step
from tests import plan_variants as v
from tests.conftest import PLAN_TXT

REMOVED = ["5", "30", "60", "80"]


def raw_with(tmp_path: Path, variants: dict[str, list[str]]) -> Path:
    raw = tmp_path / "raw"
    (raw / "plan").mkdir(parents=True)
    shutil.copy(PLAN_TXT, raw / "plan" / PLAN_TXT.name)
    shutil.copy(PLAN_TXT.with_name(PLAN_TXT.name + ".meta.yml"), raw / "plan")
    for name, lines in variants.items():
        v.write(raw, name, lines)
    return raw


def changes_of(raw: Path) -> tuple[pd.DataFrame, list]:
    result = plan_step.run(raw)
    return result.tables["measure_changes"], result.warnings


def per_measure(changes: pd.DataFrame) -> pd.DataFrame:
    return changes.drop_duplicates(["change", "from_measure_id", "to_measure_id"])


@pytest.fixture(scope="module")
def four_removed(tmp_path_factory):
    lines = v.without_rows(v.another_year(v.lines_of(), 2025), REMOVED)
    return changes_of(raw_with(tmp_path_factory.mktemp("removed"), {"plan-2025-draft.txt": lines}))


def test_plan_across_years_one_plan_publishes_an_empty_table_with_its_columns():
    result = plan_step.run(PLAN_TXT.parent.parent)
    from etl.schemas import TABLES
    assert list(result.tables["measure_changes"].columns) == TABLES["measure_changes"].names
    assert result.tables["measure_changes"].empty


def test_plan_across_years_same_plan_next_year_is_all_unchanged(tmp_path):
    changes, warnings = changes_of(raw_with(tmp_path, {"plan-2025-draft.txt": v.another_year(v.lines_of(), 2025)}))
    assert set(changes["change"]) == {"unchanged"} and len(changes) == 85
    assert (changes["from_measure_id"].str[5:] == changes["to_measure_id"].str[5:]).all()
    assert changes["score"].min() == 1.0
    assert "text 100%" in changes["matched_by"].iloc[0]
    assert not [w for w in warnings if "is matched to" in str(w)]


def test_plan_across_years_four_rows_removed_are_exactly_four_dropped(four_removed):
    changes, _ = four_removed
    dropped = changes[changes["change"] == "dropped"]
    assert sorted(dropped["from_measure_id"]) == [f"2024-{int(n):03d}" for n in sorted(REMOVED, key=int)]
    assert dropped["to_measure_id"].isna().all()
    assert not (changes["change"] == "added").any()
    assert set(changes["change"]) == {"unchanged", "dropped"}
    assert (changes["change"] == "unchanged").sum() == 85 - 4
    assert set(changes["from_year"]) == {2024} and set(changes["to_year"]) == {2025}


def test_plan_across_years_reordered_and_renumbered_rows_keep_their_identity(tmp_path):
    lines = v.reordered_and_renumbered(v.another_year(v.lines_of(), 2025))
    changes, _ = changes_of(raw_with(tmp_path, {"plan-2025-draft.txt": lines}))
    assert set(changes["change"]) == {"unchanged"} and len(changes) == 85
    # numbers moved (goal I reversed: the old first measure is now the last of goal I) but identity held
    first = changes[changes["from_measure_id"] == "2024-001"].iloc[0]
    last_of_goal_one = changes[changes["goal"] == "I"]["to_number"].map(lambda n: int(n.rstrip("."))).max()
    assert first["to_number"] == f"{last_of_goal_one}."
    # the two rows printed as 64. continue as two different measures
    pairs = changes[changes["from_measure_id"].isin(["2024-064", "2024-064-b"])]
    assert pairs["to_measure_id"].nunique() == 2


def test_plan_across_years_changed_target_is_one_changed_field(tmp_path):
    lines = v.replace_in_row(v.another_year(v.lines_of(), 2025), "72", "Изготвени информации – 50",
                             "Изготвени информации – 60")
    changes, _ = changes_of(raw_with(tmp_path, {"plan-2025-draft.txt": lines}))
    changed = changes[changes["change"] == "changed"]
    assert len(changed) == 1
    row = changed.iloc[0]
    assert (row["from_measure_id"], row["to_measure_id"], row["field"]) == ("2024-072", "2025-072", "indicators")
    assert "Изготвени информации: 0 → 50" in row["old"] and "Изготвени информации: 0 → 60" in row["new"]
    assert (changes["change"] == "unchanged").sum() == 84


def test_plan_across_years_renamed_institution_is_an_institutions_change(tmp_path):
    lines = v.replace_in_row(v.another_year(v.lines_of(), 2025), "1", "\tМТСП, МВР", "\tМОН, МВР")
    changes, _ = changes_of(raw_with(tmp_path, {"plan-2025-draft.txt": lines}))
    changed = changes[changes["change"] == "changed"]
    assert len(changed) == 1
    row = changed.iloc[0]
    assert (row["from_measure_id"], row["field"]) == ("2024-001", "institutions")
    assert "MTSP" in row["old"] and "MTSP" not in row["new"] and "MON" in row["new"]
    assert "institutions 33%" in row["matched_by"]  # {MTSP, MVR} against {MON, MVR}


def test_plan_across_years_three_plans_compare_each_with_the_year_before(tmp_path):
    y2025 = v.without_rows(v.another_year(v.lines_of(), 2025), ["5"])
    y2026 = v.without_rows(v.another_year(v.lines_of(), 2026), ["5", "6"])
    changes, _ = changes_of(raw_with(tmp_path, {"plan-2025-draft.txt": y2025, "plan-2026-draft.txt": y2026}))
    got = per_measure(changes).groupby(["from_year", "to_year", "change"]).size().to_dict()
    assert got == {(2024, 2025, "dropped"): 1, (2024, 2025, "unchanged"): 84,
                   (2025, 2026, "dropped"): 1, (2025, 2026, "unchanged"): 83}
    assert changes[(changes["to_year"] == 2026) & (changes["change"] == "dropped")]["from_measure_id"].tolist() == ["2025-006"]


# --- pins and breaks -------------------------------------------------------------------------

def test_plan_across_years_break_and_pin_are_applied(tmp_path):
    raw = raw_with(tmp_path, {"plan-2025-draft.txt": v.another_year(v.lines_of(), 2025)})
    (raw / "plan" / "matches.yml").write_text(
        "break:\n  - {from: 2024-001, to: 2025-001}\n  - {from: 2024-002, to: 2025-002}\n"
        "pin:\n  - {from: 2024-002, to: 2025-003}\n  - {from: 2024-003, to: 2025-002}\n", encoding="utf-8")
    changes, _ = changes_of(raw)
    by_from = per_measure(changes).set_index("from_measure_id")
    assert by_from.loc["2024-001", "change"] == "dropped"
    assert "2025-001" in set(changes[changes["change"] == "added"]["to_measure_id"])
    assert by_from.loc["2024-002", "to_measure_id"] == "2025-003"
    assert by_from.loc["2024-002", "matched_by"] == "pinned in matches.yml"
    assert by_from.loc["2024-003", "to_measure_id"] == "2025-002"


@pytest.mark.parametrize("text, expected", [
    ("pin:\n  - {from: 2024-001, to: 2025-999}\n", "pin entry 1: no published plan has the measure '2025-999'"),
    ("break:\n  - {from: 2023-001, to: 2025-001}\n", "break entry 1: no published plan has the measure '2023-001'"),
    ("pin:\n  - {from: 2024-001}\n", "pin entry 1: expected {from: <measure id>, to: <measure id>}"),
    ("pins: []\n", "expected a mapping with the lists 'pin' and/or 'break'"),
    ("pin:\n  - {from: 2025-001, to: 2024-001}\n", "must be a measure of the plan just before"),
    ("pin:\n  - {from: 2024-001, to: 2025-001}\n  - {from: 2024-001, to: 2025-002}\n", "2024-001 is already pinned in pin entry 1"),
    ("pin: [\n", "not valid YAML"),
])
def test_plan_across_years_bad_pin_file_is_an_error(tmp_path, text, expected):
    raw = raw_with(tmp_path, {"plan-2025-draft.txt": v.another_year(v.lines_of(), 2025)})
    (raw / "plan" / "matches.yml").write_text(text, encoding="utf-8")
    with pytest.raises(EtlError) as exc:
        plan_step.run(raw)
    assert "raw/plan/matches.yml: " in str(exc.value)
    assert expected in str(exc.value)


def test_plan_across_years_bad_pin_file_publishes_nothing(fresh_data_dir):
    from etl import paths
    from etl.build import build

    (fresh_data_dir / "raw" / "plan" / "matches.yml").write_text("pin:\n  - {from: 2024-001, to: 2025-001}\n",
                                                                  encoding="utf-8")
    with pytest.raises(EtlError) as exc:
        build()
    assert "no published plan has the measure '2025-001'" in str(exc.value)
    assert not paths.current_link().exists()


# --- two documents of one year ---------------------------------------------------------------

def test_plan_across_years_second_different_draft_of_a_year_is_an_error(tmp_path):
    raw = raw_with(tmp_path, {"plan-2024-draft-2.txt": v.without_rows(v.lines_of(), ["5"])})
    with pytest.raises(EtlError) as exc:
        plan_step.run(raw)
    message = str(exc.value)
    assert "plan-2024-draft-2.txt" in message and "a second draft plan for 2024" in message
    assert "only as the final replacing a draft" in message


def test_plan_across_years_final_replaces_the_draft(tmp_path):
    final = [line for k, line in enumerate(v.lines_of()) if not (k < 3 and "ПРОЕКТ" in line)]
    raw = raw_with(tmp_path, {"plan-2024-final.txt": v.without_rows(final, ["5"])})
    result = plan_step.run(raw)
    assert result.tables["plans"]["status"].tolist() == ["final"]
    assert len(result.tables["measures"]) == 84
    assert any("not used" in str(w) and "plan-2024-draft.txt" in str(w) for w in result.warnings)
