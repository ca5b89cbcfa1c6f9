"""/search?q=… — the site's search: measures, series, institutions, glossary and pages, grouped by kind.

The query comes from the URL and is never trusted: bounded (etl.search_index.MAX_QUERY_CHARS; an
address over the server's query-string bound is redirected here with the query cut, and the page
says it was cut), control characters dropped, shown back only as text. Matches are highlighted with html.Mark
components built from the snippet parts (dashboards/store/site_search.py), never from HTML.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.store import site_search
from dashboards.ui.params import Param, parse, sync_url
from dashboards.ui.components.shell import page
from dashboards.i18n import number, t
from etl.contract import MAX_QUERY_CHARS

dash.register_page(__name__, path="/search", title="Търсене")
PARAMS = [Param("q"), Param("cut", choices=lambda: {"1"})]   # cut=1: set by the redirect of an over-long address


shown_query = site_search.shown_query


def snippet_parts(parts) -> list:
    return [html.Mark(text) if hit else text for text, hit in parts]


def _group(kind: str, results: list[dict], count: int, lang: str) -> html.Section:
    items = [html.Li([
        dcc.Link(r["title"], href=r["link"], className="search-title"),
        html.P(snippet_parts(r["snippet"]), className="search-snippet"),
    ], className="search-result") for r in results]
    more = [html.P(t("search.more", lang, shown=number(len(results), lang), count=number(count, lang)),
                   className="text-muted small")] if count > len(results) else []
    return html.Section([html.H2(t(f"search.kind_{kind}", lang) + f" ({number(count, lang)})", id=f"search-{kind}"),
                         html.Ol(items, className="search-results list-unstyled"), *more],
                        className="search-group", **{"aria-labelledby": f"search-{kind}"})


def layout(**query):
    raw = query.get("q")
    raw = raw[0] if isinstance(raw, list) and raw else raw
    state = parse({**query, "q": shown_query(raw)}, PARAMS)
    lang, q = state["lang"], state["q"] or ""
    result = site_search.search(q, lang)
    form = html.Form([
        html.Label(t("search.label", lang), htmlFor="search-q", className="form-label"),
        html.Div([
            dcc.Input(id="search-q", type="search", name="q", value=q, debounce=True, maxLength=MAX_QUERY_CHARS,
                      className="form-control", placeholder=t("search.placeholder", lang), autoComplete="off"),
            html.Button(t("search.submit", lang), type="submit", className="btn btn-primary"),
        ], className="input-group"),
        *([dcc.Input(type="hidden", name="lang", value=lang)] if lang != "bg" else []),
    ], action="/search", method="get", role="search", className="filters")
    if not result["available"]:
        status = t("search.unavailable", lang)
    elif not result["terms"]:
        status = t("search.empty", lang) if not q else t("search.no_words", lang)
    elif not result["total"]:
        status = t("search.none", lang, query=q)
    else:
        status = t("search.count", lang, count=number(result["total"], lang), query=q)
    cut = [html.P(t("search.cut", lang, count=number(len(q), lang)), className="text-muted small",
                  id="search-cut")] if q and (state["cut"] or site_search.was_cut(raw)) else []
    groups = [_group(kind, rows, result["counts"][kind], lang) for kind, rows in result["groups"].items()]
    body = [
        html.H1(t("search.title", lang)),
        html.P(t("search.lead", lang), className="lead"),
        form,
        html.P(status, className="result-count", id="search-count", role="status"),
        *cut,
        *groups,
    ]
    title = t("search.title", lang) + (f": {q[:60]}" if q else "")
    return page(lang, "/search", query, title, body)


sync_url(PARAMS, {"q": ("search-q", "value")})
