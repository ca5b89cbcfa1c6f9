"""An action plan's indicators on one scale, baseline → target (→ actual): the rows the chart draws,
their labels and hover texts, the sentence under the chart and the table its downloads give. The plan
page's chart (`plan-targets`) and a measure's (`measure-targets`) are made from these."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards.i18n import number, t
from dashboards.store.plans import plan_indicators, present


def dumbbell_rows(indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators whose baseline and target are both numbers and differ: they share one scale."""
    baseline, target = indicators["baseline_value"].to_numpy(), indicators["target_value"].to_numpy()
    ok = indicators[~np.isnan(baseline) & ~np.isnan(target) & (baseline != target)]
    texts = _texts(ok, lang)
    keys = ok.index.tolist()
    return ok.assign(**{name: pd.Series([texts[k][i] for k in keys], index=ok.index, dtype="str")
                        for i, name in enumerate(("label", "unit_label", "hover"))})


def dumbbell_rows_of(snap, indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`dumbbell_rows` of `indicators` (rows of `plan_indicators(snap, ...)`), taken from every
    indicator's rows made once per data version instead of being formatted again."""
    every = snap.cached(("plan_dumbbells", lang), lambda: dumbbell_rows(plan_indicators(snap, snap["measures"], lang), lang))
    wanted = set(indicators.index.tolist())
    keep = [i for i, k in enumerate(every.index.tolist()) if k in wanted]
    return every if len(keep) == len(every) else every.iloc[keep]


def _texts(indicators: pd.DataFrame, lang: str) -> dict:
    """Row label -> (chart label, unit label, hover text) of each indicator."""
    units = {"percent": "%", "BGN": t("unit.bgn", lang), "EUR": "EUR", "count": ""}
    names = (t("plan.baseline", lang), t("plan.target", lang), t("plan.actual", lang))
    out = {}
    for key, n, name, unit, b, tv, a in zip(indicators.index.tolist(), indicators["number"].tolist(),
                                            indicators["label_name"].tolist(), indicators["unit"].tolist(),
                                            indicators["baseline_value"].tolist(), indicators["target_value"].tolist(),
                                            indicators["actual_value"].tolist()):
        label = f"{n.rstrip('.')}. {name}"
        u = units.get(unit, "")
        out[key] = (label, u, f"<b>{label}</b><br>{names[0]}: {number(b, lang)} {u}<br>{names[1]}: {number(tv, lang)} {u}"
                    + (f"<br>{names[2]}: {number(a, lang)} {u}" if present(a) else ""))
    return out


def dumbbell_summary(rows: pd.DataFrame, total: int, lang: str) -> str:
    if rows.empty:
        return t("plan.summary_none", lang)
    from_zero = int((rows["baseline_value"].to_numpy() == 0).sum())
    reported = int((~np.isnan(rows["actual_value"].to_numpy())).sum())
    return t("plan.summary_dumbbell", lang, shown=number(len(rows), lang), total=number(total, lang),
             from_zero=number(from_zero, lang), reported=number(reported, lang))


def indicator_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators as the table view and the downloads give them (typed values)."""
    return pd.DataFrame({
        t("plan.col_number", lang): rows["number"].str.rstrip("."),
        t("plan.col_indicator", lang): rows["label_name"],
        t("plan.baseline", lang): rows["baseline_value"].astype(float),
        t("plan.target", lang): rows["target_value"].astype(float),
        t("plan.actual", lang): rows["actual_value"].astype(float),
        t("plan.col_unit", lang): [t(f"unit.{u}", lang) for u in rows["unit"]],
        t("plan.col_progress", lang): (rows["progress"] * 100).round(1),
        t("plan.col_status", lang): [t(f"status.{s}", lang) for s in rows["status"]],
        t("plan.col_source_line", lang): rows["source_line"],
    })
