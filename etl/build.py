"""Build: run every step on data/raw, validate everything, publish one new version (or nothing)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import paths, publish, search_index
from etl import progress as indicator_progress
from etl.checks import validate_all
from etl.problems import EtlError, Problem
from etl.steps import plan as plan_step
from etl.steps import statistics as statistics_step

STEPS = [plan_step, statistics_step]


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    warnings: list[Problem] = field(default_factory=list)
    version: str | None = None


def collect(raw_dir: Path | None = None, progress=lambda message: None) -> BuildResult:
    """Run the steps and validate; raise EtlError with every problem found."""
    raw_dir = raw_dir or paths.raw_dir()
    tables: dict[str, pd.DataFrame] = {}
    sources: list[dict] = []
    warnings: list[Problem] = []
    errors: list[Problem] = []
    for step in STEPS:
        try:
            result = step.run(raw_dir, progress)
        except EtlError as exc:
            errors += exc.problems
            continue
        warnings += result.warnings
        sources += result.sources
        for name, frame in result.tables.items():
            tables[name] = pd.concat([tables[name], frame], ignore_index=True) if name in tables else frame
    if errors:
        raise EtlError(errors)
    tables["sources"] = pd.DataFrame(sources)
    complete_institutions(tables)
    tables["indicators"] = indicator_progress.annotate(tables["indicators"], tables.get("indicator_actuals"))
    progress("validating")
    problems = validate_all(tables)
    if problems:
        raise EtlError(problems)
    return BuildResult(tables, warnings)


def complete_institutions(tables: dict[str, pd.DataFrame]) -> None:
    """Add registry rows for institutions that series or observations name but no plan does."""
    from etl.plan.institutions import registry

    known = set(tables["institutions"]["code"]) if "institutions" in tables else set()
    used = set()
    for name in ("series", "observations"):
        if name in tables and "institution_code" in tables[name]:
            used |= set(tables[name]["institution_code"].dropna())
    by_code = {row["code"]: row for row in registry().rows}
    extra = []
    for code in sorted(used - known):
        while code and code in by_code and code not in known:
            row = by_code[code]
            extra.append({"code": code, "abbr_bg": row["abbr_bg"], "abbr_en": row["abbr_en"], "name_bg": row["name_bg"],
                          "name_en": row["name_en"], "parent_code": row.get("parent"), "in_glossary": False,
                          "source_line": None})
            known.add(code)
            code = row.get("parent")
    if extra:
        tables["institutions"] = pd.concat([tables["institutions"], pd.DataFrame(extra)], ignore_index=True)


def build(raw_dir: Path | None = None, progress=lambda message: None) -> BuildResult:
    result = collect(raw_dir, progress)
    progress("publishing")
    summary = {"rows": {name: int(len(frame)) for name, frame in result.tables.items()},
               "warnings": [str(w) for w in result.warnings]}
    result.version = publish.publish(result.tables, summary=summary, derived=[search_index.build_for])
    result.tables["changes"] = pd.read_parquet(paths.versions_dir() / result.version / "changes.parquet")
    return result
