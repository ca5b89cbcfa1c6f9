"""The returns page's two additions: which declared series a yearly update will add (series.yml series of
the page's themes that the published data does not hold), and the return rate — third-country nationals
returned ÷ ordered to leave in the same year (Eurostat MIGR_EIRTN ÷ MIGR_EIORD, Bulgaria), which is not a
cohort: those returned in a year are not necessarily the persons ordered to leave in that year.

Pure functions: `upcoming_series(snap, page, lang)`, `return_rate_rows(snap, lang)` (exactly the rows the
chart plots and its downloads hold), `return_rate_figure(rows, options, lang)` and `return_rate_summary`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.ui.charts import ChartData, about_for
from dashboards.store.current import Snapshot
from dashboards.ui.figures import HOVER_NUMBER, THEME_COLOURS, base_layout, empty_figure, figure
from dashboards.i18n import number, t
from dashboards.store.stats import PAGES, select, series_of_page
from etl.contract import declared_series, eurostat_datasets

ORDERED, RETURNED = "tcn_ordered_to_leave", "tcn_returned_following_order"
RATE_CHART = "statistics-returns-rate"


def upcoming_series(snap: Snapshot, page: str, lang: str) -> list[dict]:
    """Series declared for the page's themes (etl/statistics/series.yml) with no published rows, in
    declaration order, each with where a yearly update takes it from (a mapped Eurostat dataset and the
    fetch command, or the staff template of the reporting institution)."""
    return snap.cached(("returns.upcoming", page, lang), lambda: _upcoming(snap, page, lang))


def _upcoming(snap: Snapshot, page: str, lang: str) -> list[dict]:
    present = set(series_of_page(snap, page)["series"])
    datasets: dict[str, list[str]] = {}
    for dataset, series in eurostat_datasets().items():
        datasets.setdefault(series, []).append(dataset)
    institutions = dict(zip(snap["institutions"]["code"],
                            snap["institutions"]["name_en" if lang == "en" else "name_bg"]))
    out = []
    for s in declared_series():
        code = s["series"]
        if s["theme"] not in PAGES[page]["themes"] or code in present:
            continue
        command = None
        if code in datasets:
            source = t("stats.upcoming_eurostat", lang, datasets=", ".join(datasets[code]))
            command = f"python -m etl fetch eurostat {datasets[code][0]}"
        else:
            source = t("stats.upcoming_staff", lang,
                       institution=institutions.get(s["institution_code"], s["institution_code"] or "—"))
        out.append({"series": code, "name": s["name_en" if lang == "en" else "name_bg"], "source": source,
                    "command": command})
    return out


def return_rate_rows(snap: Snapshot, lang: str) -> pd.DataFrame:
    """One row per year with both Bulgaria's totals: ordered to leave, returned, their ratio in percent
    (years with nobody ordered to leave have no ratio and are left out), and each figure's source row."""
    return snap.cached(("returns.rate", lang), lambda: _rate_rows(snap, lang))


RATE_COLUMNS = ["year", "ordered", "returned", "rate", "flag_ordered", "flag_returned", "source_ordered",
                "source_returned", "source_ids"]


def _rate_rows(snap: Snapshot, lang: str) -> pd.DataFrame:
    codes = set(snap["series"]["series"])
    if ORDERED not in codes or RETURNED not in codes:
        return pd.DataFrame(columns=RATE_COLUMNS)

    def totals(code):
        rows, used = select(snap, code, None, None, lang)
        if used is not None or not len(rows):
            return pd.DataFrame(columns=["year", "value", "flag", "source_ref", "source_id"])
        return rows[rows["freq"] == "A"][["year", "value", "flag", "source_ref", "source_id"]]

    both = totals(ORDERED).merge(totals(RETURNED), on="year", suffixes=("_o", "_r"))
    both = both[both["value_o"].notna() & both["value_r"].notna() & (both["value_o"] > 0)]
    if not len(both):
        return pd.DataFrame(columns=RATE_COLUMNS)
    return pd.DataFrame({
        "year": both["year"].astype(int).to_numpy(), "ordered": both["value_o"].to_numpy(float),
        "returned": both["value_r"].to_numpy(float),
        "rate": (both["value_r"] / both["value_o"] * 100).to_numpy(float),
        "flag_ordered": both["flag_o"].to_numpy(object), "flag_returned": both["flag_r"].to_numpy(object),
        "source_ordered": both["source_ref_o"].to_numpy(object), "source_returned": both["source_ref_r"].to_numpy(object),
        "source_ids": [[a, b] for a, b in zip(both["source_id_o"], both["source_id_r"])],
    }).sort_values("year", kind="stable").reset_index(drop=True)


def rate_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows as the table view and the downloads give them."""
    flag = lambda f: t(f"flag.{f}", lang) if isinstance(f, str) else None  # noqa: E731
    return pd.DataFrame({
        t("rate.col_year", lang): rows["year"].astype(int),
        t("rate.col_ordered", lang): rows["ordered"].astype(float),
        t("rate.col_returned", lang): rows["returned"].astype(float),
        t("rate.col_rate", lang): rows["rate"].astype(float).round(1),
        t("rate.col_flags", lang): ["; ".join(x for x in (flag(a), flag(b)) if x) or None
                                    for a, b in zip(rows["flag_ordered"], rows["flag_returned"])],
        t("rate.col_source", lang): [f"{a}; {b}" for a, b in zip(rows["source_ordered"], rows["source_returned"])],
    })


def return_rate_figure(rows: pd.DataFrame, options: dict, lang: str) -> go.Figure:
    """Return rate per year as bars (percent), the two counts in the hover; a flagged input is hatched."""
    if rows.empty:
        return empty_figure(options.get("empty_message", ""), lang)
    years = rows["year"].astype(int).astype(str).tolist()
    flagged = [isinstance(a, str) or isinstance(b, str) for a, b in zip(rows["flag_ordered"], rows["flag_returned"])]
    note = t("rate.flagged_hover", lang)
    hover = [t("rate.hover", lang, year=y, rate=number(round(r, 1), lang, 1), returned=number(ret, lang),
               ordered=number(o, lang)) + (note if f else "")
             for y, r, ret, o, f in zip(years, rows["rate"], rows["returned"], rows["ordered"], flagged)]
    trace = dict(type="bar", x=years, y=[round(float(v), 1) for v in rows["rate"]],
                 marker=dict(color=options.get("colour", THEME_COLOURS["returns"]),
                             pattern=dict(shape=["/" if f else "" for f in flagged])),
                 text=[f"{number(round(float(v), 1), lang, 1)} %" for v in rows["rate"]], textposition="outside",
                 cliponaxis=False, hovertext=hover, hoverinfo="text", name=t("rate.axis", lang), showlegend=False)
    layout = base_layout(lang, height=options.get("height", 360))
    top = float(np.nanmax(rows["rate"].to_numpy(float)))
    layout["xaxis"] = {**layout["xaxis"], "type": "category"}
    layout["yaxis"] = {**layout["yaxis"], "title": {"text": t("rate.axis", lang)}, "ticksuffix": " %",
                       "range": [0, max(top * 1.2, 10)], "hoverformat": HOVER_NUMBER}
    return figure([trace], layout)


def return_rate_summary(rows: pd.DataFrame, lang: str) -> str:
    if rows.empty:
        return t("rate.summary_none", lang)
    last = rows.iloc[-1]
    text = t("rate.summary", lang, year=int(last["year"]), returned=number(last["returned"], lang),
             ordered=number(last["ordered"], lang), rate=number(round(float(last["rate"]), 1), lang, 1))
    if len(rows) > 1:
        low, high = rows.loc[rows["rate"].idxmin()], rows.loc[rows["rate"].idxmax()]
        text += " " + t("rate.summary_range", lang, first=int(rows["year"].iloc[0]), last=int(last["year"]),
                        low=number(round(float(low["rate"]), 1), lang, 1), low_year=int(low["year"]),
                        high=number(round(float(high["rate"]), 1), lang, 1), high_year=int(high["year"]))
    return text + " " + t("rate.not_cohort", lang)


def rate_chart_data(snap: Snapshot, query: dict, lang: str) -> ChartData | None:
    """The return-rate chart (page, downloads and embed alike); None while either series is missing."""
    rows = return_rate_rows(snap, lang)
    if rows.empty:
        return None
    title = t("rate.title", lang)
    ids = [sid for pair in rows["source_ids"] for sid in pair]
    about = about_for(snap, lang, title, ids, "/statistics/returns", query, definition=t("rate.definition", lang),
                      filters=[(t("stats.years", lang), f"{int(rows['year'].iloc[0])}–{int(rows['year'].iloc[-1])}")])
    # rows, table, figure and summary depend on the data version and language only: built once per version
    table = lambda: snap.cached(("returns.rate_table", lang), lambda: rate_table(rows, lang))  # noqa: E731
    fig = lambda: snap.cached(("returns.rate_figure", lang),  # noqa: E731
                              lambda: return_rate_figure(rows, {"colour": THEME_COLOURS["returns"]}, lang))
    summary = snap.cached(("returns.rate_summary", lang), lambda: return_rate_summary(rows, lang))
    return ChartData(table, about, "/statistics/returns", fig, summary)
