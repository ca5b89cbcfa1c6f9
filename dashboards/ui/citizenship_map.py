"""Where applicants come from: a world map of the countries of origin of the asylum decisions taken in
Bulgaria in a year (UNHCR's decisions by origin: the total of every decision type per country of origin),
on /statistics/asylum and /statistics/protection.

Registered as the chart `citizenship-map` (page, table view, downloads and embed show the same rows).
Eurostat's files at hand hold no citizenship breakdown of applicants (only totals); when a
published series gains one, `SERIES` is where it is named.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards.ui.charts import ChartData, about_for, register_chart
from dashboards.ui.params import Param, parse
from dashboards.store.current import Snapshot
from dashboards.i18n import number, t
from dashboards.ui.maps import choropleth_figure
from dashboards.store.query import rows_where, where
from dashboards.store.stats import DIMENSIONS, OTHER, value_label
from etl.contract import BULGARIA

CHART = "citizenship-map"
SERIES = "asylum_decisions_unhcr"
PARAMS = [Param("year", kind=int, low=1990, high=2100), Param("to", kind=int, low=1990, high=2100)]


def _by_origin(snap: Snapshot) -> pd.DataFrame:
    """Bulgaria's rows of SERIES split by citizenship alone (each origin's total of every decision type)."""
    def compute():
        only = [where("series", value=SERIES), where("geo", value=BULGARIA), where("citizenship", "isnull", False)]
        only += [where(d, "isnull", True) for d in DIMENSIONS if d != "citizenship"]
        part = rows_where(snap["observations"], "observations", only, snap.compact.get("observations"))
        return snap.rows("observations", part, ["year", "citizenship", "value", "source_id", "source_ref"])
    return snap.cached("citizenship.by_origin", compute)


def years(snap: Snapshot) -> list[int]:
    return snap.cached("citizenship.years", lambda: sorted({int(y) for y in _by_origin(snap)["year"]}))


def map_rows(snap: Snapshot, year: int, lang: str) -> pd.DataFrame:
    """One row per country of origin with decisions in `year` (UNHCR's total of every decision type)."""
    def compute():
        rows = _by_origin(snap)
        rows = rows[(rows["year"] == year) & (rows["citizenship"] != OTHER)]
        grouped = rows.groupby("citizenship", sort=True).agg(value=("value", "sum"), source_id=("source_id", "first"),
                                                              source_ref=("source_ref", "first"))
        out = grouped.reset_index().rename(columns={"citizenship": "iso3"})
        out.insert(1, "name", [value_label("citizenship", c, lang) for c in out["iso3"]])
        out["flag"] = None
        return out.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
    return snap.cached(("citizenship.map", year, lang), compute)


def _table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("europe.col_code", lang): rows["iso3"], t("origin.col_origin", lang): rows["name"],
                         t("stats.col_value", lang): rows["value"].astype(float),
                         t("stats.col_source", lang): rows["source_ref"]})


def year_for(snap: Snapshot, query: dict) -> int | None:
    """The year a view shows: `year`, else the page's last year (`to`), if published; else the latest."""
    known = years(snap)
    if not known:
        return None
    state = parse(query, PARAMS)
    wanted = state["year"] or state["to"]
    return wanted if wanted in known else known[-1]


def chart(snap: Snapshot, query: dict, lang: str) -> ChartData | None:
    year = year_for(snap, query)
    if year is None:
        return None
    rows = map_rows(snap, year, lang)
    title = t("origin.title", lang, year=year)
    unit = t("unit.persons", lang)
    top = rows.head(3)
    summary = (t("origin.summary", lang, year=year, n=number(len(rows), lang),
                 total=number(float(np.nansum(rows["value"])), lang),
                 top=", ".join(f"{n} ({number(v, lang)})" for n, v in zip(top["name"], top["value"])))
               if len(rows) else t("origin.empty", lang, year=year))
    about = about_for(snap, lang, title, list(rows["source_id"].dropna().unique()), "/statistics/protection",
                      {**query, "year": str(year)}, definition=t("origin.definition", lang),
                      filters=[(t("stats.years", lang), str(year))])
    table, fig = snap.cached(("citizenship.drawn", year, lang), lambda: (_table(rows, lang), choropleth_figure(
        rows, {"scope": "world", "unit_label": unit, "height": 460, "empty_message": t("origin.empty", lang, year=year)}, lang)))
    data = ChartData(table, about, "/statistics/protection", lambda: fig, summary)
    data.year, data.source_ids = year, list(rows["source_id"].dropna().unique())
    return data


register_chart(CHART, chart)
