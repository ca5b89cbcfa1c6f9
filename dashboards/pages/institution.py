"""/institutions/<code> — one institution: its measures by role, budget, indicators, related statistics."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.components.common import facts, institution_links, measure_cards, not_found
from dashboards.ui.params import Param, parse
from dashboards.ui.components.shell import href, page, status_banner
from dashboards.ui.statistics_links import related_series
from dashboards.i18n import money, number, t
from dashboards.store.plans import budget_total, label_column, measure_title

dash.register_page(__name__, path_template="/institutions/<code>", title="Институция")
PARAMS: list[Param] = []   # the institution is the path's <code>, looked up below; the query holds only `lang`


def measures_table(key: str, measures: pd.DataFrame, lang: str, caption: str) -> html.Div:
    if measures.empty:
        return html.P(t("institution.none", lang))
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col", className=c) for k, c in
                               (("plan.col_number", None), ("plan.col_title", None), ("plan.col_goal", None),
                                ("plan.col_budget", "num"), ("plan.col_deadline", None))]))
    records = [(m, title, href(f"/plan/measure/{m['measure_id']}", lang))
               for m, title in zip(measures.to_dict("records"), measure_title(measures, lang).tolist())]
    rows = [html.Tr([
        html.Td(m["number"].rstrip(".")),
        html.Td(dcc.Link(title, href=link)),
        html.Td(m["goal"]),
        html.Td(number(m["budget_bgn"], lang) if m["budget_bgn"] == m["budget_bgn"] else "–", className="num"),
        html.Td(m["deadline_text"]),
    ]) for m, title, link in records]
    cards = [{"number": m["number"].rstrip("."), "title": title, "href": link,
              "meta": " · ".join(x for x in (f"{t('plan.col_goal', lang)} {m['goal']}", m["deadline_text"]) if x)}
             for m, title, link in records]
    return html.Div([html.Div(html.Table([html.Caption(caption), head, html.Tbody(rows)], className="table table-sm"),
                              className="table-responsive d-none d-md-block"),
                     measure_cards(f"institution-{key}", cards, caption)])


def counts_per_year(measures: pd.DataFrame, responsible: set, partner: set) -> pd.DataFrame:
    """An institution's measures per plan year: how many it is responsible for, a partner in, and
    the budget of those it is responsible for (a budget shared by two measures counted once)."""
    rows = []
    for year, of_year in measures.groupby("plan_year", sort=True):
        ids = of_year["measure_id"].tolist()
        mine = of_year[[m in responsible for m in ids]]
        rows.append({"plan_year": int(year), "responsible": len(mine),
                     "partner": sum(m in partner and m not in responsible for m in ids),
                     "budget_bgn": budget_total(mine)})
    return pd.DataFrame(rows, columns=["plan_year", "responsible", "partner", "budget_bgn"])


def years_table(counts: pd.DataFrame, lang: str) -> html.Div:
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col", className=c) for k, c in
                               (("institution.col_year", None), ("institution.col_responsible", "num"),
                                ("institution.col_partner", "num"), ("plan.col_budget", "num"))]))
    rows = [html.Tr([html.Th(str(r["plan_year"]), scope="row"), html.Td(number(r["responsible"], lang), className="num"),
                     html.Td(number(r["partner"], lang), className="num"),
                     html.Td(number(r["budget_bgn"], lang), className="num")]) for r in counts.to_dict("records")]
    return html.Div(html.Table([html.Caption(t("institution.per_year_caption", lang)), head, html.Tbody(rows)],
                               className="table table-sm per-year-table"), className="table-responsive")


def lookups(snap, lang: str) -> dict:
    """What an institution's page looks up, as dicts made once per data version and language."""
    return snap.cached(("institution_lookups", lang), lambda: _lookups(snap, lang))


def _lookups(snap, lang: str) -> dict:
    inst = snap["institutions"]
    records = {r["code"]: r for r in inst.to_dict("records")}
    children: dict[str, list] = {}
    for code, parent in zip(inst["code"].tolist(), inst["parent_code"].tolist()):
        if isinstance(parent, str):
            children.setdefault(parent, []).append(code)
    roles: dict[str, dict[str, set]] = {}
    links = snap["measure_institutions"]
    for mid, code, role in zip(links["measure_id"].tolist(), links["institution_code"].tolist(), links["role"].tolist()):
        roles.setdefault(code, {}).setdefault(role, set()).add(mid)
    series = snap.get("series")
    related: dict[str, list] = {}
    if series is not None:
        for r in series.to_dict("records"):
            related.setdefault(r["institution_code"], []).append(r)
    return {"records": records, "children": children, "roles": roles, "related": related if series is not None else None,
            "abbr": dict(zip(inst["code"].tolist(), inst[label_column(lang, "abbr")].tolist()))}


def _rows_of(frame: pd.DataFrame, column: str, wanted: set) -> pd.DataFrame:
    """Rows of `frame` whose `column` is in `wanted`, in the frame's order."""
    return frame.iloc[[i for i, v in enumerate(frame[column].tolist()) if v in wanted]]


def layout(code: str | None = None, **query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    known = lookups(snap, lang)
    path = f"/institutions/{code}"
    if code not in known["records"]:
        return not_found(lang, path, query)
    row = known["records"][code]
    names = known["abbr"]
    mine = known["roles"].get(code, {})
    measures = snap["measures"]
    responsible = _rows_of(measures, "measure_id", mine.get("responsible", set()))
    partner = _rows_of(measures, "measure_id", mine.get("partner", set()))
    indicators = _rows_of(snap["indicators"], "measure_id", set(responsible["measure_id"].tolist()))
    children = known["children"].get(code, [])
    related = None if known["related"] is None else known["related"].get(code, [])
    name = row[label_column(lang)]
    body = [
        html.Nav(html.Ol([html.Li(dcc.Link(t("institutions.title", lang), href=href("/institutions", lang)),
                                  className="breadcrumb-item"),
                          html.Li(row[label_column(lang, "abbr")], className="breadcrumb-item active",
                                  **{"aria-current": "page"})], className="breadcrumb"),
                 **{"aria-label": t("measure.breadcrumb", lang)}),
        html.H1(name),
        status_banner(lang),
        facts([
            (t("institution.abbreviation", lang), f"{row['abbr_bg']} / {row['abbr_en']}"),
            (t("institution.name_other", lang), row["name_en"] if lang == "bg" else html.Span(row["name_bg"], lang="bg")),
            (t("institution.parent", lang), institution_links([row["parent_code"]], names, lang)
             if isinstance(row["parent_code"], str) else None),
            (t("institution.units", lang), institution_links(children, names, lang) if children else None),
            (t("institution.summary", lang), t("institution.summary_text", lang,
                                               responsible=number(len(responsible), lang), partner=number(len(partner), lang),
                                               budget=money(budget_total(responsible), "BGN", lang),
                                               indicators=number(len(indicators), lang),
                                               numeric=number(int(indicators["target_value"].notna().sum()), lang))),
        ]),
        html.H2(t("institution.per_year", lang)),
        years_table(counts_per_year(measures, mine.get("responsible", set()), mine.get("partner", set())), lang),
        html.H2(t("institution.responsible_for", lang)),
        measures_table("responsible", responsible, lang, t("institution.responsible_for", lang)),
        html.H2(t("institution.partner_in", lang)),
        measures_table("partner", partner, lang, t("institution.partner_in", lang)),
        html.H2(t("measure.related", lang)),
        related_series(related, lang, t("institution.no_related", lang)),
    ]
    return page(lang, path, query, name, body)
