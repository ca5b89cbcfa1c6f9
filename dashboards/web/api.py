"""The read-only API over every published table (Flask blueprint `api_blueprint`).

- `/api/v1/<table>.json` and `/api/v1/<table>.csv`: filters by column (`?goal=III`,
  `?year__gte=2015`, `?institution_code__in=A,B`), `_sort`, `_limit`, `_offset`, `_lang`;
- `/api/v1/`: the published tables with their row counts and addresses;
- `/api/v1/openapi.json`: an OpenAPI 3.1 description generated from `etl.schemas.TABLES`.

Three parts, top to bottom: the query (`parse_query` + `query_table`, pure pandas, so that a DuckDB
push-down can replace it for very large tables), the OpenAPI description, and the Flask views.
Answers go through the one export path (`dashboards.store.export`); tables come only from the names of
the published snapshot, never from the file system.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd
from flask import Blueprint, Response, request

from dashboards.store import current
from dashboards.store.export import MEDIA_TYPES, to_csv, to_json
from etl.contract import TABLES, Table

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
API_REVISION = "1"          # part of every ETag: bump when the shape of the answers changes
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
MAX_PARAMS = 40             # query parameters in one request
MAX_VALUE_LENGTH = 500      # characters in one value (one item of an `__in` list)
MAX_IN_ITEMS = 100
MAX_AGE = 300
LANGS = ("bg", "en")
INT64 = (-(2 ** 63), 2 ** 63 - 1)
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ANY_METHOD = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
COMPRESSIONS = ("zstd", "br", "gzip", "deflate")   # Flask-Compress appends ":<algorithm>" to ETags

ORDERED = ("exact", "ne", "gt", "gte", "lt", "lte", "in", "isnull")
OPERATORS: dict[str, tuple[str, ...]] = {
    "string": ORDERED + ("contains",),
    "int": ORDERED,
    "float": ORDERED,
    "date": ORDERED,
    "bool": ("exact", "ne", "isnull"),
    "list": ("contains",),
}
OPERATOR_TEXT = {
    "exact": "equal to", "ne": "not equal to (empty values excluded)", "gt": "greater than",
    "gte": "greater than or equal to", "lt": "less than", "lte": "less than or equal to",
    "in": f"one of a comma-separated list (at most {MAX_IN_ITEMS} values)",
    "contains": "contains, case-insensitive", "isnull": "is empty (true) or not empty (false)",
}
COMPARISONS = {"exact": operator.eq, "ne": operator.ne, "gt": operator.gt, "gte": operator.ge,
               "lt": operator.lt, "lte": operator.le}
SPECIAL = ("_sort", "_limit", "_offset", "_lang")


class ApiError(Exception):
    """A request the API answers with an error: status, the parameter at fault, and why."""

    def __init__(self, status: int, parameter: str | None, message: str):
        super().__init__(message)
        self.status, self.parameter, self.message = status, parameter, message


# --- the query ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    parameter: str      # as given, e.g. "year__gte"
    column: str
    op: str             # one of OPERATOR_TEXT
    raw: str
    value: object       # parsed by the column's type (a tuple for `in`, a bool for `isnull`)


@dataclass(frozen=True)
class Query:
    table: str
    filters: tuple[Filter, ...]
    sort: tuple[tuple[str, bool], ...]      # (column, descending)
    limit: int
    offset: int
    lang: str | None

    def pairs(self, offset: int | None = None) -> list[tuple[str, str]]:
        """The query in one canonical form: the same rows always give the same pairs (ETag, `next`)."""
        out = sorted((f.parameter, f.raw) for f in self.filters if f.parameter)   # defaults are not written
        if self.sort:
            out.append(("_sort", ",".join(("-" if desc else "") + col for col, desc in self.sort)))
        if self.lang:
            out.append(("_lang", self.lang))
        if self.limit != DEFAULT_LIMIT:
            out.append(("_limit", str(self.limit)))
        offset = self.offset if offset is None else offset
        if offset:
            out.append(("_offset", str(offset)))
        return out


def _shown(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _param_pairs(params) -> list[tuple[str, str]]:
    if hasattr(params, "items") and hasattr(params, "getlist"):     # werkzeug MultiDict
        return list(params.items(multi=True))
    if isinstance(params, Mapping):
        return list(params.items())
    return list(params)


_INT = re.compile(r"[+-]?\d{1,19}")
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOL = {"true": True, "1": True, "false": False, "0": False}


def parse_value(dtype: str, raw: str):
    """One value by the column's declared type; ValueError says why it is not one."""
    if len(raw) > MAX_VALUE_LENGTH:
        raise ValueError(f"longer than {MAX_VALUE_LENGTH} characters")
    if dtype in ("string", "list"):
        return raw
    if dtype == "int":
        if not _INT.fullmatch(raw):
            raise ValueError(f"{_shown(raw)} is not a whole number")
        value = int(raw)
        if not INT64[0] <= value <= INT64[1]:
            raise ValueError(f"{_shown(raw)} is out of range")
        return value
    if dtype == "float":
        if not _FLOAT.fullmatch(raw):
            raise ValueError(f"{_shown(raw)} is not a number")
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(f"{_shown(raw)} is out of range")
        return value
    if dtype == "bool":
        if raw.lower() not in _BOOL:
            raise ValueError(f"{_shown(raw)} is not true or false")
        return _BOOL[raw.lower()]
    if dtype == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{_shown(raw)} is not a date (YYYY-MM-DD)") from None
    raise ValueError(f"unknown column type {dtype}")


def _parse_filter(table: Table, name: str, raw: str) -> Filter:
    column, op = name, "exact"
    if name not in table.names and "__" in name:
        column, op = name.rsplit("__", 1)
    if column not in table.names:
        raise ApiError(400, name, f"unknown column {_shown(column)} in table {table.name}; "
                                  f"columns: {', '.join(table.names)}")
    dtype = table.column(column).dtype
    if op not in OPERATORS[dtype]:
        if op not in OPERATOR_TEXT:
            known = ", ".join("__" + o for o in OPERATOR_TEXT if o != "exact")
            raise ApiError(400, name, f"unknown operator {_shown(op)}; operators: (none for exact), {known}")
        allowed = ", ".join("(none)" if o == "exact" else "__" + o for o in OPERATORS[dtype])
        raise ApiError(400, name, f"operator {'__' + op if op != 'exact' else '(exact)'} is not available "
                                  f"for {dtype} column {column}; available: {allowed}")
    if op == "isnull":
        if raw.lower() not in _BOOL:
            raise ApiError(400, name, f"__isnull takes true or false, not {_shown(raw)}")
        return Filter(name, column, op, raw, _BOOL[raw.lower()])
    try:
        if op == "in":
            items = raw.split(",")
            if len(items) > MAX_IN_ITEMS:
                raise ValueError(f"more than {MAX_IN_ITEMS} values")
            value = tuple(parse_value(dtype, item) for item in items)
        else:
            value = parse_value(dtype, raw)
    except ValueError as exc:
        raise ApiError(400, name, f"{column} is a {dtype} column: {exc}") from None
    return Filter(name, column, op, raw, value)


def _parse_sort(table: Table, raw: str) -> tuple[tuple[str, bool], ...]:
    if not raw or len(raw) > MAX_VALUE_LENGTH:
        raise ApiError(400, "_sort", f"give 1 to {MAX_VALUE_LENGTH} characters: columns separated by commas")
    out: list[tuple[str, bool]] = []
    for item in raw.split(","):
        desc = item.startswith("-")
        column = item[1:] if desc else item
        if column not in table.names:
            raise ApiError(400, "_sort", f"unknown column {_shown(column)} in table {table.name}; "
                                         f"columns: {', '.join(n for n in table.names if table.column(n).dtype != 'list')}")
        if table.column(column).dtype == "list":
            raise ApiError(400, "_sort", f"list column {column} cannot be sorted")
        if column in (c for c, _ in out):
            raise ApiError(400, "_sort", f"column {column} is given more than once")
        out.append((column, desc))
    return tuple(out)


def _parse_count(name: str, raw: str, maximum: int) -> int:
    if not re.fullmatch(r"\d{1,8}", raw) or int(raw) > maximum:
        raise ApiError(400, name, f"{_shown(raw)} is not a whole number from 0 to {maximum}"
                                  + (" (or max)" if name == "_limit" else ""))
    return int(raw)


def parse_query(table_name: str, params) -> Query:
    """Check every parameter against the table's declared columns; ApiError says what is wrong."""
    table = TABLES.get(table_name)
    if table is None:
        raise ApiError(404, "table", f"unknown table {_shown(table_name)}; tables: {', '.join(TABLES)}")
    pairs = _param_pairs(params)
    if len(pairs) > MAX_PARAMS:
        raise ApiError(400, pairs[MAX_PARAMS][0], f"more than {MAX_PARAMS} query parameters")
    seen: set[str] = set()
    filters: list[Filter] = []
    sort, limit, offset, lang = (), DEFAULT_LIMIT, 0, None
    for name, raw in pairs:
        if name in seen:
            raise ApiError(400, name, "given more than once" + ("" if name.startswith("_") else f"; use {name}__in"))
        seen.add(name)
        if name == "_sort":
            sort = _parse_sort(table, raw)
        elif name == "_limit":
            limit = MAX_LIMIT if raw == "max" else _parse_count(name, raw, MAX_LIMIT)
        elif name == "_offset":
            offset = _parse_count(name, raw, MAX_OFFSET)
        elif name == "_lang":
            if raw not in LANGS:
                raise ApiError(400, name, f"{_shown(raw)} is not one of: {', '.join(LANGS)}")
            lang = raw
        elif name.startswith("_"):
            raise ApiError(400, name, f"unknown parameter {_shown(name)}; special parameters: {', '.join(SPECIAL)}")
        elif raw == "*" and name in dict(table.defaults):   # every value, e.g. geo=* for every country
            filters.append(Filter(name, name, "ne", raw, ""))
        else:
            filters.append(_parse_filter(table, name, raw))
    for column, value in table.defaults:    # Bulgaria stays the default; any filter on the column replaces it
        if not any(f.column == column for f in filters):
            filters.append(Filter("", column, "exact", value, value))
    return Query(table_name, tuple(filters), sort, limit, offset, lang)


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


def label_pairs(table: Table) -> list[str]:
    """Bases of the `<base>_bg`/`<base>_en` column pairs (name, definition, abbr)."""
    return [n[:-3] for n in table.names if n.endswith("_bg") and n[:-3] + "_en" in table.names]


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

    Pure: the frame is not changed. Raises ApiError for a bad parameter. `compact` (a
    `dashboards.store.compact.Compact`) when `frame` is a table held compactly: the query then runs on its
    codes, and only the rows of the page are turned into their published form.
    """
    query = parse_query(table_name, params)
    table = TABLES[table_name]
    if compact is not None:
        return _query_compact(frame, table, query, compact)
    mask = pd.Series(True, index=frame.index)
    for f in query.filters:
        mask &= _mask(frame[f.column], f, table.column(f.column).dtype)
    matching = frame[mask]
    total = len(matching)
    by, ascending = order_of(table, query.sort)
    if total > 1:
        matching = matching.sort_values(by, ascending=ascending, na_position="last", kind="stable")
    page = matching.iloc[query.offset:query.offset + query.limit].reset_index(drop=True)
    return _finish(page, table, query, total)


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


def _query_compact(frame: pd.DataFrame, table: Table, query: Query, compact) -> tuple[pd.DataFrame, int, int | None]:
    filters = list(query.filters)
    positions = _leading_runs(frame, table, filters, compact)
    if positions is not None:
        filters = [f for f in filters if f.column != table.sort[0]]
    for f in filters:
        hit = _compact_mask(frame, f, table.column(f.column).dtype, compact, positions)
        positions = np.flatnonzero(hit) if positions is None else positions[hit]
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


# --- the OpenAPI description -------------------------------------------------------------------

def _value_schema(dtype: str, nullable: bool = False) -> dict:
    schema = {"string": {"type": "string"}, "int": {"type": "integer"}, "float": {"type": "number"},
              "bool": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
              "list": {"type": "string", "description": "a JSON array as text"}}[dtype]
    if nullable:
        schema = {**schema, "type": [schema["type"], "null"]}
    return schema


def _filter_schema(dtype: str, op: str) -> dict:
    if op == "isnull":
        return {"type": "boolean"}
    item = {"string": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
            "list": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
            "int": {"type": "integer", "minimum": INT64[0], "maximum": INT64[1]},
            "float": {"type": "number"}, "bool": {"type": "boolean"},
            "date": {"type": "string", "format": "date"}}[dtype]
    if op == "in":
        return {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_IN_ITEMS}
    return item


def _table_parameters(table: Table) -> dict[str, dict]:
    out = {}
    for column in table.columns:
        for op in OPERATORS[column.dtype]:
            name = column.name if op == "exact" else f"{column.name}__{op}"
            about = f"{column.en} ({column.bg})" if op == "exact" else column.name
            parameter = {"name": name, "in": "query", "required": False,
                         "description": f"{about}: {OPERATOR_TEXT[op]}", "schema": _filter_schema(column.dtype, op)}
            if op == "in":
                parameter.update(style="form", explode=False)
            out[f"{table.name}.{name}"] = parameter
    sortable = "|".join(re.escape(n) for n in table.names if table.column(n).dtype != "list")
    out[f"{table.name}._sort"] = {
        "name": "_sort", "in": "query", "required": False,
        "description": "Columns to sort by, separated by commas; -column for descending. "
                       "The table's key columns always break ties.",
        "schema": {"type": "string", "maxLength": MAX_VALUE_LENGTH, "pattern": f"^-?(?:{sortable})(?:,-?(?:{sortable}))*$"}}
    return out


COMMON_PARAMETERS = {
    "_limit": {"name": "_limit", "in": "query", "required": False,
               "description": f"Rows per page (default {DEFAULT_LIMIT}; max means {MAX_LIMIT}).",
               "schema": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}, {"type": "string", "enum": ["max"]}]}},
    "_offset": {"name": "_offset", "in": "query", "required": False, "description": "Rows to skip.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}},
    "_lang": {"name": "_lang", "in": "query", "required": False,
              "description": "Adds <base> columns in this language for <base>_bg/<base>_en pairs (name, definition, abbr).",
              "schema": {"type": "string", "enum": list(LANGS)}},
    "If-None-Match": {"name": "If-None-Match", "in": "header", "required": False,
                      "description": "An ETag of an earlier answer: 304 when the answer is unchanged.",
                      "schema": {"type": "string"}},
}
_CACHE_HEADERS = {
    "ETag": {"description": "Strong validator from the data version and the query.", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
    "Access-Control-Allow-Origin": {"schema": {"type": "string"}},
}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["parameter", "message"], "additionalProperties": False,
        "properties": {"parameter": {"type": ["string", "null"], "description": "the parameter at fault"},
                       "message": {"type": "string"}}}},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _row_schema(table: Table) -> dict:
    properties = {c.name: {**_value_schema(c.dtype, c.nullable), "description": c.en} for c in table.columns}
    for base in label_pairs(table):
        nullable = table.column(f"{base}_bg").nullable or table.column(f"{base}_en").nullable
        properties[base] = {**_value_schema("string", nullable), "description": f"{base}_bg or {base}_en, by _lang"}
    return {"type": "object", "additionalProperties": False, "required": table.names, "properties": properties}


def _page_schema(table: Table) -> dict:
    return {"type": "object", "required": ["table", "version", "total", "next", "columns", "rows"],
            "properties": {"table": {"type": "string", "enum": [table.name]}, "version": {"type": "string"},
                           "total": {"type": "integer", "minimum": 0},
                           "next": {"type": ["string", "null"], "description": "address of the next page"},
                           "columns": {"type": "array", "items": {"type": "string"}},
                           "rows": {"type": "array", "items": {"$ref": f"#/components/schemas/{table.name}.row"}}}}


def _table_operation(table: Table, fmt: str, parameter_keys: list[str]) -> dict:
    if fmt == "json":
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{table.name}.page"}}}
    else:
        content = {"text/csv": {"schema": {"type": "string"}}}
    return {"get": {
        "operationId": f"{table.name}_{fmt}", "tags": [table.group],
        "summary": f"{table.en} ({fmt.upper()})", "description": f"{table.en}. {table.bg}. Key: {', '.join(table.key)}.",
        "parameters": [{"$ref": f"#/components/parameters/{key}"} for key in parameter_keys],
        "responses": {
            "200": {"description": "One page of rows", "headers": _CACHE_HEADERS, "content": content},
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
            "400": _error("A bad parameter: unknown column or operator, unparseable value, bad _sort/_limit/_offset/_lang"),
            "404": _error("Table not published"),
            "414": {"description": "Address too long for the web server (its own limit, before the API)"},
            "503": _error("No published data"),
        }}}


@lru_cache(maxsize=1)
def openapi_spec() -> str:
    parameters = dict(COMMON_PARAMETERS)
    schemas = {"Error": ERROR_SCHEMA}
    paths = {
        f"{PREFIX}/": {"get": {"operationId": "tables", "summary": "Published tables",
                               "responses": {"200": {"description": "The tables with their addresses",
                                                     "content": {"application/json": {"schema": {"type": "object"}}}},
                                             "503": _error("No published data")}}},
        f"{PREFIX}/openapi.json": {"get": {"operationId": "openapi", "summary": "This description",
                                           "responses": {"200": {"description": "OpenAPI 3.1",
                                                                 "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    for table in TABLES.values():
        own = _table_parameters(table)
        parameters.update(own)
        schemas[f"{table.name}.row"] = _row_schema(table)
        schemas[f"{table.name}.page"] = _page_schema(table)
        keys = list(own) + ["_limit", "_offset", "_lang", "If-None-Match"]
        for fmt in ("json", "csv"):
            paths[f"{PREFIX}/{table.name}.{fmt}"] = _table_operation(table, fmt, keys)
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Bulgarian migration data API", "version": API_REVISION,
                 "description": "Read-only access to every published table. Filters: column=value, column__ne, __gt, "
                                "__gte, __lt, __lte, __in, __contains, __isnull. Answers are cached for "
                                f"{MAX_AGE} s and carry an ETag."},
        "paths": paths,
        "components": {"parameters": parameters, "schemas": schemas},
    }
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"))


# --- the views ---------------------------------------------------------------------------------

api_blueprint = Blueprint("api", __name__)


def _json(payload: dict, status: int = 200) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False), status=status)
    response.headers["Content-Type"] = MEDIA_TYPES["json"]
    return response


def _error_response(status: int, parameter: str | None, message: str) -> Response:
    response = _json({"error": {"parameter": parameter, "message": message}}, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@lru_cache(maxsize=4)
def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _etag(*parts: str) -> str:
    return hashlib.sha256("\n".join((API_REVISION,) + parts).encode("utf-8")).hexdigest()[:40]


def _cached(response: Response, tag: str) -> Response:
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _not_modified(tag: str) -> Response | None:
    sent = request.if_none_match
    if not sent:
        return None
    if sent.star_tag or any(sent.contains_weak(t) for t in [tag] + [f"{tag}:{a}" for a in COMPRESSIONS]):
        response = Response(status=304)
        del response.headers["Content-Type"]
        return _cached(response, tag)
    return None


def _url(path: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    query = urlencode(list(pairs), quote_via=quote, safe=",")
    return f"{request.script_root}{PREFIX}/{path}" + (f"?{query}" if query else "")


def _answer(build) -> Response:
    """Methods, then the answer; every error as JSON. What a client sends can only give a 4xx: an
    unexpected exception is a bug, logged and answered 500 (tests/test_api.py fuzzes for it)."""
    if request.method == "OPTIONS":
        response = Response(status=204)
        del response.headers["Content-Type"]
        response.headers.update({"Allow": ALLOWED_METHODS, "Access-Control-Allow-Methods": ALLOWED_METHODS,
                                 "Access-Control-Allow-Headers": "If-None-Match, Accept, Accept-Language",
                                 "Access-Control-Max-Age": "86400"})
        return response
    if request.method not in ("GET", "HEAD"):
        response = _error_response(405, None, f"method {request.method} not allowed; the API is read-only")
        response.headers["Allow"] = ALLOWED_METHODS
        return response
    try:
        return build()
    except ApiError as exc:
        return _error_response(exc.status, exc.parameter, exc.message)
    except current.DataUnavailable as exc:
        log.error("API: %s", exc)
        return _error_response(503, None, "no published data")
    except Exception:   # a bug, not the client's fault: logged, answered as JSON
        log.exception("API failure on %s", request.full_path)
        return _error_response(500, None, "internal error")


def _published(snap, name: str) -> pd.DataFrame:
    if name not in TABLES or name not in snap.tables:
        raise ApiError(404, "table", f"unknown table {_shown(name)}; tables: {', '.join(n for n in TABLES if n in snap.tables)}")
    return snap.tables[name]


def _table_answer(name: str, fmt: str) -> Response:
    snap = current.snapshot()
    frame = _published(snap, name)
    query = parse_query(name, request.args)
    tag = _etag(snap.version, f"{name}.{fmt}", urlencode(query.pairs()))
    if (cached := _not_modified(tag)) is not None:
        return cached
    page, total, next_offset = query_table(frame, name, request.args, snap.compact.get(name))
    next_url = None if next_offset is None else _url(f"{name}.{fmt}", query.pairs(next_offset))
    if fmt == "csv":
        response = Response(to_csv(page), mimetype="text/csv")
        response.headers["Content-Type"] = MEDIA_TYPES["csv"]
        response.headers["Content-Disposition"] = f"attachment; filename={name}.csv"
        if next_url:
            response.headers["Link"] = f'<{next_url}>; rel="next"'
    else:
        body = to_json(page, {"table": name, "version": snap.version, "total": total, "next": next_url,
                              "columns": [str(c) for c in page.columns]})
        response = Response(body, mimetype="application/json")
        response.headers["Content-Type"] = MEDIA_TYPES["json"]
    response.headers["X-Total-Count"] = str(total)
    return _cached(response, tag)


def _index_answer() -> Response:
    snap = current.snapshot()
    tag = _etag(snap.version, "index", request.script_root)
    if (cached := _not_modified(tag)) is not None:
        return cached
    tables = [{"name": t.name, "title_bg": t.bg, "title_en": t.en, "group": t.group, "rows": int(len(snap.tables[t.name])),
               "json": _url(f"{t.name}.json"), "csv": _url(f"{t.name}.csv")}
              for t in TABLES.values() if t.name in snap.tables]
    return _cached(_json({"version": snap.version, "published": snap.published, "tables": tables,
                          "openapi": _url("openapi.json")}), tag)


def _openapi_answer() -> Response:
    spec = openapi_spec()
    tag = _etag("openapi", _digest(spec), request.script_root)
    if (cached := _not_modified(tag)) is not None:
        return cached
    document = json.loads(spec)
    document["servers"] = [{"url": request.script_root or "/"}]
    return _cached(_json(document), tag)


@api_blueprint.route(f"{PREFIX}/", methods=ANY_METHOD)
def index_view():
    return _answer(_index_answer)


@api_blueprint.route(f"{PREFIX}/openapi.json", methods=ANY_METHOD)
def openapi_view():
    return _answer(_openapi_answer)


def _search_answer() -> Response:
    """The /search page's results as data: snippets as [text, matched] parts, links with the language."""
    from dashboards.store import site_search
    from dashboards.i18n import lang_of
    from dashboards.pages.search import shown_query

    snap = current.snapshot()
    lang = lang_of(request.args.get("lang"))
    query = shown_query(request.args.get("q", ""))
    tag = _etag(snap.version, "search", lang, query)
    if (cached := _not_modified(tag)) is not None:
        return cached
    result = site_search.search(query, lang, snap)
    if not result["available"]:
        raise ApiError(503, None, "no search index in the published version; run python -m etl build")
    groups = [{"kind": kind, "count": result["counts"][kind],
               "results": [{"title": r["title"], "url": r["link"],
                            "key": r["key"], "snippet": [[text, hit] for text, hit in r["snippet"]]} for r in rows]}
              for kind, rows in result["groups"].items()]
    return _cached(_json({"version": snap.version, "query": query, "terms": result["terms"], "lang": lang,
                          "total": result["total"], "groups": groups}), tag)


@api_blueprint.route(f"{PREFIX}/search.json", methods=ANY_METHOD)
def search_view():
    return _answer(_search_answer)


@api_blueprint.route(f"{PREFIX}/<name>.<any(json, csv):fmt>", methods=ANY_METHOD)
def table_view(name: str, fmt: str):
    return _answer(lambda: _table_answer(name, fmt))


@api_blueprint.route(f"{PREFIX}/<path:rest>", methods=ANY_METHOD)
def unknown_view(rest: str):
    return _answer(_unknown_answer)


def _unknown_answer() -> Response:
    raise ApiError(404, None, f"no such address; see {_url('')}")


@api_blueprint.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link, X-Total-Count, Content-Disposition"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
