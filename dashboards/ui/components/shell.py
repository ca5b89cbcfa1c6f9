"""The frame of every page: skip link, header (name, navigation, language switch), footer.

Each page's `layout()` returns `page(...)`, so the header, which carries the language in its
links, is rendered with the page from the same URL (no extra callback round trip).
"""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards.store import current
from dashboards.i18n import day, t


def href(path: str, lang: str, **params) -> str:
    """A link inside the site that keeps the language."""
    pairs = [(k, v) for k, v in params.items() if v not in (None, "", [])]
    if lang != "bg":
        pairs.append(("lang", lang))
    return path + ("?" + urlencode(pairs, safe=",") if pairs else "")


def _nav(lang: str, active: str) -> list:
    pages = sorted((p for p in dash.page_registry.values() if p.get("nav_order") is not None),
                   key=lambda p: p["nav_order"])
    items = []
    for p in pages:
        prefix = p.get("nav_prefix", p["path"])
        is_active = active == prefix or (prefix != "/" and active.startswith(prefix))
        items.append(dbc.NavItem(dbc.NavLink(
            t(p["nav_key"], lang), href=href(p.get("nav_href", p["path"]), lang), active=is_active,
            className="shell-navlink",
        )))
    return items


def _language_switch(lang: str, path: str, query: dict) -> html.A:
    other = "en" if lang == "bg" else "bg"
    params = {k: v for k, v in query.items() if k != "lang" and isinstance(v, str)}
    return html.A(
        t("shell.switch_to", lang), href=href(path, other, **params), lang=other, hrefLang=other,
        className="shell-lang btn btn-sm btn-outline-light", **{"aria-label": t("shell.switch_label", lang)},
    )


def search_box(lang: str) -> html.Form:
    """A plain GET form: works by keyboard and without JavaScript (the browser loads /search?q=…)."""
    return html.Form([
        html.Label(t("search.header_label", lang), htmlFor="shell-search", className="visually-hidden"),
        dcc.Input(id="shell-search", type="search", name="q", maxLength=200, autoComplete="off",
                  placeholder=t("search.header_placeholder", lang), className="form-control form-control-sm"),
        *([dcc.Input(type="hidden", name="lang", value=lang)] if lang != "bg" else []),
        html.Button(t("search.submit", lang), type="submit", className="btn btn-sm btn-outline-light"),
    ], action="/search", method="get", role="search", className="shell-search d-flex")


def header(lang: str, path: str, query: dict) -> html.Header:
    return html.Header(className="shell-header", children=dbc.Navbar(
        dbc.Container([
            dcc.Link([html.Span(className="shell-logo", **{"aria-hidden": "true"}),
                      html.Span(t("shell.product", lang), className="shell-product")],
                     href=href("/", lang), className="navbar-brand shell-brand"),
            html.Button(html.Span(className="navbar-toggler-icon"), id="shell-toggler", className="navbar-toggler",
                        type="button", **{"aria-label": t("shell.menu", lang), "aria-controls": "shell-collapse"}),
            dbc.Collapse(
                dbc.Nav(_nav(lang, path), navbar=True, className="me-auto"),
                id="shell-collapse", navbar=True, is_open=False,
            ),
            search_box(lang),
            _language_switch(lang, path, query),
        ], fluid="lg"),
        dark=True, expand="lg", className="shell-navbar",
    ))


def footer(lang: str) -> html.Footer:
    try:
        snap = current.snapshot()
        version = t("shell.data_version", lang, version=snap.version, date=day(snap.published[:10], lang))
    except current.DataUnavailable:
        version = t("shell.no_data", lang)
    return html.Footer(className="shell-footer", children=dbc.Container([
        html.P([t("shell.footer_about", lang), " ",
                dcc.Link(t("shell.footer_methods", lang), href=href("/about", lang))]),
        html.P([t("shell.footer_licence", lang), " · ", version], className="shell-version"),
    ], fluid="lg"))


def page(lang: str, path: str, query: dict, title: str, children, description: str | None = None,
         status: int = 200) -> html.Div:
    """A whole page: the frame around `children`. `status`: the HTTP status of the page's document
    (404 for the not-found page; see web/router.prerendered_entry)."""
    meta = {"title": f"{title} · {t('shell.product', lang)}", "lang": lang, **({"status": status} if status != 200 else {})}
    return html.Div([
        dcc.Store(id="shell-meta", data=meta),
        html.Div(id="shell-meta-sink", hidden=True),
        html.A(t("shell.skip", lang), href="#main", className="visually-hidden-focusable shell-skip"),
        header(lang, path, query),
        html.Main(dbc.Container(children, fluid="lg"), id="main", className="shell-main", tabIndex="-1"),
        footer(lang),
    ], lang=lang, className="shell")


def status_banner(lang: str, year: int | None = None) -> html.Div | None:
    """The plan shown is a draft ("ПРОЕКТ!"): say so wherever the plan is shown (`year`: that plan only)."""
    try:
        plans = current.snapshot()["plans"]
    except current.DataUnavailable:
        return None
    drafts = plans[(plans["status"] == "draft") & ((plans["plan_year"] == year) if year is not None else True)]
    if drafts.empty:
        return None
    years = ", ".join(str(y) for y in drafts["plan_year"])
    return html.Div([html.Strong(t("plan.draft_title", lang)), " ", t("plan.draft_text", lang, years=years)],
                    className="alert alert-warning plan-draft", role="note")
