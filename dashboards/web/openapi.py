"""The OpenAPI 3.1 description of the read-only API (`/api/v1/openapi.json`), generated from the
declared tables (`etl.contract.TABLES`) and the query's operators and bounds (`dashboards.store.query`),
so the description and the answers cannot drift apart. `dashboards.web.api` serves it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from dashboards.store.query_params import (DEFAULT_LIMIT, INT64, LANGS, MAX_IN_ITEMS, MAX_LIMIT, MAX_OFFSET, MAX_VALUE_LENGTH,
                                    OPERATOR_TEXT, OPERATORS, label_pairs)
from etl.contract import TABLES, Table

PREFIX = "/api/v1"
API_REVISION = "1"          # part of every ETag: bump when the shape of the answers changes
MAX_AGE = 300


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
