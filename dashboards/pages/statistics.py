"""/statistics/<page> — asylum, protection, returns, readmissions, trafficking: a series over the
years chosen, split by the breakdown chosen, with its definition, source, flags, the plan
measures that act on it, and the same rows as a table."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.charts import ChartData, about_for, register_chart
from dashboards.ui.components.chart import chart_block, source_parts
from dashboards.ui.components.common import institution_links, native_select, not_found
from dashboards.ui.params import Param, parse, sync_url
from dashboards.ui.components.shell import href, page
from dashboards.ui.figures import THEME_COLOURS, statistics_figure
from dashboards.i18n import number, t
from dashboards.store.plans import label_column, measure_title
from dashboards.ui import citizenship_map
from dashboards import site
from dashboards.ui.returns import RATE_CHART, rate_chart_data, return_rate_rows, upcoming_series
from dashboards.store.stats import DIMENSIONS, PAGES, breakdowns_for, select, series_of_page, year_span
from dashboards.ui.summaries import statistics_summary

dash.register_page(__name__, path_template="/statistics/<theme>", title="Статистика", nav_order=2,
                   nav_key="nav.statistics", nav_href="/statistics/asylum", nav_prefix="/statistics")


def _series_codes() -> set:
    return set(_series_info(current.snapshot()))


# Per-version lookups (one pandas pass per version instead of one per render: a render is short,
# and each set_index / isin / boolean filter, even on a small frame, has a fixed cost that is a
# visible share of it; docs/DEPLOY.md).
def _series_info(snap) -> dict:
    """series code -> its registry row (dict)."""
    return snap.cached("statistics.series_info", lambda: {r["series"]: r for r in snap["series"].to_dict("records")})


def _institution_names(snap, lang: str) -> dict:
    return snap.cached(("statistics.institution_names", lang),
                       lambda: dict(zip(snap["institutions"]["code"], snap["institutions"][label_column(lang)])))


def _related_measures(snap, code: str, lang: str) -> list[tuple[str, str]]:
    """(link text, measure id) of the plan measures acting on series `code`."""
    def compute():
        measures = snap["measures"]
        related = measures[measures["measure_id"].isin(list(_series_info(snap)[code]["measure_ids"]))]
        return [(f"{m['number'].rstrip('.')}. {title}", m["measure_id"])
                for m, title in zip(related.to_dict("records"), measure_title(related, lang))]
    return snap.cached(("statistics.related_measures", code, lang), compute)


PARAMS = [
    Param("series", choices=_series_codes),
    Param("by", choices=lambda: set(DIMENSIONS) | {"total"}),
    Param("from", kind=int, low=1990, high=2100),
    Param("to", kind=int, low=1990, high=2100),
    Param("top", kind=int, low=3, high=20, default=8),
]


def resolve(snap, page_name: str, state: dict) -> dict:
    """The page's effective choices: a series of this page, a breakdown it has, years it covers."""
    series = series_of_page(snap, page_name)
    code = state["series"] if state["series"] in set(series["series"]) else PAGES[page_name]["default"]
    if code not in set(series["series"]):
        code = series["series"].iloc[0] if len(series) else None
    span = year_span(snap, code) if code else None
    start = state["from"] if state["from"] and span and span[0] <= state["from"] <= span[1] else (span[0] if span else None)
    end = state["to"] if state["to"] and span and start <= state["to"] <= span[1] else (span[1] if span else None)
    default_by = PAGES[page_name].get("by") if code == PAGES[page_name]["default"] else None
    by = None if state["by"] == "total" else (state["by"] or default_by)
    return {"series": code, "span": span, "years": (start, end) if span else None, "by": by, "top": state["top"]}


def chart_rows(snap, page_name: str, state: dict) -> tuple[pd.DataFrame, dict, str | None]:
    """The rows the page's chart shows (also the rows the download gives)."""
    choice = resolve(snap, page_name, state)
    if not choice["series"]:
        return pd.DataFrame(), choice, None
    rows, used = select(snap, choice["series"], choice["by"], choice["years"], state["lang"], top=choice["top"])
    return rows, choice, used


def table_of(rows: pd.DataFrame, used: str | None, lang: str) -> pd.DataFrame:
    """The rows as the table view and the downloads give them: typed values, a flag column."""
    units = {u: t(f"unit.{u}", lang) for u in set(rows["unit"])}           # translated once per value
    flags = {f: t(f"flag.{f}", lang) for f in set(rows["flag"]) if isinstance(f, str)}
    return pd.DataFrame({
        t("stats.col_period", lang): rows["period"],
        (t(f"stats.by_{used}", lang) if used else t("stats.col_series", lang)): rows["label"],
        t("stats.col_value", lang): rows["value"].astype(float),
        t("stats.col_unit", lang): [units[u] for u in rows["unit"]],
        t("stats.col_flag", lang): [flags[f] if isinstance(f, str) else None for f in rows["flag"]],
        t("stats.col_source", lang): rows["source_ref"],
    })


def chart_data(snap, theme: str, query: dict, lang: str) -> ChartData | None:
    """What the statistics chart of `theme` shows for `query` (page, downloads and embed alike)."""
    return build(snap, theme, query, lang)[3] if theme in PAGES else None


def build(snap, theme: str, query: dict, lang: str):
    """(rows, choice, breakdown used, ChartData) for the statistics chart of `theme`."""
    state = parse({**query, "lang": lang}, PARAMS)
    rows, choice, used = chart_rows(snap, theme, state)
    if choice["series"] is None:
        return rows, choice, used, None
    s = _series_info(snap)[choice["series"]]
    title = s[label_column(lang)] + (t(f"stats.split_by_{used}", lang) if used else "")
    start, end = choice["years"]
    filters = [(t("stats.series", lang), s[label_column(lang)]),
               (t("stats.breakdown", lang), t(f"stats.by_{used}", lang) if used else t("stats.by_total", lang)),
               (t("stats.years", lang), f"{start}–{end}")]
    about = about_for(snap, lang, title, _source_ids(rows), f"/statistics/{theme}", query,
                      definition=s[f"definition_{'en' if lang == 'en' else 'bg'}"], filters=filters)
    unit = t(f"unit.{s['unit']}", lang)
    figure = lambda: statistics_figure(rows, {"colour": THEME_COLOURS.get(s["theme"], "#0072b2"), "unit_label": unit,  # noqa: E731
                                              "empty_message": t("stats.empty", lang, first=start, last=end)}, lang)
    return rows, choice, used, ChartData(lambda: table_of(rows, used, lang), about, f"/statistics/{theme}", figure,
                                         statistics_summary(rows, s[label_column(lang)], unit, used, lang),
                                         preview=lambda n: (table_of(rows.head(n), used, lang), len(rows)))


for _theme in PAGES:
    register_chart(f"statistics-{_theme}", lambda snap, query, lang, _t=_theme: chart_data(snap, _t, query, lang))
register_chart(RATE_CHART, rate_chart_data)


def _return_rate(snap, lang: str, query: dict) -> html.Section | None:
    """Returned ÷ ordered to leave, same year (not a cohort), when both series are published."""
    data = rate_chart_data(snap, query, lang)
    if data is None:
        return None
    ids = [sid for pair in return_rate_rows(snap, lang)["source_ids"] for sid in pair]
    return chart_block(RATE_CHART, lang, t("rate.title", lang), t("rate.subtitle", lang), data.figure(), data.summary,
                       data, _sources(snap, pd.DataFrame({"source_id": ids}), lang),
                       definition=t("rate.definition", lang), query=query)


def _origin_map(snap, lang: str, query: dict) -> html.Section | None:
    """A world map of the decisions' countries of origin (UNHCR), for the page's last year when it has one.
    Its view is the year alone, so the block is made once per version, year, language and site address."""
    year = citizenship_map.year_for(snap, query)
    if year is None:
        return None

    def build():
        own = {"year": str(year), **({"lang": lang} if lang != "bg" else {})}
        data = citizenship_map.chart(snap, own, lang)
        return chart_block(citizenship_map.CHART, lang, data.about.title, t("origin.subtitle", lang), data.figure(),
                           data.summary, data, source_parts(snap, data.source_ids, lang),
                           definition=t("origin.definition", lang), query=own)
    return snap.cached(("statistics.origin_map", year, lang, site.base_url()), build)


def _upcoming(snap, theme: str, lang: str) -> html.Section | None:
    """The declared series of the page's themes a yearly update will add (none published yet)."""
    if not PAGES[theme].get("upcoming"):
        return None
    items = upcoming_series(snap, theme, lang)
    if not items:
        return None
    return html.Section([html.H2(t("stats.upcoming_title", lang)), html.P(t("stats.upcoming_lead", lang)),
                         html.Ul([html.Li([html.Strong(i["name"]), " — ", i["source"]]
                                                  + ([" ", html.Code(i["command"])] if i["command"] else []))
                                          for i in items])],
                        className="upcoming-series", id="upcoming-series")


def _filters(snap, page_name: str, state: dict, choice: dict) -> html.Section:
    lang = state["lang"]
    series = series_of_page(snap, page_name)
    dims = breakdowns_for(snap, choice["series"]) if choice["series"] else []
    years = list(range(choice["span"][0], choice["span"][1] + 1)) if choice["span"] else []

    def col(label, cid, component, md=3):
        return dbc.Col([dbc.Label(label, html_for=cid), component], md=md, sm=6, xs=12)

    return html.Section(dbc.Row([
        col(t("stats.series", lang), "statistics-series",
            native_select("statistics-series", [{"value": s, "label": n} for s, n in zip(series["series"], series[label_column(lang)])],
                          choice["series"]), md=5),
        col(t("stats.breakdown", lang), "statistics-by",
            native_select("statistics-by", [{"value": "total", "label": t("stats.by_total", lang)}]
                          + [{"value": d, "label": t(f"stats.by_{d}", lang)} for d in dims],
                          choice["by"] if choice["by"] in dims else "total")),
        col(t("stats.from", lang), "statistics-from",
            native_select("statistics-from", [{"value": str(y), "label": str(y)} for y in years],
                          str(choice["years"][0]) if years else None), md=2),
        col(t("stats.to", lang), "statistics-to",
            native_select("statistics-to", [{"value": str(y), "label": str(y)} for y in years],
                          str(choice["years"][1]) if years else None), md=2),
    ], className="g-3"), className="filters", role="search", **{"aria-label": t("plan.filters", lang)})


def _source_ids(rows: pd.DataFrame) -> list:
    """The rows' sources in order of first appearance (hashed in C: a monthly chart has thousands of rows)."""
    return list(rows["source_id"].dropna().unique()) if len(rows) else []


def _sources(snap, rows: pd.DataFrame, lang: str) -> list:
    return source_parts(snap, _source_ids(rows), lang)


def _key_figures(snap, page_name: str, lang: str) -> html.Section | None:
    """Figures stated for a single year (e.g. the 2023 figures in the plan's first section)."""
    cards = snap.cached(("key_figures", page_name, lang), lambda: _key_figure_cards(snap, page_name, lang))
    if not cards:
        return None
    return html.Section([html.H2(t("stats.key_figures", lang)), html.P(t("stats.key_figures_lead", lang)),
                         dbc.Row([dbc.Col(html.Div([
                             html.Div(c["label"], className="kpi-label"),
                             html.Div([c["value"], html.Span(f" {c['unit']}", className="kpi-unit")], className="kpi-value"),
                             html.Div(c["note"], className="kpi-note"),
                         ], className="kpi"), md=4, sm=6) for c in cards], className="g-3 kpis")], className="key-figures")


def _key_figure_cards(snap, page_name: str, lang: str) -> list[dict]:
    cards = []
    for s in series_of_page(snap, page_name).to_dict("records"):
        if year_span(snap, s["series"])[0] != year_span(snap, s["series"])[1]:
            continue
        rows, used = select(snap, s["series"], None, None, lang)
        if rows["period"].nunique() != 1:
            continue
        for r in rows.to_dict("records"):
            cards.append({"label": s[label_column(lang)] + ("" if used is None else f" — {r['label']}"),
                          "value": number(r["value"], lang), "unit": t(f"unit.{s['unit']}", lang),
                          "note": f"{r['period']} · {r['source_ref']}"})
    return cards


def layout(theme: str | None = None, **query):
    state = parse(query, PARAMS)
    lang = state["lang"]
    path = f"/statistics/{theme}"
    if theme not in PAGES:
        return not_found(lang, path, query)
    snap = current.snapshot()
    rows, choice, used, data = build(snap, theme, query, lang)
    tabs = html.Nav(html.Ul([html.Li(html.Span(t(f"stats.page_{p}", lang), className="nav-link active", **{"aria-current": "page"})
                                     if p == theme else dcc.Link(t(f"stats.page_{p}", lang), href=href(f"/statistics/{p}", lang),
                                                                 className="nav-link"), className="nav-item")
                             for p in PAGES]
                            + [html.Li(dcc.Link(t("europe.nav", lang), href=href("/europe", lang), className="nav-link stats-europe"),
                                       className="nav-item")], className="nav nav-pills stats-tabs"),
                    **{"aria-label": t("nav.statistics", lang)})
    body = [html.H1(t(f"stats.page_{theme}", lang)), html.P(t(f"stats.lead_{theme}", lang), className="lead"), tabs]
    if choice["series"] is None:
        body.append(html.P(t("stats.no_series", lang), className="empty-state"))
        upcoming = _upcoming(snap, theme, lang)
        if upcoming is not None:
            body.append(upcoming)
        return page(lang, path, query, t(f"stats.page_{theme}", lang), body)
    s = _series_info(snap)[choice["series"]]
    name = s[label_column(lang)]
    unit = t(f"unit.{s['unit']}", lang)
    start, end = choice["years"]
    by_text = t(f"stats.split_by_{used}", lang) if used else ""
    subtitle = t("stats.subtitle", lang, unit=unit, first=start, last=end) + (
        " " + t("stats.reported_by", lang) if isinstance(s["institution_code"], str) else "")
    figure = data.figure()
    inst_names = _institution_names(snap, lang)
    extra = []
    if rows["flag"].notna().any():
        extra.append(html.P(t("stats.flag_legend", lang), className="chart-meta"))
    if isinstance(s["institution_code"], str):
        extra.append(html.P([html.Strong(t("stats.reporting_body", lang) + " "),
                             *institution_links([s["institution_code"]], inst_names, lang)], className="chart-meta"))
    body += [
        _filters(snap, theme, state, choice),
        chart_block(f"statistics-{theme}", lang, f"{name}{by_text}", subtitle, figure,
                    data.summary, data,
                    _sources(snap, rows, lang), definition=s[f"definition_{'en' if lang == 'en' else 'bg'}"], extra=extra,
                    query=query),
    ]
    if theme == "returns" and (rate := _return_rate(snap, lang, query)) is not None:
        body.append(rate)
    if theme in ("asylum", "protection") and (origin := _origin_map(snap, lang, query)) is not None:
        body.append(origin)
    key = _key_figures(snap, theme, lang)
    if key is not None:
        body.append(key)
    upcoming = _upcoming(snap, theme, lang)
    if upcoming is not None:
        body.append(upcoming)
    related = _related_measures(snap, choice["series"], lang)
    body.append(html.H2(t("stats.measures", lang)))
    body.append(html.Ul([html.Li(dcc.Link(text, href=href(f"/plan/measure/{mid}", lang))) for text, mid in related])
                if related else html.P(t("stats.no_measures", lang)))
    return page(lang, path, query, t(f"stats.page_{theme}", lang), body)


sync_url(PARAMS, {"series": ("statistics-series", "value"), "by": ("statistics-by", "value"),
                  "from": ("statistics-from", "value"), "to": ("statistics-to", "value")})
