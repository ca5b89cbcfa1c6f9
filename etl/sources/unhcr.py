"""Importer: UNHCR Refugee Data Finder asylum-decisions CSV (Bulgaria as country of asylum).

One row per year, country of origin, authority and stage of procedure, with decision counts in
columns. Recognized -> refugee status, complementary protection -> humanitarian status (Bulgaria's
form of subsidiary protection), rejected, otherwise closed -> terminated (closed without a decision
on the merits), total -> all decisions (empty decision type). When the file splits a year and origin
into several rows (stages of procedure such as FI and AR, or authorities), they are summed and a
warning says which rows were added. UNHCR gives no national total, so the importer adds one per year
(sum over origins), citing the rows it adds up.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pandas as pd

from etl.problems import Problem, rel
from etl.sources.common import observations_frame, read_text, to_number
from etl.statistics.periods import parse_period
from etl.statistics.registry import registry

SERIES = "asylum_decisions_unhcr"
ASYLUM_COUNTRY = "Country of asylum (ISO)"
BULGARIA = "BGR"
YEAR, ORIGIN, STAGE, AUTHORITY, UNIT_COLUMN = "Year", "Country of origin (ISO)", "Stage of procedure", "Authority", "Cases / Persons"
DECISIONS = {  # column -> decision (None = all decisions)
    "Recognized decisions": "refugee_status",
    "Complementary protection": "humanitarian_status",
    "Rejected decisions": "rejected",
    "Otherwise closed": "terminated",
    "Total decisions": None,
}
UNITS = {"P": "persons", "C": "decisions"}  # UNHCR counts persons (P) or cases (C)
DATASET = "UNHCR asylum-decisions"
DATASET_ID = "UNHCR-ASYLUM-DECISIONS"  # what a sidecar's `dataset` says for this download


def read(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Bulgaria's decisions by year and country of origin, plus the yearly totals."""
    file = rel(path)
    columns = {"value": "Total decisions", "period": YEAR, "citizenship": ORIGIN}
    text, problems = read_text(path, file)
    if text is None:
        return observations_frame([], columns), problems
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in [YEAR, ORIGIN, ASYLUM_COUNTRY, *DECISIONS] if c not in (reader.fieldnames or [])]
    if missing:
        return observations_frame([], columns), problems + [
            Problem(file, f"missing column(s) {', '.join(map(repr, missing))}: not a UNHCR asylum-decisions file", line=1)]
    groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
    for row in reader:
        if row[ASYLUM_COUNTRY].strip() == BULGARIA:
            groups[(row[YEAR].strip(), row[ORIGIN].strip())].append((reader.line_num, row))
    if not groups:
        problems.append(Problem(file, "no rows with Bulgaria (BGR) as country of asylum"))
    institution = registry()[SERIES].institution_code
    out: list[dict] = []
    totals: dict[tuple, dict] = {}
    for (year, origin), rows in sorted(groups.items()):
        units = {r.get(UNIT_COLUMN, "P").strip() or "P" for _, r in rows}
        if len(units) > 1:  # never add cases to persons: keep the persons rows
            rows = [(n, r) for n, r in rows if (r.get(UNIT_COLUMN, "P").strip() or "P") == "P"]
            problems.append(Problem(file, f"{year} {origin}: rows count both cases and persons; only persons kept",
                                    severity="warning"))
        lines = [n for n, _ in rows]
        if len(rows) > 1:
            stages = "+".join(sorted({r.get(STAGE, "").strip() for _, r in rows}))
            problems.append(Problem(file, f"rows {', '.join(map(str, lines))} ({year}, {origin}, stages {stages}) "
                                          f"are summed into one value per decision type", severity="warning"))
        unit = UNITS.get(next(iter(units)) if len(units) == 1 else "P", "persons")
        try:
            period, year_int, freq = parse_period(year)
        except ValueError:
            period, year_int, freq = year, None, None
        ref = f"{DATASET} {path.name} row{'s' if len(lines) > 1 else ''} {'+'.join(map(str, lines))}"
        for column, decision in DECISIONS.items():
            texts = [r[column].strip() for _, r in rows]
            numbers = [to_number(t, decimal=".") for t in texts]
            bad = next((t for t, v in zip(texts, numbers) if v is None and t != ""), None)
            value = None if bad is not None or all(t == "" for t in texts) else sum(v or 0 for v in numbers)
            out.append(_row(period, year_int, freq, origin or None, decision, value, unit, institution, ref, lines[0],
                            bad if bad is not None else ";".join(texts)))
            if value is not None and bad is None:
                total = totals.setdefault((period, decision), {"value": 0.0, "lines": [], "unit": unit,
                                                               "year": year_int, "freq": freq})
                total["value"] += value
                total["lines"] += lines
    for (period, decision), total in totals.items():
        first, last = min(total["lines"]), max(total["lines"])
        ref = f"{DATASET} {path.name} sum over countries of origin of {len(total['lines'])} rows ({first}–{last})"
        out.append(_row(period, total["year"], total["freq"], None, decision, total["value"], total["unit"],
                        institution, ref, first, str(total["value"])))
    frame = observations_frame(out, columns)
    frame.attrs["dataset"] = DATASET_ID
    return frame, problems


def _row(period, year, freq, citizenship, decision, value, unit, institution, ref, line, text) -> dict:
    return {"series": SERIES, "period": period, "year": year, "freq": freq, "citizenship": citizenship,
            "decision": decision, "value": value, "unit": unit, "flag": None, "institution_code": institution,
            "source_ref": ref, "_row": line, "_value_text": text, "_flag_text": None, "_freq": "A"}
