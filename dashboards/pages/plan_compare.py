"""/plan/compare?from=2024&to=2025 — two yearly plans compared measure by measure: per strategic
goal how many measures were carried over unchanged, changed, added and dropped; the list of each
group with old → new values (shown as a revision is on /data); filters by goal and institution;
CSV/XLSX of exactly the listed rows (registered as a chart: the one download path).

Everything comes from the published `measure_changes` table (etl/plan/changes.py). With one plan
published the page says so, and what staff do to get a comparison."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, clientside_callback, dcc, html

from dashboards.store import current
from dashboards.ui.charts import ChartData, about_for, register_chart
from dashboards.ui.components.common import labelled, native_select
from dashboards.ui.components.deferred import deferred, opener
from dashboards.ui.params import Param, parse, sync_url
from dashboards.ui.components.shell import href, page, status_banner
from dashboards.i18n import number, t
from dashboards.store.plans import goal_labels, goal_options, institution_options, measure_title, plan_years

dash.register_page(__name__, path="/plan/compare", title="Сравнение на плановете")
CHANGES = ("changed", "added", "dropped", "unchanged")   # the order of the lists (unchanged, the longest, last)
COUNTED = ("unchanged", "changed", "added", "dropped")   # the order of the counts' columns
FIELDS = ("text", "indicators", "budget", "deadline", "institutions")
YEAR_LOW, YEAR_HIGH = 2000, 2100


def _goals() -> set:
    snap = current.snapshot()
    return snap.cached(("compare", "goals"), lambda: set(snap["goals"]["goal"].tolist()))


def _institutions() -> set:
    snap = current.snapshot()
    return snap.cached(("compare", "inst"), lambda: set(snap["measure_institutions"]["institution_code"].tolist()))


PARAMS = [
    Param("from", kind=int, low=YEAR_LOW, high=YEAR_HIGH),
    Param("to", kind=int, low=YEAR_LOW, high=YEAR_HIGH),
    Param("goal", choices=_goals),
    Param("institution", choices=_institutions),
]


def years_problem(query: dict, state: dict, years: list[int]) -> tuple[int | None, int | None, str | None]:
    """(from, to, None) for a pair of published plans one after the other, else (None, None, the
    reason as a locale key). No `from`/`to` asked: the last two plans."""
    if len(years) < 2:
        return None, None, "compare.one_plan"
    asked = {k: query.get(k) for k in ("from", "to") if query.get(k) not in (None, "")}
    if not asked:
        return years[-2], years[-1], None
    if any(state[k] is None for k in asked):
        return None, None, "compare.bad_year"
    start = state["from"] if state["from"] is not None else None
    end = state["to"] if state["to"] is not None else None
    if start is None:
        earlier = [y for y in years if y < end]
        start = earlier[-1] if earlier else None
    if end is None:
        later = [y for y in years if y > start]
        end = later[0] if later else None
    if start is None or end is None or start not in years or end not in years:
        return None, None, "compare.unknown_year"
    if start >= end:
        return None, None, "compare.order"
    if years.index(end) != years.index(start) + 1:
        return None, None, "compare.not_adjacent"
    return start, end, None


def _measure_facts(snap, lang: str) -> dict:
    """measure id -> (title in `lang`, goal, institution codes of any role): once per version and language."""
    def compute():
        measures = snap["measures"]
        titles = dict(zip(measures["measure_id"].tolist(), measure_title(measures, lang).tolist()))
        inst: dict[str, set] = {}
        links = snap["measure_institutions"]
        for mid, code in zip(links["measure_id"].tolist(), links["institution_code"].tolist()):
            inst.setdefault(mid, set()).add(code)
        return {"title": titles, "inst": inst}
    return snap.cached(("compare", "facts", lang), compute)


def _all_rows(snap, start: int, end: int, lang: str) -> dict:
    """Every row of `measure_changes` from `start` to `end` in the page's order (kind of change,
    goal, number, field), with the title, each row's institutions (either year) and its table row
    as a component: made once per data version, pair of years and language (a filter then picks
    rows by position)."""
    def compute():
        changes = snap.get("measure_changes")
        if changes is None or changes.empty:
            rows = pd.DataFrame(columns=["change", "goal", "from_number", "to_number", "from_measure_id",
                                         "to_measure_id", "field", "old", "new", "matched_by", "score"])
        else:
            rows = changes[(changes["from_year"] == start) & (changes["to_year"] == end)]
        facts = _measure_facts(snap, lang)
        order = {c: k for k, c in enumerate(CHANGES)}
        goals = {g: k for k, g in enumerate(goal_labels(snap, lang))}
        ids = list(zip(rows["from_measure_id"].tolist(), rows["to_measure_id"].tolist()))
        rows = rows.assign(
            title=[facts["title"].get(b if isinstance(b, str) else a, "") for a, b in ids],
            _c=rows["change"].map(order), _g=rows["goal"].map(goals),
            _n=[int(str(b if isinstance(b, str) else a).rstrip(".").split(".")[0] or 0)
                for a, b in zip(rows["from_number"].tolist(), rows["to_number"].tolist())],
            _f=rows["field"].map({f: k for k, f in enumerate(FIELDS)}).fillna(-1))
        frame = rows.sort_values(["_c", "_g", "_n", "from_measure_id", "to_measure_id", "_f"], kind="stable") \
                    .drop(columns=["_c", "_g", "_n", "_f"]).reset_index(drop=True)
        records = frame.to_dict("records")
        inst = facts["inst"]
        return {"frame": frame, "records": records,
                "goal": [r["goal"] for r in records],
                "inst": [inst.get(r["from_measure_id"], set()) | inst.get(r["to_measure_id"], set()) for r in records],
                "tr": [_table_row(r, lang) for r in records]}
    return snap.cached(("compare", "rows", start, end, lang), compute)


def selected(snap, start: int, end: int, goal: str | None, institution: str | None, lang: str) -> list[int]:
    """Positions in `_all_rows` of the rows kept by `goal` and by `institution` (taking part in
    the measure in either year, in any role)."""
    every = _all_rows(snap, start, end, lang)
    return [k for k, (g, inst) in enumerate(zip(every["goal"], every["inst"]))
            if (not goal or g == goal) and (not institution or institution in inst)]


def compare_rows(snap, start: int, end: int, goal: str | None, institution: str | None, lang: str) -> pd.DataFrame:
    """The rows of `measure_changes` from `start` to `end` (a changed measure: one row per field),
    kept to `goal` and to measures `institution` takes part in (in either year), with the title."""
    frame = _all_rows(snap, start, end, lang)["frame"]
    return frame.iloc[selected(snap, start, end, goal, institution, lang)].reset_index(drop=True)


def counts_per_goal(records: list[dict], goals: list[str]) -> dict[str, dict[str, int]]:
    """goal -> kind of change -> measures (a changed measure counted once, whatever its fields),
    goals in the plan's order, those with no row left out."""
    seen, out = set(), {}
    for r in records:
        key = (r["change"], r["from_measure_id"], r["to_measure_id"])
        if key in seen:
            continue
        seen.add(key)
        out.setdefault(r["goal"], dict.fromkeys(CHANGES, 0))[r["change"]] += 1
    return {g: out[g] for g in goals if g in out}


def download_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The listed rows as the downloads give them (column names in the page language)."""
    return pd.DataFrame({
        t("compare.col_change", lang): [t(f"compare.change_{c}", lang) for c in rows["change"]],
        t("plan.col_goal", lang): rows["goal"].tolist(),
        t("compare.col_from_number", lang): [n.rstrip(".") if isinstance(n, str) else None for n in rows["from_number"]],
        t("compare.col_to_number", lang): [n.rstrip(".") if isinstance(n, str) else None for n in rows["to_number"]],
        t("compare.col_from_id", lang): rows["from_measure_id"].tolist(),
        t("compare.col_to_id", lang): rows["to_measure_id"].tolist(),
        t("plan.col_title", lang): rows["title"].tolist(),
        t("data.col_field", lang): [t(f"compare.field_{f}", lang) if isinstance(f, str) else None for f in rows["field"]],
        t("data.col_old", lang): rows["old"].tolist(),
        t("data.col_new", lang): rows["new"].tolist(),
        t("compare.col_matched_by", lang): rows["matched_by"].tolist(),
    })


def _filters_text(snap, state: dict, lang: str) -> list[tuple[str, str]]:
    out = []
    if state.get("goal"):
        out.append((t("plan.goal", lang), next((o["label"] for o in goal_options(snap, lang) if o["value"] == state["goal"]), state["goal"])))
    if state.get("institution"):
        out.append((t("plan.institution", lang), next((o["label"] for o in institution_options(snap, lang)
                                                       if o["value"] == state["institution"]), state["institution"])))
    return out


def build(snap, query: dict, lang: str) -> dict:
    """What the page lists for `query`; the downloads share it."""
    state = parse({**query, "lang": lang}, PARAMS)
    years = plan_years(snap)
    start, end, problem = years_problem(query, state, years)
    out = {"state": state, "years": years, "from": start, "to": end, "problem": problem}
    if problem:
        return out
    positions = selected(snap, start, end, state["goal"], state["institution"], lang)
    every = _all_rows(snap, start, end, lang)
    title = t("compare.download_title", lang, start=start, end=end)
    sources = snap["plans"][snap["plans"]["plan_year"].isin([start, end])]["source_id"].tolist()
    about = about_for(snap, lang, title, sources, "/plan/compare", query, definition=t("compare.definition", lang),
                      filters=[(t("compare.years", lang), f"{start} → {end}")] + _filters_text(snap, state, lang))
    out.update(records=[every["records"][k] for k in positions], trs=[every["tr"][k] for k in positions],
               data=ChartData(lambda: download_table(every["frame"].iloc[positions].reset_index(drop=True), lang),
                              about, "/plan/compare"))
    return out


register_chart("plan-compare", lambda snap, query, lang: build(snap, query, lang).get("data"))


def _measure_link(mid, number_, lang: str):
    if not isinstance(mid, str):
        return "–"
    return dcc.Link(number_.rstrip(".") if isinstance(number_, str) else mid, href=href(f"/plan/measure/{mid}", lang),
                    title=mid)


def _counts_table(counts: dict, names: dict, lang: str) -> html.Div:
    groups = {c: t(f"compare.group_{c}", lang) for c in COUNTED}
    head = html.Thead(html.Tr([html.Th(t("plan.col_goal", lang), scope="col")]
                              + [html.Th(groups[c], scope="col", className="num") for c in COUNTED]))
    body = [html.Tr([html.Th(f"{g}. {names.get(g, '')}", scope="row")]
                    + [labelled(groups[c], number(counts[g][c], lang), className="num") for c in COUNTED])
            for g in counts]
    totals = html.Tr([html.Th(t("compare.total", lang), scope="row")]
                     + [labelled(groups[c], number(sum(n[c] for n in counts.values()), lang), className="num",
                                 id=f"compare-total-{c}") for c in COUNTED],
                     className="compare-total")
    return html.Div(html.Table([html.Caption(t("compare.counts_caption", lang)), head, html.Tbody(body + [totals])],
                               className="table table-sm goal-table compare-counts table-stacked"),
                    className="table-responsive")


def _table_row(r: dict, lang: str) -> html.Tr:
    """A listed row as /data shows a revision: the measure in each year, the field, old → new."""
    cells = [html.Td(_measure_link(r["from_measure_id"], r["from_number"], lang)),
             html.Td(_measure_link(r["to_measure_id"], r["to_number"], lang)),
             html.Td(r["goal"], className="compare-goal"), html.Td(r["title"], className="compare-title")]
    if r["change"] == "changed":
        # on phones a changed row is a block of labelled lines (data-label; see 10-theme.css)
        cells += [html.Td(t(f"compare.field_{r['field']}", lang), **{"data-label": t("data.col_field", lang)}),
                  html.Td(r["old"] if isinstance(r["old"], str) and r["old"] else "–", className="compare-value",
                          **{"data-label": t("data.col_old", lang)}),
                  html.Td(r["new"] if isinstance(r["new"], str) and r["new"] else "–", className="compare-value",
                          **{"data-label": t("data.col_new", lang)})]
    return html.Tr(cells)


def _revision_table(trs: list, change: str, lang: str) -> html.Div:
    """One group's rows in a table with its header."""
    with_values = change == "changed"
    cols = ["compare.col_from_number", "compare.col_to_number", "plan.col_goal", "plan.col_title"]
    if with_values:
        cols += ["data.col_field", "data.col_old", "data.col_new"]
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col", className="compare-goal" if k == "plan.col_goal" else None)
                               for k in cols]))
    # the group's heading says what a list of measures is (its caption only for screen readers)
    caption = html.Caption(t("compare.revised_caption", lang)) if with_values else \
        html.Caption(t(f"compare.group_{change}", lang), className="visually-hidden")
    return html.Div(html.Table([caption, head, html.Tbody(trs)],
                               className="table table-sm compare-table" + (" compare-changed" if with_values else "")),
                    className="table-responsive")


def _groups(records: list[dict], trs: list, counts: dict, lang: str) -> list:
    out = []
    for change in CHANGES:
        part = [tr for r, tr in zip(records, trs) if r["change"] == change]
        n = sum(c[change] for c in counts.values())
        heading = html.H3(t(f"compare.heading_{change}", lang, n=number(n, lang)), id=f"compare-{change}")
        if not n:
            out.append(html.Section([heading, html.P(t("compare.group_none", lang), className="text-muted")],
                                    className="change-version compare-group", **{"data-change": change}))
            continue
        table = _revision_table(part, change, lang)
        if change == "unchanged":   # the long list of measures carried over as they were: folded
            # sent as data, drawn when opened (the pre-rendered HTML has it)
            table = html.Details([opener("when-open", "compare-unchanged", t("compare.show_unchanged", lang, n=number(n, lang))),
                                  *deferred("when-open", "compare-unchanged", table)])
        out.append(html.Section([heading, table], className="change-version compare-group", **{"data-change": change}))
    return out


def _filters(snap, state: dict, start: int, end: int, years: list[int], lang: str) -> html.Section:
    pairs = [{"value": f"{a}-{b}", "label": f"{a} → {b}"} for a, b in zip(years, years[1:])]
    return html.Section(dbc.Row([
        dbc.Col([dbc.Label(t("compare.years", lang), html_for="compare-from"),
                 native_select("compare-from", pairs, f"{start}-{end}")], md=4, sm=6, xs=12),
        dbc.Col([dbc.Label(t("plan.goal", lang), html_for="compare-goal"),
                 native_select("compare-goal", goal_options(snap, lang), state["goal"], t("plan.goal_all", lang))],
                md=4, sm=6, xs=12),
        dbc.Col([dbc.Label(t("plan.institution", lang), html_for="compare-institution"),
                 native_select("compare-institution", institution_options(snap, lang), state["institution"],
                               t("plan.institution_all", lang))], md=4, sm=6, xs=12),
    ], className="g-3"), className="filters", role="search", **{"aria-label": t("plan.filters", lang)})


def _downloads(query: dict, lang: str) -> html.P:
    from dashboards.ui.charts import view_query

    q = view_query({**query, **({"lang": lang} if lang != "bg" else {})})
    return html.P([html.Span(t("chart.download", lang) + " ", className="tools-label"),
                   html.A("CSV", href=f"/download/plan-compare.csv{q}", className="btn btn-sm btn-outline-primary",
                          download="", id="compare-csv"), " ",
                   html.A("Excel", href=f"/download/plan-compare.xlsx{q}", className="btn btn-sm btn-outline-primary",
                          download="", id="compare-xlsx")], className="compare-downloads")


def layout(**query):
    lang = parse(query, PARAMS)["lang"]
    snap = current.snapshot()
    built = build(snap, query, lang)
    title = t("compare.title", lang)
    body = [
        html.Nav(html.Ol([
            html.Li(dcc.Link(t("plan.title", lang), href=href("/plan", lang)), className="breadcrumb-item"),
            html.Li(title, className="breadcrumb-item active", **{"aria-current": "page"}),
        ], className="breadcrumb"), **{"aria-label": t("measure.breadcrumb", lang)}),
        html.H1(title),
        html.P(t("compare.lead", lang), className="lead"),
    ]
    years = built["years"]
    if built["problem"]:
        listed = ", ".join(str(y) for y in years) or "–"
        message = [html.P(t(built["problem"], lang, years=listed), id="compare-message")]
        if built["problem"] == "compare.one_plan":
            message.append(html.P(t("compare.how_to", lang), className="small mb-0"))
        elif len(years) >= 2:
            message.append(dcc.Link(t("compare.latest", lang, start=years[-2], end=years[-1]),
                                    href=href("/plan/compare", lang), className="btn btn-primary"))
        body.append(html.Div(message, className="alert alert-info compare-message", role="status"))
        return page(lang, "/plan/compare", query, title, body)
    start, end, state, records = built["from"], built["to"], built["state"], built["records"]
    counts = counts_per_goal(records, list(goal_labels(snap, lang)))
    n = {c: sum(k[c] for k in counts.values()) for c in CHANGES}
    body += [
        status_banner(lang),
        _filters(snap, state, start, end, years, lang),
        html.P(t("compare.summary", lang, start=start, end=end, unchanged=number(n["unchanged"], lang),
                 changed=number(n["changed"], lang), added=number(n["added"], lang), dropped=number(n["dropped"], lang)),
               id="compare-summary", className="result-count", role="status"),
    ]
    if not records:
        body.append(html.P(t("plan.none", lang), className="empty-state", id="compare-empty"))
        return page(lang, "/plan/compare", query, title, body)
    body += [
        _counts_table(counts, goal_labels(snap, lang), lang),
        _downloads(query, lang),
        html.H2(t("compare.list_heading", lang)),
        html.P(t("compare.method", lang), className="small"),
        *_groups(records, built["trs"], counts, lang),
    ]
    return page(lang, "/plan/compare", query, title, body)


sync_url(PARAMS, {"goal": ("compare-goal", "value"), "institution": ("compare-institution", "value")})
# The pair of years is one choice ("2024-2025"), written to the URL as from and to.
clientside_callback(
    """function (pair, search) {
        var parts = String(pair || "").split("-");
        if (parts.length !== 2) { return window.dash_clientside.no_update; }
        return window.migdash.toSearch(["from", "to"], {}, parts, search);
    }""",
    Output("_pages_location", "search", allow_duplicate=True),
    Input("compare-from", "value"), State("_pages_location", "search"), prevent_initial_call=True)
