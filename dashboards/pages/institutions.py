"""/institutions — who is responsible for what: every body in the plan, its measures by role and budget."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.params import Param, parse, sync_url
from dashboards.ui.components.common import labelled
from dashboards.ui.components.shell import href, page
from dashboards.i18n import money, number, t
from dashboards.store.plans import budget_total, label_column

dash.register_page(__name__, path="/institutions", nav_order=4, nav_key="nav.institutions", title="Институции")
PARAMS = [Param("q")]


def institution_summary(snap, lang: str) -> pd.DataFrame:
    """One row per institution: measures as responsible and as partner, budget of its responsible measures."""
    return snap.cached(("institution_summary", lang), lambda: _institution_summary(snap, lang))


def _institution_summary(snap, lang: str) -> pd.DataFrame:
    inst = snap["institutions"]
    links = snap["measure_institutions"]
    measures = snap["measures"].set_index("measure_id")
    rows = []
    for r in inst.to_dict("records"):
        mine = links[links["institution_code"] == r["code"]]
        responsible = mine[mine["role"] == "responsible"]["measure_id"]
        rows.append({
            "code": r["code"], "abbr": r[label_column(lang, "abbr")], "name": r[label_column(lang)],
            "parent_code": r["parent_code"],
            "search": " ".join(str(r[c]) for c in ("code", "abbr_bg", "abbr_en", "name_bg", "name_en")).lower(),
            "responsible": len(responsible), "partner": int((mine["role"] == "partner").sum()),
            "budget_bgn": budget_total(measures.loc[list(responsible)].reset_index()) if len(responsible) else 0.0,
        })
    return pd.DataFrame(rows)


def ordered_tree(summary: pd.DataFrame) -> list[tuple[int, dict]]:
    """(depth, row) with every body followed by its sub-units."""
    rows = {r["code"]: r for r in summary.to_dict("records")}
    children: dict = {}
    for r in rows.values():
        children.setdefault(r["parent_code"] if r["parent_code"] in rows else None, []).append(r)
    out: list[tuple[int, dict]] = []

    def walk(parent, depth):
        for r in sorted(children.get(parent, []), key=lambda x: (-(x["responsible"] + x["partner"]), x["abbr"])):
            out.append((depth, r))
            walk(r["code"], depth + 1)

    walk(None, 0)
    return out


def layout(**query):
    state = parse(query, PARAMS)
    lang = state["lang"]
    snap = current.snapshot()
    summary = institution_summary(snap, lang)
    tree = ordered_tree(summary)
    if state["q"]:
        needle = state["q"].lower()
        tree = [(d, r) for d, r in tree if needle in r["search"]]  # either language
    cols = [t(k, lang) for k in ("institutions.col_name", "institutions.col_responsible", "institutions.col_partner",
                                 "institutions.col_budget")]
    head = html.Thead(html.Tr([html.Th(name, scope="col", className="num" if i else None) for i, name in enumerate(cols)]))
    body_rows = [html.Tr([
        html.Th([dcc.Link(r["abbr"], href=href(f"/institutions/{r['code']}", lang), className="fw-semibold"),
                 html.Span(" — " + r["name"] if r["name"] != r["abbr"] else "")],
                scope="row", style={"paddingLeft": f"{0.5 + 1.25 * depth}rem"}),
        labelled(cols[1], number(r["responsible"], lang), className="num"),
        labelled(cols[2], number(r["partner"], lang), className="num"),
        labelled(cols[3], money(r["budget_bgn"], "BGN", lang) if r["budget_bgn"] else "–", className="num"),
    ]) for depth, r in tree]
    body = [
        html.H1(t("institutions.title", lang)),
        html.P(t("institutions.lead", lang), className="lead"),
        html.Section([html.Label(t("institutions.search", lang), htmlFor="institutions-search", className="form-label"),
                      dcc.Input(id="institutions-search", type="search", value=state["q"] or "", debounce=True,
                                maxLength=100, className="form-control", placeholder=t("institutions.search_placeholder", lang))],
                     className="filters", role="search"),
        html.P(t("institutions.count", lang, count=number(len(tree), lang)), className="result-count", id="institutions-count",
               role="status"),
        html.Div(html.Table([html.Caption(t("institutions.caption", lang)), head, html.Tbody(body_rows)],
                            className="table institution-table table-stacked"), className="table-responsive"),
    ]
    return page(lang, "/institutions", query, t("institutions.title", lang), body)


sync_url(PARAMS, {"q": ("institutions-search", "value")})
