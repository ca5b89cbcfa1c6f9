"""What changed between two published versions: rows added, removed and revised (old -> new).

The `changes` table is cumulative: each version carries the changes of every earlier publish
plus its own, newest first, so the whole history is one table (served like any other).
"""
from __future__ import annotations

import json
import math

import pandas as pd

from etl.schemas import BULGARIA, TABLES

# table -> the fields whose change is a revision (the key comes from the schema)
TRACKED = {
    "observations": ("value", "flag", "unit"),
    "measures": ("title", "goal", "budget_bgn", "deadline_date", "deadline_text", "expected_results"),
    "indicators": ("name", "baseline_value", "target_value", "unit", "comparison"),
    "indicator_actuals": ("actual_value", "actual_text", "status_override"),
    "plans": ("status",),
}
KEY_DEFAULTS = {"geo": BULGARIA}
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


def _key_text(values: tuple, key: tuple[str, ...]) -> str:
    """The JSON key of a row ({"series": ..., "period": ...}; empty breakdowns left out)."""
    return json.dumps({k: _text(v) for k, v in zip(key, values) if _text(v) is not None},
                      ensure_ascii=False, sort_keys=True)


MISSING = "<empty>"  # stands for an empty key cell while merging (NaN never equals NaN)


def _keyed(frame: pd.DataFrame, key: tuple[str, ...], fields: list[str]) -> pd.DataFrame:
    keys = {f"_k_{k}": frame[k].astype(object).where(frame[k].notna(), MISSING).astype(str) for k in key}
    return pd.DataFrame({**keys, **{f: frame[f] for f in fields}}, index=frame.index)


def diff_table(name: str, old: pd.DataFrame | None, new: pd.DataFrame) -> list[dict]:
    """Rows added, removed and revised in one table (revisions field by field).

    Rows are matched on the table's key with one merge and only changed rows are turned into
    text, so a table of millions of rows is compared in seconds.
    """
    if old is None:
        return []  # the first publish: nothing to compare with
    key = TABLES[name].key
    # A version published before a key column existed held only what that column's default now says
    # (observations were Bulgaria's before `geo`): fill it so unchanged rows are not "removed and added".
    old = old.assign(**{k: v for k, v in KEY_DEFAULTS.items() if k in key and k not in old.columns})
    fields = [f for f in TRACKED[name] if f in new.columns and f in old.columns]
    on = [f"_k_{k}" for k in key]
    merged = _keyed(old, key, fields).merge(_keyed(new, key, fields), on=on, how="outer",
                                            suffixes=("_old", "_new"), indicator=True)

    def key_of(row) -> str:
        return _key_text(tuple(None if v == MISSING else v for v in row), key)

    out: list[dict] = []
    first = fields[0] if fields else None
    for kind, side in (("added", "right_only"), ("removed", "left_only")):
        part = merged[merged["_merge"] == side]
        values = part[f"{first}_{'new' if kind == 'added' else 'old'}"] if first else [None] * len(part)
        for keys, v in zip(part[on].itertuples(index=False, name=None), values):
            out.append({"table": name, "change": kind, "key": key_of(keys), "field": None,
                        "old": _text(v) if kind == "removed" else None, "new": _text(v) if kind == "added" else None})
    both = merged[merged["_merge"] == "both"]
    for field in fields:
        a, b = both[f"{field}_old"], both[f"{field}_new"]
        differ = ~((a.isna() & b.isna()) | (a.astype(object) == b.astype(object)))
        for keys, va, vb in zip(both.loc[differ, on].itertuples(index=False, name=None), a[differ], b[differ]):
            if not _same(va, vb):
                out.append({"table": name, "change": "revised", "key": key_of(keys), "field": field,
                            "old": _text(va), "new": _text(vb)})
    order = {"added": 0, "removed": 1, "revised": 2}
    return sorted(out, key=lambda r: (order[r["change"]], r["key"], r["field"] or ""))


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
