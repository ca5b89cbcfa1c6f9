"""Progress of plan indicators from baseline, target and the actual value the implementation
report gives (see the about page for the method; the bands are in etl/contract.py).

With baseline B, target T and actual A, the share of the planned change achieved is
(A − B) / (T − B). Ceilings ("до 120", comparison "at most") are met when A ≤ T. When the share
cannot be computed the status says why instead of guessing. Staff may set a status by hand
(`status_override` in the template's plan_progress sheet); the page then shows it was set by hand.
"""
from __future__ import annotations

import math

import pandas as pd

# the bands and statuses are part of the contract the web process reads (etl/contract.py)
from etl.contract import BANDS
from etl.schemas import STATUSES  # noqa: F401 (imported from here by the template and its importer)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def share(baseline, target, actual) -> float | None:
    if any(_missing(v) for v in (baseline, target, actual)) or target == baseline:
        return None
    return (actual - baseline) / (target - baseline)


def status(baseline, target, actual, comparison: str | None = None) -> str:
    if _missing(target):
        return "no_target"
    if _missing(actual):
        return "no_actual"
    if comparison == "at most":
        if actual <= target:
            return "achieved"
        return "deterioration" if not _missing(baseline) and actual > baseline else "limited"
    if _missing(baseline):
        return "achieved" if actual >= target else "no_baseline"
    if target == baseline:
        return "achieved" if actual >= target else "target_equals_baseline"
    s = share(baseline, target, actual)
    if s < 0:
        return "deterioration"
    for name, low in BANDS:
        if s >= low:
            return name
    return "no_progress"


def annotate(indicators: pd.DataFrame, actuals: pd.DataFrame | None) -> pd.DataFrame:
    """Indicators with their latest actual value, share of the planned change and status."""
    out = indicators.copy()
    latest = pd.DataFrame(columns=["indicator_id", "actual_value", "actual_period", "status_override"])
    if actuals is not None and len(actuals):
        # the annual report ("2024") is later than any part of that year ("2024-H1", "2024-Q3")
        order = actuals["period"].astype(str).map(lambda p: p + "~" if len(p) == 4 else p)
        ordered = actuals.assign(_order=order).sort_values(["indicator_id", "_order"])
        latest = ordered.groupby("indicator_id", as_index=False).last()[
            ["indicator_id", "actual_value", "period", "status_override"]].rename(columns={"period": "actual_period"})
    out = out.drop(columns=[c for c in ("actual_value", "actual_period", "progress", "status", "status_source")
                            if c in out.columns])
    out = out.merge(latest, on="indicator_id", how="left")
    out["progress"] = [share(b, t, a) for b, t, a in zip(out["baseline_value"], out["target_value"], out["actual_value"])]
    computed = [status(b, t, a, c) for b, t, a, c in
                zip(out["baseline_value"], out["target_value"], out["actual_value"], out["comparison"])]
    manual = out["status_override"].where(out["status_override"].notna(), None)
    out["status"] = [m if isinstance(m, str) and m else c for m, c in zip(manual, computed)]
    out["status_source"] = ["manual" if isinstance(m, str) and m else "computed" for m in manual]
    return out.drop(columns=["status_override"])
