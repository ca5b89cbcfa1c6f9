"""Malformed callback and component-suite requests answer 4xx, never 500 and never a traceback.

Dash trusts the body of `/_dash-update-component`: a `null` body, an unknown `output`, inputs that
do not match the callback, a number as the page address or a 5,000-deep array each end in an
exception, a 500 and a traceback in the log. Anyone can send them, so they are checked here first
against the callback they name (its declared inputs and state) and answered 400 with a short JSON
message and one log line. Values are bounded like query strings (MAX_QUERY_BYTES): the router's
`search` comes back in the response, so an unbounded one would be reflected several times.
A callback that still fails on what a client sent is answered the same way, in one line.
Unknown `/_dash-component-suites/` files answer 404 (Dash raises DependencyException).
"""
from __future__ import annotations

import json
import logging
import traceback

from dash.exceptions import DependencyException
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from dashboards._server import MAX_QUERY_BYTES

log = logging.getLogger(__name__)
MAX_DEPTH = 32          # Dash's own bodies are a few levels deep (pattern ids, figure-free values)


class Malformed(ValueError):
    """What is wrong with a callback request, in a few words for the client."""


def _depth_ok(value, limit: int = MAX_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _strings_bounded(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _id_matches(declared: str, given) -> bool:
    """A concrete id against a declared one: the same string, or a dict with the pattern's keys."""
    if not declared.startswith("{"):
        return given == declared
    pattern = json.loads(declared)
    if not isinstance(given, dict) or set(given) != set(pattern):
        return False
    wild = ("MATCH", "ALL", "ALLSMALLER")
    return all(given[k] == v or (isinstance(v, list) and v and v[0] in wild
                                 and isinstance(given[k], (str, int, float)) and not isinstance(given[k], bool))
               for k, v in pattern.items())


def _check_items(declared: list[dict], given, what: str) -> None:
    if not isinstance(given, list) or len(given) != len(declared):
        raise Malformed(f"{what} do not match the callback")
    for dep, item in zip(declared, given):
        group = item if isinstance(item, list) else [item]   # ALL / ALLSMALLER send a list
        for one in group:
            if not isinstance(one, dict) or one.get("property") != dep["property"] \
                    or not _id_matches(dep["id"], one.get("id")):
                raise Malformed(f"{what} do not match the callback")


def _check_address(item: dict) -> None:
    """The router's page address: a path on this site and a query string."""
    if item.get("id") != "_pages_location":
        return
    value = item.get("value")
    if item["property"] == "pathname" and \
            (not isinstance(value, str) or not value.startswith("/") or value.startswith("//")):
        raise Malformed("pathname must be a path starting with /")
    if item["property"] in ("search", "hash") and value is not None and not isinstance(value, str):
        raise Malformed(f"{item['property']} must be a string")


def check_body(body, callback_map: dict) -> None:
    """Raise Malformed when the body is not a well-formed request for a server callback."""
    if not isinstance(body, dict):
        raise Malformed("body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise Malformed("output missing")
    callback = callback_map.get(output)
    if not callback or "callback" not in callback:
        raise Malformed("unknown output")
    outputs = body.get("outputs")
    if outputs is not None and not (isinstance(outputs, dict) or isinstance(outputs, list)
                                    and all(isinstance(o, (dict, list)) for o in outputs)):
        raise Malformed("outputs malformed")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise Malformed("changedPropIds malformed")
    _check_items(callback["inputs"], body.get("inputs"), "inputs")
    _check_items(callback["state"], body.get("state", []), "state")
    for item in body.get("inputs") + body.get("state", []):
        for one in item if isinstance(item, list) else [item]:
            _check_address(one)
    if not _strings_bounded(body):
        raise Malformed(f"a value is longer than {MAX_QUERY_BYTES} bytes")


def _bad_request(message: str, status: int = 400) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def _place(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    return f" at {frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame else ""


def install(server: Flask, app) -> None:
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    dispatch = server.view_functions[endpoint]

    def guarded_dispatch():
        raw = request.get_data(cache=True)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            log.warning("callback request refused: body is not JSON (%d bytes)", len(raw))
            return _bad_request("body is not JSON (or nested too deeply)")
        try:
            if not _depth_ok(body):
                raise Malformed("nested too deeply")
            check_body(body, app.callback_map)
        except Malformed as problem:
            log.warning("callback request refused: %s", problem)
            return _bad_request(str(problem))
        try:
            return dispatch()
        except HTTPException:
            raise
        except Exception as error:  # what a client sent made the callback fail: its problem, one line
            log.warning("callback %s failed on the values sent: %s: %s%s", body["output"][:80],
                        type(error).__name__, str(error)[:200], _place(error))
            return _bad_request("the callback cannot run with these values")

    server.view_functions[endpoint] = guarded_dispatch

    @server.errorhandler(DependencyException)
    def unknown_component_file(error):
        log.info("component-suite file not found: %s", request.path[:200])
        return Response("Not found.\n", status=404, mimetype="text/plain")
