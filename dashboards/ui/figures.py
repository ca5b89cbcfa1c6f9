"""Figure builders: pure functions (data, options, lang) -> go.Figure.

No plotly.express (its per-figure overhead is paid in every callback; docs/DEPLOY.md); no data
loading; no components.
Colours: one per theme, from the Okabe–Ito colour-blind-safe palette (darkened where text sits on
white), the same on every page; the plans' status colours are in plan_figures.py.
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

FONT = "Sofia Sans, Segoe UI, Roboto, Arial, sans-serif"
INK, MUTED, GRID = "#1b1f24", "#565e68", "#e3e7ed"
THEME_COLOURS = {
    "returns": "#b35c00", "readmissions": "#0072b2", "protection": "#007a5a", "trafficking": "#a6417f",
    "asylum": "#4b6a9b", "temporary_protection": "#c04a00", "irregular_migration": "#6b5b00",
}
# Categorical colours for breakdowns (Okabe–Ito order, grey last).
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c7a00", "#000000", "#8a939e"]


def base_layout(lang: str, height: int = 380, **extra) -> dict:
    layout = dict(
        template="none",  # the default template adds its whole theme's JSON to every figure; styling is set here
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
    array form (`_typed_array`), so that was time spent on every long chart for the same JSON
    (docs/DEPLOY.md)."""

    def to_plotly_json(self) -> dict:
        # new outer containers: plotly's __repr__ writes into the layout it is given, and figures
        # are kept (page cache, per-version caches)
        return {"data": list(self._data), "layout": dict(self._layout)}


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """One go.Figure from plain trace and layout dicts, built once and not re-validated property by
    property (that costs many times the build; tests/test_figures.py validates every builder's
    output; docs/DEPLOY.md)."""
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
def wrap_label(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width)
    return "<br>".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def names_above_bars(layout: dict, names: list, row_px: int) -> None:
    """Horizontal bars with each category's name on a line above its bar, not beside it: beside the
    bars, long goal names took most of a phone's width and squeezed the bars to slivers."""
    bar_px = row_px * 0.45
    layout["bargap"] = 0.55
    layout["yaxis"] = {**layout["yaxis"], "showticklabels": False, "autorange": "reversed", "showgrid": False}
    layout["annotations"] = [dict(text=shorten(name, 52), x=0, xref="paper", y=name, yref="y", xanchor="left",
                                  yanchor="bottom", yshift=bar_px / 2, showarrow=False, align="left",
                                  font=dict(size=13, color=INK)) for name in names]


CYRILLIC = re.compile("[\u0400-\u04ff]")


@lru_cache(maxsize=1024)
def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rsplit(" ", 1)[0] + "…"


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
    form plotly.py's to_dict gives numpy arrays — made here, since plotly.py's conversion is slow
    per array and a chart has several arrays per line: the same JSON, made for less
    (docs/DEPLOY.md)."""
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
            type="bar", y=[wrap_label(v, 40) for v in ordered["label"]], x=ordered["value"].tolist(), orientation="h",
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

    Not a plotly figure: as plotly figures, the overview's sparklines cost a phone much script time
    to draw (docs/DEPLOY.md), for a picture no one interacts with. Scaled from zero to the largest
    value, like the charts.
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
