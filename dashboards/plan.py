"""/plan — the action-plan monitor: measures filterable by goal, institution, role and text."""
from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import _data
from dashboards._components.query import Param, parse, sync_url
from dashboards._components.shell import href, page, status_banner
from dashboards._i18n import month_or_day, number, t
from dashboards._queries import (filter_measures, goal_options, institution_options, institutions_by_measure,
                                 measure_title)

dash.register_page(__name__, path="/plan", nav_order=2, nav_key="nav.plan", title="План за действие")


def _goals() -> set:
    return set(_data.snapshot()["goals"]["goal"])


def _institutions() -> set:
    return set(_data.snapshot()["measure_institutions"]["institution_code"])


PARAMS = [
    Param("goal", choices=_goals),
    Param("inst", choices=_institutions),
    Param("role", choices=lambda: {"responsible", "partner"}),
    Param("q"),
]


def grid_rows(snap, state: dict) -> list[dict]:
    lang = state["lang"]
    measures = filter_measures(snap, state["goal"], state["inst"], state["role"], state["q"], lang)
    responsible = institutions_by_measure(snap, lang)
    titles = measure_title(measures, lang)
    rows = []
    for (_, m), title in zip(measures.iterrows(), titles):
        rows.append({
            "number": m["number"].rstrip("."),
            "goal": m["goal"],
            "title": title,
            "href": href("/plan/measure/" + m["measure_id"], lang),
            "responsible": responsible.get(m["measure_id"], ""),
            "budget": m["budget_bgn"],
            "budget_label": number(m["budget_bgn"], lang) if m["budget_bgn"] == m["budget_bgn"] else "–",
            "deadline": deadline_label(m["deadline_date"], m["deadline_text"], lang),
        })
    return rows


def deadline_label(when, text: str, lang: str) -> str:
    """The deadline as the plan writes it (Bulgarian); in English the end date it gives."""
    if lang == "bg" or when is None or when != when:
        return text
    return month_or_day(when, lang)


def _grid(rows: list[dict], lang: str) -> dag.AgGrid:
    columns = [
        {"field": "number", "headerName": t("plan.col_number", lang), "width": 70, "sortable": True},
        {"field": "goal", "headerName": t("plan.col_goal", lang), "width": 80},
        {"field": "title", "headerName": t("plan.col_title", lang), "flex": 3, "minWidth": 260,
         "cellRenderer": "Link", "wrapText": True, "autoHeight": True},
        {"field": "responsible", "headerName": t("plan.col_responsible", lang), "flex": 1, "minWidth": 140,
         "wrapText": True, "autoHeight": True},
        {"field": "budget", "headerName": t("plan.col_budget", lang), "width": 130, "type": "rightAligned",
         "valueFormatter": {"function": "params.data.budget_label"}},
        {"field": "deadline", "headerName": t("plan.col_deadline", lang), "width": 140, "wrapText": True, "autoHeight": True},
    ]
    return dag.AgGrid(
        id="plan-grid", rowData=rows, columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": True},
        dashGridOptions={"domLayout": "autoHeight", "ariaLabel": t("plan.table_label", lang),
                         "suppressCellFocus": False},
        style={"width": "100%"}, className="plan-grid md-grid",
    )


def filters(snap, state: dict) -> html.Section:
    lang = state["lang"]
    return html.Section(dbc.Row([
        dbc.Col([dbc.Label(t("plan.goal", lang), html_for="plan-goal"),
                 dcc.Dropdown(id="plan-goal", options=goal_options(snap, lang), value=state["goal"],
                              placeholder=t("plan.goal_all", lang), clearable=True)], md=4),
        dbc.Col([dbc.Label(t("plan.institution", lang), html_for="plan-institution"),
                 dcc.Dropdown(id="plan-institution", options=institution_options(snap, lang), value=state["inst"],
                              placeholder=t("plan.institution_all", lang), clearable=True)], md=4),
        dbc.Col([dbc.Label(t("plan.role", lang), html_for="plan-role"),
                 dcc.Dropdown(id="plan-role", value=state["role"], placeholder=t("plan.role_any", lang),
                              options=[{"value": "responsible", "label": t("plan.role_responsible", lang)},
                                       {"value": "partner", "label": t("plan.role_partner", lang)}],
                              clearable=True)], md=2),
        dbc.Col([dbc.Label(t("plan.search", lang), html_for="plan-search"),
                 dbc.Input(id="plan-search", type="search", value=state["q"] or "", debounce=True,
                           placeholder=t("plan.search_placeholder", lang), maxLength=100)], md=2),
    ], className="g-3"), className="filters", role="search", **{"aria-label": t("plan.filters", lang)})


def layout(**query):
    state = parse(query, PARAMS)
    lang = state["lang"]
    snap = _data.snapshot()
    rows = grid_rows(snap, state)
    total = len(snap["measures"])
    body = [
        html.H1(t("plan.title", lang)),
        html.P(t("plan.lead", lang), className="lead"),
        status_banner(lang),
        filters(snap, state),
        html.P(t("plan.count", lang, count=number(len(rows), lang), total=number(total, lang)),
               id="plan-count", className="result-count", role="status"),
        _grid(rows, lang) if rows else html.P(t("plan.none", lang), className="empty-state", id="plan-empty"),
    ]
    return page(lang, "/plan", query, t("plan.title", lang), body)


sync_url(PARAMS, {"goal": ("plan-goal", "value"), "inst": ("plan-institution", "value"),
                  "role": ("plan-role", "value"), "q": ("plan-search", "value")})
