"""The one query over a published table: filters by column value, sort, page (pure pandas/numpy, no Flask).

`query_table` answers one page of a query read from URL parameters (`dashboards.store.query_params`).
`matches`/`select`/`rows_where` give the rows matching `Filter`s (made by `where`) in file order, for
the selections of `dashboards.store`, the downloads and the views, so that every part of the site
reads a table by column values the same way. A table held compactly
(`dashboards.store.compact.Compact`) is queried on its codes; only the rows returned are rebuilt.
Errors are `QueryError`s naming the parameter at fault; the API (`dashboards.web.api`) turns them
into its JSON errors.
"""
from __future__ import annotations

import operator
from collections.abc import Iterable

import numpy as np
import pandas as pd

from etl.contract import TABLES, Table
from dashboards.store.query_params import OPERATOR_TEXT, OPERATORS, Filter, Query, QueryError, label_pairs, parse_query


COMPARISONS = {"exact": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
               "lt": operator.lt, "lte": operator.le}


def _mask(series: pd.Series, f: Filter, dtype: str) -> pd.Series:
    if f.op == "isnull":
        return series.isna() if f.value else series.notna()
    if dtype == "list":
        return series.map(lambda v: isinstance(v, (list, tuple, np.ndarray)) and any(x == f.value for x in v)).astype(bool)
    present = series.notna()      # empty cells never match (as in SQL), except for __isnull
    values = series[present]
    if f.op == "in":
        hit = values.isin(list(f.value))
    elif f.op == "contains":
        hit = values.astype(str).str.contains(f.value, case=False, regex=False)
    else:
        hit = COMPARISONS[f.op](values, f.value)
    mask = pd.Series(False, index=series.index)
    mask[present] = np.asarray(hit, dtype=bool)
    return mask


def order_of(table: Table, sort: tuple[tuple[str, bool], ...]) -> tuple[list[str], list[bool]]:
    """The requested sort (or the declared one), then the key: one stable order always."""
    requested = list(sort) or [(c, False) for c in table.sort]
    by, ascending = [], []
    for column, desc in requested + [(c, False) for c in table.key]:
        if column not in by:
            by.append(column)
            ascending.append(not desc)
    return by, ascending


def query_table(frame: pd.DataFrame, table_name: str, params, compact=None) -> tuple[pd.DataFrame, int, int | None]:
    """One page of a published table: (rows of the page, rows matching, offset of the next page or None).

    Pure: the frame is not changed. Raises QueryError for a bad parameter. `compact` (a
    `dashboards.store.compact.Compact`) when `frame` is a table held compactly: the query then runs on its
    codes, and only the rows of the page are turned into their published form.
    """
    query = parse_query(table_name, params)
    table = TABLES[table_name]
    if compact is not None:
        return _query_compact(frame, table, query, compact)
    matching = frame[_plain_mask(frame, table, query.filters)]
    total = len(matching)
    by, ascending = order_of(table, query.sort)
    if total > 1:
        matching = matching.sort_values(by, ascending=ascending, na_position="last", kind="stable")
    page = matching.iloc[query.offset:query.offset + query.limit].reset_index(drop=True)
    return _finish(page, table, query, total)


def _plain_mask(frame: pd.DataFrame, table: Table, filters: Iterable[Filter]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for f in filters:
        mask &= _mask(frame[f.column], f, table.column(f.column).dtype)
    return mask


def where(column: str, op: str = "exact", value=None) -> Filter:
    """A filter made in code rather than read from a query string: `value` of the column's type
    (a collection for `in`, a bool for `isnull`); `select` checks it against the table."""
    if op not in OPERATOR_TEXT:
        raise ValueError(f"unknown operator {op!r}")
    if op == "in":
        value = tuple(value)
    return Filter("", column, op, "", value)


def matches(frame: pd.DataFrame, table_name: str, filters: Iterable[Filter], compact=None) -> np.ndarray:
    """Whether each row of `frame` (table `table_name` as held) matches every filter: a boolean array
    in file order. `compact` as for `query_table`."""
    table = TABLES[table_name]
    filters = list(filters)
    for f in filters:
        if f.column not in table.names or f.op not in OPERATORS[table.column(f.column).dtype]:
            raise QueryError(f.column, f"no filter {f.column}__{f.op} on table {table.name}")
    if compact is None:
        return _plain_mask(frame, table, filters).to_numpy()
    positions = _compact_positions(frame, table, filters, compact)
    if positions is None:
        return np.ones(len(frame), dtype=bool)
    mask = np.zeros(len(frame), dtype=bool)
    mask[positions] = True
    return mask


def select(frame: pd.DataFrame, table_name: str, filters: Iterable[Filter], compact=None) -> np.ndarray:
    """Positions of the rows `matches` accepts, ascending (file order): what `query_table` answers
    before it sorts and pages."""
    return np.flatnonzero(matches(frame, table_name, filters, compact))


def rows_where(frame: pd.DataFrame, table_name: str, filters: Iterable[Filter], compact=None) -> pd.DataFrame:
    """The rows `select` gives, as held (a compact frame's rows stay compact: `Snapshot.rows` rebuilds them)."""
    return frame.iloc[select(frame, table_name, filters, compact)]


def _finish(page: pd.DataFrame, table: Table, query: Query, total: int) -> tuple[pd.DataFrame, int, int | None]:
    if query.lang:
        for base in label_pairs(table):
            page.insert(page.columns.get_loc(f"{base}_bg"), base, page[f"{base}_{query.lang}"])
    end = query.offset + query.limit
    return page, total, end if query.limit and end < total else None



# --- the query over a compactly held table (millions of rows) ----------------------------------
# The same answers as above, row for row: each filter is evaluated by the same `_mask` on a
# categorical's categories (then spread to the rows by their codes), on the numbers as they are,
# or on texts rebuilt in batches; the order is the declared one the file is already in, or a stable
# sort on ranks (empty cells last) of only as many rows as the page needs.

TEXT_BATCH = 100_000


def _compact_mask(frame: pd.DataFrame, f: Filter, dtype: str, compact, positions: np.ndarray | None) -> np.ndarray:
    """Whether each row (of `positions`, or of the whole frame) matches `f`, as `_mask` would say."""
    column = f.column
    if column in compact.split:
        split = compact.split[column]
        codes = split.codes if positions is None else split.codes[positions]
        if f.op == "isnull":
            return codes < 0 if f.value else codes >= 0
        if f.op in ("exact", "ne", "in"):             # by the (prefix, number) the text is held as
            numbers = split.numbers if positions is None else split.numbers[positions]
            hit = np.zeros(len(codes), dtype=bool)
            for value in (f.value if f.op == "in" else (f.value,)):
                held = split.encode(value)
                if held is not None:
                    hit |= (codes == held[0]) & (numbers == held[1])
            return (codes >= 0) & ~hit if f.op == "ne" else hit
        rows = np.arange(len(frame)) if positions is None else positions
        out = np.empty(len(rows), dtype=bool)
        for start in range(0, len(rows), TEXT_BATCH):    # texts rebuilt a batch at a time
            texts = compact.texts(column, rows[start:start + TEXT_BATCH])
            out[start:start + len(texts)] = _mask(texts, f, dtype).to_numpy()
        return out
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.array.codes
        return _spread(_category_hits(series, f, dtype, compact), codes if positions is None else codes[positions])
    if series.dtype.kind in "iuf" and (f.op in COMPARISONS or f.op == "in"):
        values = series.to_numpy()
        return _numeric_mask(values if positions is None else values[positions], f)
    return _mask(series if positions is None else series.iloc[positions], f, dtype).to_numpy()


def _numeric_mask(values: np.ndarray, f: Filter) -> np.ndarray:
    """`_mask` for numbers, straight on the array (empty cells, NaN, never match)."""
    if f.op == "in":
        wanted = list(f.value)
        if values.dtype.kind in "iu":      # values the column's type cannot hold match nothing
            info = np.iinfo(values.dtype)
            wanted = [v for v in wanted if float(v).is_integer() and info.min <= v <= info.max]
        elif values.dtype == np.float32:   # held as float32 (exactly): only values a float32 holds can match
            wanted = [v for v in wanted if _float32_bounds(v)[0] == _float32_bounds(v)[1]]
        hit = np.isin(values, np.asarray(wanted, dtype=values.dtype)) if wanted else np.zeros(len(values), bool)
    elif values.dtype == np.float32:        # held as float32 (exactly): compare with the float32 bounds
        low, high = _float32_bounds(f.value)    # of the float64 value, which says the same as float64
        if f.op in ("exact", "ne"):
            hit = values == low if low == high else np.zeros(len(values), dtype=bool)
            hit = ~hit if f.op == "ne" else hit
        else:
            hit = COMPARISONS[f.op](values, {"gt": low, "gte": high, "lt": high, "lte": low}[f.op])
    else:
        hit = COMPARISONS[f.op](values, f.value)
    return hit & ~np.isnan(values) if values.dtype.kind == "f" else hit


def _float32_bounds(value: float) -> tuple[np.float32, np.float32]:
    """(largest float32 <= value, smallest float32 >= value): equal when value is a float32."""
    with np.errstate(over="ignore"):
        near = np.float32(value)
    if float(near) == value:
        return near, near
    if float(near) < value:
        return near, np.nextafter(near, np.float32(np.inf))
    return np.nextafter(near, np.float32(-np.inf)), near


def _spread(hit: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """hit[codes] (hit[-1] for empty cells, code -1), by a few comparisons when few categories differ."""
    chosen, left = np.flatnonzero(hit[:-1]), np.flatnonzero(~hit[:-1])
    code = codes.dtype.type
    if len(chosen) > 8 and len(left) > 8:
        if chosen[-1] - chosen[0] + 1 != len(chosen):
            return hit[codes]
        out = (codes >= code(chosen[0])) & (codes <= code(chosen[-1]))    # one run of categories
        return out | (codes < 0) if hit[-1] else out
    if len(chosen) <= 8:
        out = np.zeros(len(codes), dtype=bool)
        for c in chosen:
            out |= codes == code(c)
    else:
        out = codes >= 0
        for c in left:
            out &= codes != code(c)
    if hit[-1]:
        out |= codes < 0
    return out


def _category_hits(series: pd.Series, f: Filter, dtype: str, compact) -> np.ndarray:
    """Per category whether it matches `f`, then (last, for code -1) whether an empty cell does."""
    if f.op == "isnull":
        return np.append(np.full(len(series.cat.categories), not f.value), f.value)
    categories = pd.Series(series.cat.categories, dtype=compact.dtypes[f.column])
    return np.append(_mask(categories, f, dtype).to_numpy(), False)     # empty cells never match


def _rank(frame: pd.DataFrame, compact, column: str, positions: np.ndarray, ascending: bool) -> np.ndarray:
    """Sort keys of `column` at `positions`: smaller first, empty cells last in either direction."""
    if column in compact.split:
        keys = compact.split[column].order_keys(positions, ascending)
        if keys is not None:
            return keys
        codes, uniques = pd.factorize(compact.texts(column, positions), sort=True)
        n = len(uniques)
    else:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):    # categories are in text order
            codes, n = series.array.codes[positions], len(series.cat.categories)
        else:
            values = series.to_numpy()[positions]
            if values.dtype.kind in "iu" or (values.dtype.kind == "f" and not np.isnan(values).any()):
                values = values if values.dtype.kind == "f" else values.astype(np.int64)
                return values if ascending else -values         # the values order themselves
            codes, uniques = pd.factorize(series.iloc[positions], sort=True)
            n = len(uniques)
    codes = np.asarray(codes, dtype=np.int32 if n < 2**31 - 1 else np.int64)
    return np.where(codes < 0, n, codes if ascending else n - 1 - codes)


def _ordered(frame: pd.DataFrame, compact, positions: np.ndarray, by: list[str], ascending: list[bool],
             need: int) -> np.ndarray:
    """The first `need` of `positions` (file order) sorted by `by` — stably, like `sort_values`.

    Key by key, only the rows still tied at the page's end are ranked by the next column, so a page
    of a few million matching rows never sorts them all.
    """
    def sort_all(pos: np.ndarray, k: int) -> np.ndarray:
        keys = [_rank(frame, compact, by[i], pos, ascending[i]) for i in range(len(by) - 1, k - 1, -1)]
        return pos[np.lexsort([np.arange(len(pos))] + keys)] if keys else pos

    def first(pos: np.ndarray, k: int, need: int) -> np.ndarray:
        if need <= 0:
            return pos[:0]
        if k == len(by):
            return pos[:need]                           # ties left: file order
        if need >= len(pos) or len(pos) <= 2048:
            return sort_all(pos, k)[:need]
        rank = _rank(frame, compact, by[k], pos, ascending[k])
        threshold = np.partition(rank, need - 1)[need - 1]
        below = sort_all(pos[rank < threshold], k)
        return np.concatenate([below, first(pos[rank == threshold], k + 1, need - len(below))])

    return first(positions, 0, need)


def _leading_runs(frame: pd.DataFrame, table: Table, filters: list[Filter], compact) -> np.ndarray | None:
    """Rows that can match filters on the first sort column, found by binary search on its codes
    (the file is sorted by it, so each of its values is one run of rows); None: not applicable."""
    lead = table.sort[0] if table.sort else None
    mine = [f for f in filters if f.column == lead]
    if not compact.ordered or not mine or not isinstance(frame[lead].dtype, pd.CategoricalDtype):
        return None
    codes = frame[lead].array.codes
    if len(codes) and codes[-1] < 0:                  # empty cells (sorted last) break the search
        return None
    hit = np.ones(len(frame[lead].cat.categories) + 1, dtype=bool)
    for f in mine:
        hit &= _category_hits(frame[lead], f, table.column(lead).dtype, compact)
    code = codes.dtype.type          # searching with the array's own type: no copy of the array
    runs = [np.arange(codes.searchsorted(code(c), "left"), codes.searchsorted(code(c), "right"))
            for c in np.flatnonzero(hit[:-1])]
    return np.concatenate(runs) if runs else np.zeros(0, dtype=np.int64)


def _compact_positions(frame: pd.DataFrame, table: Table, filters: list[Filter], compact) -> np.ndarray | None:
    """Positions of the rows matching every filter, ascending; None: every row (no filter)."""
    positions = _leading_runs(frame, table, filters, compact)
    if positions is not None:
        filters = [f for f in filters if f.column != table.sort[0]]
    for f in filters:
        hit = _compact_mask(frame, f, table.column(f.column).dtype, compact, positions)
        positions = np.flatnonzero(hit) if positions is None else positions[hit]
    return positions


def _query_compact(frame: pd.DataFrame, table: Table, query: Query, compact) -> tuple[pd.DataFrame, int, int | None]:
    positions = _compact_positions(frame, table, list(query.filters), compact)
    total = len(frame) if positions is None else len(positions)
    need = min(query.offset + query.limit, total)
    if query.offset >= need:
        chosen = np.zeros(0, dtype=np.int64)
    elif not query.sort and compact.ordered:         # the file's order is the default order
        chosen = np.arange(query.offset, need) if positions is None else positions[query.offset:need]
    else:
        everything = np.arange(len(frame)) if positions is None else positions
        chosen = _ordered(frame, compact, everything, *order_of(table, query.sort), need)[query.offset:need]
    page = compact.restore(frame.iloc[chosen]).reset_index(drop=True)
    return _finish(page, table, query, total)
