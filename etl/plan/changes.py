"""The `measure_changes` table: each yearly plan against the plan before it, measure by measure.

A matched pair is `unchanged` or `changed` (one row per changed field, old -> new as written);
an unmatched measure of the earlier plan is `dropped`, of the later plan `added`. The number is
shown but is no identity and no change (rows are renumbered when others are added or removed).
"""
from __future__ import annotations

import pandas as pd

from etl.plan.matching import Pins, match_years
from etl.problems import Problem

# Fields compared, as written in the document (a deadline "Декември" reads as a different date in
# another year's plan, so dates are not compared; the text is).
TEXT_FIELDS = {"text": "title", "budget": "budget_text", "deadline": "deadline_text"}


def _indicator_text(rows: pd.DataFrame) -> str:
    """Every indicator's baseline -> target, one per line, in the document's order."""
    def value(v):
        return "–" if pd.isna(v) else f"{float(v):g}"
    return "\n".join(f"{r.name}: {value(r.baseline_value)} → {value(r.target_value)}" for r in rows.itertuples())


def _institutions_text(codes: frozenset) -> str:
    return ", ".join(sorted(codes))


def measure_changes(measures: pd.DataFrame, indicators: pd.DataFrame, measure_institutions: pd.DataFrame,
                    pins: Pins, where: str) -> tuple[pd.DataFrame, list[Problem]]:
    warnings: list[Problem] = []
    rows: list[dict] = []
    if measures.empty:
        return pd.DataFrame(rows), warnings
    responsible = {mid: frozenset(g["institution_code"]) for mid, g in
                   measure_institutions[measure_institutions["role"] == "responsible"].groupby("measure_id")}
    by_measure = {mid: g for mid, g in indicators.sort_values("indicator_id").groupby("measure_id")}
    years = sorted(measures["plan_year"].unique())
    records = {y: measures[measures["plan_year"] == y].to_dict("records") for y in years}
    for old_year, new_year in zip(years, years[1:]):
        old, new = records[old_year], records[new_year]
        year_pins = Pins(tuple(p for p in pins.pin if p[1][:4] == str(new_year)),
                         tuple(p for p in pins.broken if p[1][:4] == str(new_year)))
        matches, found = match_years(old, new, responsible, year_pins, where)
        warnings += found
        old_by_id = {m["measure_id"]: m for m in old}
        new_by_id = {m["measure_id"]: m for m in new}
        base = {"from_year": int(old_year), "to_year": int(new_year)}
        for match in matches:
            a, b = old_by_id[match.from_id], new_by_id[match.to_id]
            pair = {**base, "from_measure_id": a["measure_id"], "to_measure_id": b["measure_id"],
                    "from_number": a["number"], "to_number": b["number"], "goal": b["goal"],
                    "score": match.score, "matched_by": match.explanation}
            diffs = []
            for field, column in TEXT_FIELDS.items():
                if (a[column] or "") != (b[column] or ""):
                    diffs.append((field, a[column], b[column]))
            empty = pd.DataFrame(columns=["name", "baseline_value", "target_value"])
            old_ind = _indicator_text(by_measure.get(a["measure_id"], empty))
            new_ind = _indicator_text(by_measure.get(b["measure_id"], empty))
            if old_ind != new_ind:
                diffs.append(("indicators", old_ind, new_ind))
            old_inst = _institutions_text(responsible.get(a["measure_id"], frozenset()))
            new_inst = _institutions_text(responsible.get(b["measure_id"], frozenset()))
            if old_inst != new_inst:
                diffs.append(("institutions", old_inst, new_inst))
            if not diffs:
                rows.append({**pair, "change": "unchanged", "field": None, "old": None, "new": None})
            for field, before, after in diffs:
                rows.append({**pair, "change": "changed", "field": field, "old": before, "new": after})
        matched_old = {m.from_id for m in matches}
        matched_new = {m.to_id for m in matches}
        for a in old:
            if a["measure_id"] not in matched_old:
                rows.append({**base, "change": "dropped", "from_measure_id": a["measure_id"], "to_measure_id": None,
                             "from_number": a["number"], "to_number": None, "goal": a["goal"], "score": None,
                             "matched_by": None, "field": None, "old": None, "new": None})
        for b in new:
            if b["measure_id"] not in matched_new:
                rows.append({**base, "change": "added", "from_measure_id": None, "to_measure_id": b["measure_id"],
                             "from_number": None, "to_number": b["number"], "goal": b["goal"], "score": None,
                             "matched_by": None, "field": None, "old": None, "new": None})
    return pd.DataFrame(rows), warnings

