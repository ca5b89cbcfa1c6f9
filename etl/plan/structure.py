"""Find the plan's structure in the cell stream: table header, goal headings, measure rows, glossary.

Assumptions, each checked (a new document that breaks one stops the build with the line and
what was expected, instead of publishing shifted columns):
- the table starts with a header whose first cell is "№" and whose cells name the columns below;
- a goal heading is a single cell "I. <name>" .. "VII. <name>";
- a measure row is exactly `len(COLUMNS)` cells and starts with its № ("12." or "12");
- after a measure row comes another №, a goal heading, blank cells, or the glossary title;
- the glossary ("Използвани съкращения") is a list of (abbreviation, full name) cell pairs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.plan.cells import Cell, PlanDocument
from etl.problems import EtlError, Problem, rel

# The columns of a measure row, in document order. The header spans two rows in Word:
# "Индикатори за изпълнение" covers the baseline and target sub-columns.
COLUMNS = (
    "number", "title", "objective", "expected_results", "baseline", "target",
    "budget", "deadline", "responsible", "partners",
)
HEADER_WORDS = {  # a word each header cell must contain (lower case), in column order
    "number": "№", "title": "мярка", "objective": "цел", "expected_results": "резултати",
    "indicators": "индикатори", "budget": "бюджет", "deadline": "срок",
    "responsible": "отговорни", "partners": "партньори",
}
GOAL_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
GOAL_RE = re.compile(r"^(VII|VI|IV|V|III|II|I)\.\s+(\S.*)$")
NUMBER_RE = re.compile(r"^(\d{1,3})\.?$")
GLOSSARY_RE = re.compile(r"съкращения", re.IGNORECASE)


@dataclass(frozen=True)
class Goal:
    goal: str
    name: str
    line: int


@dataclass(frozen=True)
class MeasureRow:
    goal: str
    cells: dict[str, Cell]

    @property
    def line(self) -> int:
        return self.cells["number"].line

    @property
    def number(self) -> str:
        return self.cells["number"].flat


@dataclass(frozen=True)
class GlossaryEntry:
    abbreviation: str
    name: str
    line: int


@dataclass(frozen=True)
class PlanStructure:
    goals: list[Goal]
    rows: list[MeasureRow]
    glossary: list[GlossaryEntry]


def _first_line(cell: Cell) -> str:
    return cell.clean.split("\n", 1)[0] if cell.clean else ""


def _is_goal(cell: Cell) -> bool:
    return "\n" not in cell.clean and bool(GOAL_RE.match(cell.clean))


def find_structure(doc: PlanDocument) -> PlanStructure:
    where = rel(doc.path)
    cells = doc.cells

    def fail(cell: Cell | None, message: str) -> EtlError:
        line = cell.line if cell else (cells[-1].line if cells else None)
        return EtlError([Problem(where, message, line=line)])

    # 1. Header: from "№" up to the first goal heading.
    start = next((i for i, c in enumerate(cells) if c.flat == "№"), None)
    if start is None:
        raise fail(None, "no measures table found: expected a header cell '№' followed by "
                         "Мярка, Цел, Очаквани резултати, Индикатори, Бюджет, Срок, Отговорни институции, Партньори")
    first_goal = next((i for i in range(start, len(cells)) if _is_goal(cells[i])), None)
    if first_goal is None:
        raise fail(cells[start], "no goal heading after the table header: expected a row 'I. <goal name>'")
    header = [c.flat.lower() for c in cells[start:first_goal] if c.flat]
    position = 0
    for key, word in HEADER_WORDS.items():
        found = next((j for j in range(position, len(header)) if word in header[j]), None)
        if found is None:
            raise fail(cells[start], f"the table header has no column for {key!r} (a cell containing "
                                     f"{word!r}) after the columns before it; found {header}")
        position = found + 1

    # 2. Body: goal headings and measure rows.
    goals: list[Goal] = []
    rows: list[MeasureRow] = []
    i = first_goal
    while i < len(cells):
        cell = cells[i]
        text = cell.clean
        if not text or text == ".":
            i += 1
            continue
        if _is_goal(cell):
            numeral, name = GOAL_RE.match(text).groups()
            expected = GOAL_NUMERALS[len(goals)] if len(goals) < len(GOAL_NUMERALS) else None
            if numeral != expected:
                raise fail(cell, f"goal heading {numeral!r} out of order: expected {expected!r} next "
                                 f"(goals run I to VII)")
            goals.append(Goal(numeral, name.strip(), cell.line))
            i += 1
            continue
        if NUMBER_RE.match(text):
            row_cells = cells[i:i + len(COLUMNS)]
            if len(row_cells) < len(COLUMNS):
                raise fail(cell, f"measure {text!r} has only {len(row_cells)} cells; expected {len(COLUMNS)} "
                                 f"({', '.join(COLUMNS)})")
            after = cells[i + len(COLUMNS)] if i + len(COLUMNS) < len(cells) else None
            if after is not None and after.clean and not (
                NUMBER_RE.match(after.clean) or _is_goal(after) or GLOSSARY_RE.search(after.clean)
            ):
                raise fail(after, f"after the {len(COLUMNS)} cells of measure {text!r} (line {cell.line}) expected "
                                  f"the next measure №, a goal heading or the glossary, found "
                                  f"{_first_line(after)[:60]!r}: a cell of that measure is missing or split")
            for column, inner in zip(COLUMNS[1:], row_cells[1:]):
                if _is_goal(inner) or GLOSSARY_RE.fullmatch(inner.clean.strip()):
                    raise fail(inner, f"measure {text!r} (line {cell.line}) ends early: found "
                                      f"{_first_line(inner)[:60]!r} where its {column!r} cell should be; "
                                      f"a cell of that measure is missing")
            rows.append(MeasureRow(goals[-1].goal, dict(zip(COLUMNS, row_cells))))
            i += len(COLUMNS)
            continue
        if GLOSSARY_RE.search(text) and len(text) < 60:
            i += 1
            break
        raise fail(cell, f"expected a measure № (e.g. '12.'), a goal heading (e.g. 'II. Сигурност') or the "
                         f"glossary title, found {_first_line(cell)[:60]!r}")
    else:
        i = len(cells)

    # 3. Glossary: (abbreviation, name) pairs.
    glossary: list[GlossaryEntry] = []
    pending = [c for c in cells[i:] if c.clean]
    if len(pending) % 2:
        raise fail(pending[-1], "the glossary of abbreviations has an odd number of cells: "
                                "expected pairs of (abbreviation, full name)")
    for abbr, name in zip(pending[::2], pending[1::2]):
        glossary.append(GlossaryEntry(abbr.flat.rstrip(",;").strip(), name.flat.rstrip(".").strip(), abbr.line))

    if not rows:
        raise fail(None, "the table has goal headings but no measure rows")
    return PlanStructure(goals, rows, glossary)
