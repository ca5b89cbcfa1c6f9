"""Short text summaries generated from what a chart currently shows, in the page language.

They serve screen readers, quick reading and quoting; each one only states what the rows say.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards.i18n import number, percent, t


def _change(new: float, old: float, prev: str, lang: str) -> str:
    if old in (0, None) or old != old:
        return ""
    ratio = (new - old) / old
    key = "summary.up" if ratio > 0.005 else "summary.down" if ratio < -0.005 else "summary.same"
    return t(key, lang, pct=percent(abs(ratio), lang, 0), prev=prev)


def share_text(share: float, lang: str) -> str:
    """A share as a percentage, with a decimal when it is small (0.4 %, not 0 %)."""
    return percent(share, lang, 1 if 0 < share < 0.095 else 0)


def statistics_summary(rows: pd.DataFrame, name: str, unit: str, used: str | None, lang: str) -> str:
    """E.g. 'Asylum applicants, 2008–2024: in 2024, 12,245 persons, 46 % fewer than in 2023. Highest: …'

    Worked on arrays: `rows` (from store.stats.select) are in period order, the largest part first within
    a period; pandas' per-call overhead was most of the time on a long monthly chart."""
    value = rows["value"].to_numpy(np.float64)
    ok = ~np.isnan(value)
    if not ok.any():
        return t("summary.nothing", lang, name=name)
    value = value[ok]
    period_code, periods = pd.factorize(rows["period"].to_numpy(dtype=object)[ok])   # in order of appearance
    first, last = periods[0], periods[-1]
    parts = [t("summary.span", lang, name=name, first=first, last=last) if first != last
             else t("summary.single", lang, name=name, period=last)]
    keys = rows["key"].to_numpy(dtype=object)[ok]
    if used is None or len(set(keys.tolist())) == 1:
        by_period = np.bincount(period_code, weights=value, minlength=len(periods))
        latest = t("summary.latest", lang, period=last, value=number(by_period[-1], lang), unit=unit) \
            + (_change(by_period[-1], by_period[-2], periods[-2], lang) if len(periods) > 1 else "")
        parts.append(latest if latest.endswith(".") else latest + ".")   # "… от 2020 г." ends a sentence already
        if len(periods) > 2:
            peak = int(np.argmax(by_period))          # the first period with the highest total
            parts.append(t("summary.peak", lang, period=periods[peak], value=number(by_period[peak], lang)))
    else:
        labels = rows["label"].to_numpy(dtype=object)[ok]

        def split(code: int) -> tuple[list, list]:
            """(labels, values) of one period, largest first (ties in row order)."""
            at = np.flatnonzero(period_code == code)
            at = at[np.argsort(-value[at], kind="stable")]
            return labels[at].tolist(), value[at].tolist()

        names, values = split(len(periods) - 1)
        total = sum(values)
        shares = ", ".join(f"{lab} {number(v, lang)} ({share_text(v / total, lang)})" if total else f"{lab} {number(v, lang)}"
                           for lab, v in zip(names[:5], values[:5]))
        parts.append(t("summary.split", lang, period=last, items=shares))
        if first != last:
            names0, values0 = split(0)
            total0 = sum(values0)
            if total0:
                parts.append(t("summary.split_then", lang, period=first, label=names0[0],
                               share=share_text(values0[0] / total0, lang), total=number(total0, lang),
                               total_now=number(total, lang)))
    flags = rows["flag"].to_numpy(dtype=object)[ok]
    flagged = [f for f in flags.tolist() if isinstance(f, str)]
    if flagged:
        kinds = ", ".join(t(f"flag.{f}", lang) for f in sorted(set(flagged)))
        parts.append(t("summary.flags", lang, n=number(len(flagged), lang), kinds=kinds))
    return " ".join(parts)
