"""/about — methodology, progress statuses, sources and licences, the glossary of abbreviations, contact."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.params import Param, parse
from dashboards.ui.components.common import labelled
from dashboards.ui.components.shell import href, page
from dashboards.i18n import day, t
from etl.contract import BANDS

dash.register_page(__name__, path="/about", nav_order=6, nav_key="nav.about", title="За проекта")
PARAMS: list[Param] = []   # one view: the query holds only `lang`


def _sources(snap, lang: str) -> html.Div:
    sources = snap["sources"]
    cols = [t(k, lang) for k in ("about.col_source", "about.col_provider", "about.col_licence", "about.col_retrieved")]
    head = html.Thead(html.Tr([html.Th(name, scope="col") for name in cols]))
    rows = [html.Tr([
        labelled(cols[0], [html.A(s["title"], href=s["url"], rel="noopener")
                           if isinstance(s["url"], str) and s["url"].startswith("http") else s["title"],
                           html.Div(s["file"], className="as-written")]),
        labelled(cols[1], s["provider"]), labelled(cols[2], s["license"] or "–"),
        labelled(cols[3], day(s["retrieved"], lang) if isinstance(s["retrieved"], str) and s["retrieved"] else "–"),
    ]) for s in sources.to_dict("records")]
    return html.Div(html.Table([html.Caption(t("about.sources_caption", lang)), head, html.Tbody(rows)],
                               className="table table-sm table-stacked"), className="table-responsive")


def _glossary(snap, lang: str) -> html.Div:
    inst = snap["institutions"].sort_values("abbr_bg")
    cols = [t(k, lang) for k in ("about.col_abbr_bg", "about.col_name_bg", "about.col_abbr_en", "about.col_name_en")]
    head = html.Thead(html.Tr([html.Th(name, scope="col") for name in cols]))
    rows = [html.Tr([labelled(cols[0], dcc.Link(r["abbr_bg"], href=href(f"/institutions/{r['code']}", lang)), lang="bg"),
                     labelled(cols[1], r["name_bg"], lang="bg"), labelled(cols[2], r["abbr_en"], lang="en"),
                     labelled(cols[3], r["name_en"], lang="en")])
            for r in inst.to_dict("records")]
    return html.Div(html.Table([html.Caption(t("about.glossary_caption", lang)), head, html.Tbody(rows)],
                               className="table table-sm table-stacked"), className="table-responsive")


def layout(**query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    bands = {name: low for name, low in BANDS}
    statuses = [html.Li([html.Strong(t(f"status.{k}", lang) + ": "), t(f"about.status_{k}", lang, **{
        "substantial": f"{int(bands['substantial'] * 100)}", "moderate": f"{int(bands['moderate'] * 100)}"})])
        for k in ("achieved", "substantial", "moderate", "limited", "no_progress", "deterioration",
                  "no_actual", "no_target", "no_baseline", "target_equals_baseline")]
    body = [
        html.H1(t("about.title", lang)),
        html.P(t("about.lead", lang), className="lead"),
        html.H2(t("about.method_heading", lang), id="method"),
        html.P(t("about.method_plan", lang)),
        html.P(t("about.method_statistics", lang)),
        html.P(t("about.method_flags", lang)),
        html.H2(t("about.progress_heading", lang), id="progress"),
        html.P(t("about.progress_text", lang)),
        html.Ul(statuses),
        html.H2(t("about.sources_heading", lang), id="sources"),
        html.P(t("about.sources_text", lang)),
        _sources(snap, lang),
        html.H2(t("about.glossary_heading", lang), id="glossary"),
        _glossary(snap, lang),
        html.H2(t("about.contact_heading", lang), id="contact"),
        html.P(t("about.contact_text", lang)),
        html.P(t("about.version_text", lang, version=snap.version, date=day(snap.published[:10], lang))),
    ]
    return page(lang, "/about", query, t("about.title", lang), body)
