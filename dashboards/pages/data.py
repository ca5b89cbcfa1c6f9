"""/data — the catalogue: every published table with its description, columns, rows, coverage,
licence and downloads; downloads per theme and per goal; the change log of every data update."""
from __future__ import annotations

import json

import dash
from dash import html

from dashboards.store import current
from dashboards.ui.components.chart import table_data, table_view
from dashboards.ui.params import Param, parse
from dashboards.ui.components.shell import page
from dashboards.site import feed_href
from dashboards.i18n import day, number, t
from dashboards.store.plans import label_column
from etl.contract import TABLES

dash.register_page(__name__, path="/data", nav_order=5, nav_key="nav.data", title="Данни")
PARAMS: list[Param] = []   # one view: the query holds only `lang`
FORMATS = (("csv", "CSV"), ("xlsx", "Excel"), ("parquet", "Parquet"), ("json", "JSON"))
CHANGES_SHOWN = 60


def coverage(snap, name: str, lang: str) -> str:
    """Years and series a table covers; a pass over every row (5 million at scale), so once per version."""
    return snap.cached(("coverage", name, lang), lambda: _coverage(snap, name, lang))


def _coverage(snap, name: str, lang: str) -> str:
    frame = snap[name]
    if name == "observations" and len(frame):
        return t("data.coverage_obs", lang, first=int(frame["year"].min()), last=int(frame["year"].max()),
                 series=number(frame["series"].nunique(), lang))
    if "plan_year" in frame and len(frame):
        return t("data.coverage_plan", lang, years=", ".join(str(y) for y in sorted(set(frame["plan_year"]))))
    return ""


def _links(base: str, lang: str) -> list:
    out = []
    for i, (fmt, label) in enumerate(FORMATS):
        out += ([" · "] if i else []) + [html.A(label, href=f"{base}.{fmt}" + ("?lang=en" if lang == "en" else ""), download="")]
    return out


def _table_card(snap, name: str, lang: str) -> html.Section:
    spec = TABLES[name]
    columns = table_data(t("data.columns_caption", lang, table=name),
                         [t(k, lang) for k in ("data.col_column", "data.col_type", "data.col_description")],
                         [[c.name, c.dtype + (f", {c.unit}" if c.unit else ""), c.en if lang == "en" else c.bg] for c in spec.columns],
                         class_name="table table-sm columns-table")
    return html.Section([
        html.H3([spec.en if lang == "en" else spec.bg, " ", html.Code(name, className="table-name")], id=f"table-{name}"),
        html.P([t("data.rows", lang, rows=number(len(snap[name]), lang)), " ", coverage(snap, name, lang), " ",
                t("data.licence", lang)], className="table-facts"),
        html.P([html.Strong(t("data.download", lang) + " ")] + _links(f"/data/{name}", lang)
               + [" · ", html.A("API", href=f"/api/v1/{name}.json")], className="table-downloads"),
        table_view(f"columns-{name}", t("data.columns", lang), columns, class_name="columns-view"),
    ], className="catalogue-table")


def _change_log(snap, lang: str) -> list:
    changes = snap.get("changes")
    out: list = []
    if changes is None or changes.empty:
        return [html.P(t("data.no_changes", lang))]
    for version, group in changes.groupby("version", sort=False):
        counts = group.groupby(["table", "change"]).size()
        summary = ", ".join(t("data.change_count", lang, n=number(n, lang), table=table, change=t(f"data.change_{change}", lang))
                            for (table, change), n in counts.items())
        revised = group[group["change"] == "revised"].head(CHANGES_SHOWN)
        rows = [html.Tr([html.Td(r["table"]), html.Td(_key_text(r["key"])), html.Td(r["field"] or ""),
                         html.Td(r["old"] if isinstance(r["old"], str) else "–", className="num"),
                         html.Td(r["new"] if isinstance(r["new"], str) else "–", className="num")])
                for r in revised.to_dict("records")]
        block = [html.H3(t("data.version_heading", lang, version=version, date=day(group["published"].iloc[0][:10], lang))),
                 html.P(summary)]
        if rows:
            block.append(html.Div(html.Table([
                html.Caption(t("data.revised_caption", lang)),
                html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in
                                    ("data.col_table", "data.col_key", "data.col_field", "data.col_old", "data.col_new")])),
                html.Tbody(rows)], className="table table-sm"), className="table-responsive"))
        out.append(html.Section(block, className="change-version", id=f"version-{version}"))
    return out


def _key_text(key: str) -> str:
    try:
        return ", ".join(f"{k}={v}" for k, v in json.loads(key).items())
    except (ValueError, AttributeError):
        return str(key)


def layout(**query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    published = [n for n in TABLES if n in snap.tables]
    themes = sorted(set(snap["series"]["theme"]))
    goals = snap["goals"].drop_duplicates("goal")
    body = [
        html.H1(t("data.title", lang)),
        html.P(t("data.lead", lang), className="lead"),
        html.P([t("data.version", lang, version=snap.version, date=day(snap.published[:10], lang)), " ",
                html.A("datapackage.json", href="/data/datapackage.json"), " · ",
                html.A(t("data.api", lang), href="/api/v1/"), " · ",
                html.A("OpenAPI", href="/api/v1/openapi.json")], className="updated"),
        html.H2(t("data.by_theme", lang)),
        html.Ul([html.Li([html.Strong(t(f"theme.{theme}", lang) + ": ")] + _links(f"/data/theme/{theme}", lang)) for theme in themes]),
        html.H2(t("data.by_goal", lang)),
        html.Ul([html.Li([html.Strong(f"{g}. {name}: ")] + _links(f"/data/goal/{g}", lang))
                 for g, name in zip(goals["goal"], goals[label_column(lang)])]),
        html.H2(t("data.tables", lang)),
        html.Div([_table_card(snap, name, lang) for name in published], className="catalogue"),
        html.H2(t("data.changes", lang), id="changes"),
        html.P(t("data.changes_lead", lang)),
        html.P(html.A(t("feed.link", lang), href=feed_href(lang), rel="alternate"), className="feed-link"),
        *_change_log(snap, lang),
    ]
    return page(lang, "/data", query, t("data.title", lang), body)
