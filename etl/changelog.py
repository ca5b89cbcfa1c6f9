"""What changed between two published versions: rows added, removed and revised (old -> new).

The `changes` table is cumulative: each version carries the changes of every earlier publish
plus its own, newest first, so the whole history is one table (served like any other).
"""
from __future__ import annotations

import json
import math

import pandas as pd

from etl.schemas import TABLES

# table -> the fields whose change is a revision (the key comes from the schema)
TRACKED = {
    "observations": ("value", "flag", "unit"),
    "measures": ("title", "goal", "budget_bgn", "deadline_date", "deadline_text", "expected_results"),
    "indicators": ("name", "baseline_value", "target_value", "unit", "comparison"),
    "indicator_actuals": ("actual_value", "actual_text", "status_override"),
    "plans": ("status",),
}
COLUMNS = ["version", "published", "table", "change", "key", "field", "old", "new"]


def _same(a, b) -> bool:
    def missing(v):
        return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT
    if missing(a) and missing(b):
        return True
    if missing(a) or missing(b):
        return False
    return a == b


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_text(row: pd.Series, key: tuple[str, ...]) -> str:
    return json.dumps({k: _text(row[k]) for k in key if _text(row[k]) is not None}, ensure_ascii=False, sort_keys=True)


def diff_table(name: str, old: pd.DataFrame | None, new: pd.DataFrame) -> list[dict]:
    """Rows added, removed and revised in one table (revisions field by field)."""
    key = TABLES[name].key
    fields = [f for f in TRACKED[name] if f in new.columns]
    new_idx = {_key_text(r, key): r for _, r in new.iterrows()}
    if old is None:
        return []  # the first publish: nothing to compare with
    old_idx = {_key_text(r, key): r for _, r in old.iterrows()}
    out = []
    for k in sorted(new_idx.keys() - old_idx.keys()):
        out.append({"table": name, "change": "added", "key": k, "field": None, "old": None,
                    "new": _text(new_idx[k][fields[0]]) if fields else None})
    for k in sorted(old_idx.keys() - new_idx.keys()):
        out.append({"table": name, "change": "removed", "key": k, "field": None,
                    "old": _text(old_idx[k][fields[0]]) if fields else None, "new": None})
    for k in sorted(new_idx.keys() & old_idx.keys()):
        a, b = old_idx[k], new_idx[k]
        for f in fields:
            if f in a.index and not _same(a[f], b[f]):
                out.append({"table": name, "change": "revised", "key": k, "field": f,
                            "old": _text(a[f]), "new": _text(b[f])})
    return out


def changes(version: str, published: str, old_tables: dict[str, pd.DataFrame] | None,
            new_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The cumulative changes table for a new version."""
    rows = []
    if old_tables is not None:
        for name in TRACKED:
            if name in new_tables:
                rows += diff_table(name, old_tables.get(name), new_tables[name])
    current = pd.DataFrame([{**r, "version": version, "published": published} for r in rows], columns=COLUMNS)
    history = old_tables.get("changes") if old_tables else None
    if history is not None and len(history):
        current = pd.concat([current, history[COLUMNS]], ignore_index=True) if len(current) else history[COLUMNS].copy()
    return current.astype({"version": str, "published": str, "table": str, "change": str, "key": str})


def summary(frame: pd.DataFrame, version: str) -> dict:
    """Counts of this version's changes per table and kind, for the manifest and the CLI."""
    mine = frame[frame["version"] == version]
    return {f"{t}.{c}": int(n) for (t, c), n in mine.groupby(["table", "change"]).size().items()}
