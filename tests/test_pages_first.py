"""Pages before file downloads: a download waits while a page is being answered (at most
FILE_WAIT), a page never waits, and gunicorn's worker puts file requests on threads of their own
by their request line, without taking it from the connection. The burst figures are in
bench/load.py --xlsx-burst (docs/DEPLOY.md)."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from dashboards.web import pages_first
from dashboards.web.gunicorn_worker import is_file_request


class Conn:
    """What the worker's main loop knows of a connection: its socket, and no parser yet."""
    def __init__(self, sock):
        self.sock = sock
        self.parser = None


@pytest.fixture()
def gate():
    """An app behind the middleware whose pages take as long as the test says."""
    release = threading.Event()
    started: dict[str, float] = {}

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        started[path] = time.monotonic()
        if path == "/slow-page":
            release.wait(30)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [path.encode()]

    yield pages_first.middleware(app), release, started
    release.set()


def call(app, path: str) -> list[bytes]:
    return list(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda status, headers: None))


def slow_page(app, started: dict) -> threading.Thread:
    """A page being answered until the test releases it."""
    page = threading.Thread(target=call, args=(app, "/slow-page"))
    page.start()
    while "/slow-page" not in started:
        time.sleep(0.005)
    return page


def test_download_waits_for_the_page_being_answered(gate, monkeypatch):
    monkeypatch.setattr(pages_first, "FILE_WAIT", 20.0)
    app, release, started = gate
    page = slow_page(app, started)
    answers = []
    download = threading.Thread(target=lambda: answers.append(call(app, "/data/observations.xlsx")))
    download.start()
    assert call(app, "/robots.txt") == [b"/robots.txt"]          # another page does not wait
    time.sleep(0.2)
    assert "/data/observations.xlsx" not in started             # the download does, while the page runs
    released = time.monotonic()
    release.set()
    download.join(10)
    page.join(10)
    assert answers == [[b"/data/observations.xlsx"]]
    assert started["/data/observations.xlsx"] >= released
    assert pages_first.pages_in_flight() == 0


def test_download_waits_no_longer_than_file_wait(gate, monkeypatch):
    monkeypatch.setattr(pages_first, "FILE_WAIT", 0.3)
    app, release, started = gate
    page = slow_page(app, started)
    before = time.monotonic()
    assert call(app, "/download/chart.csv") == [b"/download/chart.csv"]   # the page still runs
    assert time.monotonic() - before >= 0.3
    assert pages_first.pages_in_flight() == 1
    release.set()
    page.join(10)
    assert pages_first.pages_in_flight() == 0


def test_download_waits_for_a_quiet_moment_after_a_page(gate, monkeypatch):
    monkeypatch.setattr(pages_first, "QUIET", 0.5)
    monkeypatch.setattr(pages_first, "FILE_WAIT", 20.0)
    app, _, started = gate
    call(app, "/")                          # a page just answered: the next may be on its way
    call(app, "/data/observations.csv")
    assert 0.45 <= started["/data/observations.csv"] - started["/"] < 10


def test_while_pages_stay_busy_downloads_go_one_at_a_time(gate, monkeypatch):
    monkeypatch.setattr(pages_first, "FILE_WAIT", 0.3)
    app, release, started = gate
    page = slow_page(app, started)
    before = time.monotonic()
    downloads = [threading.Thread(target=call, args=(app, f"/data/table-{n}.csv")) for n in range(3)]
    for download in downloads:
        download.start()
    for download in downloads:
        download.join(10)
    went = sorted(started[f"/data/table-{n}.csv"] - before for n in range(3))
    assert went[0] >= 0.3 and went[1] >= 0.6 and went[2] >= 0.9     # each waited its own FILE_WAIT
    release.set()
    page.join(10)


def test_download_without_pages_does_not_wait(gate):
    app, _, _ = gate
    assert pages_first.wait_for_pages(limit=20.0) < 5.0
    assert call(app, "/data/datapackage.json") == [b"/data/datapackage.json"]


def test_with_download_threads_a_download_on_a_page_thread_does_not_wait(gate, monkeypatch):
    monkeypatch.setattr(pages_first, "FILE_WAIT", 20.0)
    monkeypatch.setattr(pages_first, "_file_threads", None)
    pages_first.wait_only_on_threads_named("files")
    app, release, started = gate
    pages_first.page_started()               # the worker counts the page it hands to a page thread
    page = slow_page(app, started)
    assert pages_first.pages_in_flight() == 1   # ... and the middleware does not count it again
    before = time.monotonic()
    assert call(app, "/data/observations.csv") == [b"/data/observations.csv"]   # this thread is a page thread
    assert time.monotonic() - before < 10
    on_file_thread = threading.Thread(target=call, args=(app, "/data/observations.json"), name="files_0")
    on_file_thread.start()
    time.sleep(0.2)
    assert "/data/observations.json" not in started                            # a download thread waits
    release.set()
    page.join(10)
    pages_first.page_finished()
    on_file_thread.join(10)
    assert "/data/observations.json" in started


def test_a_failing_page_is_counted_out(monkeypatch):
    def broken(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        call(pages_first.middleware(broken), "/")
    assert pages_first.pages_in_flight() == 0


def test_a_worker_slot_starts_empty():
    pages_first._slots[10] = 3               # slot 5's count, left by a worker killed mid-request
    pages_first.use_slot(5 + pages_first.SLOTS)
    try:
        assert pages_first.pages_in_flight() == 0
    finally:
        pages_first.use_slot(0)


@pytest.mark.parametrize("request_line, file", [
    (b"GET /data/observations.xlsx HTTP/1.1\r\nHost: x\r\n\r\n", True),
    (b"HEAD /download/returns-trend.csv?lang=en HTTP/1.1\r\n\r\n", True),
    (b"GET /data/theme/asylum.parquet HTTP/1.1\r\n\r\n", True),
    (b"GET / HTTP/1.1\r\n\r\n", False),
    (b"GET /statistics/data HTTP/1.1\r\n\r\n", False),
    (b"POST /data/observations.csv HTTP/1.1\r\n\r\n", False),
    (b"GET /dat", False),                    # the rest of the line not here yet: a page thread takes it
])
def test_file_requests_are_told_by_their_request_line(request_line, file):
    server, client = socket.socketpair()
    with server, client:
        client.sendall(request_line)
        time.sleep(0.01)
        assert is_file_request(Conn(server)) is file
        assert server.recv(len(request_line) + 10, socket.MSG_DONTWAIT) == request_line   # nothing taken


def test_connection_with_nothing_sent_goes_to_the_pages():
    server, client = socket.socketpair()
    with server, client:
        assert is_file_request(Conn(server)) is False
