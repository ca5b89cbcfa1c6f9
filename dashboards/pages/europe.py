"""/europe — Bulgaria among the reporting countries: a map of Europe, the countries ranked, Bulgaria's
share of the EU-27 total over time, and Bulgaria's line against chosen countries, for a series and
period chosen in the URL (?series=…&period=…&compare=GRC,ROU)."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards.store import current
from dashboards.ui import europe_views
from dashboards.ui.components.chart import chart_block, source_parts
from dashboards.ui.components.common import native_select
from dashboards.ui.params import parse, sync_url
from dashboards.ui.components.shell import href, page
from dashboards.i18n import number, t
from dashboards.store.plans import label_column
from etl.contract import BULGARIA

dash.register_page(__name__, path="/europe", title="България в Европа")

PARAMS = europe_views.params(current.snapshot)


def _filters(snap, view: dict, lang: str) -> html.Section:
    codes = europe_views.series_codes(snap)
    names = {c: europe_views.series_row(snap, c)[label_column(lang)] for c in codes}
    options = snap.cached(("europe.country_options", view["series"], lang), lambda: _country_options(snap, view["series"], lang))

    def col(label, cid, component, md):
        return dbc.Col([dbc.Label(label, html_for=cid), component], md=md, sm=6, xs=12)

    return html.Section([
        dbc.Row([
            col(t("stats.series", lang), "europe-series",
                native_select("europe-series", [{"value": c, "label": names[c]} for c in codes],
                              view["series"]), 7),
            col(t("europe.period", lang), "europe-period",
                native_select("europe-period", [{"value": p, "label": p} for p in reversed(view["periods"])],
                              view["period"]), 3),
        ], className="g-3"),
        html.Fieldset([
            html.Legend(t("europe.compare", lang), className="form-label europe-compare-legend"),
            dbc.Checklist(id="europe-countries", options=options, value=view["compare"], inline=True,
                          className="europe-countries"),
            html.P(t("europe.compare_hint", lang, n=europe_views.MAX_COMPARED), className="form-text"),
        ], className="mt-3"),
    ], className="filters", role="search", **{"aria-label": t("plan.filters", lang)})


def _country_options(snap, series: str, lang: str) -> list[dict]:
    """The countries Bulgaria can be compared with: the EU-27 total first (when published), then by name."""
    others = sorted(europe_views.geos(snap, series) - {BULGARIA, "EU28"})
    return sorted(({"label": europe_views.country_name(g, lang), "value": g} for g in others),
                  key=lambda o: (o["value"] != europe_views.EU27, o["label"]))


def _block(snap, chart_id: str, query: dict, lang: str, subtitle: str, definition: str | None = None):
    data = europe_views.chart(snap, chart_id, query, lang)
    return chart_block(chart_id, lang, data.title, subtitle, data.figure(), data.summary, data,
                       source_parts(snap, data.source_ids, lang), definition=definition, query=query)


def _share(snap, query: dict, lang: str):
    """The share chart, or a note when Eurostat's file has no EU-27 total to divide by."""
    if europe_views.chart(snap, "europe-share", query, lang).frame.empty:
        return html.Section([html.H2(t("europe.share_heading", lang), className="chart-title"),
                             html.P(t("europe.share_empty", lang), className="empty-state")],
                            className="chart-block", id="europe-share")
    return _block(snap, "europe-share", query, lang, t("europe.share_subtitle", lang))


def layout(**query):
    state = parse(query, PARAMS)
    lang = state["lang"]
    snap = current.snapshot()
    body = [html.H1(t("europe.title", lang)), html.P(t("europe.lead", lang), className="lead")]
    view = europe_views.resolve(snap, state)
    if view["series"] is None:
        body.append(html.P(t("europe.no_series", lang), className="empty-state"))
        return page(lang, "/europe", query, t("europe.title", lang), body)
    s = europe_views.series_row(snap, view["series"])
    unit = t(f"unit.{s['unit']}", lang)
    definition = s[f"definition_{'en' if lang == 'en' else 'bg'}"]
    n = len(europe_views.countries(snap, view["series"]))
    body += [
        _filters(snap, view, lang),
        html.P(t("europe.coverage", lang, n=number(n, lang)), className="chart-meta"),
        _block(snap, "europe-map", query, lang, t("europe.map_subtitle", lang, unit=unit), definition),
        _block(snap, "europe-ranking", query, lang, t("europe.ranking_subtitle", lang, unit=unit)),
        _share(snap, query, lang),
        _block(snap, "europe-compare", query, lang, t("europe.compare_subtitle", lang, unit=unit)),
        html.P(dcc.Link(t("europe.back", lang), href=href("/statistics/asylum", lang))),
    ]
    return page(lang, "/europe", query, t("europe.title", lang), body)


sync_url(PARAMS, {"series": ("europe-series", "value"), "period": ("europe-period", "value"),
                  "compare": ("europe-countries", "value")})
