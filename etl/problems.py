"""Structured input problems: every error names file, sheet, row/line, column and reason.

Validation rules return lists of `Problem`; steps raise `EtlError` carrying them. The CLI
prints them, never a traceback, and nothing is published when any problem is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None  # text documents: 1-based line; tables: 1-based row as a spreadsheet shows it
    column: str | None = None
    sheet: str | None = None
    severity: str = "error"  # "error" stops the build; "warning" is reported in the summary

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            where.append(f"row {self.line}" if self.sheet or self.column else f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class EtlError(Exception):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def rel(path: Path | str) -> str:
    """Path as staff see it: relative to the project (or data) folder when possible."""
    from etl.paths import PROJECT_DIR, data_dir

    p = Path(path).resolve()
    for base in (data_dir().resolve().parent, PROJECT_DIR):
        try:
            return str(p.relative_to(base))
        except ValueError:
            continue
    return str(path)


def raise_if_errors(problems: list[Problem]) -> list[Problem]:
    """Raise when any problem is an error; otherwise return the warnings."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise EtlError(errors)
    return problems
