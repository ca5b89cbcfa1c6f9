"""Bulgaria among the reporting countries: the rows each chart of /europe shows.

Pure selections over a published snapshot: a series' totals (no breakdown set) for every
reporting country (`geo`), per data version; then, for a view (series, period, compared
countries), the rows of the map, the ranking, Bulgaria's share of the EU-27 total and the lines
compared. Each is registered as a chart (dashboards/ui/charts.py), so the page, its table views,
the CSV/XLSX downloads and the embed show the same rows. Country names are Babel's (CLDR)
territory names in the page language; Eurostat's aggregates are named from the locale files.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

from dashboards.ui.charts import ChartData, about_for, register_chart
from dashboards.ui.params import Param, parse
from dashboards.store.current import Snapshot
from dashboards.i18n import has, number, percent, t
from dashboards.ui.maps import choropleth_figure, compare_figure, ranking_figure, share_figure
from dashboards.store.plans import label_column
from dashboards.store.query import rows_where, select, where
from dashboards.store.stats import DIMENSIONS, _country_names
from etl.contract import BULGARIA

EU27 = "EU27_2020"
AGGREGATES = (EU27, "EU28")
NEIGHBOURS = ("GRC", "ROU", "TUR", "SRB", "MKD")
MAX_COMPARED = 6
CHARTS = ("europe-map", "europe-ranking", "europe-share", "europe-compare")
COLUMNS = ["geo", "period", "year", "freq", "value", "flag", "unit", "source_id", "source_ref"]


def country_name(geo: str, lang: str) -> str:
    key = f"europe.geo_{geo}"
    return t(key, lang) if has(key, lang) else _country_names(lang).get(geo, geo)


def totals(snap: Snapshot, series: str) -> pd.DataFrame:
    """Every reporting country's totals of `series` as published, in (geo, period) order."""
    def compute():
        bare = [where("series", value=series)] + [where(d, "isnull", True) for d in DIMENSIONS]
        part = rows_where(snap["observations"], "observations", bare, snap.compact.get("observations"))
        rows = snap.rows("observations", part, COLUMNS)
        return rows.sort_values(["geo", "period"], kind="stable").reset_index(drop=True)
    return snap.cached(("europe.totals", series), compute)


def series_codes(snap: Snapshot) -> list[str]:
    """Series with totals for Bulgaria and at least one other reporting country."""
    def compute():
        obs = snap["observations"]
        bare = select(obs, "observations", [where(d, "isnull", True) for d in DIMENSIONS], snap.compact.get("observations"))
        pairs = pd.DataFrame({"series": obs["series"].to_numpy()[bare].astype(str),
                              "geo": obs["geo"].to_numpy()[bare].astype(str)}).drop_duplicates()
        counts = pairs.groupby("series")["geo"].agg(lambda g: (BULGARIA in set(g), len(set(g))))
        return sorted(code for code, (has_bg, n) in counts.items() if has_bg and n > 1)
    return snap.cached("europe.series", compute)


def periods(snap: Snapshot, series: str) -> list[str]:
    def compute():
        rows = totals(snap, series)
        return sorted(set(rows.loc[rows["geo"] == BULGARIA, "period"]))
    return snap.cached(("europe.periods", series), compute)


def geos(snap: Snapshot, series: str) -> frozenset:
    """Every geo with totals of the series (countries and aggregates)."""
    return snap.cached(("europe.geos_of", series), lambda: frozenset(totals(snap, series)["geo"]))


def countries(snap: Snapshot, series: str) -> list[str]:
    """The series' reporting countries (no aggregates), any period."""
    return snap.cached(("europe.countries", series), lambda: sorted(geos(snap, series) - set(AGGREGATES)))


def _all_geos(snap: Snapshot) -> set:
    return snap.cached("europe.geos", lambda: set(snap["observations"]["geo"].astype(str).unique()))


def params(snap_of) -> list[Param]:
    return [Param("series", choices=lambda: set(series_codes(snap_of()))),
            Param("period"),
            Param("compare", many=True, choices=lambda: _all_geos(snap_of()))]


def resolve(snap: Snapshot, state: dict) -> dict:
    """The effective view: a series with other countries, one of its periods (latest by default),
    compared countries it has (Bulgaria's neighbours and the EU-27 total by default)."""
    codes = series_codes(snap)
    if not codes:
        return {"series": None}
    series = state["series"] if state["series"] in codes else ("asylum_applicants" if "asylum_applicants" in codes else codes[0])
    known = periods(snap, series)
    period = state["period"] if state["period"] in known else known[-1]
    present = geos(snap, series) - {BULGARIA}
    chosen = [g for g in (state["compare"] or []) if g in present][:MAX_COMPARED]
    if not state["compare"]:
        chosen = [g for g in NEIGHBOURS + (EU27,) if g in present][:MAX_COMPARED]
    return {"series": series, "period": period, "periods": known, "compare": chosen}


def role(geo: str) -> str:
    return "bulgaria" if geo == BULGARIA else "eu" if geo in AGGREGATES else "neighbour" if geo in NEIGHBOURS else "other"


def map_rows(snap: Snapshot, view: dict, lang: str) -> pd.DataFrame:
    """One row per reporting country of the series; value NaN where it has none for the period."""
    rows = totals(snap, view["series"])
    at = rows[rows["period"] == view["period"]].set_index("geo")
    out = pd.DataFrame({"iso3": countries(snap, view["series"])})
    out["name"] = [country_name(g, lang) for g in out["iso3"]]
    for column in ("value", "flag", "unit", "source_id", "source_ref"):
        out[column] = out["iso3"].map(at[column]) if len(at) else None
    out["value"] = out["value"].astype(float)
    return out.sort_values("name", kind="stable").reset_index(drop=True)


def ranking_rows(snap: Snapshot, view: dict, lang: str) -> pd.DataFrame:
    """Countries with a value for the period, largest first, and the EU-27 total first when published."""
    rows = totals(snap, view["series"])
    at = rows[(rows["period"] == view["period"]) & rows["value"].notna() & (rows["geo"] != "EU28")]
    at = at.assign(name=[country_name(g, lang) for g in at["geo"]], role=[role(g) for g in at["geo"]],
                   _eu=at["geo"] != EU27)
    return at.sort_values(["_eu", "value"], ascending=[True, False], kind="stable").drop(columns="_eu").reset_index(drop=True)


def share_rows(snap: Snapshot, view: dict) -> pd.DataFrame:
    """Per period with both published: Bulgaria's value, the EU-27 total and the share (0..1)."""
    rows = totals(snap, view["series"])
    bg = rows[rows["geo"] == BULGARIA].set_index("period")
    eu = rows[rows["geo"] == EU27].set_index("period")
    both = sorted(set(bg.index) & set(eu.index))
    out = pd.DataFrame({"period": both, "bulgaria": bg.loc[both, "value"].to_numpy(dtype=float),
                        "eu27": eu.loc[both, "value"].to_numpy(dtype=float)})
    out["share"] = np.where(out["eu27"] > 0, out["bulgaria"] / out["eu27"].where(out["eu27"] > 0), np.nan)
    out["source_id"] = bg.loc[both, "source_id"].to_numpy() if both else []
    return out[out["share"].notna()].reset_index(drop=True)


def compare_rows(snap: Snapshot, view: dict, lang: str) -> pd.DataFrame:
    rows = totals(snap, view["series"])
    chosen = [BULGARIA] + view["compare"]
    part = rows[rows["geo"].isin(chosen)]
    part = part.assign(name=[country_name(g, lang) for g in part["geo"]], role=[role(g) for g in part["geo"]],
                       _order=part["geo"].map({g: i for i, g in enumerate(chosen)}))
    return part.sort_values(["_order", "period"], kind="stable").drop(columns="_order").reset_index(drop=True)


def series_row(snap: Snapshot, code: str) -> dict:
    return snap.cached(("europe.series_row", code),
                       lambda: snap["series"].set_index("series").loc[code].to_dict())


def _table(frame: pd.DataFrame, columns: list[tuple[str, str]], lang: str) -> pd.DataFrame:
    """The rows as table views and downloads give them: (source column, header key) pairs."""
    out = pd.DataFrame({t(key, lang): frame[col].to_numpy() for col, key in columns})
    for col, key in columns:
        if col == "flag":
            out[t(key, lang)] = [t(f"flag.{f}", lang) if isinstance(f, str) and f else None for f in frame[col]]
    return out


def _parts(snap: Snapshot, which: str, view: dict, lang: str) -> dict:
    """What one chart shows for a resolved view: rows as the table gives them, figure, summary, title."""
    s = series_row(snap, view["series"])
    name, unit = s[label_column(lang)], t(f"unit.{s['unit']}", lang)
    period = view["period"]
    filters = [(t("stats.series", lang), name), (t("europe.period", lang), period)]
    empty = t("europe.empty", lang, period=period)
    if which == "europe-map":
        rows = map_rows(snap, view, lang)
        title = t("europe.map_title", lang, name=name, period=period)
        table = lambda: _table(rows, [("iso3", "europe.col_code"), ("name", "europe.col_country"), ("value", "stats.col_value"),  # noqa: E731
                                      ("flag", "stats.col_flag"), ("source_ref", "stats.col_source")], lang)
        fig = lambda: choropleth_figure(rows, {"scope": "europe", "unit_label": unit, "empty_message": empty}, lang)  # noqa: E731
        missing = rows.loc[rows["value"].isna(), "name"].tolist()
        summary = t("europe.map_summary", lang, n=number(int(rows["value"].notna().sum()), lang), period=period) + (
            " " + t("europe.map_missing", lang, names=", ".join(missing)) if missing else "")
        sources = rows["source_id"]
    elif which == "europe-ranking":
        rows = ranking_rows(snap, view, lang)
        title = t("europe.ranking_title", lang, name=name, period=period)
        table = lambda: _table(rows, [("geo", "europe.col_code"), ("name", "europe.col_country"), ("value", "stats.col_value"),  # noqa: E731
                                      ("flag", "stats.col_flag"), ("source_ref", "stats.col_source")], lang)
        fig = lambda: ranking_figure(rows, {"unit_label": unit, "empty_message": empty}, lang)  # noqa: E731
        ranked = rows[rows["role"] != "eu"].reset_index(drop=True)
        place = ranked.index[ranked["geo"] == BULGARIA]
        summary = (t("europe.ranking_summary", lang, period=period, place=int(place[0]) + 1, n=len(ranked),
                     value=number(ranked.loc[place[0], "value"], lang), unit=unit,
                     top=ranked.loc[0, "name"], top_value=number(ranked.loc[0, "value"], lang))
                   if len(place) else t("europe.ranking_no_bg", lang, period=period))
        sources = rows["source_id"]
    elif which == "europe-share":
        rows = share_rows(snap, view)
        title = t("europe.share_title", lang, name=name)
        table = lambda: pd.DataFrame({t("stats.col_period", lang): rows["period"],  # noqa: E731
                                      t("europe.col_bulgaria", lang): rows["bulgaria"],
                                      t("europe.col_eu27", lang): rows["eu27"],
                                      t("europe.col_share", lang): (rows["share"] * 100).round(2)})
        fig = lambda: share_figure(rows, {"empty_message": t("europe.share_empty", lang)}, lang)  # noqa: E731
        summary = (t("europe.share_summary", lang, first=rows["period"].iloc[0], last=rows["period"].iloc[-1],
                     share=percent(rows["share"].iloc[-1], lang, 1), high=percent(rows["share"].max(), lang, 1),
                     high_period=rows.loc[rows["share"].idxmax(), "period"])
                   if len(rows) else t("europe.share_empty", lang))
        sources = rows["source_id"]
        filters = filters[:1]
    else:
        rows = compare_rows(snap, view, lang)
        title = t("europe.compare_title", lang, name=name)
        table = lambda: _table(rows, [("period", "stats.col_period"), ("geo", "europe.col_code"), ("name", "europe.col_country"),  # noqa: E731
                                      ("value", "stats.col_value"), ("flag", "stats.col_flag"),
                                      ("source_ref", "stats.col_source")], lang)
        fig = lambda: compare_figure(rows, {"unit_label": unit, "empty_message": empty}, lang)  # noqa: E731
        names = list(dict.fromkeys(rows["name"]))
        summary = t("europe.compare_summary", lang, names=", ".join(names))
        sources = rows["source_id"]
        filters = [filters[0], (t("europe.compare", lang), ", ".join(names))]
    source_ids = [sid for sid in pd.Series(sources, dtype=object).dropna().unique() if isinstance(sid, str)]
    return {"table": table(), "figure": fig(), "summary": summary, "title": title, "filters": filters,
            "source_ids": source_ids, "unit": unit, "definition": s[f"definition_{'en' if lang == 'en' else 'bg'}"]}


_PARTS: OrderedDict = OrderedDict()
_PARTS_KEPT = 256     # views (series x period x countries compared x language): bounded, as URLs choose them
_parts_lock = threading.Lock()


def _cached_parts(snap: Snapshot, which: str, view: dict, lang: str) -> dict:
    key = (snap.version, which, view["series"], view["period"], tuple(view["compare"]), lang)
    with _parts_lock:
        if key in _PARTS:
            _PARTS.move_to_end(key)
            return _PARTS[key]
    parts = _parts(snap, which, view, lang)
    with _parts_lock:
        _PARTS[key] = parts
        while len(_PARTS) > _PARTS_KEPT:
            _PARTS.popitem(last=False)
    return parts


def chart(snap: Snapshot, which: str, query: dict, lang: str) -> ChartData | None:
    """ChartData of one of the four charts for a view (page, downloads and embed alike)."""
    view = resolve(snap, parse({**query, "lang": lang}, params(lambda: snap)))
    if view["series"] is None:
        return None
    parts = _cached_parts(snap, which, view, lang)
    about = about_for(snap, lang, parts["title"], parts["source_ids"], "/europe", query,
                      definition=parts["definition"], filters=parts["filters"])
    data = ChartData(parts["table"], about, "/europe", lambda: parts["figure"], parts["summary"])
    data.title, data.view, data.unit, data.source_ids = parts["title"], view, parts["unit"], parts["source_ids"]
    return data


for _which in CHARTS:
    register_chart(_which, lambda snap, query, lang, _w=_which: chart(snap, _w, query, lang))
