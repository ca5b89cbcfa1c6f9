"""Pure selections over the statistics: (snapshot, series, breakdown, years) -> the rows a chart shows.

The frame returned is exactly what the chart plots, the table lists and the download holds:
period, year, key (breakdown code), label (in the page language), value, flag, unit, source_id,
source_ref.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
from babel import Locale
from babel.core import get_global

from dashboards._data import Snapshot
from dashboards._i18n import has, t

DIMENSIONS = ("decision", "return_type", "citizenship", "sex", "age_group", "category")
# The statistics pages and the themes each shows; the first series is the page's default.
PAGES = {
    "asylum": {"themes": ("asylum", "temporary_protection"), "default": "asylum_applicants"},
    "protection": {"themes": ("protection",), "default": "asylum_decisions_unhcr", "by": "decision"},
    "returns": {"themes": ("returns", "irregular_migration"), "default": "returns"},
    "readmissions": {"themes": ("readmissions",), "default": "readmissions"},
    "trafficking": {"themes": ("trafficking",), "default": "trafficking_victims_detected"},
}
THEME_PAGE = {theme: page for page, spec in PAGES.items() for theme in spec["themes"]}
OTHER = "_other"


@lru_cache(maxsize=2)
def _country_names(lang: str) -> dict[str, str]:
    aliases = get_global("territory_aliases")
    names = Locale.parse("bg" if lang == "bg" else "en").territories
    out = {}
    for alpha3, alpha2 in aliases.items():
        if len(alpha3) == 3 and alpha3.isalpha() and alpha2 and alpha2[0] in names:
            out[alpha3] = names[alpha2[0]]
    return out


def value_label(dimension: str, code: str, lang: str) -> str:
    if code == OTHER:
        return t("stats.other_countries", lang) if dimension == "citizenship" else t("stats.other", lang)
    if dimension == "citizenship":
        return _country_names(lang).get(code, code)
    key = f"dim_{dimension}.{code}"
    return t(key, lang) if has(key, lang) else code


def series_of_page(snap: Snapshot, page: str) -> pd.DataFrame:
    return snap.cached(("series_of_page", page), lambda: _series_of_page(snap, page))


def _series_of_page(snap: Snapshot, page: str) -> pd.DataFrame:
    series = snap["series"]
    present = set(snap["observations"]["series"])
    mine = series[series["theme"].isin(PAGES[page]["themes"]) & series["series"].isin(present)]
    default = PAGES[page]["default"]
    return mine.assign(_first=mine["series"] != default).sort_values(["_first", "theme", "series"]).drop(columns="_first")


def observations_of(snap: Snapshot, series: str) -> pd.DataFrame:
    """One series' observations (split once per data version)."""
    groups = snap.cached("observations_by_series", lambda: {
        code: frame.reset_index(drop=True) for code, frame in snap["observations"].groupby("series", sort=False)})
    return groups.get(series, snap["observations"].iloc[0:0])


def breakdowns_for(snap: Snapshot, series: str) -> list[str]:
    return snap.cached(("breakdowns", series), lambda: breakdowns_of(observations_of(snap, series)))


def breakdowns_of(obs: pd.DataFrame) -> list[str]:
    """Dimensions a series can be split by (each with rows where it is the only one set)."""
    out = []
    for dim in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != dim]
        if (obs[dim].notna() & obs[others].isna().all(axis=1)).any():
            out.append(dim)
    return out


def _total_rows(obs: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Rows meaning 'total'; a series published only with one breakdown is shown by it."""
    none_set = obs[list(DIMENSIONS)].isna().all(axis=1)
    if none_set.any():
        return obs[none_set], None
    for dim in breakdowns_of(obs):
        return _split_rows(obs, dim), dim
    return obs.iloc[0:0], None


def _split_rows(obs: pd.DataFrame, dim: str) -> pd.DataFrame:
    others = [d for d in DIMENSIONS if d != dim]
    return obs[obs[dim].notna() & obs[others].isna().all(axis=1)]


def select(snap: Snapshot, series: str, by: str | None, years: tuple[int, int] | None, lang: str,
           top: int = 8) -> tuple[pd.DataFrame, str | None]:
    """The rows the chart shows, and the breakdown actually used."""
    obs = observations_of(snap, series)
    if years:
        obs = obs[(obs["year"] >= years[0]) & (obs["year"] <= years[1])]
    if by and by in DIMENSIONS and by in breakdowns_of(obs):
        rows, used = _split_rows(obs, by), by
    else:
        rows, used = _total_rows(obs)
    rows = rows.copy()
    rows["key"] = rows[used] if used else "total"
    if used == "citizenship" and rows["key"].nunique() > top:
        ranking = rows.groupby("key")["value"].sum().sort_values(ascending=False)
        keep = set(ranking.index[:top])
        other = rows[~rows["key"].isin(keep)]
        summed = other.groupby(["period", "year"], as_index=False).agg(
            value=("value", "sum"), unit=("unit", "first"), source_id=("source_id", "first"))
        summed = summed.assign(key=OTHER, flag=None, freq=other["freq"].iloc[0] if len(other) else "A",
                               source_ref=t("stats.other_ref", lang, n=len(ranking) - top))
        rows = pd.concat([rows[rows["key"].isin(keep)], summed], ignore_index=True)
    rows["label"] = [t("stats.total", lang) if k == "total" else value_label(used, k, lang) for k in rows["key"]]
    columns = ["period", "year", "freq", "key", "label", "value", "flag", "unit", "source_id", "source_ref"]
    order = {k: i for i, k in enumerate(rows.groupby("key")["value"].sum().sort_values(ascending=False).index)}
    rows = rows.assign(_o=rows["key"].map(order)).sort_values(["period", "_o"]).drop(columns="_o")
    return rows.reindex(columns=columns).reset_index(drop=True), used


def year_span(snap: Snapshot, series: str) -> tuple[int, int] | None:
    def span():
        years = observations_of(snap, series)["year"]
        return (int(years.min()), int(years.max())) if len(years) else None
    return snap.cached(("year_span", series), span)
