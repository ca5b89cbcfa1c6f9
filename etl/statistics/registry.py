"""The declared series registry (`series.yml`): what each series code means, who reports it, which goal
and plan measures it belongs to. Declared, not inferred, so an unknown code in an input is an error
and every published figure has a definition."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from etl.problems import Problem
from etl.schemas import FREQS, GOALS, TABLES, THEMES, UNITS

REGISTRY = Path(__file__).with_name("series.yml")
FIELDS = TABLES["series"].names


@dataclass(frozen=True)
class Series:
    series: str
    theme: str
    name_bg: str
    name_en: str
    definition_bg: str
    definition_en: str
    unit: str
    institution_code: str | None
    goal: str | None
    measure_ids: tuple[str, ...]
    frequencies: tuple[str, ...]
    # breakdown column -> the codes it may hold (tuple), or "country" (ISO alpha-3); not published, used by checks
    codes: dict = field(default_factory=dict, compare=False, hash=False)

    def row(self) -> dict:
        row = {name: getattr(self, name) for name in FIELDS}
        row["measure_ids"] = list(self.measure_ids)
        return row


def _load(path: Path) -> tuple[dict[str, Series], list[Problem]]:
    from etl.plan.institutions import registry as institutions

    problems: list[Problem] = []
    known_institutions = {r["code"] for r in institutions().rows}
    series: dict[str, Series] = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["series"]:
        code = entry["series"]
        where = f"{path.name}: series {code!r}"
        entry = {**entry, "measure_ids": tuple(str(m) for m in entry.get("measure_ids") or ()),
                 "frequencies": tuple(entry.get("frequencies") or FREQS)}
        for key, allowed in (("theme", THEMES), ("unit", UNITS), ("goal", GOALS + [None])):
            if entry.get(key) not in allowed:
                problems.append(Problem(str(path), f"{where}: {key} {entry.get(key)!r} is not one of {allowed}"))
        if entry.get("institution_code") not in known_institutions | {None}:
            problems.append(Problem(str(path), f"{where}: unknown institution {entry['institution_code']!r}"))
        codes = entry.get("codes") or {}
        for column, allowed in codes.items():
            if column not in ("return_type", "category", "decision", "age_group") or not (
                    allowed == "country" or isinstance(allowed, list)):
                problems.append(Problem(str(path), f"{where}: codes of {column!r} must be a list or 'country'"))
        entry["codes"] = {c: (a if a == "country" else tuple(a)) for c, a in codes.items() if a == "country" or isinstance(a, list)}
        if code in series:
            problems.append(Problem(str(path), f"{where} is declared twice"))
        series[code] = Series(**entry)
    return series, problems


@lru_cache(maxsize=1)
def registry() -> dict[str, Series]:
    """Series code -> declaration. Raises EtlError if the file itself is inconsistent."""
    from etl.problems import raise_if_errors

    series, problems = _load(REGISTRY)
    raise_if_errors(problems)
    return series


def series_table(codes: set[str] | None = None) -> pd.DataFrame:
    """The `series` table: the declared series, or only those in `codes`."""
    rows = [s.row() for code, s in registry().items() if codes is None or code in codes]
    return pd.DataFrame(rows, columns=FIELDS)
