"""/ — overview: the latest figure of each theme with its change and trend, the plan at a glance,
and when the data was last updated."""
from __future__ import annotations

from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.charts import ChartData, about_for
from dashboards.ui.components.chart import chart_block
from dashboards.ui.params import Param, parse
from dashboards.ui.components.shell import href, page, status_banner
from dashboards.ui.figures import THEME_COLOURS, sparkline_svg
from dashboards.ui.plan_figures import measures_per_goal_figure
from dashboards.i18n import day, money, number, percent, t
from dashboards.store.plans import budget_total, label_column
from dashboards.store.stats import THEME_PAGE, select

dash.register_page(__name__, path="/", nav_order=1, nav_key="nav.home", title="Начало")
PARAMS: list[Param] = []   # one view: the query holds only `lang`

HEADLINES = ("asylum_applicants", "temporary_protection_beneficiaries", "asylum_decisions_unhcr", "returns",
             "readmissions", "trafficking_victims_detected")


def headline(snap, series: str, lang: str) -> dict | None:
    """Latest value of a series (its total), the one before it, and the trend."""
    return snap.cached(("headline", series, lang), lambda: _headline(snap, series, lang))


def _headline(snap, series: str, lang: str) -> dict | None:
    rows, _ = select(snap, series, None, None, lang)
    if rows.empty:
        return None
    totals = rows.groupby("period", sort=True)["value"].sum()
    info = snap["series"].set_index("series").loc[series]
    latest, value = totals.index[-1], totals.iloc[-1]
    prev = None
    freq = rows["freq"].iloc[0]
    if freq == "M":  # compare with the same month a year before
        wanted = f"{int(latest[:4]) - 1}{latest[4:]}"
        prev = wanted if wanted in totals.index else None
    elif len(totals) > 1:
        prev = totals.index[-2]
    return {"series": series, "name": info[label_column(lang)], "theme": info["theme"], "unit": info["unit"],
            "period": latest, "value": value, "prev_period": prev, "prev_value": totals[prev] if prev else None,
            "periods": list(totals.index), "values": list(totals.values), "flags": rows["flag"].dropna().unique().tolist()}


def trend_text(h: dict, lang: str) -> str:
    """The sparkline in words: its span, lowest and highest value."""
    periods, values = h["periods"], h["values"]
    low, high = min(range(len(values)), key=values.__getitem__), max(range(len(values)), key=values.__getitem__)
    return t("home.trend", lang, first=periods[0], last=periods[-1], low=number(values[low], lang),
             low_period=periods[low], high=number(values[high], lang), high_period=periods[high])


def _card(h: dict, lang: str) -> dbc.Col:
    change = t("home.no_previous", lang)
    if h["prev_value"]:
        ratio = (h["value"] - h["prev_value"]) / h["prev_value"]
        change = t("home.change_up" if ratio >= 0 else "home.change_down", lang, pct=percent(abs(ratio), lang),
                   prev=h["prev_period"])
    colour = THEME_COLOURS.get(h["theme"], "#0072b2")
    trend = html.Img(src="data:image/svg+xml," + quote(sparkline_svg(h["values"], colour)), className="sparkline",
                     alt=trend_text(h, lang)) if len(h["periods"]) > 1 else \
        html.Div(t("home.single_year", lang), className="kpi-note")
    return dbc.Col(html.Div([
        html.Div(h["name"], className="kpi-label"),
        html.Div([number(h["value"], lang), html.Span(f" {t('unit.' + h['unit'], lang)}", className="kpi-unit")],
                 className="kpi-value"),
        html.Div(f"{h['period']} · {change}", className="kpi-note"),
        trend,
        dcc.Link([t("home.more", lang), html.Span(f": {h['name']}", className="visually-hidden")], href=href(f"/statistics/{THEME_PAGE.get(h['theme'], 'asylum')}", lang,
                                                series=h["series"]), className="kpi-link"),
    ], className="kpi theme-card", style={"borderTopColor": colour}), lg=4, md=6)


def layout(**query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    cards = [c for c in (headline(snap, s, lang) for s in HEADLINES if s in set(snap["series"]["series"])) if c]
    measures = snap["measures"]
    year = int(snap["plans"]["plan_year"].max())
    measures = measures[measures["plan_year"] == year]
    indicators = snap["indicators"][snap["indicators"]["measure_id"].isin(measures["measure_id"])]
    goals = snap["goals"].drop_duplicates("goal").set_index("goal")[label_column(lang)]
    counts = measures.groupby("goal", sort=False).size().reset_index(name="measures")
    counts["goal_label"] = [f"{g}. {goals.get(g, '')}" for g in counts["goal"]]
    numeric = int(indicators["target_value"].notna().sum())
    budget = budget_total(measures)
    summary = t("home.plan_summary", lang, year=year, measures=number(len(measures), lang),
                goals=number(len(counts), lang), top=counts.sort_values("measures").iloc[-1]["goal_label"],
                top_n=number(int(counts["measures"].max()), lang), numeric=number(numeric, lang),
                indicators=number(len(indicators), lang), budget=money(budget, "BGN", lang))
    table = pd.DataFrame({t("plan.col_goal", lang): counts["goal_label"], t("plan.kpi_measures", lang): counts["measures"]})
    body = [
        html.Div([html.H1(t("shell.product", lang)), html.P(t("home.lead", lang), className="lead")], className="hero"),
        html.H2(t("home.latest", lang)),
        dbc.Row([_card(c, lang) for c in cards], className="g-3 kpis"),
        html.P([t("home.updated", lang, date=day(snap.published[:10], lang), version=snap.version), " ",
                dcc.Link(t("home.sources_link", lang), href=href("/about", lang) + "#sources")], className="updated"),
        status_banner(lang),
        chart_block("home-plan", lang, t("home.plan_title", lang, year=year), t("home.plan_subtitle", lang),
                    measures_per_goal_figure(counts, lang), summary,
                    ChartData(table, about_for(snap, lang, t("home.plan_title", lang, year=year),
                                               list(snap["plans"]["source_id"]), "/", query), "/"),
                    [t("plan.source", lang, year=year)], tools=False,
                    extra=[dbc.Row([
                        dbc.Col(html.Div([html.Div(t("plan.kpi_numeric", lang), className="kpi-label"),
                                          html.Div(percent(numeric / len(indicators), lang) if len(indicators) else "–",
                                                   className="kpi-value"),
                                          html.Div(t("plan.kpi_numeric_note", lang, numeric=number(numeric, lang),
                                                     total=number(len(indicators), lang)), className="kpi-note")],
                                         className="kpi"), md=6),
                        dbc.Col(html.Div([html.Div(t("plan.kpi_budget", lang), className="kpi-label"),
                                          html.Div(money(budget, "BGN", lang), className="kpi-value"),
                                          html.Div(t("plan.kpi_budget_note", lang, eur=money(budget / 1.95583, "EUR", lang)),
                                                   className="kpi-note")], className="kpi"), md=6),
                    ], className="g-3 kpis"), dcc.Link(t("home.plan_link", lang), href=href("/plan", lang),
                                                        className="btn btn-primary")]),
    ]
    return page(lang, "/", query, t("home.title", lang), body)
