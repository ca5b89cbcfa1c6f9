"""Malformed callback and static requests (a probe's, an attacker's): a 400 with a short JSON
message or a 404, one log line, never a 5xx and never a traceback in the log."""
from __future__ import annotations

import json
import logging

import pytest

PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."
PAGES_OUTPUTS = [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}]


def pages_body(pathname="/plan", search="", **changes):
    body = {"output": PAGES_OUTPUT, "outputs": PAGES_OUTPUTS,
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    body.update(changes)
    return body


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


MALFORMED = {
    "pathname number": pages_body(pathname=5),
    "pathname relative": pages_body(pathname="plan"),
    "pathname list": pages_body(pathname=["/plan"]),
    "pathname protocol-relative": pages_body(pathname="//evil.example/plan"),
    "search number": pages_body(search=7),
    "search object": pages_body(search={"a": 1}),
    "search 200 KB": pages_body(search="?q=" + "x" * 200_000),
    "pathname 3 KB": pages_body(pathname="/" + "p" * 3000),
    "body null": None,
    "body list": [],
    "body number": 42,
    "body string": "hello",
    "body empty object": {},
    "output missing": {k: v for k, v in pages_body().items() if k != "output"},
    "output unknown": pages_body(output="nothing.children"),
    "output number": pages_body(output=3),
    "outputs missing": {k: v for k, v in pages_body().items() if k != "outputs"},
    "outputs not a list": pages_body(outputs="x"),
    "inputs missing": {k: v for k, v in pages_body().items() if k != "inputs"},
    "inputs empty": pages_body(inputs=[]),
    "inputs one of two": pages_body(inputs=pages_body()["inputs"][:1]),
    "inputs three": pages_body(inputs=pages_body()["inputs"] + [{"id": "x", "property": "y", "value": 1}]),
    "inputs not a list": pages_body(inputs="x"),
    "inputs items not objects": pages_body(inputs=[1, 2]),
    "inputs wrong ids": pages_body(inputs=[{"id": "a", "property": "b", "value": "/"},
                                           {"id": "c", "property": "d", "value": ""}]),
    "inputs without value key": pages_body(inputs=[{"id": "_pages_location", "property": "pathname"},
                                                   {"id": "_pages_location", "property": "search"}]),
    "state not a list": pages_body(state="x"),
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
    "5,000-deep nesting": nested(5000).encode(),
    "5,000-deep in a value": json.dumps(pages_body(search="")).replace('"search", "value": ""',
                                                                       '"search", "value": ' + nested(5000)).encode(),
    "empty body": b"",
    "invalid UTF-8": b'{"output": "\xff\xfe"}',
}
STATIC = [
    "/_dash-component-suites/../../app.py",
    "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash/..%2F..%2Fapp.py",
    "/_dash-component-suites/dash/__init__.py",
    "/_dash-component-suites/dash/dash.py",
    "/_dash-component-suites/dash/deps/nothing-here.js",
    "/_dash-component-suites/no_such_package/x.js",
    "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/dash/%00.js",
    "/dash/__init__.py",
]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _post(client, data: bytes):
    return client.post("/_dash-update-component", data=data, headers={"Content-Type": "application/json"})


def _check_400(response, records, name):
    assert response.status_code == 400, (name, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    assert len(response.data) < 300 and "error" in response.get_json()
    ours = [r for r in records if r.levelno >= logging.WARNING]
    assert len(ours) == 1, (name, [r.getMessage() for r in ours])
    assert ours[0].exc_info is None and "Traceback" not in ours[0].getMessage()


@pytest.mark.parametrize("name", list(MALFORMED))
def test_callback_fuzz_malformed_json_answers_400(client, caplog, name):
    caplog.set_level(logging.INFO)
    response = _post(client, json.dumps(MALFORMED[name]).encode())
    _check_400(response, caplog.records, name)


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_callback_fuzz_unparseable_body_answers_400(client, caplog, name):
    caplog.set_level(logging.INFO)
    _check_400(_post(client, RAW_BODIES[name]), caplog.records, name)


def test_callback_fuzz_bounded_reflection(client):
    """A long search is refused, never echoed back (it was, six times, in a 1.2 MB answer)."""
    response = _post(client, json.dumps(pages_body(search="?q=" + "x" * 200_000)).encode())
    assert response.status_code == 400 and b"xxxxxxxxxx" not in response.data


def test_callback_fuzz_valid_request_still_answers(client):
    response = _post(client, json.dumps(pages_body(pathname="/plan", search="?lang=en")).encode())
    assert response.status_code == 200 and "_pages_content" in response.get_json()["response"]


@pytest.mark.parametrize("path", STATIC)
def test_callback_fuzz_static_paths_answer_404(client, path):
    assert client.get(path).status_code == 404, path


def test_callback_fuzz_never_5xx(client):
    """Every case at once, as the probe sent them: no response is 500 or above."""
    statuses = [_post(client, json.dumps(body).encode()).status_code for body in MALFORMED.values()]
    statuses += [_post(client, body).status_code for body in RAW_BODIES.values()]
    statuses += [client.get(path).status_code for path in STATIC]
    assert max(statuses) < 500
