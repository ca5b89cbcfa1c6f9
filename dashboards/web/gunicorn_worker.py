"""gunicorn's threaded worker with a lane of its own for file downloads (gunicorn.conf.py).

A download may wait for the pages before it starts (dashboards/web/pages_first.py); on the
worker's page threads a burst of waiting downloads would leave no thread for the pages. The main
loop peeks at the request line of a connection that is ready (without reading it) and hands
`GET`/`HEAD` of `/data/…` and `/download/…` to FILE_THREADS threads of their own, everything else
to the page threads as before; a connection whose request has not arrived yet waits on the poller
until it has. Both lanes run gunicorn's own request handling, and a download that reaches a page
thread all the same (read ahead with another request) does not wait there. A page counts as being
answered from the moment it is seen here, while it waits for a thread and while its answer is
written, not only while the app makes it (what pages_first's middleware counts without this worker).
"""
from __future__ import annotations

import os
import selectors
import socket
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

from dashboards.web import pages_first

FILE_THREADS = int(os.environ.get("MIGDASH_FILE_THREADS", 4))   # as many as page threads: a file being built holds one
_REQUEST_LINES = tuple(f"{method} {prefix}".encode() for method in ("GET", "HEAD")
                       for prefix in pages_first.FILE_PREFIXES)
_PEEK = max(len(line) for line in _REQUEST_LINES)
FILE_THREAD_NAME = "files"


def request_start(conn) -> bytes:
    """The first bytes of the connection's next request, read without taking them (b"" if none yet)."""
    parser = getattr(conn, "parser", None)
    if parser is not None:
        buffered = parser.unreader.buf.getvalue()    # a request already read ahead into the parser
        if buffered:
            return buffered[:_PEEK]
    try:
        return conn.sock.recv(_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (OSError, ValueError):     # nothing sent yet, closed, or TLS (no peeking at its bytes)
        return b""


def is_file_request(conn) -> bool:
    return request_start(conn).startswith(_REQUEST_LINES)


class FileLaneWorker(ThreadWorker):
    def init_process(self):
        pages_first.use_slot(self.age)
        pages_first.wait_only_on_threads_named(FILE_THREAD_NAME)
        self.file_pool = futures.ThreadPoolExecutor(max_workers=FILE_THREADS, thread_name_prefix=FILE_THREAD_NAME)
        super().init_process()

    def enqueue_req(self, conn):
        start = request_start(conn)
        if not start and not conn.data_ready:
            self._wait_for_request(conn)
            return
        if start.startswith(_REQUEST_LINES):
            done = self.file_pool.submit(self.handle, conn)
        elif start:     # a page asked for: counted from now, while it waits for a thread too
            pages_first.page_started()
            done = self.tpool.submit(self.handle, conn)
            done.add_done_callback(lambda fut: pages_first.page_finished())
        else:           # readable with nothing to peek at: closed by the client, or TLS
            done = self.tpool.submit(self.handle, conn)
        done.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def _wait_for_request(self, conn):
        """A connection accepted before its request arrived waits on the poller (as gunicorn's own
        deferred connections do) and comes back here readable, to be told by its request line: a
        download on a page thread would hold it while it waits."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def run(self):
        try:
            super().run()
        finally:
            self.file_pool.shutdown(wait=False, cancel_futures=True)

    def handle_quit(self, sig, frame):
        self.file_pool.shutdown(wait=False, cancel_futures=True)
        super().handle_quit(sig, frame)
