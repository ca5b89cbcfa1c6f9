"""Figure builders: pure functions (data, options, lang) -> go.Figure, checked without a browser."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards.ui.figures import empty_figure, sparkline_svg, statistics_figure
from dashboards.ui.plan_figures import baseline_target_figure, goal_status_figure, measures_per_goal_figure


def valid(fig: go.Figure) -> go.Figure:
    """Builders skip plotly's per-property validation for speed; validate their output here."""
    return go.Figure(fig.to_dict())  # raises on any invalid property


def numbers(values) -> list:
    """Values of a data array, also in plotly.js's typed-array form ({dtype, bdata})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype="<" + values["dtype"]).tolist()
    return list(values)


@pytest.fixture(scope="module")
def stat_rows(dash_app, snap):
    from dashboards.store.stats import select

    return select(snap, "asylum_decisions_unhcr", "decision", (2015, 2023), "en")[0]


def test_figures_statistics_stacked_bars_by_decision(stat_rows):
    fig = valid(statistics_figure(stat_rows, {"unit_label": "persons"}, "en"))
    assert [tr.type for tr in fig.data] == ["bar"] * 4 and fig.layout.barmode == "stack"
    assert {tr.name for tr in fig.data} == {"Refugee status", "Humanitarian status", "Rejected", "Terminated procedure"}
    built = statistics_figure(stat_rows, {"unit_label": "persons"}, "en")  # as built: y unencoded
    terminated = next(tr for tr in built.data if tr.name == "Terminated procedure")
    assert dict(zip(terminated.x, numbers(terminated.y)))["2023"] == 16213
    assert fig.layout.separators == ".,"


def test_figures_flagged_values_are_hatched_or_hollow(snap):
    from dashboards.store.stats import select

    rows, _ = select(snap, "asylum_applicants", None, (2022, 2024), "bg")
    fig = valid(statistics_figure(rows, {"unit_label": "лица"}, "bg"))
    assert list(fig.data[0].marker.pattern.shape) == ["/", "/", "/"]  # Eurostat rounds: all flagged
    # the hatching lies over the bar's colour: a transparent background would leave white on white
    pattern = fig.data[0].marker.pattern
    assert pattern.fillmode == "overlay" or pattern.bgcolor not in (None, "#ffffff", "white")
    assert list(fig.data[0].hovertext) == [" (закръглена)"] * 3 and "%{hovertext}" in fig.data[0].hovertemplate
    assert fig.layout.separators == ",\u00a0"
    monthly, _ = select(snap, "temporary_protection_beneficiaries", None, None, "en")
    line = valid(statistics_figure(monthly, {}, "en")) and statistics_figure(monthly, {}, "en").data[0]
    flagged = [isinstance(f, str) and bool(f) for f in monthly["flag"]]
    assert line.type == "scatter" and any(flagged)
    assert numbers(line.marker.symbol) == [100 if f else 0 for f in flagged]  # circle-open where flagged


def stat_frame(periods, freq, series, values, flags):
    """Rows as dashboards.store.stats.select gives them: `series` [(key, label)], values and flags per
    series then period."""
    keyed = [(k, lab, p) for k, lab in series for p in periods]
    return pd.DataFrame({"period": [p for _, _, p in keyed], "year": [int(p[:4]) for _, _, p in keyed], "freq": freq,
                         "key": [k for k, _, _ in keyed], "label": [lab for _, lab, _ in keyed],
                         "value": np.array(values, dtype=float), "flag": flags, "unit": "persons",
                         "source_id": "s", "source_ref": "r"})


def test_figures_statistics_lines_one_per_key_in_order_with_flags_marked():
    # rows interleaved by period (as select returns them): each line must get only its own points
    rows = stat_frame(["2024-01", "2024-02", "2024-03"], "M", [("SYR", "Syria"), ("AFG", "Afghanistan"), ("_other", "Other")],
                      [1, 2, 3, 10, 20, 30, 100, 200, 300], [None, "provisional", None, None, None, None, "rounded", None, ""])
    rows = rows.sort_values(["period", "key"], kind="stable", key=lambda c: c.map({"SYR": 0, "AFG": 1, "_other": 2}.get)
                            if c.name == "key" else c).reset_index(drop=True)
    fig = statistics_figure(rows, {"unit_label": "persons"}, "en")
    valid(fig)
    assert [tr.name for tr in fig.data] == ["Syria", "Afghanistan", "Other"] and fig.layout.showlegend
    assert [tr.line.color for tr in fig.data] == ["#0072b2", "#d55e00", "#009e73"]
    syria, afghanistan, other = fig.data
    assert list(syria.x) == ["2024-01", "2024-02", "2024-03"] and numbers(syria.y) == [1, 2, 3]
    assert numbers(afghanistan.y) == [10, 20, 30] and numbers(other.y) == [100, 200, 300]
    # flagged points hollow and larger (plotly symbol 100 = circle-open), the hover names the flag
    assert numbers(syria.marker.symbol) == [0, 100, 0] and numbers(syria.marker.size) == [5, 8, 5]
    assert list(syria.hovertext) == ["", " (provisional)", ""]
    assert list(other.hovertext) == [" (rounded)", "", ""]   # an empty flag is no flag
    assert afghanistan.hovertext is None and afghanistan.marker.symbol == "circle"
    assert "%{hovertext}" not in afghanistan.hovertemplate
    # monthly: the date axis shows the period as given; the number is formatted by locale (separators)
    assert fig.layout.xaxis.hoverformat == "%Y-%m"
    assert syria.hovertemplate == "Syria · %{x}: %{y:,.1~f} persons%{hovertext}<extra></extra>"


def test_figures_statistics_hover_period_and_locale_for_quarters_and_years():
    quarterly = stat_frame(["2024-Q1", "2024-Q2"], "Q", [("_total", "Общо")], [1500, 20], ["estimated", None])
    fig = statistics_figure(quarterly, {"unit_label": "лица"}, "bg")
    valid(fig)
    line = fig.data[0]
    assert line.type == "scatter" and list(line.customdata) == ["2024-Q1", "2024-Q2"]
    assert line.hovertemplate == "Общо · %{customdata}: %{y:,.1~f} лица%{hovertext}<extra></extra>"
    assert list(line.hovertext) == [" (оценка)", ""] and fig.layout.separators == ",\u00a0"
    assert fig.layout.xaxis.hoverformat is None and line.line.color == "#0072b2"   # one line: the page's colour
    annual = stat_frame(["2022", "2023"], "A", [("W", "Women"), ("M", "Men")], [1000, 2000, 3, 4], [None, "break", None, None])
    bars = statistics_figure(annual, {"unit_label": "persons", "colour": "#123456"}, "en")
    valid(bars)
    assert [tr.type for tr in bars.data] == ["bar", "bar"] and bars.layout.barmode == "stack"
    assert list(bars.data[0].marker.pattern.shape) == ["", "/"] and bars.data[1].marker.pattern.shape is None
    assert bars.data[0].hovertemplate == "Women · %{customdata}: %{y:,.1~f} persons%{hovertext}<extra></extra>"
    assert bars.layout.separators == ".," and bars.layout.xaxis.type == "category"


def test_figures_statistics_labels_cannot_open_hover_placeholders():
    rows = stat_frame(["2022", "2023"], "A", [("x", "50%{y}")], [1, 2], [None, None])
    assert "%{y}" not in statistics_figure(rows, {"unit_label": "%{x}"}, "en").data[0].hovertemplate.split(": ")[0]


def test_figures_single_period_is_horizontal_bars(snap):
    from dashboards.store.stats import select

    rows, _ = select(snap, "readmissions", None, None, "en")
    fig = valid(statistics_figure(rows, {"unit_label": "persons"}, "en"))
    assert fig.data[0].orientation == "h" and list(fig.data[0].x) == [243]


def test_figures_empty_state_says_what_is_missing():
    fig = valid(empty_figure("No data for 2019 in this source.", "en"))
    assert fig.layout.annotations[0].text == "No data for 2019 in this source." and not fig.data


def test_figures_plan_builders(dash_app, snap):
    from dashboards.pages import plan

    built = plan.build(snap, {"goal": "II"}, "en")
    status = valid(goal_status_figure(built["counts"], "en"))
    assert sum(sum(tr.x) for tr in status.data) == len(built["indicators"])
    dumbbell = valid(baseline_target_figure(built["shown"], "en"))
    assert [tr.name for tr in dumbbell.data[1:3]] == ["Baseline", "Target"]
    assert set(dumbbell.data[1].x) == {0} and set(dumbbell.data[2].x) == {100}
    counts = pd.DataFrame({"goal_label": ["I. x", "II. y"], "measures": [3, 4]})
    assert list(valid(measures_per_goal_figure(counts, "bg")).data[0].x) == [3, 4]


def test_figures_sparkline_svg_scales_from_zero_to_the_largest_value():
    import xml.etree.ElementTree as ET

    svg = ET.fromstring(sparkline_svg([0, 50, 100], "#0072b2", width=208, height=64))
    line = svg.find("{http://www.w3.org/2000/svg}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert points == [(4, 60), (104, 32), (204, 4)]  # 4 px inside each edge; y grows downwards
    assert line.get("stroke") == "#0072b2"
    flat = ET.fromstring(sparkline_svg([0, 0], "#000"))  # nothing to scale by: a line along the bottom
    assert {p.split(",")[1] for p in flat.find("{http://www.w3.org/2000/svg}polyline").get("points").split()} == {"60.0"}
