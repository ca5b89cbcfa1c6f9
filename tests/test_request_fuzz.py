"""Malformed callback and static requests: 4xx with a short answer and one log line, never a 5xx."""
from __future__ import annotations

import json
import logging
import sys

import pytest

ROUTER = ".._pages_content.children..._pages_store.data.."
ROUTER_OUTPUTS = [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]


def router_body(pathname="/plan", search="", **changes):
    body = {"output": ROUTER, "outputs": ROUTER_OUTPUTS, "state": [], "changedPropIds": ["_pages_location.pathname"],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}]}
    body.update(changes)
    return body


def _without(key):
    body = router_body()
    del body[key]
    return body


def _deep(levels=5000):
    value = []
    for _ in range(levels):
        value = [value]
    return value


def _dumps(value) -> bytes:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))   # only to write the test's own 5,000-deep body
    try:
        return json.dumps(value).encode()
    finally:
        sys.setrecursionlimit(limit)


PAGE = {"id": "_pages_location", "property": "pathname", "value": "/"}
MALFORMED = {
    "pathname number": router_body(pathname=5),
    "pathname relative": router_body(pathname="plan"),
    "pathname protocol-relative": router_body(pathname="//evil.example/x"),
    "pathname null": router_body(pathname=None),
    "pathname list": router_body(pathname=["/plan"]),
    "pathname object": router_body(pathname={"a": 1}),
    "search number": router_body(search=5),
    "search list": router_body(search=["?lang=en"]),
    "search 200 KB": router_body(search="?q=" + "x" * 200_000),
    "body null": None,
    "body empty list": [],
    "body number": 5,
    "body string": "x",
    "output missing": _without("output"),
    "output unknown": router_body(output="nope.children"),
    "output number": router_body(output=5),
    "output of a clientside callback": router_body(output="shell-collapse.is_open"),
    "inputs missing": _without("inputs"),
    "inputs too few": router_body(inputs=[PAGE]),
    "inputs too many": router_body(inputs=[PAGE, PAGE, PAGE]),
    "inputs not objects": router_body(inputs=[1, 2]),
    "inputs an object": router_body(inputs={"a": 1}),
    "inputs of another component": router_body(inputs=[{"id": "x", "property": "pathname", "value": "/"}, PAGE]),
    "state not a list": router_body(state=5),
    "outputs a number": router_body(outputs=5),
    "changedPropIds a number": router_body(changedPropIds=5),
    "5,000-deep value": router_body(pathname=_deep()),
    "5,000-deep body": _deep(),
    "40-deep value": router_body(state=[{"id": "x", "property": "y", "value": _deep(40)}]),
}


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _post(client, body: bytes):
    return client.post("/_dash-update-component", data=body, headers={"Content-Type": "application/json"})


def test_fuzz_well_formed_callback_still_answers(client):
    response = _post(client, _dumps(router_body(search="?lang=en")))
    assert response.status_code == 200 and "_pages_content" in response.get_json()["response"]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_fuzz_malformed_callback_is_400_with_one_log_line(client, caplog, name):
    with caplog.at_level(logging.INFO):
        response = _post(client, _dumps(MALFORMED[name]))
    assert response.status_code == 400, response.data[:200]
    assert response.mimetype == "application/json" and len(response.data) < 200
    assert "error" in response.get_json()
    records = [r for r in caplog.records if r.name.startswith(("dashboards", "app", "flask", "werkzeug"))]
    assert len(records) == 1 and not records[0].exc_info and "\n" not in records[0].getMessage()


@pytest.mark.parametrize("body", [b"", b"{", b"not json", b"\xff\xfe", b"[" * 5000])
def test_fuzz_non_json_bodies_are_400(client, body):
    assert _post(client, body).status_code == 400


def test_fuzz_search_is_not_reflected_beyond_the_query_limit(client):
    response = _post(client, _dumps(router_body(search="?q=" + "x" * 3000)))
    assert response.status_code == 400 and b"xxxx" not in response.data


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/../../app.py", "/dash/__init__.py", "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash/__init__.py", "/_dash-component-suites/dash/../__init__.py",
    "/_dash-component-suites/dash/deps/..%2f..%2fapp.py", "/_dash-component-suites/nope/x.js",
    "/_dash-component-suites/dash/dash-renderer/build/nope.js", "/_dash-component-suites/dash_bootstrap_components/__init__.py",
    "/_dash-component-suites/dash/_dash_renderer.py", "/_dash-component-suites/", "/assets/../app.py", "/assets/%2e%2e/app.py",
])
def test_fuzz_unknown_static_paths_are_404(client, caplog, path):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 404
    assert not any(r.exc_info for r in caplog.records)
    assert b"import" not in response.data


def test_fuzz_no_case_answers_5xx(client):
    statuses = [_post(client, _dumps(body)).status_code for body in MALFORMED.values()]
    assert max(statuses) < 500 and statuses.count(400) == len(MALFORMED)
