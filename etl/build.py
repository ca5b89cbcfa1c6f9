"""Build: run every step on data/raw, validate everything, publish one new version (or nothing)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import paths, publish
from etl.checks import validate_all
from etl.problems import EtlError, Problem
from etl.steps import plan as plan_step

STEPS = [plan_step]


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
    progress("validating")
    problems = validate_all(tables)
    if problems:
        raise EtlError(problems)
    return BuildResult(tables, warnings)


def build(raw_dir: Path | None = None, progress=lambda message: None) -> BuildResult:
    result = collect(raw_dir, progress)
    progress("publishing")
    summary = {"rows": {name: int(len(frame)) for name, frame in result.tables.items()},
               "warnings": [str(w) for w in result.warnings]}
    result.version = publish.publish(result.tables, summary=summary)
    return result
