"""The read-only API over every published table (Flask blueprint `api_blueprint`).

- `/api/v1/<table>.json` and `/api/v1/<table>.csv`: filters by column (`?goal=III`,
  `?year__gte=2015`, `?institution_code__in=A,B`), `_sort`, `_limit`, `_offset`, `_lang`;
- `/api/v1/`: the published tables with their row counts and addresses;
- `/api/v1/openapi.json`: an OpenAPI 3.1 description (`dashboards.web.openapi`);
- `/api/v1/search.json`: the site search's results as data.

Only the Flask views live here: the query is `dashboards.store.query` (the same one the site's
selections use), whose `QueryError` becomes a 400 answer naming the parameter. Answers go through the
one export path (`dashboards.store.export`); tables come only from the names of the published
snapshot, never from the file system.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote, urlencode

import pandas as pd
from flask import Blueprint, Response, request

from dashboards.store import current
from dashboards.store.export import MEDIA_TYPES, to_csv, to_json
from dashboards.store.query import query_table
from dashboards.store.query_params import QueryError, UnknownTable, parse_query, shown
from dashboards.web.openapi import API_REVISION, MAX_AGE, PREFIX, openapi_spec
from etl.contract import TABLES

log = logging.getLogger(__name__)

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ANY_METHOD = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
COMPRESSIONS = ("zstd", "br", "gzip", "deflate")   # Flask-Compress appends ":<algorithm>" to ETags


class ApiError(Exception):
    """A request the API answers with an error: status, the parameter at fault, and why."""

    def __init__(self, status: int, parameter: str | None, message: str):
        super().__init__(message)
        self.status, self.parameter, self.message = status, parameter, message


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
    except QueryError as exc:       # a bad query parameter (an undeclared table: not found)
        return _error_response(404 if isinstance(exc, UnknownTable) else 400, exc.parameter, exc.message)
    except current.DataUnavailable as exc:
        log.error("API: %s", exc)
        return _error_response(503, None, "no published data")
    except Exception:   # a bug, not the client's fault: logged, answered as JSON
        log.exception("API failure on %s", request.full_path)
        return _error_response(500, None, "internal error")


def _published(snap, name: str) -> pd.DataFrame:
    if name not in TABLES or name not in snap.tables:
        raise ApiError(404, "table", f"unknown table {shown(name)}; tables: {', '.join(n for n in TABLES if n in snap.tables)}")
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

    snap = current.snapshot()
    lang = lang_of(request.args.get("lang"))
    query = site_search.shown_query(request.args.get("q", ""))
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
