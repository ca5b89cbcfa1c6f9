"""Serving while data is published: a new version is picked up without a restart, a damaged one
never replaces the last good one, and a page that fails shows the friendly error page.

Each test publishes into its own temporary data folder (`fresh_data_dir`): versions are copies of
the session's published version (no extra build) except where a real `build()` is the point, and
`dashboards.store.current` is reset before and after, so the rest of the suite (and xdist workers, each in
its own process with its own folders) never sees these versions.
"""
from __future__ import annotations

import json
import logging
import shutil

import pytest

from dashboards.store import current
from dashboards.web import router
from dashboards.i18n import t
from etl import paths, publish
from etl.build import build
from etl.provenance import sha256

ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
          "changedPropIds": ["_pages_location.search"]}


@pytest.fixture
def data_folder(snap, fresh_data_dir, monkeypatch):
    """An empty data folder being served: `current` forgets what it had and checks `current` on every call."""
    monkeypatch.setattr(current, "CHECK_SECONDS", 0)
    current.reset()
    yield fresh_data_dir
    current.reset()  # the next test reloads the session's data


def publish_copy(source, version: str, damage=None):
    """Publish a copy of a version under a new id, as `publish` leaves it: the complete folder
    first (damaged by `damage(folder)` if given), then `current` switched to it."""
    folder = paths.versions_dir() / version
    shutil.copytree(source, folder)
    manifest = json.loads((folder / publish.MANIFEST).read_text(encoding="utf-8"))
    manifest["version"] = version
    (folder / publish.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    if damage:
        damage(folder)
    publish.point_current_to(version)
    return folder


def test_refresh_new_version_served_after_the_check_interval(data_folder, snap, dash_app, monkeypatch):
    first = "20200101T000000Z"
    publish_copy(snap.folder, first)
    client = dash_app.server.test_client()
    response = client.get("/api/v1/")
    assert response.headers["X-Data-Version"] == first and response.get_json()["version"] == first

    monkeypatch.setattr(current, "CHECK_SECONDS", 3600.0)
    assert current.snapshot().version == first
    second = build().version              # a real publish while the process serves
    assert second != first and publish.current_version() == second
    assert current.snapshot().version == first       # within the check interval: no file system look-up

    monkeypatch.setattr(current, "CHECK_SECONDS", 0)  # the interval has passed
    assert current.snapshot().version == second
    response = client.get("/api/v1/observations.json?series=asylum_applicants&year__gte=2015")
    assert response.status_code == 200
    assert response.headers["X-Data-Version"] == second and response.get_json()["version"] == second

    publish.rollback()                     # a rollback is picked up the same way
    assert current.snapshot().version == first
    assert client.get("/api/v1/").get_json()["version"] == first


def _delete(folder):
    (folder / "observations.parquet").unlink()


def _truncate(folder):
    path = folder / "measures.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _wrong_checksum(folder):
    manifest = json.loads((folder / publish.MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"]["series"]["sha256"] = "0" * 64
    (folder / publish.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _unreadable(folder):
    """Truncated, with the manifest updated to match: only reading the table finds the damage."""
    path = folder / "measures.parquet"
    path.write_bytes(path.read_bytes()[:100])
    manifest = json.loads((folder / publish.MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"]["measures"]["sha256"] = sha256(path)
    (folder / publish.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("damage", [_delete, _truncate, _wrong_checksum, _unreadable],
                         ids=["file-deleted", "file-truncated", "checksum-wrong", "table-unreadable"])
def test_refresh_damaged_version_keeps_the_last_good_one(data_folder, snap, dash_app, caplog, damage):
    good, bad, later = "20200101T000000Z", "20200102T000000Z", "20200103T000000Z"
    publish_copy(snap.folder, good)
    assert current.snapshot().version == good

    publish_copy(snap.folder, bad, damage)
    assert publish.current_version() == bad
    with caplog.at_level(logging.ERROR, logger="dashboards.store.current"):
        served = current.snapshot()
        again = current.snapshot()
    assert served.version == again.version == good
    assert len(served["observations"]) == len(snap["observations"]) and len(served["measures"]) == len(snap["measures"])
    errors = [r for r in caplog.records if r.name == "dashboards.store.current" and r.levelno == logging.ERROR]
    assert len(errors) == 1, "logged once, not on every request"
    assert bad in errors[0].getMessage() and good in errors[0].getMessage()  # what is damaged, what is served

    response = dash_app.server.test_client().get("/api/v1/")
    assert response.status_code == 200
    assert response.headers["X-Data-Version"] == good and response.get_json()["version"] == good

    publish_copy(snap.folder, later)       # the next good publish is served again
    assert current.snapshot().version == later


def test_refresh_damaged_first_version_is_unavailable_not_half_loaded(data_folder, snap):
    publish_copy(snap.folder, "20200101T000000Z", _delete)
    with pytest.raises(current.DataUnavailable, match="damaged"):
        current.snapshot()


def strings(node) -> str:
    """Every string in a JSON answer (Dash escapes non-ASCII text), one per line."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return "\n".join(strings(v) for v in node.values())
    if isinstance(node, list):
        return "\n".join(strings(v) for v in node)
    return ""


def _boom(*args, **kwargs):
    raise RuntimeError("boom: secret detail /srv/internal/path")


@pytest.mark.parametrize("lang", ["bg", "en"])
@pytest.mark.parametrize("via", ["router", "layout"])
def test_refresh_failing_page_shows_the_friendly_error_page(dash_app, monkeypatch, caplog, via, lang):
    from dashboards.pages import plan as plan_page

    monkeypatch.setattr(plan_page, "build", _boom)           # the plan page's layout now raises
    monkeypatch.setattr(router, "PAGE_CACHE_SIZE", 0)       # render it, do not answer from the cache
    client = dash_app.server.test_client()
    search = "?goal=II" + ("&lang=en" if lang == "en" else "")
    with caplog.at_level(logging.ERROR, logger="dashboards.web.router"):
        if via == "router":
            payload = {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/plan"},
                                            {"id": "_pages_location", "property": "search", "value": search}]}
            response = client.post("/_dash-update-component", json=payload)
        else:
            response = client.get("/_dash-layout", headers={"Referer": f"http://localhost/plan{search}"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = strings(response.get_json())
    assert t("error.title", lang) in text and t("error.text", lang) in text
    for leak in ("Traceback", "RuntimeError", "boom", "/srv/internal", "plan.py"):
        assert leak not in body and leak not in text
    assert 'File "' not in text
    failures = [r for r in caplog.records if r.name == "dashboards.web.router" and r.levelno == logging.ERROR]
    assert failures and failures[0].getMessage() == "page dashboards.pages.plan failed" and failures[0].exc_info


def test_refresh_other_pages_still_render_while_one_fails(dash_app, monkeypatch):
    from dashboards.pages import plan as plan_page

    monkeypatch.setattr(plan_page, "build", _boom)
    monkeypatch.setattr(router, "PAGE_CACHE_SIZE", 0)
    payload = {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/about"},
                                    {"id": "_pages_location", "property": "search", "value": ""}]}
    response = dash_app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    text = strings(response.get_json())
    assert t("about.title", "bg") in text and t("error.title", "bg") not in text


# --- one version per request ---------------------------------------------------------------------
# A request calls `current.snapshot()` several times (the API view, then X-Data-Version in
# dashboards/web/server.py's after_request; the page cache key in dashboards/web/router.py, then every
# part of the page). When the check interval ends in between, or another thread of the worker has
# just loaded a new version, those calls return different versions. The tests below make the new
# version arrive right after the request's first look at the data, which under load with publishes
# happens now and then.

def switch_after_first_look(monkeypatch, source, version: str) -> None:
    """Publish `version` as soon as the request has read the data once (as if another request
    thread of this worker had just loaded it)."""
    real = current.snapshot
    looks = []

    def snapshot():
        snap = real()
        looks.append(snap.version)
        if len(looks) == 1:
            publish_copy(source, version)
        return snap

    monkeypatch.setattr(current, "snapshot", snapshot)


def footer_versions(response) -> set[str]:
    import re

    return set(re.findall(r"(\d{8}T\d{6}Z(?:-\d+)?), ", strings(response.get_json())))


def test_refresh_api_header_names_the_version_of_the_body(data_folder, snap, dash_app, monkeypatch):
    publish_copy(snap.folder, "20200101T000000Z")
    assert current.snapshot().version == "20200101T000000Z"
    switch_after_first_look(monkeypatch, snap.folder, "20200102T000000Z")
    response = dash_app.server.test_client().get("/api/v1/observations.json?series=asylum_applicants&year__gte=2015")
    assert response.status_code == 200
    assert response.headers["X-Data-Version"] == response.get_json()["version"]


def test_refresh_page_cache_serves_the_version_it_names(data_folder, snap, dash_app, monkeypatch):
    from collections import OrderedDict

    monkeypatch.setattr(router, "_cache", OrderedDict())     # this test's pages only
    old, new = "20200101T000000Z", "20200102T000000Z"
    publish_copy(snap.folder, old)
    assert current.snapshot().version == old
    payload = {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/about"},
                                    {"id": "_pages_location", "property": "search", "value": "?lang=en"}]}
    client = dash_app.server.test_client()
    with monkeypatch.context() as switching:
        switch_after_first_look(switching, snap.folder, new)
        client.post("/_dash-update-component", json=payload)   # rendered while `new` arrives
    publish.point_current_to(old)                                # rollback
    response = client.post("/_dash-update-component", json=payload)
    assert response.headers["X-Data-Version"] == old
    assert footer_versions(response) == {old}


def test_refresh_new_version_is_prepared_before_it_is_served(data_folder, snap, monkeypatch):
    import threading

    old, new = "20200101T000000Z", "20200102T000000Z"
    publish_copy(snap.folder, old)
    assert current.snapshot().version == old
    seen = []

    def prepare():                      # runs in the loading thread, on the new version
        seen.append(current.snapshot().version)
        other = []                      # another request thread meanwhile: still the old version
        thread = threading.Thread(target=lambda: other.append(current.snapshot().version))
        thread.start()
        thread.join()
        seen.append(other[0])

    monkeypatch.setattr(current, "_preparers", [])
    current.prepare_new_versions_with(prepare)
    publish_copy(snap.folder, new)
    assert current.snapshot().version == new
    assert seen == [new, old]
    assert current.snapshot().version == new      # prepared once, then served


def test_refresh_failing_preparation_still_serves_the_new_version(data_folder, snap, monkeypatch, caplog):
    publish_copy(snap.folder, "20200101T000000Z")
    assert current.snapshot().version == "20200101T000000Z"
    monkeypatch.setattr(current, "_preparers", [])
    current.prepare_new_versions_with(_boom)
    publish_copy(snap.folder, "20200102T000000Z")
    with caplog.at_level(logging.ERROR, logger="dashboards.store.current"):
        assert current.snapshot().version == "20200102T000000Z"
    assert any("preparing data version 20200102T000000Z failed" in r.getMessage() for r in caplog.records)


def test_refresh_first_version_is_prepared_before_it_is_served(data_folder, snap, monkeypatch):
    seen = []
    monkeypatch.setattr(current, "_preparers", [])
    current.prepare_new_versions_with(lambda: seen.append(current.snapshot().version))
    publish_copy(snap.folder, "20200101T000000Z")
    assert current.snapshot().version == "20200101T000000Z"
    assert seen == ["20200101T000000Z"]
