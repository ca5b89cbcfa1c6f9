"""A plan document -> rows of the plan tables (goals, measures, indicators, institutions).

Everything here is a pure function of the document and the reviewed registries next to it
(`institutions.yml`, `funding.yml`, `goals.yml`), so a rebuild gives the same tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from etl.plan.budget import read_budget, read_deadline
from etl.plan.cells import Cell, PlanDocument
from etl.plan.indicators import read_cell, read_indicators, tidy
from etl.plan.institutions import registry
from etl.plan.structure import MeasureRow, PlanStructure, find_structure
from etl.problems import EtlError, Problem, rel

GOALS = Path(__file__).with_name("goals.yml")
YEAR_RE = re.compile(r"план\s+за\s+(20\d{2})", re.IGNORECASE)
DRAFT_RE = re.compile(r"\bпроект\s*!?$", re.IGNORECASE)


@dataclass
class PlanTables:
    plan: dict
    goals: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    institutions: list[dict] = field(default_factory=list)
    measure_institutions: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@lru_cache(maxsize=1)
def known_goals() -> dict[str, dict]:
    return yaml.safe_load(GOALS.read_text(encoding="utf-8"))["goals"]


def plan_year_and_status(doc: PlanDocument) -> tuple[int | None, str]:
    """The year from the title ("ПЛАН за 2024 г.") and whether the copy is a draft ("ПРОЕКТ!")."""
    head = [text for _, text in doc.narrative[:12]]
    year = next((int(m.group(1)) for t in head if (m := YEAR_RE.search(t))), None)
    draft = any(DRAFT_RE.search(t.strip()) for t in head[:3])
    return year, "draft" if draft else "final"


def _line_of(cell: Cell, text: str | None) -> int:
    """The document line where `text` (an item of `cell`) starts."""
    if not text:
        return cell.line
    probe = " ".join(text.split())[:20]
    lines = cell.text.split("\n")
    for offset, line in enumerate(lines):
        if probe and probe[:12] in " ".join(line.split()):
            return cell.line + offset
    return cell.line


def shifted_one_cell(cells: dict[str, Cell]) -> bool:
    """Indicator texts one cell to the left: the baseline (with its value) in the expected-results
    cell, the target (with its value) in the baseline cell, and a target cell with no value at all
    (it holds the expected result). Measure 44 of the 2024 plan; see IRREGULARITIES.md #21."""
    def has_value(cell: Cell) -> bool:
        return any(r.value is not None for r in read_cell(cell.clean))
    return has_value(cells["expected_results"]) and has_value(cells["baseline"]) and not has_value(cells["target"])


def _measure_ids(rows: list[MeasureRow], year: int) -> list[str]:
    """`2024-007`; a № printed again gets a letter (`2024-064-b`) so ids stay unique and stable."""
    seen: dict[int, int] = {}
    ids = []
    for row in rows:
        n = int(re.match(r"\d+", row.number).group())
        seen[n] = seen.get(n, 0) + 1
        suffix = "" if seen[n] == 1 else "-" + "abcdefghij"[seen[n] - 1]
        ids.append(f"{year}-{n:03d}{suffix}")
    return ids


def parse_plan(doc: PlanDocument, year: int, status: str) -> PlanTables:
    where = rel(doc.path)
    structure: PlanStructure = find_structure(doc)
    reg = registry()
    problems: list[Problem] = []
    tables = PlanTables(plan={"plan_year": year, "status": status})

    goals = known_goals()
    for g in structure.goals:
        expected = goals[g.goal]["name_bg"]
        if " ".join(g.name.split()).rstrip(".") != expected:
            tables.warnings.append(Problem(where, f"goal {g.goal} is named {g.name!r}; the strategy names it "
                                                  f"{expected!r} (the document's name is used)", line=g.line,
                                           severity="warning"))
        tables.goals.append({"goal": g.goal, "name_bg": g.name.rstrip("."), "name_en": goals[g.goal]["name_en"],
                             "plan_year": year, "source_line": g.line})
    missing = [g for g in goals if g not in {x.goal for x in structure.goals}]
    if missing:
        problems.append(Problem(where, f"the table has no heading for goal(s) {', '.join(missing)}: "
                                       f"expected all seven goals I–VII"))

    numbers_seen: dict[str, int] = {}
    used_codes: dict[str, int] = {}
    for row, measure_id in zip(structure.rows, _measure_ids(structure.rows, year)):
        c = row.cells
        notes: list[str] = []
        number = row.number.rstrip(".")
        if number in numbers_seen:
            notes.append("duplicate_number")
            tables.warnings.append(Problem(where, f"measure № {number} is printed twice (first on line "
                                                  f"{numbers_seen[number]}); this row is {measure_id}",
                                           line=row.line, severity="warning"))
        numbers_seen.setdefault(number, row.line)
        title = tidy(c["title"].flat)
        if not title:
            problems.append(Problem(where, f"measure {number}: the measure text (column 'Мярка') is empty",
                                    line=c["title"].line, column="Мярка"))
        budget = read_budget(c["budget"].clean)
        if budget.shared_with:
            notes.append("budget_shared")
        if "годишно" in c["budget"].flat:
            notes.append("budget_yearly_breakdown")
        deadline_text = c["deadline"].flat
        deadline = read_deadline(c["deadline"].clean, year)
        if not deadline:
            notes.append("deadline_open")

        if shifted_one_cell(c):
            # Move the three cells back one column so the baseline -> target pairs are recovered.
            c = {**c, "expected_results": c["target"], "baseline": c["expected_results"], "target": c["baseline"]}
            notes.append("shifted_cells")
            tables.warnings.append(Problem(where, f"measure {number}: the indicator cells are shifted by one column "
                                                  f"(baseline in 'Очаквани резултати', target in 'Текуща стойност', "
                                                  f"expected result in 'Целева стойност'); "
                                                  f"each is read as the column it belongs to", line=row.line,
                                           severity="warning"))
        indicators = read_indicators(c["baseline"].clean, c["target"].clean)
        expected = tidy(c["expected_results"].flat)
        if not c["target"].clean:
            notes.append("empty_target_cell")
        b_count = len([i for i in indicators if i.baseline_text])
        t_count = len([i for i in indicators if i.target_text])
        if any(i.baseline_text is None or i.target_text is None for i in indicators) and b_count and t_count:
            notes.append("unpaired_indicators")
        for k, ind in enumerate(indicators, start=1):
            name = ind.name or expected or title
            if not ind.name:
                notes.append("indicator_named_from_results")
            if ind.target_value is not None and ind.baseline_value is not None and ind.target_value == ind.baseline_value:
                notes.append("target_equals_baseline")
            line_cell, line_text = (c["target"], ind.target_text) if ind.target_text else (c["baseline"], ind.baseline_text)
            tables.indicators.append({
                "plan_year": year,
                "measure_id": measure_id,
                "indicator_id": f"{measure_id}-{k:02d}",
                "name": name[:1].upper() + name[1:],
                "baseline_text": ind.baseline_text,
                "baseline_value": ind.baseline_value,
                "target_text": ind.target_text,
                "target_value": ind.target_value,
                "unit": ind.unit,
                "comparison": ind.comparison,
                "source_line": _line_of(line_cell, line_text),
            })

        for column, role in (("responsible", "responsible"), ("partners", "partner")):
            cell = c[column]
            codes, unknown = reg.match(cell.clean)
            for text in unknown:
                problems.append(Problem(where, f"measure {number}: {text!r} names no known institution; add it "
                                               f"(or the spelling) to etl/plan/institutions.yml", line=cell.line,
                                        column="Отговорни институции" if role == "responsible" else "Партньори"))
            for code in codes:
                if role == "partner" and any(r["measure_id"] == measure_id and r["institution_code"] == code
                                             for r in tables.measure_institutions):
                    continue  # named as both: responsible wins
                tables.measure_institutions.append({"measure_id": measure_id, "institution_code": code, "role": role})
                used_codes.setdefault(code, cell.line)
        if not reg.match(c["responsible"].clean)[0]:
            problems.append(Problem(where, f"measure {number}: no responsible institution", line=c["responsible"].line,
                                    column="Отговорни институции"))

        tables.measures.append({
            "plan_year": year,
            "measure_id": measure_id,
            "number": row.number,
            "goal": row.goal,
            "title": title,
            "objective": tidy(c["objective"].flat),
            "expected_results": expected,
            "budget_text": c["budget"].flat,
            "budget_bgn": budget.bgn,
            "budget_eur": budget.eur,
            "funding": budget.funding,
            "budget_shared_with": f"{year}-{int(budget.shared_with):03d}" if budget.shared_with else None,
            "deadline_text": deadline_text,
            "deadline_date": deadline,
            "source_line": row.line,
            "notes": sorted(set(notes)),
        })

    # Institutions: every body in the glossary or in the table, from the reviewed registry.
    in_glossary: dict[str, int] = {}
    for entry in structure.glossary:
        codes, unknown = reg.match(entry.abbreviation)
        if unknown or len(codes) != 1:
            problems.append(Problem(where, f"glossary abbreviation {entry.abbreviation!r} is not in "
                                           f"etl/plan/institutions.yml: add it with its full name", line=entry.line))
            continue
        name_codes, _ = reg.match(entry.name)
        if codes[0] not in name_codes:
            tables.warnings.append(Problem(where, f"glossary: {entry.abbreviation!r} is spelled out as {entry.name!r}, "
                                                  f"which the registry does not list for {codes[0]}",
                                           line=entry.line, severity="warning"))
        in_glossary[codes[0]] = entry.line
    by_code = {row["code"]: row for row in reg.rows}
    wanted = set(in_glossary) | set(used_codes)
    for code in list(wanted):  # parents too, so the hierarchy is complete
        parent = by_code[code].get("parent")
        while parent:
            wanted.add(parent)
            parent = by_code[parent].get("parent")
    for row in reg.rows:
        if row["code"] in wanted:
            tables.institutions.append({
                "code": row["code"], "abbr_bg": row["abbr_bg"], "abbr_en": row["abbr_en"],
                "name_bg": row["name_bg"], "name_en": row["name_en"], "parent_code": row.get("parent"),
                "in_glossary": row["code"] in in_glossary,
                "source_line": in_glossary.get(row["code"], used_codes.get(row["code"])),
            })

    if problems:
        raise EtlError(problems)
    return tables
