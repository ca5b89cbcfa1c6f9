"""Validation rules. Each returns a list of `Problem`s; none raises."""
from __future__ import annotations

import pandas as pd
from pandera.errors import SchemaErrors

from etl.problems import Problem
from etl.schemas import TABLES, Table, pandera_schema


def schema_problems(table: Table, frame: pd.DataFrame, where: str) -> list[Problem]:
    """The table's pandera schema: types, allowed values, nulls, unique keys."""
    try:
        pandera_schema(table).validate(frame, lazy=True)
    except SchemaErrors as exc:
        out = []
        for _, case in exc.failure_cases.head(50).iterrows():
            row = case.get("index")
            column = case.get("column")
            check = case.get("check")
            value = case.get("failure_case")
            message = (f"column has type {value}, expected {check.removeprefix('dtype(').rstrip(')')}"
                       if str(check).startswith("dtype") else f"{check} failed for value {value!r}")
            out.append(Problem(where, message,
                               line=int(row) + 1 if pd.notna(row) else None,
                               column=str(column) if pd.notna(column) else None))
        return out
    return []


def reference_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every code used in one table exists in the table that defines it."""
    rules = [
        ("measure_institutions", "institution_code", "institutions", "code"),
        ("measure_institutions", "measure_id", "measures", "measure_id"),
        ("indicators", "measure_id", "measures", "measure_id"),
        ("measures", "goal", "goals", "goal"),
        ("series", "institution_code", "institutions", "code"),
        ("observations", "series", "series", "series"),
        ("observations", "source_id", "sources", "source_id"),
        ("observations", "institution_code", "institutions", "code"),
        ("indicator_actuals", "indicator_id", "indicators", "indicator_id"),
    ]
    problems = []
    for table, column, ref_table, ref_column in rules:
        if table not in tables or ref_table not in tables:
            continue
        used = tables[table][column].dropna()
        known = set(tables[ref_table][ref_column])
        for value in sorted(set(used) - known)[:20]:
            problems.append(Problem(f"table {table}", f"{column} {value!r} is not in table {ref_table}", column=column))
    return problems


def validate_all(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    problems: list[Problem] = []
    for name, frame in tables.items():
        if name in TABLES:
            problems += schema_problems(TABLES[name], frame, f"table {name}")
    return problems + reference_problems(tables)
