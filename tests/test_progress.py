"""Progress status of plan indicators (baseline, target, actual)."""
from __future__ import annotations

import pandas as pd
import pytest

from etl.progress import annotate, share, status


@pytest.mark.parametrize("baseline, target, actual, comparison, expected", [
    (0, 10, 10, None, "achieved"),
    (0, 10, 12, None, "achieved"),
    (0, 10, 8, None, "substantial"),
    (0, 10, 5, None, "moderate"),
    (0, 10, 1, None, "limited"),
    (0, 10, 0, None, "no_progress"),
    (5, 10, 3, None, "deterioration"),
    (120, 120, 100, "at most", "achieved"),      # "До 120 случая": a ceiling
    (100, 120, 130, "at most", "deterioration"),
    (0, None, 5, None, "no_target"),
    (0, 10, None, None, "no_actual"),
    (None, 10, 12, None, "achieved"),
    (None, 10, 8, None, "no_baseline"),
    (0, 0, 0, None, "achieved"),
])
def test_progress_status_bands(baseline, target, actual, comparison, expected):
    assert status(baseline, target, actual, comparison) == expected


def test_progress_share_of_planned_change():
    assert share(0, 178, 89) == 0.5
    assert share(29, 100, 100) == 1.0
    assert share(1, 1, 1) is None


def test_progress_annotate_takes_latest_actual_and_manual_override():
    indicators = pd.DataFrame({
        "indicator_id": ["a", "b", "c"], "baseline_value": [0.0, 0.0, None], "target_value": [10.0, 4.0, None],
        "comparison": [None, None, None]})
    actuals = pd.DataFrame({
        "indicator_id": ["a", "a", "c"], "period": ["2024-H1", "2024", "2024"], "actual_value": [3.0, 9.0, None],
        "status_override": [None, None, "achieved"]})
    out = annotate(indicators, actuals).set_index("indicator_id")
    assert out.loc["a", "actual_value"] == 9.0 and out.loc["a", "status"] == "substantial"
    assert out.loc["b", "status"] == "no_actual" and out.loc["b", "status_source"] == "computed"
    assert out.loc["c", "status"] == "achieved" and out.loc["c", "status_source"] == "manual"
