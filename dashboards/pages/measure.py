"""/plan/measure/<measure_id> — one measure: every field, indicators baseline → target (→ actual),
institutions with their roles, budget in BGN and EUR, deadline, the source line, related statistics."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboards.store import current
from dashboards.ui.charts import ChartData, about_for
from dashboards.ui.components.chart import chart_block
from dashboards.ui.components.common import facts, institution_links, labelled, not_found
from dashboards.ui.params import Param, parse
from dashboards.ui.components.shell import href, page, status_banner
from dashboards.ui.plan_figures import baseline_target_figure, measure_history_figure
from dashboards.ui.indicator_targets import dumbbell_rows_of, dumbbell_summary, indicator_table
from dashboards.ui.statistics_links import related_series
from dashboards.store.history import chain, history_rows, links as history_links
from dashboards.i18n import day, money, number, t
from dashboards.store.plans import goal_labels, label_column, measure_title, plan_indicators, present

dash.register_page(__name__, path_template="/plan/measure/<measure_id>", title="Мярка")
PARAMS: list[Param] = []   # the measure is the path's <measure_id>, looked up below; the query holds only `lang`


def _indicator_rows(indicators: pd.DataFrame, lang: str) -> html.Table:
    names = [t(k, lang) for k in ("plan.col_indicator", "plan.baseline", "plan.target", "plan.actual", "plan.col_status")]
    head = html.Thead(html.Tr([html.Th(name, scope="col") for name in names]))
    rows = []
    for r in indicators.to_dict("records"):
        def cell(text, value, name):
            shown = number(value, lang) if present(value) else "–"
            # the text as written, or nothing (an empty cell is NaN here: never show "nan")
            return labelled(name, [html.Div(shown, className="num"), html.Div(text if isinstance(text, str) else "", className="as-written")])
        status = t(f"status.{r['status']}", lang) + (f" ({t('status.manual', lang)})" if r["status_source"] == "manual" else "")
        rows.append(html.Tr([
            html.Th([r["label_name"], html.Div(t(f"unit.{r['unit']}", lang) + (
                f" · {t('measure.comparison_' + r['comparison'].replace(' ', '_'), lang)}" if isinstance(r["comparison"], str) else ""),
                className="as-written")], scope="row"),
            cell(r["baseline_text"], r["baseline_value"], names[1]), cell(r["target_text"], r["target_value"], names[2]),
            cell(r["actual_period"], r["actual_value"], names[3]), labelled(names[4], status),
        ]))
    return html.Div(html.Table([html.Caption(t("measure.indicators_caption", lang)), head, html.Tbody(rows)],
                               className="table indicator-table table-stacked"), className="table-responsive")


def lookups(snap, lang: str) -> dict:
    """What a measure's page looks up, as dicts made once per data version and language (pandas
    set_index and filters on every render cost more than the rest of the page)."""
    return snap.cached(("measure_lookups", lang), lambda: _lookups(snap, lang))


def _lookups(snap, lang: str) -> dict:
    inst = snap["institutions"]
    links: dict[str, dict[str, list]] = {}
    table = snap["measure_institutions"]
    for mid, code, role in zip(table["measure_id"].tolist(), table["institution_code"].tolist(), table["role"].tolist()):
        links.setdefault(mid, {}).setdefault(role, []).append(code)
    related: dict[str, list] = {}
    series = snap.get("series")
    if series is not None:
        for r in series.to_dict("records"):
            for mid in dict.fromkeys(list(r["measure_ids"])):
                related.setdefault(mid, []).append(r)
    funding = snap["funding_sources"]
    plans = snap["plans"]
    sources = snap["sources"]
    back, forth = history_links(snap.get("measure_changes"))
    return {
        "back": back, "forth": forth,
        "position": {m: i for i, m in enumerate(snap["measures"]["measure_id"].tolist())},
        "names": {c: f"{a} — {n}" if a != n else n for c, a, n in
                  zip(inst["code"].tolist(), inst[label_column(lang, "abbr")].tolist(), inst[label_column(lang)].tolist())},
        "links": links, "related": related if series is not None else None,
        "funding": dict(zip(funding["code"].tolist(), funding[label_column(lang)].tolist())),
        "plan_source": dict(zip(plans["plan_year"].tolist(), plans["source_id"].tolist())),
        "source_file": dict(zip(sources["source_id"].tolist(), sources["file"].tolist())),
    }


def layout(measure_id: str | None = None, **query):
    state = parse(query, PARAMS)
    lang = state["lang"]
    snap = current.snapshot()
    found_at = lookups(snap, lang)["position"].get(str(measure_id)[:40])
    path = f"/plan/measure/{measure_id}"
    if found_at is None:
        return not_found(lang, path, query)
    known = lookups(snap, lang)
    found = snap["measures"].iloc[[found_at]]
    m = found.iloc[0].to_dict()
    title = measure_title(found, lang).iloc[0]
    goals = goal_labels(snap, lang)
    indicators = plan_indicators(snap, found, lang)
    related = None if known["related"] is None else known["related"].get(m["measure_id"], [])
    body = _header(m, title, goals, lang) + [
        status_banner(lang),
        _facts(m, known, goals, lang),
        html.H2(t("measure.indicators", lang)),
        _indicator_rows(indicators, lang),
        *_targets_block(snap, known, m, indicators, lang, path, query),
        *history_block(snap, known, m, lang, path, query),
    ]
    if len(m["notes"]):
        body += [html.H2(t("measure.notes", lang)),
                 html.Ul([html.Li(t(f"note.{n}", lang)) for n in m["notes"]], className="notes")]
    body += [html.H2(t("measure.related", lang)), related_series(related, lang, t("measure.no_related", lang))]
    return page(lang, path, query, t("measure.number", lang, number=m["number"].rstrip(".")) + " · " + title[:60], body)


def _header(m: dict, title: str, goals: dict, lang: str) -> list:
    """The breadcrumb (plan › goal › measure), the title and, in English, what the translation is."""
    header = [
        html.Nav(html.Ol([
            html.Li(dcc.Link(t("plan.title", lang), href=href("/plan", lang)), className="breadcrumb-item"),
            html.Li(dcc.Link(f"{m['goal']}. {goals.get(m['goal'], '')}", href=href("/plan", lang, goal=m["goal"])),
                    className="breadcrumb-item"),
            html.Li(t("measure.number", lang, number=m["number"].rstrip(".")), className="breadcrumb-item active",
                    **{"aria-current": "page"}),
        ], className="breadcrumb"), **{"aria-label": t("measure.breadcrumb", lang)}),
        html.H1(title, className="measure-title"),
    ]
    translated = lang == "en" and isinstance(m.get("title_en"), str) and m["title_en"]
    if translated:
        header += [html.P([html.Span(t("measure.unofficial", lang), className="badge text-bg-light border"), " ",
                           t("measure.official_text", lang)], className="small"),
                   html.Blockquote(m["title"], lang="bg", className="official-text")]
    elif lang == "en":
        header.append(html.P(t("measure.no_translation", lang), className="small"))
    return header


def _facts(m: dict, known: dict, goals: dict, lang: str):
    """Every field of the measure as the plan states it: goal, objective, institutions, budget, deadline, source."""
    names = known["names"]
    roles = known["links"].get(m["measure_id"], {})
    funding = known["funding"]
    source = {"file": known["source_file"][known["plan_source"][m["plan_year"]]]}
    budget = [money(m["budget_bgn"], "BGN", lang), " (", money(m["budget_eur"], "EUR", lang), ")"] \
        if m["budget_bgn"] == m["budget_bgn"] and m["budget_bgn"] is not None else [t("measure.no_amount", lang)]
    shared = [html.Br(), t("measure.shared_budget", lang), " ",
              dcc.Link(m["budget_shared_with"], href=href(f"/plan/measure/{m['budget_shared_with']}", lang))] \
        if isinstance(m.get("budget_shared_with"), str) else []
    return facts([
        (t("plan.goal", lang), f"{m['goal']}. {goals.get(m['goal'], '')}"),
        (t("measure.objective", lang), html.Span(m["objective"], lang="bg")),
        (t("measure.expected_results", lang), html.Span(m["expected_results"], lang="bg")),
        (t("measure.responsible", lang), institution_links(roles.get("responsible", []), names, lang)),
        (t("measure.partners", lang), institution_links(roles.get("partner", []), names, lang)),
        (t("measure.budget", lang), budget + shared),
        (t("plan.funding", lang), ", ".join(funding.get(c, c) for c in m["funding"])),
        (t("measure.budget_text", lang), html.Span(m["budget_text"], lang="bg", className="as-written")),
        (t("measure.deadline", lang), [m["deadline_text"]] + ([" (", day(m["deadline_date"], lang), ")"]
                                                              if m["deadline_date"] is not None and m["deadline_date"] == m["deadline_date"] else [])),
        (t("measure.source", lang), t("measure.source_line", lang, file=source["file"], line=m["source_line"],
                                      year=m["plan_year"])),
    ])


def _targets_block(snap, known: dict, m: dict, indicators: pd.DataFrame, lang: str, path: str, query: dict) -> list:
    """The measure's indicators baseline → target on one scale (the plan page's chart for one measure);
    nothing when no indicator has a numeric baseline and target that differ."""
    rows = dumbbell_rows_of(snap, indicators, lang)
    if not len(rows):
        return []
    data = ChartData(indicator_table(rows, lang),
                     about_for(snap, lang, f"{t('measure.number', lang, number=m['number'].rstrip('.'))}: "
                                           f"{t('plan.chart_targets_title', lang)}", [known["plan_source"][m["plan_year"]]], path, query,
                               definition=t("plan.chart_targets_definition", lang)), path)
    return [chart_block("measure-targets", lang, t("plan.chart_targets_title", lang),
                        t("plan.chart_targets_subtitle", lang, shown=number(len(rows), lang), total=number(len(indicators), lang)),
                        baseline_target_figure(rows, lang), dumbbell_summary(rows, len(indicators), lang),
                        data, [t("plan.source", lang, year=m["plan_year"])], tools=False)]


def history_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The history as the table view and the downloads give it (typed values)."""
    return pd.DataFrame({
        t("measure.history_col_year", lang): rows["plan_year"].astype(int),
        t("plan.col_number", lang): rows["number"],
        t("plan.col_indicator", lang): rows["label_name"],
        t("plan.baseline", lang): rows["baseline_value"].astype(float),
        t("plan.target", lang): rows["target_value"].astype(float),
        t("plan.actual", lang): rows["actual_value"].astype(float),
        t("plan.col_unit", lang): [t(f"unit.{u}", lang) for u in rows["unit"]],
        t("plan.col_source_line", lang): rows["source_line"],
    })


def history_block(snap, known: dict, m: dict, lang: str, path: str, query: dict) -> list:
    """The measure in every yearly plan it appears in (matched across years), as a small chart;
    nothing when it is in one plan only (the indicators above say it all)."""
    ids = chain(known["back"], known["forth"], m["measure_id"])
    positions = [known["position"][i] for i in ids if i in known["position"]]
    if len(positions) < 2:
        return []
    measures = snap["measures"].iloc[positions]
    rows = history_rows(plan_indicators(snap, measures, lang), measures)
    years = [int(y) for y in measures["plan_year"].tolist()]
    numbers = ", ".join(f"{y}: {n.rstrip('.')}" for y, n in zip(years, measures["number"].tolist()))
    title = t("measure.history_title", lang)
    sources = [known["plan_source"][y] for y in years if y in known["plan_source"]]
    data = ChartData(history_table(rows, lang), about_for(snap, lang, f"{t('measure.number', lang, number=m['number'].rstrip('.'))}: {title}",
                                                          sources, path, query), path)
    summary = t("measure.history_summary", lang, first=years[0], last=years[-1], plans=number(len(years), lang),
                numbers=numbers)
    links = [dcc.Link(f"{y} ({n.rstrip('.')})", href=href(f"/plan/measure/{i}", lang))
             for y, n, i in zip(years, measures["number"].tolist(), measures["measure_id"].tolist())]
    return [chart_block("measure-history", lang, title, t("measure.history_subtitle", lang),
                        measure_history_figure(rows, lang), summary, data,
                        [t("plan.source", lang, year=y) + (" " if k < len(years) - 1 else "") for k, y in enumerate(years)],
                        extra=[html.P([t("measure.history_links", lang), " "]
                                      + [x for k, link in enumerate(links) for x in ((", ",) if k else ()) + (link,)])],
                        tools=False)]
