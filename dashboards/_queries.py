"""Pure selections over the published data: (snapshot, filters, lang) -> DataFrame.

Pages, downloads and the API call these, so a chart, its table and its file always hold the
same rows. Nothing here builds components.
"""
from __future__ import annotations

import pandas as pd

from dashboards._data import Snapshot


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
        inst = inst[inst["code"].isin(snap["measure_institutions"]["institution_code"])]
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
    links = snap["measure_institutions"]
    links = links[links["role"] == role]
    abbr = snap["institutions"].set_index("code")[label_column(lang, "abbr")]
    named = links.assign(abbr=links["institution_code"].map(abbr))
    return named.groupby("measure_id", sort=False)["abbr"].agg(", ".join)


def deadline_bucket(when) -> str:
    """'2024-Q3' for a deadline date, 'open' for none (recurring or open-ended)."""
    if when is None or when != when:
        return "open"
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def filter_measures(snap: Snapshot, goal: str | None = None, institution: str | None = None,
                    role: str | None = None, text: str | None = None, lang: str = "bg",
                    funding: str | None = None, due: str | None = None) -> pd.DataFrame:
    """Measures matching the filters, in plan order."""
    measures = snap["measures"]
    mask = pd.Series(True, index=measures.index)
    if goal:
        mask &= measures["goal"] == goal
    if institution:
        links = snap["measure_institutions"]
        links = links[links["institution_code"] == institution]
        if role:
            links = links[links["role"] == role]
        mask &= measures["measure_id"].isin(links["measure_id"])
    if funding:
        mask &= measures["funding"].map(lambda codes: funding in list(codes))
    if due:
        mask &= measures["deadline_date"].map(deadline_bucket) == due
    if text:
        needle = text.strip().lower()
        haystack = (measures["title"].fillna("") + " " + measures["title_en"].fillna("") + " "
                    + measures["expected_results"].fillna("") + " " + measures["budget_text"].fillna("")).str.lower()
        mask &= haystack.str.contains(needle, regex=False)
    return measures[mask]


def budget_total(measures: pd.DataFrame) -> float:
    """Total budget in BGN, counting a budget shared by two measures once."""
    shared = measures["budget_shared_with"].notna() & measures["budget_shared_with"].isin(measures["measure_id"])
    return float(measures.loc[~shared, "budget_bgn"].fillna(0).sum())


def indicator_name(indicators: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "en" and "name_en" in indicators:
        return indicators["name_en"].where(indicators["name_en"].notna() & (indicators["name_en"] != ""), indicators["name"])
    return indicators["name"]


def plan_indicators(snap: Snapshot, measures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators of the given measures, with measure number and goal, in plan order."""
    ind = snap["indicators"]
    ind = ind[ind["measure_id"].isin(measures["measure_id"])]
    info = measures.set_index("measure_id")[["number", "goal"]]
    ind = ind.join(info, on="measure_id")
    return ind.assign(label_name=indicator_name(ind, lang))


def goal_status_counts(snap: Snapshot, indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    goals = snap["goals"].drop_duplicates("goal").set_index("goal")[label_column(lang)]
    counts = indicators.groupby(["goal", "status"], as_index=False).size().rename(columns={"size": "indicators"})
    counts["goal_label"] = [f"{g}. {goals.get(g, '')}" for g in counts["goal"]]
    return counts.sort_values(["goal"], key=lambda s: s.map({g: i for i, g in enumerate(goals.index)}))


def goal_summary(snap: Snapshot, measures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Per goal: measures, budget (BGN), indicators, indicators with a numeric target."""
    shared = measures["budget_shared_with"].notna() & measures["budget_shared_with"].isin(measures["measure_id"])
    per_goal = measures.assign(_budget=measures["budget_bgn"].where(~shared, 0).fillna(0)).groupby("goal", sort=False).agg(
        measures=("measure_id", "size"), budget_bgn=("_budget", "sum"))
    ind = indicators.assign(_numeric=indicators["target_value"].notna()).groupby("goal").agg(
        indicators=("indicator_id", "size"), numeric_targets=("_numeric", "sum"))
    out = per_goal.join(ind, how="left").fillna({"indicators": 0, "numeric_targets": 0}).reset_index()
    return out.astype({"indicators": int, "numeric_targets": int})[["goal", "measures", "budget_bgn", "indicators", "numeric_targets"]]
