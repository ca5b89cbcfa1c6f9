"""The action plans' figures (pure: rows and language in, a plotly figure out): measures per goal
(home), indicators by status per goal and baseline → target on one scale (plan, measure), and a
measure across the yearly plans (measure). Layout, colours and label helpers from `ui/figures.py`."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.i18n import number, t
from dashboards.store.plans import present
from dashboards.ui.figures import CYRILLIC, INK, base_layout, empty_figure, figure, names_above_bars, shorten, wrap_label

STATUS_STYLE = {  # colour and marker shape: never colour alone
    "achieved": ("#007a5a", "circle"), "substantial": ("#0072b2", "triangle-right"),
    "moderate": ("#0072b2", "triangle-right"), "limited": ("#56b4e9", "triangle-right"),
    "no_progress": ("#b35c00", "square"), "deterioration": ("#c0392b", "x"),
    "no_actual": ("#8a939e", "circle-open"), "no_target": ("#8a939e", "circle-open"),
    "no_baseline": ("#8a939e", "circle-open"), "target_equals_baseline": ("#8a939e", "circle-open"),
}


def goal_status_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Indicators per goal, stacked by status (counts, not averages of percentages).

    `counts`: columns goal, goal_label, status, indicators.
    """
    if counts.empty:
        return empty_figure(t("plan.chart_empty", lang), lang)
    # plain lists: a pandas selection per status cost more than drawing the figure
    goal_list, status_list = counts["goal"].tolist(), counts["status"].tolist()
    goals = list(dict.fromkeys(goal_list))
    labels = dict(zip(goal_list, counts["goal_label"].tolist()))
    cells = dict(zip(zip(goal_list, status_list), counts["indicators"].tolist()))
    y = [labels[g] for g in goals]
    traces = []
    present = set(status_list)
    for status in [s for s in STATUS_STYLE if s in present]:
        colour, _ = STATUS_STYLE[status]
        name = t(f"status.{status}", lang)
        traces.append(dict(type="bar", y=y, x=[cells.get((g, status), 0) for g in goals], orientation="h", name=name,
                           marker=dict(color=colour, line=dict(color="#fff", width=1),
                                       pattern=dict(shape="/" if status.startswith("no_") else "")),
                           hovertemplate="%{y}<br>" + name + ": %{x}<extra></extra>"))
    layout = base_layout(lang, height=100 + 56 * len(goals), barmode="stack")
    names_above_bars(layout, y, 56)
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": t("plan.chart_indicators_axis", lang)}, "rangemode": "tozero"}
    return figure(traces, layout)


X_MIN = -28   # the dumbbells' axis starts left of 0 % so that baselines' values fit beside their dots
LABEL_CHARS = 42   # a name's line above its dumbbell, in characters: longer lines ran past a phone's chart


def baseline_target_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Dumbbells on a common scale: 0 % = baseline, 100 % = target; the actual where reported.

    `rows`: label, baseline_value, target_value, actual_value, progress, status, unit_label, hover.
    The real values are in the labels, the hover and the table: never people, events and leva on one raw axis.
    """
    if rows.empty:
        return empty_figure(t("plan.chart_no_numeric", lang), lang)
    labels = [wrap_label(v, LABEL_CHARS) for v in rows["label"].tolist()]
    n = len(labels)
    rows_y = list(range(n))     # row positions, top down (the names are written above the rows)
    line_x, line_y = [], []
    for y in rows_y:  # one trace for all the bars between the dots (not a shape per row)
        line_x += [0, 100, None]
        line_y += [y, y, None]
    hover = rows["hover"].tolist()
    traces = [
        dict(type="scatter", x=line_x, y=line_y, mode="lines", line=dict(color="#9aa3ad", width=3),
             hoverinfo="skip", showlegend=False),
        dict(type="scatter", x=[0] * n, y=rows_y, mode="markers+text", name=t("plan.baseline", lang),
             marker=dict(symbol="circle-open", size=13, color=INK, line=dict(width=2)),
             text=[number(v, lang) for v in rows["baseline_value"].tolist()], textposition="middle left",
             hovertext=hover, hoverinfo="text", cliponaxis=False),
        dict(type="scatter", x=[100] * n, y=rows_y, mode="markers+text", name=t("plan.target", lang),
             marker=dict(symbol="circle", size=13, color=INK),
             text=[f"{number(v, lang)} {u}".strip() for v, u in zip(rows["target_value"].tolist(), rows["unit_label"].tolist())],
             textposition="middle right", hovertext=hover, hoverinfo="text", cliponaxis=False),
    ]
    actual = [(y, min(max(p * 100, -50), 150), h, s) for y, a, p, h, s in
              zip(rows_y, rows["actual_value"].tolist(), rows["progress"].tolist(), hover, rows["status"].tolist())
              if present(a) and present(p)]
    if actual:
        traces.append(dict(
            type="scatter", x=[a[1] for a in actual], y=[a[0] for a in actual],
            mode="markers", name=t("plan.actual", lang), hovertext=[a[2] for a in actual], hoverinfo="text",
            marker=dict(size=15, symbol=[STATUS_STYLE[a[3]][1] for a in actual],
                        color=[STATUS_STYLE[a[3]][0] for a in actual], line=dict(width=1, color="#fff"))))
    layout = base_layout(lang, height=130 + 66 * n, showlegend=True)
    layout["xaxis"] = {**layout["xaxis"], "range": [X_MIN, 135], "tickvals": [0, 25, 50, 75, 100], "ticksuffix": " %",
                       "title": {"text": t("plan.chart_share_axis", lang)}}
    # each indicator's name (up to two lines) above its dumbbell, not beside it: beside, the names
    # took most of a phone's width; the range leaves room above the first row for its name. One
    # text trace, not an annotation per row: annotations are laid out one by one, a text trace once
    # (docs/DEPLOY.md).
    layout["yaxis"] = {**layout["yaxis"], "showgrid": False, "showticklabels": False, "zeroline": False,
                       "range": [n - 0.5, -1.0]}
    traces.append(dict(type="scatter", x=[X_MIN] * n, y=[y - 0.16 for y in rows_y], mode="text", text=labels,
                       textposition="top right",
                       textfont=dict(size=13, color=INK), hoverinfo="skip", showlegend=False, cliponaxis=False))
    return figure(traces, layout)


def measures_per_goal_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Measures per strategic goal (`counts`: goal_label, measures)."""
    layout = base_layout(lang, height=80 + 50 * len(counts), showlegend=False, margin=dict(l=10, r=40, t=20, b=30))
    labels = counts["goal_label"].tolist()
    names_above_bars(layout, labels, 50)
    layout["xaxis"] = {**layout["xaxis"], "rangemode": "tozero", "title": {"text": t("home.measures_axis", lang)}}
    return figure([dict(type="bar", y=labels, x=counts["measures"].tolist(),
                        orientation="h", marker=dict(color="#13294b"), text=counts["measures"].tolist(),
                        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x}<extra></extra>")], layout)


HISTORY_MAX_LINES = 4  # small multiples: more would make the measure page a chart page


def measure_history_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """A measure's indicators across the yearly plans: one small panel per indicator (each on its
    own scale: counts, percentages and leva never share an axis), a year per column, the baseline
    (open dot) joined to the target (filled dot), the actual where reported.

    `rows`: dashboards.store.history.history_rows (plan_year, line, label_name, values, unit).
    """
    if rows.empty:
        return empty_figure(t("plan.chart_no_numeric", lang), lang)
    lines = list(dict.fromkeys(rows["line"].tolist()))[:HISTORY_MAX_LINES]
    years = sorted({int(y) for y in rows["plan_year"].tolist()})
    n = len(lines)
    gap = 0.12 if n > 1 else 0.0
    height = (1 - gap * (n - 1)) / n
    names = (t("plan.baseline", lang), t("plan.target", lang), t("plan.actual", lang))
    layout = base_layout(lang, height=90 + 150 * n, showlegend=True)
    traces: list[dict] = []
    annotations = []
    in_legend: set[str] = set()
    for k, key in enumerate(lines):
        part = rows[rows["line"] == key]
        axis = "" if k == 0 else str(k + 1)
        top = 1 - k * (height + gap)
        layout[f"yaxis{axis}"] = {**layout["yaxis"], "domain": [max(top - height, 0), top], "rangemode": "tozero"}
        layout[f"xaxis{axis}"] = {**layout["xaxis"], "anchor": f"y{axis}", "type": "category",
                                  "categoryorder": "array", "categoryarray": [str(y) for y in years]}
        if k:
            layout[f"xaxis{axis}"]["matches"] = "x"
        x = [str(int(y)) for y in part["plan_year"].tolist()]
        labels = part["label_name"].tolist()
        # the latest name in the page's language: a later plan's indicator may not be translated yet;
        # two lines of at most 44 characters: the title fits a phone's chart (plotly does not wrap)
        translated = [x for x in labels if not CYRILLIC.search(str(x))] if lang == "en" else []
        label = (translated or labels)[-1]
        annotations.append(dict(text=wrap_label(shorten(label, 88), 44), xref="paper", yref="paper", x=0, y=top,
                                xanchor="left", yanchor="bottom", showarrow=False, align="left",
                                font=dict(size=13, color=INK)))
        line_x, line_y = [], []
        for year, b, tv in zip(x, part["baseline_value"].tolist(), part["target_value"].tolist()):
            if present(b) and present(tv):
                line_x += [year, year, None]
                line_y += [b, tv, None]
        traces.append(dict(type="scatter", x=line_x, y=line_y, mode="lines", line=dict(color="#9aa3ad", width=3),
                           showlegend=False, xaxis=f"x{axis}", yaxis=f"y{axis}", hoverinfo="skip"))
        for name, column, marker in ((names[0], "baseline_value", dict(symbol="circle-open", size=12, color=INK, line=dict(width=2))),
                                     (names[1], "target_value", dict(symbol="circle", size=12, color=INK)),
                                     (names[2], "actual_value", dict(symbol="diamond", size=13, color="#0072b2"))):
            values = part[column].tolist()
            shown = [(year, v) for year, v in zip(x, values) if present(v)]
            if not shown:
                continue
            traces.append(dict(type="scatter", x=[s[0] for s in shown], y=[s[1] for s in shown], mode="markers",
                               name=name, marker=marker, showlegend=name not in in_legend, legendgroup=column,
                               hovertext=[f"{label}<br>{year}: {name} {number(v, lang)}" for year, v in shown],
                               hoverinfo="text", xaxis=f"x{axis}", yaxis=f"y{axis}"))
            in_legend.add(name)
    layout["annotations"] = annotations
    # the legend under the panels: above, it sat on the first panel's title
    layout["margin"] = dict(l=10, r=20, t=46, b=80)   # the first panel's two-line title above it
    layout["legend"] = {**layout["legend"], "yanchor": "top", "y": -40 / (layout["height"] - 110)}
    return figure(traces, layout)
