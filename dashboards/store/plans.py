"""Pure selections over the published data: (snapshot, filters, lang) -> DataFrame.

Pages, downloads and the API call these, so a chart, its table and its file always hold the
same rows. Nothing here builds components.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from dashboards.store.current import Snapshot
from dashboards.store.query import rows_where, where


def label_column(lang: str, base: str = "name") -> str:
    return f"{base}_{'en' if lang == 'en' else 'bg'}"


def goal_options(snap: Snapshot, lang: str) -> list[dict]:
    return snap.cached(("goal_options", lang), lambda: _goal_options(snap, lang))


def _goal_options(snap: Snapshot, lang: str) -> list[dict]:
    goals = snap["goals"].drop_duplicates("goal")
    return [{"value": g, "label": f"{g}. {name}"} for g, name in zip(goals["goal"], goals[label_column(lang)])]


def institution_options(snap: Snapshot, lang: str, only_used: bool = True) -> list[dict]:
    return snap.cached(("institution_options", lang, only_used), lambda: _institution_options(snap, lang, only_used))


def _institution_options(snap: Snapshot, lang: str, only_used: bool) -> list[dict]:
    inst = snap["institutions"]
    if only_used:
        inst = rows_where(inst, "institutions", [where("code", "in", snap["measure_institutions"]["institution_code"].unique())])
    abbr = inst[label_column(lang, "abbr")]
    name = inst[label_column(lang)]
    labels = [a if a == n else f"{a} — {n}" for a, n in zip(abbr, name)]
    return sorted(({"value": c, "label": lab} for c, lab in zip(inst["code"], labels)), key=lambda o: o["label"].lower())


def measure_title(measures: pd.DataFrame, lang: str) -> pd.Series:
    """Measure titles in the page language; English falls back to the official Bulgarian text."""
    if lang == "en":
        return measures["title_en"].where(measures["title_en"].notna() & (measures["title_en"] != ""), measures["title"])
    return measures["title"]


def institutions_by_measure(snap: Snapshot, lang: str, role: str = "responsible") -> pd.Series:
    """'МВР, ДАНС' per measure id: the abbreviations of the bodies with that role."""
    return snap.cached(("institutions_by_measure", lang, role), lambda: _institutions_by_measure(snap, lang, role))


def _institutions_by_measure(snap: Snapshot, lang: str, role: str) -> pd.Series:
    links = rows_where(snap["measure_institutions"], "measure_institutions", [where("role", value=role)])
    abbr = snap["institutions"].set_index("code")[label_column(lang, "abbr")]
    named = links.assign(abbr=links["institution_code"].map(abbr))
    return named.groupby("measure_id", sort=False)["abbr"].agg(", ".join)


def deadline_bucket(when) -> str:
    """'2024-Q3' for a deadline date, 'open' for none (recurring or open-ended)."""
    if when is None or when != when:
        return "open"
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def measure_facets(snap: Snapshot) -> dict:
    """What the measure filters compare, per measure in plan order, as plain Python values.

    Computed once per data version: the plan's measures are many small rows, so pandas' fixed cost
    per operation (not the data) was most of a filtered page's time.
    """
    return snap.cached(("measure_facets",), lambda: _measure_facets(snap))


def _measure_facets(snap: Snapshot) -> dict:
    measures = snap["measures"]
    haystack = (measures["title"].fillna("") + " " + measures["title_en"].fillna("") + " "
                + measures["expected_results"].fillna("") + " " + measures["budget_text"].fillna("")).str.lower()
    by_institution: dict[tuple, set] = {}
    links = snap["measure_institutions"]
    for mid, code, role in zip(links["measure_id"], links["institution_code"], links["role"]):
        by_institution.setdefault((code, None), set()).add(mid)
        by_institution.setdefault((code, role), set()).add(mid)
    return {"id": measures["measure_id"].tolist(), "goal": measures["goal"].tolist(),
            "funding": [set() if codes is None else set(codes) for codes in measures["funding"]],
            "due": [deadline_bucket(d) for d in measures["deadline_date"]],
            "text": haystack.tolist(), "by_institution": by_institution}


def filter_measures(snap: Snapshot, goal: str | None = None, institution: str | None = None,
                    role: str | None = None, text: str | None = None, lang: str = "bg",
                    funding: str | None = None, due: str | None = None) -> pd.DataFrame:
    """Measures matching the filters, in plan order."""
    facets = measure_facets(snap)
    keep = range(len(facets["id"]))
    if goal:
        keep = [i for i in keep if facets["goal"][i] == goal]
    if institution:
        ids = facets["by_institution"].get((institution, role or None), set())
        keep = [i for i in keep if facets["id"][i] in ids]
    if funding:
        keep = [i for i in keep if funding in facets["funding"][i]]
    if due:
        keep = [i for i in keep if facets["due"][i] == due]
    if text:
        needle = text.strip().lower()
        keep = [i for i in keep if needle in facets["text"][i]]
    measures = snap["measures"]
    return measures if len(keep) == len(measures) else measures.iloc[list(keep)]


def budget_total(measures: pd.DataFrame) -> float:
    """Total budget in BGN, counting a budget shared by two measures once."""
    ids = set(measures["measure_id"].tolist())
    return math.fsum(b for b, shared in zip(measures["budget_bgn"].tolist(), measures["budget_shared_with"].tolist())
                     if b == b and b is not None and not (isinstance(shared, str) and shared in ids))


def indicator_name(indicators: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "en" and "name_en" in indicators:
        return indicators["name_en"].where(indicators["name_en"].notna() & (indicators["name_en"] != ""), indicators["name"])
    return indicators["name"]


def all_plan_indicators(snap: Snapshot, lang: str) -> pd.DataFrame:
    """Every indicator with its measure's number and goal and its name in `lang`, in plan order (per version)."""
    return snap.cached(("all_plan_indicators", lang), lambda: _all_plan_indicators(snap, lang))


def _all_plan_indicators(snap: Snapshot, lang: str) -> pd.DataFrame:
    ind = snap["indicators"]
    measures = snap["measures"]
    ind = rows_where(ind, "indicators", [where("measure_id", "in", measures["measure_id"])])
    ind = ind.join(measures.set_index("measure_id")[["number", "goal"]], on="measure_id")
    return ind.assign(label_name=indicator_name(ind, lang))


def plan_indicators(snap: Snapshot, measures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators of the given measures, with measure number and goal, in plan order."""
    every = all_plan_indicators(snap, lang)
    if len(measures) == len(snap["measures"]):
        return every
    wanted = set(measures["measure_id"].tolist())
    return every.iloc[[i for i, m in enumerate(every["measure_id"].tolist()) if m in wanted]]


def goal_labels(snap: Snapshot, lang: str) -> dict[str, str]:
    """Goal -> its name in `lang`, in the plan's goal order."""
    def compute():
        goals = snap["goals"].drop_duplicates("goal")
        return dict(zip(goals["goal"].tolist(), goals[label_column(lang)].tolist()))
    return snap.cached(("goal_labels", lang), compute)


def present(value) -> bool:
    """A value is there: not None, NA or NaN (how pandas gives an empty cell of a number column)."""
    return value is not None and value is not pd.NA and value == value


def goal_status_counts(snap: Snapshot, indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators per goal and status (columns goal, status, indicators, goal_label), in goal order."""
    names = goal_labels(snap, lang)
    order = {g: i for i, g in enumerate(names)}
    counts = Counter((g, s) for g, s in zip(indicators["goal"].tolist(), indicators["status"].tolist())
                     if present(g) and present(s))
    keys = sorted(counts, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    return pd.DataFrame({"goal": [g for g, _ in keys], "status": [s for _, s in keys],
                         "indicators": [counts[k] for k in keys],
                         "goal_label": [f"{g}. {names.get(g, '')}" for g, _ in keys]})


def goal_summary(snap: Snapshot, measures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Per goal (in the measures' order): measures, budget (BGN), indicators, indicators with a numeric target."""
    ids = set(measures["measure_id"].tolist())
    per_goal: dict = {}
    for goal, budget, shared in zip(measures["goal"].tolist(), measures["budget_bgn"].tolist(),
                                    measures["budget_shared_with"].tolist()):
        row = per_goal.setdefault(goal, [0, []])
        row[0] += 1
        if present(budget) and not (isinstance(shared, str) and shared in ids):
            row[1].append(budget)
    counted = Counter(indicators["goal"].tolist())
    numeric = Counter(g for g, v in zip(indicators["goal"].tolist(), indicators["target_value"].tolist()) if present(v))
    goals = list(per_goal)
    return pd.DataFrame({"goal": goals, "measures": [per_goal[g][0] for g in goals],
                         "budget_bgn": [math.fsum(per_goal[g][1]) for g in goals],
                         "indicators": [counted.get(g, 0) for g in goals],
                         "numeric_targets": [numeric.get(g, 0) for g in goals]})


def plan_years(snap: Snapshot) -> list[int]:
    """The years of the published yearly plans, oldest first."""
    return snap.cached("plan_years", lambda: sorted({int(y) for y in snap["plans"]["plan_year"]}))
