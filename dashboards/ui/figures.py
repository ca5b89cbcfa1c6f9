"""Figure builders: pure functions (data, options, lang) -> go.Figure.

No plotly.express (it costs ~20 ms per figure in callbacks); no data loading; no components.
Colours: one per theme and per progress status, from the Okabe–Ito colour-blind-safe palette
(darkened where text sits on white), the same on every page.
"""
from __future__ import annotations

import base64
import re
import textwrap
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.i18n import number, t
from dashboards.store.plans import present

FONT = "Sofia Sans, Segoe UI, Roboto, Arial, sans-serif"
INK, MUTED, GRID = "#1b1f24", "#565e68", "#e3e7ed"
THEME_COLOURS = {
    "returns": "#b35c00", "readmissions": "#0072b2", "protection": "#007a5a", "trafficking": "#a6417f",
    "asylum": "#4b6a9b", "temporary_protection": "#c04a00", "irregular_migration": "#6b5b00",
}
# Categorical colours for breakdowns (Okabe–Ito order, grey last).
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c7a00", "#000000", "#8a939e"]
STATUS_STYLE = {  # colour and marker shape: never colour alone
    "achieved": ("#007a5a", "circle"), "substantial": ("#0072b2", "triangle-right"),
    "moderate": ("#0072b2", "triangle-right"), "limited": ("#56b4e9", "triangle-right"),
    "no_progress": ("#b35c00", "square"), "deterioration": ("#c0392b", "x"),
    "no_actual": ("#8a939e", "circle-open"), "no_target": ("#8a939e", "circle-open"),
    "no_baseline": ("#8a939e", "circle-open"), "target_equals_baseline": ("#8a939e", "circle-open"),
}


def base_layout(lang: str, height: int = 380, **extra) -> dict:
    layout = dict(
        template="none",  # the default template adds ~6 KB of JSON to every figure; styling is set here
        font=dict(family=FONT, size=14, color=INK),
        separators=",\u00a0" if lang == "bg" else ".,",  # decimal, group: as i18n.number (Babel: no-break space)
        paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
        margin=dict(l=10, r=20, t=10, b=40), height=height,
        hoverlabel=dict(font=dict(family=FONT, size=13)),
        xaxis=dict(gridcolor=GRID, linecolor="#9aa3ad", zeroline=False, automargin=True),
        yaxis=dict(gridcolor=GRID, zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, title_text=""),
    )
    layout.update(extra)
    return layout


class Figure(go.Figure):
    """A go.Figure sent to the browser as built. plotly's `to_dict` deep-copies the figure and walks
    it for numpy arrays to encode; the figures here are plain dicts with numbers already in typed-
    array form (`_typed_array`), so that was ~1 ms per long chart for the same JSON."""

    def to_plotly_json(self) -> dict:
        # new outer containers: plotly's __repr__ writes into the layout it is given, and figures
        # are kept (page cache, per-version caches)
        return {"data": list(self._data), "layout": dict(self._layout)}


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """One go.Figure from plain trace and layout dicts, built once and not re-validated property by
    property (that costs ~10x the build; tests/test_figures.py validates every builder's output)."""
    return Figure(data=traces, layout=layout, _validate=False)


def empty_figure(message: str, lang: str, height: int = 220) -> go.Figure:
    """An empty state that says what is missing instead of showing an empty axis."""
    layout = base_layout(lang, height=height)
    layout["xaxis"] = {**layout["xaxis"], "visible": False}
    layout["yaxis"] = {**layout["yaxis"], "visible": False}
    layout["annotations"] = [dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                                  font=dict(size=15, color=MUTED))]
    return figure([], layout)


@lru_cache(maxsize=4096)  # the same labels come back on every render; textwrap is slow
def _wrap(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width)
    return "<br>".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _names_above_bars(layout: dict, names: list, row_px: int) -> None:
    """Horizontal bars with each category's name on a line above its bar, not beside it: beside the
    bars, long goal names took most of a phone's width and squeezed the bars to slivers."""
    bar_px = row_px * 0.45
    layout["bargap"] = 0.55
    layout["yaxis"] = {**layout["yaxis"], "showticklabels": False, "autorange": "reversed", "showgrid": False}
    layout["annotations"] = [dict(text=_shorten(name, 52), x=0, xref="paper", y=name, yref="y", xanchor="left",
                                  yanchor="bottom", yshift=bar_px / 2, showarrow=False, align="left",
                                  font=dict(size=13, color=INK)) for name in names]


CYRILLIC = re.compile("[\u0400-\u04ff]")


@lru_cache(maxsize=1024)
def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rsplit(" ", 1)[0] + "…"


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
    _names_above_bars(layout, y, 56)
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": t("plan.chart_indicators_axis", lang)}, "rangemode": "tozero"}
    return figure(traces, layout)


X_MIN = -28   # the dumbbells' axis starts left of 0 % so that baselines' values fit beside their dots


def baseline_target_figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """Dumbbells on a common scale: 0 % = baseline, 100 % = target; the actual where reported.

    `rows`: label, baseline_value, target_value, actual_value, progress, status, unit_label, hover.
    The real values are in the labels, the hover and the table: never people, events and leva on one raw axis.
    """
    if rows.empty:
        return empty_figure(t("plan.chart_no_numeric", lang), lang)
    labels = [_wrap(v, 56) for v in rows["label"].tolist()]
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
    # text trace, not an annotation per row: annotations are laid out one by one (~30 ms more for 30
    # rows in bench/page_timing.py).
    layout["yaxis"] = {**layout["yaxis"], "showgrid": False, "showticklabels": False, "zeroline": False,
                       "range": [n - 0.5, -1.0]}
    traces.append(dict(type="scatter", x=[X_MIN] * n, y=[y - 0.16 for y in rows_y], mode="text", text=labels,
                       textposition="top right",
                       textfont=dict(size=13, color=INK), hoverinfo="skip", showlegend=False, cliponaxis=False))
    return figure(traces, layout)


def _flag_text(flags, lang: str) -> list[str]:
    return [f" ({t('flag.' + f, lang)})" if isinstance(f, str) and f else "" for f in flags]


# Hover numbers are formatted by plotly.js with d3-format and the layout's `separators` (see
# base_layout), not by Python per point: counts without decimals, one decimal where there is a
# fraction (trailing zero trimmed) — the text i18n.number gives for the published values, which
# are counts (a half-way fraction such as 20.25 would round up here, to even there).
HOVER_NUMBER = ",.1~f"
# plotly.js marker symbol numbers (its documented equivalents of the names)
SYMBOL_CODES = {"circle": 0, "circle-open": 100}


_TYPED = {np.dtype("float64"): "<f8", np.dtype("int8"): "i1"}


def _typed_array(values: np.ndarray) -> dict:
    """A numeric array in plotly.js's typed-array form ({dtype, bdata}: its bytes in base64), the
    form plotly.py's to_dict gives numpy arrays — made here, since plotly.py's conversion costs
    ~20 us an array (a 12-line chart has 36): the same JSON, ~0.75 ms less per long chart."""
    dtype = _TYPED[values.dtype]
    return {"dtype": dtype.lstrip("<"), "bdata": base64.b64encode(np.ascontiguousarray(values, dtype=dtype)).decode("ascii")}


def _template_literal(text: str) -> str:
    """Text put verbatim into a hovertemplate: '%{' would start a placeholder there."""
    return text.replace("%{", "%\u200b{")


def _flag_columns(flags: pd.Series, lang: str) -> tuple[np.ndarray, np.ndarray]:
    """(flagged, hover suffix) per row, each distinct flag translated once (not once per row)."""
    codes, uniques = pd.factorize(flags)             # missing flags get code -1
    texts = [f" ({t('flag.' + f, lang)})" if isinstance(f, str) and f else "" for f in uniques]
    flagged = np.array([bool(x) for x in texts] + [False])[codes]
    suffix = np.array(texts + [""], dtype=str)[codes]
    return flagged, suffix


def statistics_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """A statistical series over time, split by one breakdown or as a total.

    `rows` come from dashboards.store.stats.select. Annual data is drawn as bars (stacked when split:
    the parts add up to the whole); monthly and quarterly data as lines. A single period is drawn
    as horizontal bars, one per breakdown value. Flagged values are hollow or hatched, and the
    hover names the flag: never colour alone.
    """
    if rows.empty or rows["value"].notna().sum() == 0:
        return empty_figure(options.get("empty_message", ""), lang)
    unit = options.get("unit_label", "")
    # rows grouped by key once (codes in order of first appearance: trace and legend order)
    key_codes, keys = pd.factorize(rows["key"])
    single_colour = options.get("colour", "#0072b2")
    colours = [single_colour] if len(keys) == 1 else [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(keys))]
    periods = rows["period"].unique()
    layout = base_layout(lang, height=options.get("height", 420))
    if len(periods) == 1:
        ordered = rows.sort_values("value", ascending=True)
        colour_of = dict(zip(keys, colours))
        trace = dict(
            type="bar", y=[_wrap(v, 40) for v in ordered["label"]], x=ordered["value"].tolist(), orientation="h",
            marker=dict(color=[colour_of[k] for k in ordered["key"]],
                        pattern=dict(shape=["/" if isinstance(f, str) and f else "" for f in ordered["flag"]])),
            text=[number(v, lang) for v in ordered["value"]], textposition="outside", cliponaxis=False,
            hovertext=[f"{lab}: {number(v, lang)} {unit}{ft}" for lab, v, ft in
                       zip(ordered["label"], ordered["value"], _flag_text(ordered["flag"], lang))],
            hoverinfo="text", showlegend=False)
        layout["height"] = max(160, 70 + 44 * len(ordered))
        layout["xaxis"] = {**layout["xaxis"], "range": [0, float(ordered["value"].max()) * 1.3 or 1],
                           "title": {"text": f"{periods[0]} · {unit}"}, "tickformat": ",d"}
        return figure([trace], layout)
    annual = len(periods) <= 30 and set(rows["freq"].unique()) == {"A"}
    # Per-point data as numpy arrays, taken once from the columns and sliced per trace: go.Figure
    # deep-copies its data twice (on building and in to_dict) and the JSON encoder walks every
    # list item, while arrays are copied whole; numbers go to the browser base64-encoded.
    order = np.argsort(key_codes, kind="stable")    # rows of each key together, in their own order
    bounds = np.concatenate([[0], np.cumsum(np.bincount(key_codes, minlength=len(keys)))])
    period = rows["period"].to_numpy(dtype=str)[order]
    value = rows["value"].to_numpy(dtype=float)[order]
    flagged, suffix = _flag_columns(rows["flag"], lang)
    flagged, suffix = flagged[order], suffix[order]
    first_labels = rows["label"].to_numpy()[order[bounds[:-1]]]
    unit_text = _template_literal(unit)
    # Monthly periods ("2024-01") make a date axis, which %{x} shows with the axis' hoverformat:
    # set to the same text. Other periods ("2024-Q1" categories, "2024" as numbers on a long annual
    # line) are passed again as customdata, shown as they are.
    monthly = set(rows["freq"].unique()) == {"M"}
    period_field = "%{x}" if monthly else "%{customdata}"
    traces = []
    for i, name in enumerate(first_labels):
        part = slice(bounds[i], bounds[i + 1])
        flags, colour = flagged[part], colours[i]
        hover = (f"{_template_literal(name)} · {period_field}: %{{y:{HOVER_NUMBER}}} {unit_text}"
                 + ("%{hovertext}" if flags.any() else "") + "<extra></extra>")
        trace = dict(x=period[part], y=_typed_array(value[part]), name=name, hovertemplate=hover)
        if not monthly:
            trace["customdata"] = period[part]
        if flags.any():
            trace["hovertext"] = suffix[part]
        if annual:
            marker = dict(color=colour, line=dict(color="#fff", width=0.5))
            if flags.any():
                # overlay: white hatching on the bar's own colour (the default, replace, leaves the
                # background transparent, and white hatching on white drew no bar at all)
                marker["pattern"] = dict(shape=np.where(flags, "/", ""), fgcolor="#ffffff", fillmode="overlay")
            trace.update(type="bar", marker=marker)
        else:
            # symbols by number (SYMBOL_CODES): a small integer array, not one string per point
            marker = (dict(size=_typed_array(np.where(flags, 8, 5).astype(np.int8)), color=colour,
                           symbol=_typed_array(np.where(flags, SYMBOL_CODES["circle-open"],
                                                        SYMBOL_CODES["circle"]).astype(np.int8)))
                      if flags.any() else dict(size=5, symbol="circle", color=colour))
            trace.update(type="scatter", mode="lines+markers", line=dict(color=colour, width=2.5), marker=marker)
        traces.append(trace)
    layout.update(barmode="stack", showlegend=len(keys) > 1, bargap=0.25)
    layout["yaxis"] = {**layout["yaxis"], "rangemode": "tozero", "title": {"text": unit}, "tickformat": ",~r"}
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": ""}, **({"type": "category"} if annual else {}),
                       **({"hoverformat": "%Y-%m"} if monthly else {})}
    return figure(traces, layout)


def sparkline_svg(values: list, colour: str, width: int = 240, height: int = 64) -> str:
    """A small trend without axes, as SVG markup (the numbers are in the card's text).

    Not a plotly figure: six of them on the overview cost a phone ~0.5 s of script to draw, for a
    picture no one interacts with. Scaled from zero to the largest value, like the charts.
    """
    pad = 4
    top = max((float(v) for v in values), default=0.0) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [(pad + i * step, height - pad - (height - 2 * pad) * float(v) / top) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"{points[0][0]:.1f},{height - pad} {line} {points[-1][0]:.1f},{height - pad}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none">'
            f'<polygon points="{area}" fill="rgba(0,0,0,0.04)"/>'
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" '
            'vector-effect="non-scaling-stroke"/></svg>')


def measures_per_goal_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Measures per strategic goal (`counts`: goal_label, measures)."""
    layout = base_layout(lang, height=80 + 50 * len(counts), showlegend=False, margin=dict(l=10, r=40, t=20, b=30))
    labels = counts["goal_label"].tolist()
    _names_above_bars(layout, labels, 50)
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
        annotations.append(dict(text=_wrap(_shorten(label, 88), 44), xref="paper", yref="paper", x=0, y=top,
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
