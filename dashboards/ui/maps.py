"""Figures of /europe and the citizenship maps: pure functions (rows, options, lang) -> go.Figure.

Maps are plotly's geo choropleths drawn with the topojson this site serves (assets/topojson/;
the graphs' `topojsonURL`, dashboards/ui/components/chart.py). A country without a value is drawn
as its own grey layer named in the legend and hover ("no value"), never coloured as zero.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.ui.figures import base_layout, empty_figure, figure
from dashboards.i18n import number, percent, t

BULGARIA_COLOUR, NEIGHBOUR_COLOUR, EU_COLOUR, OTHER_COLOUR = "#b35c00", "#0072b2", "#1b1f24", "#a9b4c2"
NO_VALUE_COLOUR = "#c2c8d0"
# sequential, colour-blind safe (light to dark blue), from the Okabe–Ito blue
SCALE = [[0.0, "#eef4fa"], [0.25, "#b9d3ea"], [0.5, "#6aa3d2"], [0.75, "#2a72b0"], [1.0, "#0b3f73"]]


def _hover(names, values, unit: str, lang: str, flags=None) -> list[str]:
    flags = flags if flags is not None else [None] * len(names)
    return [f"{n}: {number(v, lang)} {unit}" + (f" ({t('flag.' + f, lang)})" if isinstance(f, str) and f else "")
            for n, v, f in zip(names, values, flags)]


def choropleth_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """rows: iso3, name, value (NaN: no value), flag. options: scope ("europe" or "world"), unit_label,
    empty_message, height."""
    have = rows[rows["value"].notna()]
    if have.empty:
        return empty_figure(options.get("empty_message", ""), lang)
    unit = options.get("unit_label", "")
    missing = rows[rows["value"].isna()]
    values = have["value"].to_numpy(np.float64)
    # a log-like colour scale: migration figures span four orders of magnitude between countries
    z = np.log10(np.maximum(values, 0) + 1)
    ticks = [v for v in (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000) if v <= values.max() * 1.01] or [1]
    traces = [dict(type="choropleth", locationmode="ISO-3", locations=have["iso3"].tolist(), z=z.tolist(),
                   zmin=0, zmax=float(max(z.max(), 1)), colorscale=SCALE,
                   marker=dict(line=dict(color="#ffffff", width=0.6)),
                   hovertext=_hover(have["name"], values, unit, lang, have.get("flag")), hoverinfo="text",
                   name=unit, showscale=True,
                   colorbar=dict(title=dict(text=unit, side="right"), thickness=12, len=0.75,
                                 tickvals=[float(np.log10(v + 1)) for v in ticks],
                                 ticktext=[number(v, lang) for v in ticks]))]
    if len(missing):
        traces.append(dict(type="choropleth", locationmode="ISO-3", locations=missing["iso3"].tolist(),
                           z=[0] * len(missing), colorscale=[[0, NO_VALUE_COLOUR], [1, NO_VALUE_COLOUR]],
                           showscale=False, marker=dict(line=dict(color="#8a939e", width=0.6)),
                           hovertext=[f"{n}: {t('europe.no_value', lang)}" for n in missing["name"]],
                           hoverinfo="text", name=t("europe.no_value", lang), showlegend=True))
    scope = options.get("scope", "europe")
    geo = dict(scope=scope, resolution=50 if scope == "europe" else 110, showframe=False,
               showcoastlines=False, showcountries=True, countrycolor="#ffffff", showland=True,
               landcolor="#f1f3f5", bgcolor="#ffffff", projection=dict(type="natural earth" if scope == "world" else "mercator"))
    if scope == "europe":     # Iceland to Cyprus, in the conic projection atlases use for Europe (wider than Mercator)
        geo.update(projection=dict(type="conic equal area", parallels=[43, 62], rotation=dict(lon=12)),
                   lonaxis=dict(range=[-24, 42]), lataxis=dict(range=[34, 71.5]))
    layout = base_layout(lang, height=options.get("height", 520), geo=geo, margin=dict(l=0, r=0, t=10, b=10),
                         legend=dict(orientation="h", x=0, y=0, yanchor="bottom", bgcolor="rgba(255,255,255,.8)"))
    return figure(traces, layout)


def ranking_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """Ranked horizontal bars. rows: name, value, role ("bulgaria", "neighbour", "eu", "other"), flag;
    largest first. Highlighted bars are named in the hover and have their value written beside them."""
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return empty_figure(options.get("empty_message", ""), lang)
    unit = options.get("unit_label", "")
    ordered = rows.iloc[::-1]          # plotly draws the first category at the bottom
    colour = {"bulgaria": BULGARIA_COLOUR, "neighbour": NEIGHBOUR_COLOUR, "eu": EU_COLOUR, "other": OTHER_COLOUR}
    shown = ordered["role"] != "other"
    names = [f"<b>{n}</b>" if r == "bulgaria" else n for n, r in zip(ordered["name"], ordered["role"])]
    trace = dict(type="bar", orientation="h", y=names, x=ordered["value"].tolist(),
                 marker=dict(color=[colour[r] for r in ordered["role"]],
                             pattern=dict(shape=["/" if isinstance(f, str) and f not in ("", "rounded") else ""
                                                 for f in ordered["flag"]])),
                 text=[number(v, lang) if s else "" for v, s in zip(ordered["value"], shown)],
                 textposition="outside", cliponaxis=False,
                 hovertext=_hover(ordered["name"], ordered["value"], unit, lang, ordered["flag"]), hoverinfo="text")
    layout = base_layout(lang, height=max(240, 40 + 19 * len(ordered)), showlegend=False, bargap=0.25)
    layout["xaxis"] = {**layout["xaxis"], "title": {"text": unit}, "tickformat": ",~r",
                       "range": [0, float(ordered["value"].max()) * 1.18]}
    layout["yaxis"] = {**layout["yaxis"], "tickfont": {"size": 12}, "automargin": True}
    return figure([trace], layout)


def share_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """Bulgaria's share of the EU-27 total over time. rows: period, share (0..1)."""
    rows = rows[rows["share"].notna()]
    if rows.empty:
        return empty_figure(options.get("empty_message", ""), lang)
    trace = dict(type="scatter", mode="lines+markers", x=rows["period"].astype(str).tolist(),
                 y=(rows["share"] * 100).round(3).tolist(), line=dict(color=BULGARIA_COLOUR, width=2.5),
                 marker=dict(size=6, color=BULGARIA_COLOUR),
                 hovertext=[f"{p}: {percent(s, lang, 1)}" for p, s in zip(rows["period"], rows["share"])],
                 hoverinfo="text", name=t("europe.share_name", lang))
    layout = base_layout(lang, height=320, showlegend=False)
    layout["yaxis"] = {**layout["yaxis"], "rangemode": "tozero", "ticksuffix": " %", "title": {"text": ""}}
    layout["xaxis"] = {**layout["xaxis"], "type": "category"}
    return figure([trace], layout)


def compare_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """Bulgaria against chosen countries over time. rows: period, name, value, role; one line each,
    Bulgaria drawn last (on top) and thicker."""
    rows = rows[rows["value"].notna()]
    if rows.empty:
        return empty_figure(options.get("empty_message", ""), lang)
    unit = options.get("unit_label", "")
    palette = ["#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c7a00", "#000000"]
    names = list(dict.fromkeys(rows.loc[rows["role"] != "bulgaria", "name"]))
    traces = []
    for i, name in enumerate(names + list(dict.fromkeys(rows.loc[rows["role"] == "bulgaria", "name"]))):
        part = rows[rows["name"] == name]
        bulgaria = part["role"].iloc[0] == "bulgaria"
        colour = BULGARIA_COLOUR if bulgaria else palette[i % len(palette)]
        traces.append(dict(type="scatter", mode="lines+markers", name=name, x=part["period"].astype(str).tolist(),
                           y=part["value"].tolist(), line=dict(color=colour, width=3.5 if bulgaria else 2,
                                                               dash="solid" if bulgaria else ["solid", "dot", "dash"][i % 3]),
                           marker=dict(size=5, color=colour),
                           hovertext=_hover([f"{name} · {p}" for p in part["period"]], part["value"], unit, lang),
                           hoverinfo="text"))
    layout = base_layout(lang, height=400, showlegend=True)
    layout["yaxis"] = {**layout["yaxis"], "rangemode": "tozero", "title": {"text": unit}, "tickformat": ",~r",
                       "type": "log" if options.get("log") else "linear"}
    layout["xaxis"] = {**layout["xaxis"], "type": "category"}
    return figure(traces, layout)

