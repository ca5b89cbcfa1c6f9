"""Whole-table downloads: built once per version, then served as files with ETag/Last-Modified."""
from __future__ import annotations

import threading

import pytest

from dashboards.web import downloads
from dashboards.web import table_files


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "downloads"
    monkeypatch.setattr(table_files, "cache_root", lambda: root)
    return root


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@pytest.fixture
def renders(monkeypatch):
    """Counts the files built (each build renders once)."""
    calls = []
    real = downloads.render

    def counting(frame, fmt, about):
        calls.append(fmt)
        return real(frame, fmt, about)

    monkeypatch.setattr(downloads, "render", counting)
    return calls


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "json"])
def test_table_file_built_once_then_read(client, cache, renders, snap, fmt):
    first = client.get(f"/data/observations.{fmt}")
    second = client.get(f"/data/observations.{fmt}")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and len(first.data) > 1000
    assert renders == [fmt]
    files = list((cache / snap.version).glob(f"observations-*.{fmt}"))
    assert len(files) == 1 and files[0].read_bytes() == first.data
    assert not list((cache / snap.version).glob("*.tmp"))
    assert first.headers["X-Data-Version"] == snap.version
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Content-Disposition"].startswith('attachment; filename="observations.')


def test_table_file_conditional_requests_304(client, cache):
    first = client.get("/data/observations.xlsx")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/data/observations.xlsx", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert client.get("/data/observations.xlsx", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/data/observations.xlsx", headers={"If-None-Match": '"other"'}).status_code == 200


def test_each_language_is_its_own_file(client, cache, renders, snap):
    bg = client.get("/data/series.xlsx")
    en = client.get("/data/series.xlsx?lang=en")
    assert bg.data != en.data and bg.headers["ETag"] != en.headers["ETag"]
    client.get("/data/series.xlsx?lang=en")
    assert renders == ["xlsx", "xlsx"] and len(list((cache / snap.version).glob("series-*.xlsx"))) == 2


def test_theme_and_goal_files_are_built_once(client, cache, renders, snap):
    goal = snap["goals"]["goal"].iloc[0]
    for _ in range(2):
        assert client.get("/data/theme/asylum.csv").status_code == 200
        assert client.get(f"/data/goal/{goal}.xlsx").status_code == 200
    assert renders == ["csv", "xlsx"]


def test_a_burst_builds_the_file_once(client, dash_app, cache, renders):
    statuses = []

    def fetch():
        with dash_app.server.test_client() as own:
            statuses.append(own.get("/data/observations.parquet").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6 and renders == ["parquet"]


def test_unwritable_cache_still_serves(client, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(table_files, "cache_root", lambda: blocker / "downloads")
    response = client.get("/data/series.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")


def test_folders_of_unpublished_versions_are_removed(client, cache, snap):
    stale = cache / "v-gone"
    stale.mkdir(parents=True)
    (stale / "observations-x.csv").write_text("old")
    client.get("/data/series.csv")
    assert not stale.exists() and (cache / snap.version).is_dir()


def test_datapackage_has_an_etag(client):
    first = client.get("/data/datapackage.json")
    assert first.status_code == 200 and first.get_json()["resources"]
    assert client.get("/data/datapackage.json", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
