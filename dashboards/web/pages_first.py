"""Pages before file downloads: a download waits a moment while pages are being answered.

A download is cheap once its file is built (dashboards/web/table_files.py), but a burst of them
asked back to back still takes the cores from the pages: a burst on `/data/observations.xlsx`
made `/` several times slower (docs/DEPLOY.md). Here every other request counts as a page while
the app answers it; under gunicorn's worker (dashboards/web/gunicorn_worker.py) the worker counts
it instead, from the moment it sees the request until the answer is written. A `/data/` or `/download/` request starts when no page is
being answered in any worker and none was for QUIET seconds, or after FILE_WAIT seconds at the
latest. On a quiet site nothing waits; on a busy one a file costs a person up to FILE_WAIT more;
while pages are asked for without pause, each worker lets one download go every FILE_WAIT, so a
flood of downloads slows the downloads, not the pages.

The counts (and when a page last finished) live in memory shared by every gunicorn worker
(mapped before the workers are forked, `preload_app`), one slot per worker that only that worker
writes: no lock is shared between processes, so a worker killed mid-request cannot block the
others (its stale count only makes downloads wait the full FILE_WAIT until its slot is taken
again). A waiting download would hold a page thread, so gunicorn's worker runs them on threads of
their own.
"""
from __future__ import annotations

import mmap
import os
import threading
import time

FILE_PREFIXES = ("/data/", "/download/")
FILE_WAIT = float(os.environ.get("MIGDASH_FILE_WAIT", "0.25"))   # seconds a download may wait at most
QUIET = 0.01    # seconds without a page before a download starts
POLL = 0.05     # a waiting download looks every 50 ms: each look takes the GIL from a page being made
SLOTS = 64      # more than the workers of any host; a worker's slot is its number modulo SLOTS

_shared = mmap.mmap(-1, SLOTS * 2 * 8)      # anonymous and shared: the forked workers see one memory
_slots = memoryview(_shared).cast("q")      # per slot: pages in the app, when the last one finished (ns)
_slot = 0
_local_lock = threading.Lock()              # this process's threads updating its own slot
# One waiting download of a process looks at the counts; the others sleep on this lock, without
# waking up (each wake-up takes the GIL from a page being made), and are let go one at a time.
_gate = threading.Lock()
_file_threads: str | None = None            # the name of download threads, when the server has them (and counts)


def wait_only_on_threads_named(prefix: str) -> None:
    """A server running downloads on threads of their own and counting the pages itself: a download
    on any other thread (a page thread) goes without waiting, so that no page thread is ever held
    by one, and the middleware counts nothing."""
    global _file_threads
    _file_threads = prefix


def _may_wait() -> bool:
    return _file_threads is None or threading.current_thread().name.startswith(_file_threads)


def is_file_path(path: str) -> bool:
    return path.startswith(FILE_PREFIXES)


def use_slot(number: int) -> None:
    """Called in a worker before it answers anything: its slot, emptied of a former worker's count."""
    global _slot
    _slot = number % SLOTS
    _slots[2 * _slot] = 0


def pages_in_flight() -> int:
    return sum(_slots[0::2])


def pages_quiet() -> bool:
    """No page in the app in any worker, and none finished in the last QUIET seconds."""
    return pages_in_flight() == 0 and time.monotonic_ns() - max(_slots[1::2]) >= QUIET * 1e9


def page_started() -> None:
    with _local_lock:
        _slots[2 * _slot] += 1


def page_finished() -> None:
    with _local_lock:
        _slots[2 * _slot] = max(0, _slots[2 * _slot] - 1)
        _slots[2 * _slot + 1] = time.monotonic_ns()   # CLOCK_MONOTONIC: one clock for every process


def wait_for_pages(limit: float | None = None) -> float:
    """Wait for a quiet moment of the pages, `limit` seconds (FILE_WAIT) at most once this process's
    downloads waiting before it have started; the seconds waited."""
    started = time.monotonic()
    with _gate:
        deadline = time.monotonic() + (FILE_WAIT if limit is None else limit)
        while not pages_quiet() and time.monotonic() < deadline:
            time.sleep(POLL)
    return time.monotonic() - started


def middleware(wsgi_app):
    """The WSGI app with pages counted and file downloads waiting for them."""
    def app(environ, start_response):
        if is_file_path(environ.get("PATH_INFO", "")):
            if _may_wait():
                wait_for_pages()
            return wsgi_app(environ, start_response)
        if _file_threads is not None:     # the server counts its pages (gunicorn_worker.py)
            return wsgi_app(environ, start_response)
        page_started()
        try:
            return wsgi_app(environ, start_response)   # the body is made by now; sending it is the server's
        finally:
            page_finished()
    return app
