"""A measure across the yearly plans: the measures it continues and is continued by (the matched
pairs of `measure_changes`), and its indicators' baseline → target (→ actual) in each year.

Pure functions of published tables, so the measure page and its tests share them.
"""
from __future__ import annotations

import re

import pandas as pd

CONTINUED = ("changed", "unchanged")  # a matched pair; added / dropped rows have one side only
HISTORY_COLUMNS = ["plan_year", "measure_id", "number", "line", "label_name", "baseline_value", "target_value",
                   "actual_value", "unit", "source_line"]


def links(changes: pd.DataFrame | None) -> tuple[dict[str, str], dict[str, str]]:
    """(later id -> earlier id, earlier id -> later id) of every matched pair."""
    back: dict[str, str] = {}
    forth: dict[str, str] = {}
    if changes is None or changes.empty:
        return back, forth
    for change, a, b in zip(changes["change"].tolist(), changes["from_measure_id"].tolist(),
                            changes["to_measure_id"].tolist()):
        if change in CONTINUED and isinstance(a, str) and isinstance(b, str):
            back[b], forth[a] = a, b
    return back, forth


def chain(back: dict[str, str], forth: dict[str, str], measure_id: str) -> list[str]:
    """The measure and those it continues / is continued by, earliest plan first."""
    earlier, seen = [], {measure_id}
    m = measure_id
    while m in back and back[m] not in seen:  # `seen`: a bad pin must not loop forever
        m = back[m]
        seen.add(m)
        earlier.append(m)
    later, m = [], measure_id
    while m in forth and forth[m] not in seen:
        m = forth[m]
        seen.add(m)
        later.append(m)
    return earlier[::-1] + [measure_id] + later


def _key(name: str) -> str:
    return " ".join(re.findall(r"\w+", str(name).lower()))


def history_rows(indicators: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The numeric indicators of the chained `measures`, one row per (year, indicator).

    `line` names the indicator across years: the same name (case, punctuation and spacing aside)
    is the same line; a renamed indicator starts a new one (values never move between indicators).
    The name compared is the plan's own (Bulgarian) one: a translation known for one year only must
    not split a line. `indicators`: rows of `plan_indicators` (name, label_name, values, unit, source_line).
    """
    year_of = dict(zip(measures["measure_id"].tolist(), measures["plan_year"].tolist()))
    rows = indicators[indicators["measure_id"].isin(list(year_of))]
    rows = rows[rows["baseline_value"].notna() | rows["target_value"].notna()]
    out = pd.DataFrame({
        "plan_year": [int(year_of[m]) for m in rows["measure_id"].tolist()],
        "measure_id": rows["measure_id"].tolist(), "number": rows["number"].str.rstrip(".").tolist(),
        "line": [_key(n) for n in rows["name" if "name" in rows else "label_name"].tolist()], "label_name": rows["label_name"].tolist(),
        "baseline_value": rows["baseline_value"].astype(float).tolist(),
        "target_value": rows["target_value"].astype(float).tolist(),
        "actual_value": rows["actual_value"].astype(float).tolist(), "unit": rows["unit"].tolist(),
        "source_line": rows["source_line"].tolist(),
    }, columns=HISTORY_COLUMNS)
    return out.sort_values(["plan_year", "line"], kind="stable").reset_index(drop=True)
