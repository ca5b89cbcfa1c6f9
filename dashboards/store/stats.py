"""Pure selections over the statistics: (snapshot, series, breakdown, years) -> the rows a chart shows.

The frame returned is exactly what the chart plots, the table lists and the download holds:
period, year, key (breakdown code), label (in the page language), value, flag, unit, source_id,
source_ref.

A chart only ever shows a series' totals or one breakdown at a time ("marginal" rows: no
breakdown set, or exactly one), a small part of a table that can hold millions of cross-tabulated
rows. So, once per data version, the observations (sorted by series) are indexed: each series' row
range, and the row numbers of its marginal rows by the breakdown set. A selection then works on
those few rows of the compact table and turns only the rows it returns into their published form.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from babel import Locale
from babel.core import get_global

from etl.contract import BULGARIA
from dashboards.store.current import Snapshot, release_memory
from dashboards.store.query import matches, rows_where, where
from dashboards.i18n import has, t

DIMENSIONS = ("decision", "return_type", "citizenship", "sex", "age_group", "category")
# The statistics pages and the themes each shows; the first series is the page's default; `upcoming`: the page
# names the declared series of its themes that are not published yet (dashboards/ui/returns.py).
PAGES = {
    "asylum": {"themes": ("asylum", "temporary_protection"), "default": "asylum_applicants"},
    "protection": {"themes": ("protection",), "default": "asylum_decisions_unhcr", "by": "decision"},
    "returns": {"themes": ("returns", "irregular_migration"), "default": "returns", "upcoming": True},
    "readmissions": {"themes": ("readmissions",), "default": "readmissions", "upcoming": True},
    "trafficking": {"themes": ("trafficking",), "default": "trafficking_victims_detected"},
}
THEME_PAGE = {theme: page for page, spec in PAGES.items() for theme in spec["themes"]}
OTHER = "_other"
CHART_COLUMNS = ["period", "year", "freq", "key", "label", "value", "flag", "unit", "source_id", "source_ref"]


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
    if has(key, lang):
        return t(key, lang)
    if dimension == "category" and len(code) == 3 and code.isupper():   # a country (e.g. of return, series.yml codes)
        return _country_names(lang).get(code, code)
    return code


def series_of_page(snap: Snapshot, page: str) -> pd.DataFrame:
    return snap.cached(("series_of_page", page), lambda: _series_of_page(snap, page))


def _series_of_page(snap: Snapshot, page: str) -> pd.DataFrame:
    series = snap["series"]
    present = set(_index(snap))
    mine = rows_where(series, "series", [where("theme", "in", PAGES[page]["themes"]), where("series", "in", present)])
    default = PAGES[page]["default"]
    return mine.assign(_first=mine["series"] != default).sort_values(["_first", "theme", "series"]).drop(columns="_first")


def _index(snap: Snapshot) -> dict:
    """series -> {"rows": its rows (a slice when contiguous), "parts": {None or dimension: row numbers}}."""
    return snap.cached("observations_index", lambda: _build_index(snap["observations"], snap.compact.get("observations")))


def _build_index(obs: pd.DataFrame, compact=None) -> dict:
    """Bulgaria's rows only: the statistics pages are Bulgaria's (other countries are compared on /europe)."""
    n = len(obs)
    if not n:
        return {}
    column = obs["series"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, names = column.array.codes.copy(), list(column.cat.categories)
    else:
        codes, uniques = pd.factorize(column, sort=True)
        names = list(uniques)
    codes[~matches(obs, "observations", [where("geo", value=BULGARIA)], compact)] = -1   # published sorted by series then geo: still ranges
    kept = codes[codes >= 0]
    runs = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ordered = bool(np.all(kept[1:] >= kept[:-1])) and int((codes[runs] >= 0).sum()) == len(np.unique(kept))
    order = None if ordered else np.argsort(codes, kind="stable")   # sorted: one range per series, no copies
    sorted_codes = codes if ordered else codes[order]
    starts = runs if ordered else np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    stops = np.r_[starts[1:], n]
    is_set = [matches(obs, "observations", [where(d, "isnull", False)], compact) for d in DIMENSIONS]
    depth = np.sum(is_set, axis=0, dtype=np.int8)                      # breakdowns set per row
    marginal = np.flatnonzero(depth <= 1)                              # few rows: the ones charts show
    del depth
    which = np.full(len(marginal), -1, dtype=np.int8)                  # the one dimension set, or -1
    for k, mask in enumerate(is_set):
        which[mask[marginal]] = k
    del is_set
    index = {}
    for start, stop in zip(starts, stops):
        code = sorted_codes[start]
        if code < 0:
            continue
        if ordered:
            rows = slice(int(start), int(stop))
            lo, hi = np.searchsorted(marginal, [start, stop])
            mine, kinds = marginal[lo:hi], which[lo:hi]
        else:
            rows = np.sort(order[start:stop])
            chosen = codes[marginal] == code
            mine, kinds = marginal[chosen], which[chosen]
        parts = {(None if k < 0 else DIMENSIONS[k]): mine[kinds == k] for k in np.unique(kinds)}
        index[names[code]] = {"rows": rows, "parts": parts}
    if n > 100_000:
        release_memory()       # the passes over every row above leave freed memory worth returning
    return index


def observations_of(snap: Snapshot, series: str) -> pd.DataFrame:
    """One series' observations as held in memory (compact; `snap.rows` gives them as published)."""
    entry = _index(snap).get(series)
    obs = snap["observations"]
    return obs.iloc[entry["rows"]] if entry else obs.iloc[0:0]


def _part(snap: Snapshot, series: str, dim: str | None) -> pd.DataFrame:
    """A series' rows with only `dim` set (None: its totals), compact, in published order."""
    def compute():
        entry = _index(snap).get(series)
        positions = entry["parts"].get(dim) if entry else None
        obs = snap["observations"]
        return obs.take(positions) if positions is not None else obs.iloc[0:0]
    return snap.cached(("observations_part", series, dim), compute)


def breakdowns_for(snap: Snapshot, series: str) -> list[str]:
    def compute():
        entry = _index(snap).get(series)
        return [d for d in DIMENSIONS if entry and d in entry["parts"]]
    return snap.cached(("breakdowns", series), compute)


def breakdowns_of(obs: pd.DataFrame) -> list[str]:
    """Dimensions a series can be split by (each with rows where it is the only one set)."""
    out = []
    for dim in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != dim]
        if (obs[dim].notna() & obs[others].isna().all(axis=1)).any():
            out.append(dim)
    return out


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(codes in text order, -1 for empty; the texts) of a categorical or a text column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.codes, column.cat.categories
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques)


def _other_rows(rows: pd.DataFrame, mask: np.ndarray, constants: dict) -> dict[str, np.ndarray]:
    """Rows `mask` of `rows` (the countries beyond the top ones) summed per (period, year), with the
    first unit and source id — as `groupby(["period", "year"]).agg(...)` on the published rows gives
    them — worked out on the codes, plus `constants` (column -> one value for every row); as arrays
    by column, in (period, year) order."""
    period, periods = _codes(rows["period"])
    period = period[mask]
    year = rows["year"].to_numpy()[mask].astype(np.int64)
    if not len(year):
        return {"period": np.empty(0, dtype=object), "year": np.empty(0, dtype=np.int64),
                "value": np.empty(0, dtype=np.float64), "unit": np.empty(0, dtype=object),
                "source_id": np.empty(0, dtype=object), **{name: np.empty(0, dtype=object) for name in constants}}
    low, span = int(year.min()), int(year.max() - year.min()) + 1
    keys, group = np.unique(period.astype(np.int64) * span + (year - low), return_inverse=True)
    group = group.ravel()
    value = np.nan_to_num(rows["value"].to_numpy()[mask].astype(np.float64))     # a sum skips empty cells

    def first(name):        # per group, the text of its first row with one (None if none has)
        codes, names = _codes(rows[name])
        codes = codes[mask]
        at = np.flatnonzero(codes >= 0)
        groups, where = np.unique(group[at], return_index=True)
        out = np.full(len(keys), None, dtype=object)
        out[groups] = np.asarray(names, dtype=object)[codes[at[where]]]
        return out

    return {"period": np.asarray(periods, dtype=object)[keys // span], "year": keys % span + low,
            "value": np.bincount(group, weights=value, minlength=len(keys)),
            "unit": first("unit"), "source_id": first("source_id"),
            **{name: np.full(len(keys), value, dtype=object) for name, value in constants.items()}}


def _top_countries(rows: pd.DataFrame, top: int, lang: str) -> tuple[pd.DataFrame, dict | None]:
    """The rows of the `top` countries of citizenship (by their sum over the rows), and the rest
    summed into one "other countries" row per period (None when there are no more than `top`)."""
    summed = None
    # sums per country on codes (in text order, as groupby(sort=True) gives them), then ranked;
    # added in row order, not pairwise: the same sums for counts, at most a last-bit difference otherwise
    codes, names = _codes(rows["citizenship"])
    value = np.nan_to_num(rows["value"].to_numpy(np.float64))     # a sum skips empty cells
    present = np.bincount(codes, minlength=len(names)) > 0
    ranking = pd.Series(np.bincount(codes, weights=value, minlength=len(names))[present],
                        index=pd.Index(np.asarray(names, dtype=object)[present], dtype="str"))
    if len(ranking) > top:
        ranking = ranking.sort_values(ascending=False)
        keep = np.zeros(len(names), dtype=bool)
        keep[np.searchsorted(np.asarray(names, dtype=object), ranking.index[:top].to_numpy(dtype=object))] = True
        kept = keep[codes]
        other = ~kept                       # summed from the codes: those rows are never copied
        first = np.flatnonzero(other)[:1]
        summed = _other_rows(rows, other, {
            "key": OTHER, "flag": None, "freq": rows["freq"].iloc[first[0]] if len(first) else "A",
            "source_ref": t("stats.other_ref", lang, n=len(ranking) - top)})
        rows = rows[kept]
    return rows, summed


def select(snap: Snapshot, series: str, by: str | None, years: tuple[int, int] | None, lang: str,
           top: int = 8) -> tuple[pd.DataFrame, str | None]:
    """The rows the chart shows, and the breakdown actually used.

    Totals (no breakdown set) if the series has any in the years, else its first breakdown that
    has rows; `by` when it has rows in the years. Citizenship beyond the `top` countries (by their
    sum over the years) is summed into one "other countries" row per period.
    """
    def part(dim):
        rows = _part(snap, series, dim)
        if years and len(rows):
            year = rows["year"].to_numpy()
            rows = rows[(year >= years[0]) & (year <= years[1])]
        return rows

    if by and by in DIMENSIONS and len(rows := part(by)):
        used = by
    else:
        rows, used = part(None), None
        if not len(rows):
            for dim in DIMENSIONS:
                if len(candidate := part(dim)):
                    rows, used = candidate, dim
                    break
    summed = None
    if used == "citizenship":
        rows, summed = _top_countries(rows, top, lang)
    # Only the columns returned are rebuilt, as Arrow in the published types; the summed rows, key
    # and label are added there and the rows put in order before one conversion to pandas (each
    # pandas step — concat, a column set, take — has a fixed cost whatever the row count).
    table = snap.arrow_rows("observations", rows, [c for c in CHART_COLUMNS if c not in ("key", "label")] + ([used] if used else []))
    # The rows are rebuilt through Arrow, whose pool (mimalloc) keeps the freed buffers: on the
    # 5M-row table that held memory per worker for good (docs/DEPLOY.md). Handing them back is cheap.
    pa.default_memory_pool().release_unused()
    keys = table.column(used).to_numpy(zero_copy_only=False).astype(object) if used \
        else np.full(table.num_rows, "total", dtype=object)
    value = table.column("value").to_numpy(zero_copy_only=False).astype(np.float64)
    period = table.column("period").to_numpy(zero_copy_only=False).astype(object)
    if summed is not None:
        keys = np.concatenate([keys, summed["key"]])
        value = np.concatenate([value, summed["value"]])
        period = np.concatenate([period, summed["period"]])
    labels = {k: t("stats.total", lang) if k == "total" else value_label(used, k, lang) for k in set(keys.tolist())}
    # Periods in order, and within one the largest key (by its sum over the rows) first: what
    # `groupby("key").sum().sort_values(ascending=False)` then a stable sort on (period, rank) give,
    # done on codes.
    names, key_code = np.unique(keys.astype(str), return_inverse=True)
    sums = pd.Series(np.bincount(key_code, weights=np.nan_to_num(value), minlength=len(names)),
                     index=names).sort_values(ascending=False)
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.searchsorted(names, sums.index.to_numpy(dtype=str))] = np.arange(len(names))
    _, period_code = np.unique(period.astype(str), return_inverse=True)
    order = np.lexsort((rank[key_code], period_code))
    columns = {}
    for name in CHART_COLUMNS:
        if name == "key":
            column = pa.array(keys[order], pa.string())
        elif name == "label":
            column = pa.array([labels[k] for k in keys[order].tolist()], pa.string())
        else:
            column = table.column(name)
            if summed is not None:
                column = pa.chunked_array(column.chunks + [pa.array(summed[name], column.type)], column.type)
            column = column.take(order)
        columns[name] = column
    return pa.table(columns).to_pandas(), used


def year_span(snap: Snapshot, series: str) -> tuple[int, int] | None:
    def span():
        years = observations_of(snap, series)["year"]
        return (int(years.min()), int(years.max())) if len(years) else None
    return snap.cached(("year_span", series), span)
