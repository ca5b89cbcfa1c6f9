"""Malformed callback and static requests (a probe's, an attacker's, issue 15): a 400 with a short
JSON message or a 404, one log line, never a 5xx and never a traceback in the log; reflected input
bounded. (One module for the feature: the former test_request_fuzz.py's cases are here too.)"""
from __future__ import annotations

import json
import logging
import sys

import pytest

PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."
PAGES_OUTPUTS = [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]
PAGE = {"id": "_pages_location", "property": "pathname", "value": "/"}


def pages_body(pathname="/plan", search="", **changes):
    body = {"output": PAGES_OUTPUT, "outputs": PAGES_OUTPUTS,
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    body.update(changes)
    return body


def without(key: str) -> dict:
    return {k: v for k, v in pages_body().items() if k != key}


def deep(levels: int = 5000) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def dumps(value) -> bytes:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))   # only to write the test's own 5,000-deep bodies
    try:
        return json.dumps(value).encode()
    finally:
        sys.setrecursionlimit(limit)


MALFORMED = {
    "pathname number": pages_body(pathname=5),
    "pathname relative": pages_body(pathname="plan"),
    "pathname list": pages_body(pathname=["/plan"]),
    "pathname null": pages_body(pathname=None),
    "pathname object": pages_body(pathname={"a": 1}),
    "pathname protocol-relative": pages_body(pathname="//evil.example/plan"),
    "pathname 3 KB": pages_body(pathname="/" + "p" * 3000),
    "pathname 5,000 deep": pages_body(pathname=deep()),
    "search number": pages_body(search=7),
    "search object": pages_body(search={"a": 1}),
    "search list": pages_body(search=["?lang=en"]),
    "search 200 KB": pages_body(search="?q=" + "x" * 200_000),
    "body null": None,
    "body list": [],
    "body number": 42,
    "body string": "hello",
    "body empty object": {},
    "body 5,000 deep": deep(),
    "output missing": without("output"),
    "output unknown": pages_body(output="nothing.children"),
    "output number": pages_body(output=3),
    "output of a clientside callback": pages_body(output="shell-collapse.is_open"),
    "outputs missing": without("outputs"),
    "outputs not a list": pages_body(outputs="x"),
    "outputs a number": pages_body(outputs=5),
    "inputs missing": without("inputs"),
    "inputs empty": pages_body(inputs=[]),
    "inputs one of two": pages_body(inputs=pages_body()["inputs"][:1]),
    "inputs the same one alone": pages_body(inputs=[PAGE]),
    "inputs three": pages_body(inputs=pages_body()["inputs"] + [{"id": "x", "property": "y", "value": 1}]),
    "inputs the same one thrice": pages_body(inputs=[PAGE, PAGE, PAGE]),
    "inputs not a list": pages_body(inputs="x"),
    "inputs an object": pages_body(inputs={"a": 1}),
    "inputs items not objects": pages_body(inputs=[1, 2]),
    "inputs wrong ids": pages_body(inputs=[{"id": "a", "property": "b", "value": "/"},
                                           {"id": "c", "property": "d", "value": ""}]),
    "inputs of another component first": pages_body(inputs=[{"id": "x", "property": "pathname", "value": "/"}, PAGE]),
    "inputs without value key": pages_body(inputs=[{"id": "_pages_location", "property": "pathname"},
                                                   {"id": "_pages_location", "property": "search"}]),
    "state not a list": pages_body(state="x"),
    "state a number": pages_body(state=5),
    "state 40 deep": pages_body(state=[{"id": "x", "property": "y", "value": deep(40)}]),
    "changedPropIds not a list": pages_body(changedPropIds=5),
    "toggle wrong value": {"output": "shell-collapse.is_open", "outputs": {"id": "shell-collapse", "property": "is_open"},
                           "inputs": [{"id": "shell-toggler", "property": "n_clicks", "value": {"x": 1}}],
                           "state": [], "changedPropIds": ["shell-toggler.n_clicks"]},
    "pattern id not an object": {"output": '{"deferred-slot":"table-view","key":["MATCH"]}.children',
                                 "outputs": {"id": "x", "property": "children"},
                                 "inputs": [{"id": "x", "property": "n_clicks", "value": 1}],
                                 "state": [], "changedPropIds": ["x.n_clicks"]},
}
RAW_BODIES = {
    "not JSON": b"{not json",
    "plain words": b"not json",
    "an open brace": b"{",
    "5,000-deep nesting": nested(5000).encode(),
    "5,000 open brackets": b"[" * 5000,
    "5,000-deep in a value": json.dumps(pages_body(search="")).replace('"search", "value": ""',
                                                                       '"search", "value": ' + nested(5000)).encode(),
    "empty body": b"",
    "invalid UTF-8": b'{"output": "\xff\xfe"}',
    "invalid UTF-8 alone": b"\xff\xfe",
}
STATIC = [
    "/_dash-component-suites/../../app.py",
    "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash/../__init__.py",
    "/_dash-component-suites/dash/..%2F..%2Fapp.py",
    "/_dash-component-suites/dash/deps/..%2f..%2fapp.py",
    "/_dash-component-suites/dash/__init__.py",
    "/_dash-component-suites/dash/dash.py",
    "/_dash-component-suites/dash/_dash_renderer.py",
    "/_dash-component-suites/dash/deps/nothing-here.js",
    "/_dash-component-suites/dash/dash-renderer/build/nope.js",
    "/_dash-component-suites/dash_bootstrap_components/__init__.py",
    "/_dash-component-suites/no_such_package/x.js",
    "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/dash/%00.js",
    "/_dash-component-suites/",
    "/dash/__init__.py",
    "/assets/../app.py",
    "/assets/%2e%2e/app.py",
]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _post(client, data: bytes):
    return client.post("/_dash-update-component", data=data, headers={"Content-Type": "application/json"})


def _check_400(response, records, name):
    assert response.status_code == 400, (name, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    assert len(response.data) < 200 and "error" in response.get_json()
    ours = [r for r in records if r.levelno >= logging.WARNING]
    assert len(ours) == 1, (name, [r.getMessage() for r in ours])
    assert ours[0].exc_info is None and "Traceback" not in ours[0].getMessage() and "\n" not in ours[0].getMessage()
    named = [r for r in records if r.name.startswith(("dashboards", "app", "flask", "werkzeug"))]
    assert len(named) == 1, (name, [r.getMessage() for r in named])


def test_callback_fuzz_valid_request_still_answers(client):
    response = _post(client, dumps(pages_body(pathname="/plan", search="?lang=en")))
    assert response.status_code == 200 and "_pages_content" in response.get_json()["response"]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_callback_fuzz_malformed_json_answers_400(client, caplog, name):
    caplog.set_level(logging.INFO)
    _check_400(_post(client, dumps(MALFORMED[name])), caplog.records, name)


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_callback_fuzz_unparseable_body_answers_400(client, caplog, name):
    caplog.set_level(logging.INFO)
    _check_400(_post(client, RAW_BODIES[name]), caplog.records, name)


@pytest.mark.parametrize("length", [3000, 200_000])
def test_callback_fuzz_bounded_reflection(client, length):
    """A search over the query-string bound is refused, never echoed back (it was, six times, in a
    1.2 MB answer)."""
    response = _post(client, dumps(pages_body(search="?q=" + "x" * length)))
    assert response.status_code == 400 and b"xxxx" not in response.data


@pytest.mark.parametrize("path", STATIC)
def test_callback_fuzz_static_paths_answer_404(client, caplog, path):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 404, path
    assert not any(r.exc_info for r in caplog.records)
    assert b"import" not in response.data


def test_callback_fuzz_never_5xx(client):
    """Every case at once, as the probe sent them: no response is 500 or above, every malformed
    callback is a 400."""
    statuses = [_post(client, dumps(body)).status_code for body in MALFORMED.values()]
    assert statuses.count(400) == len(MALFORMED)
    statuses += [_post(client, body).status_code for body in RAW_BODIES.values()]
    statuses += [client.get(path).status_code for path in STATIC]
    assert max(statuses) < 500
