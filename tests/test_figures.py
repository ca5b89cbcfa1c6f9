"""Figure builders: pure functions (data, options, lang) -> go.Figure, checked without a browser."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards._figures import (baseline_target_figure, empty_figure, goal_status_figure, measures_per_goal_figure,
                                 sparkline_figure, statistics_figure)


def valid(fig: go.Figure) -> go.Figure:
    """Builders skip plotly's per-property validation for speed; validate their output here."""
    return go.Figure(fig.to_dict())  # raises on any invalid property


@pytest.fixture(scope="module")
def stat_rows(dash_app, snap):
    from dashboards._stats import select

    return select(snap, "asylum_decisions_unhcr", "decision", (2015, 2023), "en")[0]


def test_figures_statistics_stacked_bars_by_decision(stat_rows):
    fig = valid(statistics_figure(stat_rows, {"unit_label": "persons"}, "en"))
    assert [tr.type for tr in fig.data] == ["bar"] * 4 and fig.layout.barmode == "stack"
    assert {tr.name for tr in fig.data} == {"Refugee status", "Humanitarian status", "Rejected", "Terminated procedure"}
    terminated = next(tr for tr in fig.data if tr.name == "Terminated procedure")
    assert dict(zip(terminated.x, terminated.y))["2023"] == 16213
    assert fig.layout.separators == ".,"


def test_figures_flagged_values_are_hatched_or_hollow(snap):
    from dashboards._stats import select

    rows, _ = select(snap, "asylum_applicants", None, (2022, 2024), "bg")
    fig = valid(statistics_figure(rows, {"unit_label": "лица"}, "bg"))
    assert list(fig.data[0].marker.pattern.shape) == ["/", "/", "/"]  # Eurostat rounds: all flagged
    assert "закръглена" in fig.data[0].hovertext[0] and fig.layout.separators == ", "
    monthly, _ = select(snap, "temporary_protection_beneficiaries", None, None, "en")
    line = valid(statistics_figure(monthly, {}, "en")).data[0]
    assert line.type == "scatter" and set(line.marker.symbol) <= {"circle", "circle-open"}


def test_figures_single_period_is_horizontal_bars(snap):
    from dashboards._stats import select

    rows, _ = select(snap, "readmissions", None, None, "en")
    fig = valid(statistics_figure(rows, {"unit_label": "persons"}, "en"))
    assert fig.data[0].orientation == "h" and list(fig.data[0].x) == [243]


def test_figures_empty_state_says_what_is_missing():
    fig = valid(empty_figure("No data for 2019 in this source.", "en"))
    assert fig.layout.annotations[0].text == "No data for 2019 in this source." and not fig.data


def test_figures_plan_builders(dash_app, snap):
    from dashboards import plan

    built = plan.build(snap, {"goal": "II"}, "en")
    status = valid(goal_status_figure(built["counts"], "en"))
    assert sum(sum(tr.x) for tr in status.data) == len(built["indicators"])
    dumbbell = valid(baseline_target_figure(built["shown"], "en"))
    assert [tr.name for tr in dumbbell.data[1:3]] == ["Baseline", "Target"]
    assert set(dumbbell.data[1].x) == {0} and set(dumbbell.data[2].x) == {100}
    counts = pd.DataFrame({"goal_label": ["I. x", "II. y"], "measures": [3, 4]})
    assert list(valid(measures_per_goal_figure(counts, "bg")).data[0].x) == [3, 4]
    assert valid(sparkline_figure(["2022", "2023"], [1, 2], "#000", "bg")).layout.xaxis.visible is False
