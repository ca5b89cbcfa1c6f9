"""A table query as URL parameters give it (`?goal=III`, `year__gte=2015`, `institution_code__in=A,B`,
`_sort`, `_limit`, `_offset`, `_lang`), checked against the table's declared columns
(`etl.contract.TABLES`) and bounded: `parse_query` gives a `Query` of `Filter`s, or raises a
`QueryError` naming the parameter at fault (`UnknownTable` for a table not declared).
`dashboards.store.query` answers it.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from etl.contract import TABLES, Table

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
MAX_PARAMS = 40             # query parameters in one request
MAX_VALUE_LENGTH = 500      # characters in one value (one item of an `__in` list)
MAX_IN_ITEMS = 100
LANGS = ("bg", "en")
INT64 = (-(2 ** 63), 2 ** 63 - 1)

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
SPECIAL = ("_sort", "_limit", "_offset", "_lang")


class QueryError(ValueError):
    """A query that cannot be answered: the parameter at fault (None: the query as a whole) and why."""

    def __init__(self, parameter: str | None, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


class UnknownTable(QueryError):
    """The table asked for is not one of the declared tables."""


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


def shown(text: str, limit: int = 60) -> str:
    """A text from the query as an error message quotes it (cut to `limit` characters)."""
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
            raise ValueError(f"{shown(raw)} is not a whole number")
        value = int(raw)
        if not INT64[0] <= value <= INT64[1]:
            raise ValueError(f"{shown(raw)} is out of range")
        return value
    if dtype == "float":
        if not _FLOAT.fullmatch(raw):
            raise ValueError(f"{shown(raw)} is not a number")
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(f"{shown(raw)} is out of range")
        return value
    if dtype == "bool":
        if raw.lower() not in _BOOL:
            raise ValueError(f"{shown(raw)} is not true or false")
        return _BOOL[raw.lower()]
    if dtype == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{shown(raw)} is not a date (YYYY-MM-DD)") from None
    raise ValueError(f"unknown column type {dtype}")


def _parse_filter(table: Table, name: str, raw: str) -> Filter:
    column, op = name, "exact"
    if name not in table.names and "__" in name:
        column, op = name.rsplit("__", 1)
    if column not in table.names:
        raise QueryError(name, f"unknown column {shown(column)} in table {table.name}; "
                                  f"columns: {', '.join(table.names)}")
    dtype = table.column(column).dtype
    if op not in OPERATORS[dtype]:
        if op not in OPERATOR_TEXT:
            known = ", ".join("__" + o for o in OPERATOR_TEXT if o != "exact")
            raise QueryError(name, f"unknown operator {shown(op)}; operators: (none for exact), {known}")
        allowed = ", ".join("(none)" if o == "exact" else "__" + o for o in OPERATORS[dtype])
        raise QueryError(name, f"operator {'__' + op if op != 'exact' else '(exact)'} is not available "
                                  f"for {dtype} column {column}; available: {allowed}")
    if op == "isnull":
        if raw.lower() not in _BOOL:
            raise QueryError(name, f"__isnull takes true or false, not {shown(raw)}")
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
        raise QueryError(name, f"{column} is a {dtype} column: {exc}") from None
    return Filter(name, column, op, raw, value)


def _parse_sort(table: Table, raw: str) -> tuple[tuple[str, bool], ...]:
    if not raw or len(raw) > MAX_VALUE_LENGTH:
        raise QueryError("_sort", f"give 1 to {MAX_VALUE_LENGTH} characters: columns separated by commas")
    out: list[tuple[str, bool]] = []
    for item in raw.split(","):
        desc = item.startswith("-")
        column = item[1:] if desc else item
        if column not in table.names:
            raise QueryError("_sort", f"unknown column {shown(column)} in table {table.name}; "
                                         f"columns: {', '.join(n for n in table.names if table.column(n).dtype != 'list')}")
        if table.column(column).dtype == "list":
            raise QueryError("_sort", f"list column {column} cannot be sorted")
        if column in (c for c, _ in out):
            raise QueryError("_sort", f"column {column} is given more than once")
        out.append((column, desc))
    return tuple(out)


def _parse_count(name: str, raw: str, maximum: int) -> int:
    if not re.fullmatch(r"\d{1,8}", raw) or int(raw) > maximum:
        raise QueryError(name, f"{shown(raw)} is not a whole number from 0 to {maximum}"
                                  + (" (or max)" if name == "_limit" else ""))
    return int(raw)


def parse_query(table_name: str, params) -> Query:
    """Check every parameter against the table's declared columns; QueryError says what is wrong."""
    table = TABLES.get(table_name)
    if table is None:
        raise UnknownTable("table", f"unknown table {shown(table_name)}; tables: {', '.join(TABLES)}")
    pairs = _param_pairs(params)
    if len(pairs) > MAX_PARAMS:
        raise QueryError(pairs[MAX_PARAMS][0], f"more than {MAX_PARAMS} query parameters")
    seen: set[str] = set()
    filters: list[Filter] = []
    sort, limit, offset, lang = (), DEFAULT_LIMIT, 0, None
    for name, raw in pairs:
        if name in seen:
            raise QueryError(name, "given more than once" + ("" if name.startswith("_") else f"; use {name}__in"))
        seen.add(name)
        if name == "_sort":
            sort = _parse_sort(table, raw)
        elif name == "_limit":
            limit = MAX_LIMIT if raw == "max" else _parse_count(name, raw, MAX_LIMIT)
        elif name == "_offset":
            offset = _parse_count(name, raw, MAX_OFFSET)
        elif name == "_lang":
            if raw not in LANGS:
                raise QueryError(name, f"{shown(raw)} is not one of: {', '.join(LANGS)}")
            lang = raw
        elif name.startswith("_"):
            raise QueryError(name, f"unknown parameter {shown(name)}; special parameters: {', '.join(SPECIAL)}")
        elif raw == "*" and name in dict(table.defaults):   # every value, e.g. geo=* for every country
            filters.append(Filter(name, name, "ne", raw, ""))
        else:
            filters.append(_parse_filter(table, name, raw))
    for column, value in table.defaults:    # Bulgaria stays the default; any filter on the column replaces it
        if not any(f.column == column for f in filters):
            filters.append(Filter("", column, "exact", value, value))
    return Query(table_name, tuple(filters), sort, limit, offset, lang)


def label_pairs(table: Table) -> list[str]:
    """Bases of the `<base>_bg`/`<base>_en` column pairs (name, definition, abbr)."""
    return [n[:-3] for n in table.names if n.endswith("_bg") and n[:-3] + "_en" in table.names]
