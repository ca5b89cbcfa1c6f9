"""Short text summaries generated from what a chart currently shows, in the page language.

They serve screen readers, quick reading and quoting; each one only states what the rows say.
"""
from __future__ import annotations

import pandas as pd

from dashboards._i18n import number, percent, t


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
    """E.g. 'Asylum applicants, 2008–2024: in 2024, 12,245 persons, 46 % fewer than in 2023. Highest: …'"""
    data = rows[rows["value"].notna()]
    if data.empty:
        return t("summary.nothing", lang, name=name)
    periods = list(dict.fromkeys(data["period"]))
    first, last = periods[0], periods[-1]
    parts = [t("summary.span", lang, name=name, first=first, last=last) if first != last
             else t("summary.single", lang, name=name, period=last)]
    by_period = data.groupby("period", sort=False)["value"].sum()
    if used is None or data["key"].nunique() == 1:
        parts.append(t("summary.latest", lang, period=last, value=number(by_period[last], lang), unit=unit)
                     + (_change(by_period[last], by_period[periods[-2]], periods[-2], lang) if len(periods) > 1 else "")
                     + ".")
        if len(periods) > 2:
            peak = by_period.idxmax()
            parts.append(t("summary.peak", lang, period=peak, value=number(by_period[peak], lang)))
    else:
        latest = data[data["period"] == last].sort_values("value", ascending=False)
        total = latest["value"].sum()
        shares = ", ".join(f"{lab} {number(v, lang)} ({share_text(v / total, lang)})" if total else f"{lab} {number(v, lang)}"
                           for lab, v in zip(latest["label"].head(5), latest["value"].head(5)))
        parts.append(t("summary.split", lang, period=last, items=shares))
        if first != last:
            earliest = data[data["period"] == first].sort_values("value", ascending=False)
            total0 = earliest["value"].sum()
            if total0:
                top = earliest.iloc[0]
                parts.append(t("summary.split_then", lang, period=first, label=top["label"],
                               share=share_text(top["value"] / total0, lang), total=number(total0, lang),
                               total_now=number(total, lang)))
    flagged = data["flag"].dropna()
    if len(flagged):
        kinds = ", ".join(t(f"flag.{f}", lang) for f in sorted(set(flagged)))
        parts.append(t("summary.flags", lang, n=number(len(flagged), lang), kinds=kinds))
    return " ".join(parts)
