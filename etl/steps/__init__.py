"""ETL steps. Each module has `run(raw_dir, progress) -> StepResult`: Load, Process, Save-to-memory.

A step never writes to data/processed: the build validates what all steps return and publishes
it at once (see etl/build.py and etl/publish.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from etl.problems import Problem


@dataclass
class StepResult:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
