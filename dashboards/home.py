"""/ — overview."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import _data
from dashboards._components.query import parse
from dashboards._components.shell import href, page
from dashboards._i18n import number, t

dash.register_page(__name__, path="/", nav_order=1, nav_key="nav.home", title="Начало")


def layout(**query):
    state = parse(query, [])
    lang = state["lang"]
    snap = _data.snapshot()
    plans = snap["plans"]
    year = int(plans["plan_year"].max())
    measures = snap["measures"][snap["measures"]["plan_year"] == year]
    body = [
        html.H1(t("home.title", lang), className="visually-hidden"),
        html.P(t("home.lead", lang), className="lead"),
        html.P(t("home.plan_card", lang, year=year, measures=number(len(measures), lang),
                 goals=number(measures["goal"].nunique(), lang))),
        dcc.Link(t("home.plan_link", lang), href=href("/plan", lang), className="btn btn-primary"),
    ]
    return page(lang, "/", query, t("home.title", lang), body)
