"""Any unknown address: a 404 page in the language of the URL."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboards._components.query import parse
from dashboards._components.shell import href, page
from dashboards._i18n import t

dash.register_page(__name__, path="/404", title="404")


def layout(**query):
    lang = parse(query, [])["lang"]
    return page(lang, "/404", query, t("not_found.title", lang), [
        html.H1(t("not_found.title", lang)),
        html.P(t("not_found.text", lang)),
        dcc.Link(t("not_found.home", lang), href=href("/", lang), className="btn btn-primary"),
    ])
