"""/plan — the action-plan monitor: filters by goal, institution and role, funding source,
deadline and text; a summary per goal; indicators by status; baseline → target (→ actual) on a
common scale; the measures table."""
from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, clientside_callback, dcc, html

from dashboards.store import current
from dashboards.ui.charts import ChartData, about_for, register_chart
from dashboards.ui.components.chart import chart_block
from dashboards.ui.components.common import labelled, measure_card, measure_cards, native_select
from dashboards.ui.params import Param, parse, sync_url
from dashboards.ui.components.shell import href, page, status_banner
from dashboards.ui.plan_figures import baseline_target_figure, goal_status_figure
from dashboards.ui.indicator_targets import dumbbell_rows_of, dumbbell_summary, indicator_table
from dashboards.i18n import money, month_or_day, number, percent, t
from dashboards.store.plans import (budget_total, filter_measures, goal_labels, goal_options, goal_status_counts,
                                 goal_summary, institution_options, institutions_by_measure, label_column,
                                 measure_facets, measure_title, plan_indicators, plan_years)

dash.register_page(__name__, path="/plan", nav_order=3, nav_key="nav.plan", title="План за действие")
MAX_DUMBBELLS = 30


def _choices(name: str, compute) -> set:
    snap = current.snapshot()
    return snap.cached(("plan_choices", name), lambda: set(compute(snap)))


def _goals() -> set:
    return _choices("goal", lambda snap: snap["goals"]["goal"])


def _institutions() -> set:
    return _choices("inst", lambda snap: snap["measure_institutions"]["institution_code"])


def _funding() -> set:
    return _choices("fund", lambda snap: snap["funding_sources"]["code"])


def _due() -> set:
    return _choices("due", lambda snap: measure_facets(snap)["due"])


PARAMS = [
    Param("year", kind=int, low=2000, high=2100),
    Param("goal", choices=_goals),
    Param("inst", choices=_institutions),
    Param("role", choices=lambda: {"responsible", "partner"}),
    Param("fund", choices=_funding),
    Param("due", choices=_due),
    Param("q"),
]


def plan_year_of(snap, state: dict) -> int:
    """The plan shown: `year` when such a plan is published, else the latest."""
    years = plan_years(snap)
    return state.get("year") if state.get("year") in years else years[-1]


def year_measures(snap, year: int) -> pd.DataFrame:
    """One yearly plan's measures (the whole table when only one plan is published)."""
    measures = snap["measures"]
    if len(plan_years(snap)) == 1:
        return measures
    return snap.cached(("plan_year_measures", year), lambda: measures[measures["plan_year"] == year])


def selected_measures(snap, state: dict) -> pd.DataFrame:
    measures = filter_measures(snap, state["goal"], state["inst"], state["role"], state["q"], state["lang"],
                               funding=state["fund"], due=state["due"])
    if len(plan_years(snap)) > 1:
        measures = measures[measures["plan_year"] == plan_year_of(snap, state)]
    return measures


def deadline_label(when, text: str, lang: str) -> str:
    """The deadline as the plan writes it (Bulgarian); in English the end date it gives."""
    if lang == "bg" or when is None or when != when:
        return text
    return month_or_day(when, lang)


def grid_rows(snap, state: dict, measures: pd.DataFrame | None = None) -> list[dict]:
    """The measures table's rows for the filters in `state` (or for `measures`, already selected)."""
    lang = state["lang"]
    if measures is None:
        measures = selected_measures(snap, state)
    every = _all_grid_rows(snap, lang)
    return [every[m] for m in measures["measure_id"].tolist()]


def _all_grid_rows(snap, lang: str) -> dict[str, dict]:
    """Every measure's table row, by measure id: built once per data version and language."""
    def compute():
        measures = snap["measures"]
        responsible = institutions_by_measure(snap, lang)
        return {m["measure_id"]: {
            "number": m["number"].rstrip("."), "goal": m["goal"], "title": title,
            "href": href("/plan/measure/" + m["measure_id"], lang),
            "responsible": responsible.get(m["measure_id"], ""),
            # None, not NaN: one NaN anywhere makes the JSON encoder parse and write the whole response again
            "budget": m["budget_bgn"] if m["budget_bgn"] == m["budget_bgn"] else None,
            "budget_label": number(m["budget_bgn"], lang) if m["budget_bgn"] == m["budget_bgn"] else "–",
            "deadline": deadline_label(m["deadline_date"], m["deadline_text"], lang),
        } for m, title in zip(measures.to_dict("records"), measure_title(measures, lang))}
    return snap.cached(("plan_grid_rows", lang), compute)


def status_table(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("plan.col_goal", lang): counts["goal_label"],
                         t("plan.col_status", lang): [t(f"status.{s}", lang) for s in counts["status"]],
                         t("plan.col_indicators", lang): counts["indicators"].astype(int)})


def _filters_text(snap, state: dict) -> list[tuple[str, str]]:
    lang = state["lang"]
    out = []
    for key, label in (("goal", "plan.goal"), ("inst", "plan.institution"), ("role", "plan.role"), ("fund", "plan.funding"),
                       ("due", "plan.due"), ("q", "plan.search")):
        value = state.get(key)
        if value:
            options = goal_options(snap, lang) if key == "goal" else institution_options(snap, lang) if key == "inst" else ()
            out.append((t(label, lang), next((o["label"] for o in options if o["value"] == value), value)))
    return out


def build(snap, query: dict, lang: str) -> dict:
    """Everything the plan page draws for `query`: the page, downloads and embeds share it."""
    state = parse({**query, "lang": lang}, PARAMS)
    measures = selected_measures(snap, state)
    indicators = plan_indicators(snap, measures, lang)
    counts = goal_status_counts(snap, indicators, lang)
    dumbbells = dumbbell_rows_of(snap, indicators, lang)
    shown = dumbbells.head(MAX_DUMBBELLS)
    year = plan_year_of(snap, state)
    plans = snap["plans"]
    plan_source = plans.loc[plans["plan_year"] == year, "source_id"].tolist()
    filters = _filters_text(snap, state)
    status_about = about_for(snap, lang, t("plan.chart_status_title", lang), plan_source, "/plan", query, filters=filters)
    targets_about = about_for(snap, lang, t("plan.chart_targets_title", lang), plan_source, "/plan", query,
                              definition=t("plan.chart_targets_definition", lang), filters=filters)
    return {"state": state, "measures": measures, "indicators": indicators, "counts": counts, "dumbbells": dumbbells,
            "shown": shown, "year": year,
            "status": ChartData(status_table(counts, lang), status_about, "/plan",
                                lambda: goal_status_figure(counts, lang), status_summary(counts, lang)),
            "targets": ChartData(indicator_table(shown, lang), targets_about, "/plan",
                                 lambda: baseline_target_figure(shown, lang),
                                 dumbbell_summary(dumbbells, len(indicators), lang))}


register_chart("plan-status", lambda snap, query, lang: build(snap, query, lang)["status"])
register_chart("plan-targets", lambda snap, query, lang: build(snap, query, lang)["targets"])


def _grid(rows: list[dict], lang: str) -> dag.AgGrid:
    columns = [
        {"field": "number", "headerName": t("plan.col_number", lang), "width": 70},
        {"field": "goal", "headerName": t("plan.col_goal", lang), "width": 76},
        {"field": "title", "headerName": t("plan.col_title", lang), "flex": 3, "minWidth": 260,
         "cellRenderer": "Link", "wrapText": True, "cellClass": "clamp-3"},
        {"field": "responsible", "headerName": t("plan.col_responsible", lang), "flex": 1, "minWidth": 140,
         "wrapText": True, "cellClass": "clamp-3"},
        {"field": "budget", "headerName": t("plan.col_budget", lang), "width": 130, "type": "rightAligned",
         "valueFormatter": {"function": "params.data.budget_label"}},
        {"field": "deadline", "headerName": t("plan.col_deadline", lang), "width": 140, "wrapText": True,
         "cellClass": "clamp-3"},
    ]
    grid = dag.AgGrid(
        id="plan-grid", rowData=rows, columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": True},
        # AG Grid 35 puts `content-visibility: auto` on the grid: below the fold, the browser skips
        # its layout, so the flex column widths are never computed and every cell and header stays
        # hidden (ag-delay-render) until the grid is scrolled to; screen readers and audits then find
        # a header row without column headers (ag-grid/ag-grid#13982). The grid is small (25 rows a page).
        dashGridOptions={"pagination": True, "paginationPageSize": 25, "paginationPageSizeSelector": [25, 50, 100],
                         "rowHeight": 78, "suppressContentVisibilityAuto": True},
        style={"width": "100%", "height": "720px"}, className="plan-grid md-grid",
    )
    # The grid is drawn by GRID_AFTER_CHARTS once the charts above it are drawn (see there): the page
    # carries it as data, and its slot keeps the grid's height so nothing below moves.
    return html.Div([dcc.Store(id="plan-grid-component", data=grid.to_plotly_json()),
                     html.Div(id="plan-grid-slot", style={"minHeight": "720px"})],
                    role="region", className="d-none d-md-block", **{"aria-label": t("plan.table_label", lang)})


# AG Grid's own script (large) is fetched and run when a grid is first drawn; drawn with the page,
# it held up the charts above it (the first chart came well after a bare Dash page's;
# docs/DEPLOY.md). So the first time, the measures table, below the charts, is drawn when every
# chart of the page has been drawn or is left to be drawn when scrolled to (at most 2 s later, e.g.
# on a slow phone, so the table never waits for long). Once the script has run, a filter change
# draws the new table at once.
GRID_AFTER_CHARTS = """function (grid) {
    if (!grid) { return window.dash_clientside.no_update; }
    if (window.migdashGridShown) { return grid; }
    var start = Date.now();
    return new Promise(function (resolve) {
        (function wait() {
            var blocks = document.querySelectorAll("#_pages_content .chart-block");
            var drawn = Array.prototype.every.call(blocks, function (b) {
                // drawn, or waits to be scrolled to (not one in the queue of charts being drawn)
                return b.querySelector(".main-svg, .chart-box:not([data-chart-queued]) [data-chart-waiting]");
            });
            if (drawn || Date.now() - start > 2000) {
                window.migdashGridShown = true;
                resolve(grid);
            } else { setTimeout(wait, 40); }
        })();
    });
}"""
clientside_callback(GRID_AFTER_CHARTS, Output("plan-grid-slot", "children"), Input("plan-grid-component", "data"))


def _cards(snap, measures: pd.DataFrame, lang: str) -> html.Ul:
    """The measures as a list on phones (the grid is for wide screens)."""
    every = _all_cards(snap, lang)
    return measure_cards("plan", [every[m] for m in measures["measure_id"].tolist()], t("plan.table_label", lang))


def _all_cards(snap, lang: str) -> dict:
    """Every measure's card, by measure id, made once per data version and language (the same
    component is then part of every page that lists the measure; nothing changes it)."""
    def compute():
        bgn = t("unit.bgn", lang)
        return {m: measure_card({**r, "meta": " · ".join(x for x in (r["responsible"], r["deadline"],
                                                                     f"{r['budget_label']} {bgn}" if r["budget_label"] != "–" else "") if x)})
                for m, r in _all_grid_rows(snap, lang).items()}
    return snap.cached(("plan_cards", lang), compute)


def filters(snap, state: dict) -> html.Section:
    lang = state["lang"]
    funding = snap["funding_sources"]
    due = sorted(_due() - {"open"}) + ["open"]

    def dropdown(label, cid, options, value, placeholder, md):
        return dbc.Col([dbc.Label(label, html_for=cid),
                        native_select(cid, options, value, placeholder)],
                       md=md, sm=6, xs=12)

    years = plan_years(snap)
    return html.Section(dbc.Row([
        # the latest plan is the "all" option: written to no URL, so addresses without a year keep meaning "latest"
        dropdown(t("plan.year", lang), "plan-year", [{"value": y, "label": str(y)} for y in reversed(years[:-1])],
                 None if plan_year_of(snap, state) == years[-1] else plan_year_of(snap, state),
                 t("plan.year_latest", lang, year=years[-1]), 4),
        dropdown(t("plan.goal", lang), "plan-goal", goal_options(snap, lang), state["goal"], t("plan.goal_all", lang), 4),
        dropdown(t("plan.institution", lang), "plan-institution", institution_options(snap, lang), state["inst"],
                 t("plan.institution_all", lang), 4),
        dropdown(t("plan.role", lang), "plan-role", [{"value": "responsible", "label": t("plan.role_responsible", lang)},
                                                     {"value": "partner", "label": t("plan.role_partner", lang)}],
                 state["role"], t("plan.role_any", lang), 4),
        dropdown(t("plan.funding", lang), "plan-funding",
                 [{"value": c, "label": n} for c, n in zip(funding["code"], funding[label_column(lang)])],
                 state["fund"], t("plan.funding_all", lang), 4),
        dropdown(t("plan.due", lang), "plan-due",
                 [{"value": d, "label": t("plan.due_open", lang) if d == "open" else t("plan.due_quarter", lang, year=d[:4], q=d[-1])}
                  for d in due], state["due"], t("plan.due_all", lang), 4),
        dbc.Col([dbc.Label(t("plan.search", lang), html_for="plan-search"),
                 dbc.Input(id="plan-search", type="search", value=state["q"] or "", debounce=True,
                           placeholder=t("plan.search_placeholder", lang), maxLength=100)], md=4, sm=6, xs=12),
    ], className="g-3"), className="filters", role="search", **{"aria-label": t("plan.filters", lang)})


def _kpis(measures: pd.DataFrame, indicators: pd.DataFrame, lang: str) -> dbc.Row:
    numeric = int(indicators["target_value"].notna().sum())
    budget = budget_total(measures)
    cards = [
        (t("plan.kpi_measures", lang), number(len(measures), lang)),
        (t("plan.kpi_budget", lang), money(budget, "BGN", lang),
         t("plan.kpi_budget_note", lang, eur=money(budget / 1.95583, "EUR", lang))),
        (t("plan.kpi_numeric", lang),
         percent(numeric / len(indicators), lang) if len(indicators) else "–",
         t("plan.kpi_numeric_note", lang, numeric=number(numeric, lang), total=number(len(indicators), lang))),
    ]
    return dbc.Row([dbc.Col(html.Div([html.Div(c[0], className="kpi-label"), html.Div(c[1], className="kpi-value"),
                                      html.Div(c[2] if len(c) > 2 else "", className="kpi-note")],
                                     className="kpi"), md=4) for c in cards], className="g-3 kpis")


def _goal_table(snap, measures, indicators, lang: str) -> html.Div:
    summary = goal_summary(snap, measures, indicators)
    names = goal_labels(snap, lang)
    cols = [t(k, lang) for k in ("plan.col_goal", "plan.kpi_measures", "plan.col_budget_short", "plan.col_indicators",
                                 "plan.col_numeric")]
    rows = [html.Tr([html.Th(f"{r.goal}. {names.get(r.goal, '')}", scope="row")]
                    + [labelled(cols[i], text, className="num") for i, text in enumerate(
                        (number(r.measures, lang), money(r.budget_bgn, "BGN", lang) if r.budget_bgn else "–",
                         number(r.indicators, lang), number(r.numeric_targets, lang)), start=1)])
            for r in summary.itertuples()]
    head = html.Thead(html.Tr([html.Th(name, scope="col", className=None if i == 0 else "num") for i, name in enumerate(cols)]))
    return html.Div(html.Table([html.Caption(t("plan.per_goal", lang)), head, html.Tbody(rows)],
                               className="table table-sm goal-table table-stacked"), className="table-responsive")


def layout(**query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    built = build(snap, query, lang)
    state, measures, indicators = built["state"], built["measures"], built["indicators"]
    rows = grid_rows(snap, state, measures)
    total = len(year_measures(snap, built["year"]))
    source = [t("plan.source", lang, year=built["year"]), " ",
              dcc.Link(t("plan.method_link", lang), href=href("/about", lang) + "#progress")]
    body = [
        html.H1(t("plan.title", lang)),
        html.P(t("plan.lead", lang), className="lead"),
        *_compare_link(snap, lang),
        status_banner(lang, built["year"]),
        filters(snap, state),
        html.P(t("plan.count", lang, count=number(len(rows), lang), total=number(total, lang)),
               id="plan-count", className="result-count", role="status"),
    ]
    if not rows:
        body.append(html.P(t("plan.none", lang), className="empty-state", id="plan-empty"))
        return page(lang, "/plan", query, t("plan.title", lang), body)
    dumbbells, shown = built["dumbbells"], built["shown"]
    body += [
        _kpis(measures, indicators, lang),
        _goal_table(snap, measures, indicators, lang),
        chart_block("plan-status", lang, t("plan.chart_status_title", lang), t("plan.chart_status_subtitle", lang),
                    built["status"].figure(), built["status"].summary, built["status"],
                    source, query=query),
        chart_block("plan-targets", lang, t("plan.chart_targets_title", lang),
                    t("plan.chart_targets_subtitle", lang, shown=number(len(shown), lang), total=number(len(dumbbells), lang)),
                    built["targets"].figure(), built["targets"].summary, built["targets"], source, definition=t("plan.chart_targets_definition", lang), query=query),
        html.H2(t("plan.measures_heading", lang)),
        _grid(rows, lang),
        _cards(snap, measures, lang),
    ]
    return page(lang, "/plan", query, t("plan.title", lang), body)


def _compare_link(snap, lang: str) -> list:
    """A link to the plans compared (/plan/compare), once two or more yearly plans are published."""
    years = plan_years(snap)
    if len(years) < 2:
        return []
    return [html.P(dcc.Link(t("compare.link", lang, years=f"{years[0]}–{years[-1]}"), href=href("/plan/compare", lang)),
                   className="compare-link")]


def status_summary(counts: pd.DataFrame, lang: str) -> str:
    by_status: dict = {}
    for status, n in zip(counts["status"].tolist(), counts["indicators"].tolist()):
        by_status[status] = by_status.get(status, 0) + int(n)
    total = sum(by_status.values())
    with_target = total - by_status.get("no_target", 0)
    reported = total - by_status.get("no_actual", 0) - by_status.get("no_target", 0)
    return t("plan.summary_status", lang, total=number(total, lang), with_target=number(with_target, lang),
             reported=number(reported, lang), goals=number(len(set(counts["goal"].tolist())), lang))


sync_url(PARAMS, {"year": ("plan-year", "value"), "goal": ("plan-goal", "value"), "inst": ("plan-institution", "value"),
                  "role": ("plan-role", "value"), "fund": ("plan-funding", "value"), "due": ("plan-due", "value"),
                  "q": ("plan-search", "value")})
