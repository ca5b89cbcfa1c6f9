"""Variants of the real 2024 plan text export, made in the tests (never hand-typed): another
year, rows removed, rows reordered and renumbered, a target changed, an institution renamed.

Each function takes the document's lines and returns new lines; `rows_of` finds each measure
row's line range from the parser's own structure, so the variants follow the real layout."""
from __future__ import annotations

import re
from pathlib import Path

from etl.plan.cells import read_document
from etl.plan.structure import find_structure

from tests.conftest import PLAN_TXT


def lines_of(path: Path = PLAN_TXT) -> list[str]:
    return path.read_text(encoding="utf-8-sig").split("\n")


def rows_of(path: Path = PLAN_TXT) -> list[tuple[str, str, int, int]]:
    """(number as printed, goal, first line, last line) of every measure row, 1-based and inclusive."""
    out = []
    for row in find_structure(read_document(path)).rows:
        last = row.cells["partners"]
        out.append((row.number, row.goal, row.line, last.line + last.text.count("\n")))
    return out


def another_year(lines: list[str], year: int) -> list[str]:
    return [re.sub(r"^(\s*ПЛАН за )20\d{2}( г\.)", rf"\g<1>{year}\g<2>", line) if k < 12 else line
            for k, line in enumerate(lines)]


def without_rows(lines: list[str], numbers: list[str], path: Path = PLAN_TXT) -> list[str]:
    drop = set()
    for number, _, first, last in rows_of(path):
        if number.rstrip(".") in numbers:
            drop |= set(range(first, last + 1))
    return [line for k, line in enumerate(lines, start=1) if k not in drop]


def reordered_and_renumbered(lines: list[str], path: Path = PLAN_TXT) -> list[str]:
    """Every goal's rows in reverse order, then numbered 1, 2, 3 … down the table."""
    rows = rows_of(path)
    blocks = {first: lines[first - 1:last] for _, _, first, last in rows}
    out: list[str] = []
    k = 1
    number = 1
    while k <= len(lines):
        goal_rows = []
        if k in blocks:
            goal = next(g for _, g, f, _ in rows if f == k)
            goal_rows = [(f, l) for _, g, f, l in rows if g == goal and f >= k]
            # only the contiguous run of this goal's rows
            run, end = [], k
            for f, l in goal_rows:
                if f != end:
                    break
                run.append(f)
                end = l + 1
            for f in reversed(run):
                block = list(blocks[f])
                block[0] = f"\t{number}."
                number += 1
                out += block
            k = end
            continue
        out.append(lines[k - 1])
        k += 1
    return out


def replace_in_row(lines: list[str], number: str, old: str, new: str, path: Path = PLAN_TXT) -> list[str]:
    """`old` -> `new` once, inside the row printed as `number`."""
    _, _, first, last = next(r for r in rows_of(path) if r[0].rstrip(".") == number)
    out = list(lines)
    for k in range(first - 1, last):
        if old in out[k]:
            out[k] = out[k].replace(old, new, 1)
            return out
    raise AssertionError(f"{old!r} is not in row {number}")


def write(folder: Path, name: str, lines: list[str]) -> Path:
    (folder / "plan").mkdir(parents=True, exist_ok=True)
    path = folder / "plan" / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
