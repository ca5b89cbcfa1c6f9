"""Malformed requests to Dash's own endpoints: a short 400 (callbacks) or a 404 (component
suites), one log line each, never a 500 with a traceback; a file or feed asked for before any
data is published: a 503 saying so.

Dash trusts the body of `/_dash-update-component` (the renderer wrote it): a probe that sends
`null`, an unknown output, mismatched inputs, a number as `pathname` or 5,000 nested lists got
a 500 and a 35-line traceback in the log every time (a log flood). The body is checked here
against the registered callback before Dash sees it; whatever still fails inside a callback on
such input is answered the same way. Strings reflected into pages (pathname, search, values)
are bounded like query strings (MAX_TEXT, the 2 KB of _server.MAX_QUERY_BYTES).
"""
from __future__ import annotations

import json
import logging
import traceback

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, NotFound

from dashboards.store import current

log = logging.getLogger(__name__)
MAX_TEXT = 2048
MAX_DEPTH = 64          # callback values here are a few levels deep; JSON 5,000 deep breaks parsers
CALLBACK_PATH = "/_dash-update-component"
SUITES_RULE = "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"


def bad_request(reason: str) -> Response:
    log.warning("bad callback request from %s: %s", request.remote_addr, reason[:200])
    return Response(json.dumps({"error": "bad callback request", "reason": reason[:120]}), status=400,
                    mimetype="application/json")


def _depth(value) -> int:
    """Nesting depth, without recursion (a deep value must not exhaust the stack here either)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _items_problem(sent, specs: list[dict], kind: str) -> str | None:
    if not isinstance(sent, list):
        return f"{kind} is not a list"
    if len(sent) != len(specs):
        return f"{kind}: {len(sent)} given, the callback has {len(specs)}"
    for item, spec in zip(sent, specs):
        for one in (item if isinstance(item, list) else [item]):   # ALL wildcards send a list
            if not isinstance(one, dict) or not isinstance(one.get("property"), str):
                return f"{kind}: an item without id and property"
            pattern = spec["id"].startswith("{")
            if (pattern and not isinstance(one.get("id"), dict)) or \
                    (not pattern and (one.get("id") != spec["id"] or one["property"] != spec["property"])):
                return f"{kind}: {str(one.get('id'))[:40]}.{one['property'][:40]} is not the callback's"
            value = one.get("value")
            if isinstance(value, str) and len(value) > MAX_TEXT:
                return f"{kind}: {one['property'][:40]} longer than {MAX_TEXT} characters"
            if one["property"] == "pathname" and value is not None and \
                    (not isinstance(value, str) or not value.startswith("/") or value.startswith("//")):
                return "pathname is not a path on this site"
            if one["property"] == "search" and value is not None and \
                    (not isinstance(value, str) or (value and not value.startswith("?"))):
                return "search is not a query string"
    return None


def callback_problem(app, raw: bytes) -> str | None:
    """What is wrong with a callback request's body, or None when it fits a registered callback."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):       # includes bad UTF-8 (UnicodeDecodeError)
        return "body is not JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if _depth(body) > MAX_DEPTH:
        return f"body nested deeper than {MAX_DEPTH}"
    output = body.get("output")
    spec = app.callback_map.get(output) if isinstance(output, str) else None
    if spec is None:
        return "unknown output"
    if not callable(spec.get("callback")):
        return "output of a callback that runs in the browser"
    outputs = body.get("outputs")
    if not isinstance(outputs, (dict, list)) or \
            not all(isinstance(o, (dict, list)) for o in (outputs if isinstance(outputs, list) else [outputs])):
        return "outputs missing"
    problem = _items_problem(body.get("inputs"), spec["inputs"], "inputs") or \
        _items_problem(body.get("state", []), spec.get("state") or [], "state")
    if problem:
        return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of names"
    return None


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
    return f"{frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame[0] else "?"


def install(server: Flask, app) -> None:
    from dash.exceptions import PreventUpdate

    dispatch = server.view_functions[CALLBACK_PATH]

    def guarded_dispatch(*args, **kwargs):
        problem = callback_problem(app, request.get_data(cache=True))   # 413 above MAX_CONTENT_LENGTH
        if problem:
            return bad_request(problem)
        try:
            return dispatch(*args, **kwargs)
        except (PreventUpdate, HTTPException):
            raise
        except Exception as exc:  # a callback failing on input the page never sends: one line, no traceback
            return bad_request(f"{type(exc).__name__} at {_where(exc)}: {exc}")

    server.view_functions[CALLBACK_PATH] = guarded_dispatch

    suites = server.view_functions[SUITES_RULE]

    def guarded_suites(package_name: str, fingerprinted_path: str):
        if ".." in fingerprinted_path.split("/") or "\x00" in fingerprinted_path or \
                not fingerprinted_path.endswith((".js", ".css", ".map", ".json", ".woff", ".woff2", ".ttf", ".txt")):
            raise NotFound()
        try:
            return suites(package_name, fingerprinted_path)
        except HTTPException:
            raise
        except Exception as exc:  # not a registered file of a registered package
            log.info("no component-suite file %s/%s (%s)", package_name[:60], fingerprinted_path[:120],
                     type(exc).__name__)
            raise NotFound() from None

    server.view_functions[SUITES_RULE] = guarded_suites

    @server.errorhandler(current.DataUnavailable)
    def no_data(exc):   # nothing published yet, or only a damaged version: say so, one log line
        log.warning("%s %s: %s", request.method, request.path[:120], exc)
        return Response("No data is published yet; try again later.\n", status=503, mimetype="text/plain",
                        headers={"Retry-After": "60", "Cache-Control": "no-store"})
