"""/institutions/<code> — one institution: its measures by role, budget, indicators, related statistics."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards import _data
from dashboards._components.common import facts, institution_links, measure_cards, not_found
from dashboards._components.query import parse
from dashboards._components.shell import href, page, status_banner
from dashboards._i18n import money, number, t
from dashboards._queries import budget_total, label_column, measure_title

dash.register_page(__name__, path_template="/institutions/<code>", title="Институция")


def measures_table(measures: pd.DataFrame, lang: str, caption: str) -> html.Div:
    if measures.empty:
        return html.P(t("institution.none", lang))
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col", className=c) for k, c in
                               (("plan.col_number", None), ("plan.col_title", None), ("plan.col_goal", None),
                                ("plan.col_budget", "num"), ("plan.col_deadline", None))]))
    rows = [html.Tr([
        html.Td(m["number"].rstrip(".")),
        html.Td(dcc.Link(title, href=href(f"/plan/measure/{m['measure_id']}", lang))),
        html.Td(m["goal"]),
        html.Td(number(m["budget_bgn"], lang) if m["budget_bgn"] == m["budget_bgn"] else "–", className="num"),
        html.Td(m["deadline_text"]),
    ]) for m, title in zip(measures.to_dict("records"), measure_title(measures, lang))]
    cards = [{"number": m["number"].rstrip("."), "title": title, "href": href(f"/plan/measure/{m['measure_id']}", lang),
              "meta": " · ".join(x for x in (f"{t('plan.col_goal', lang)} {m['goal']}", m["deadline_text"]) if x)}
             for m, title in zip(measures.to_dict("records"), measure_title(measures, lang))]
    return html.Div([html.Div(html.Table([html.Caption(caption), head, html.Tbody(rows)], className="table table-sm"),
                              className="table-responsive d-none d-md-block"),
                     measure_cards(cards, caption)])


def layout(code: str | None = None, **query):
    lang = parse(query, [])["lang"]
    snap = _data.snapshot()
    inst = snap["institutions"].set_index("code")
    path = f"/institutions/{code}"
    if code not in inst.index:
        return not_found(lang, path, query)
    row = inst.loc[code]
    names = {c: n for c, n in zip(inst.index, inst[label_column(lang, "abbr")])}
    links = snap["measure_institutions"]
    mine = links[links["institution_code"] == code]
    measures = snap["measures"]
    responsible = measures[measures["measure_id"].isin(mine[mine["role"] == "responsible"]["measure_id"])]
    partner = measures[measures["measure_id"].isin(mine[mine["role"] == "partner"]["measure_id"])]
    indicators = snap["indicators"][snap["indicators"]["measure_id"].isin(responsible["measure_id"])]
    children = list(inst[inst["parent_code"] == code].index)
    series = snap.get("series")
    related = series[series["institution_code"] == code] if series is not None else None
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
        html.H2(t("institution.responsible_for", lang)),
        measures_table(responsible, lang, t("institution.responsible_for", lang)),
        html.H2(t("institution.partner_in", lang)),
        measures_table(partner, lang, t("institution.partner_in", lang)),
        html.H2(t("measure.related", lang)),
    ]
    if related is not None and len(related):
        from dashboards.measure import theme_path

        body.append(html.Ul([html.Li(dcc.Link(r[label_column(lang)], href=href(f"/statistics/{theme_path(r['theme'])}", lang, series=r["series"])))
                             for r in related.to_dict("records")]))
    else:
        body.append(html.P(t("institution.no_related", lang)))
    return page(lang, path, query, name, body)
