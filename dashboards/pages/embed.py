"""/embed/<chart_id>?<the page's query> — only the chart, its title, source and a link back,
for an iframe on another site (the only address that may be framed)."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.ui.charts import chart_data, view_query
from dashboards.ui.components.chart import graph_config, is_map
from dashboards.ui.components.common import not_found
from dashboards.ui.params import Param, parse
from dashboards.i18n import day, t

dash.register_page(__name__, path_template="/embed/<chart_id>", title="Графика")
# The chart is the path's <chart_id>; the rest of the query is the view of the chart's own page,
# read by chart_data with that page's PARAMS (the embed adds none of its own).
PARAMS: list[Param] = []


def layout(chart_id: str | None = None, **query):
    lang = parse(query, PARAMS)["lang"]
    data = chart_data(str(chart_id)[:60], query)
    if data is None or data.figure is None:   # a list's download (plan-compare) has no chart to embed
        return not_found(lang, f"/embed/{chart_id}", query)
    about = data.about
    sources = "; ".join(s["title"] for s in about.sources)
    link = f"{data.page_path}{view_query(query)}"
    # Search engines are pointed at the chart's full page (the same view), which has its text too.
    return html.Main([
        dcc.Store(id="shell-meta", data={"title": about.title, "lang": lang, "canonical": link}),
        html.Div(id="shell-meta-sink", hidden=True),
        html.H1(about.title, className="embed-title"),
        dcc.Graph(id="embed-graph", figure=(fig := data.figure()), config=graph_config(chart_id, lang, is_map(fig)), className="embed-graph",
                  responsive=True),
        html.P(data.summary, className="embed-summary"),
        html.P([t("chart.source", lang), " ", sources, " · ", t("chart.version", lang), " ", about.version, " (",
                day(about.published, lang), ") · ",
                html.A(t("embed.view", lang, product=t("shell.product", lang)), href=link, target="_blank", rel="noopener")],
               className="embed-source"),
    ], className="embed", lang=lang)
