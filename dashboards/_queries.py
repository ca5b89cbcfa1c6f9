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
    goals = snap["goals"].drop_duplicates("goal")
    return [{"value": g, "label": f"{g}. {name}"} for g, name in zip(goals["goal"], goals[label_column(lang)])]


def institution_options(snap: Snapshot, lang: str, only_used: bool = True) -> list[dict]:
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
    links = snap["measure_institutions"]
    links = links[links["role"] == role]
    abbr = snap["institutions"].set_index("code")[label_column(lang, "abbr")]
    named = links.assign(abbr=links["institution_code"].map(abbr))
    return named.groupby("measure_id", sort=False)["abbr"].agg(", ".join)


def filter_measures(snap: Snapshot, goal: str | None = None, institution: str | None = None,
                    role: str | None = None, text: str | None = None, lang: str = "bg") -> pd.DataFrame:
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
    if text:
        needle = text.strip().lower()
        haystack = (measures["title"].fillna("") + " " + measures["title_en"].fillna("") + " "
                    + measures["expected_results"].fillna("") + " " + measures["budget_text"].fillna("")).str.lower()
        mask &= haystack.str.contains(needle, regex=False)
    return measures[mask]
