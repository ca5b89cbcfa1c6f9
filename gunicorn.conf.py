"""gunicorn settings for serving the dashboard (`gunicorn -c gunicorn.conf.py app:server`).

Each worker is a process with its own copy of the published data (loaded on first request and
reloaded when a new version is published), so workers share nothing and can be added freely.
Override any setting with GUNICORN_CMD_ARGS, the bind address with HOST and PORT.
"""
import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# gunicorn's gthread worker, with file downloads on threads of their own: a download waits while
# pages are being answered (dashboards/web/pages_first.py), and waiting must not hold a page thread.
worker_class = "dashboards.web.gunicorn_worker.FileLaneWorker"
timeout = 30
graceful_timeout = 20        # a recycled or reloaded worker finishes what it has accepted (requests are short)
keepalive = 5
# One listening socket, opened by the master and shared by every worker (no reuse_port): a worker
# that is recycled or reloaded stops accepting and finishes its requests, while the others keep
# accepting from the same queue. With SO_REUSEPORT each worker had its own socket and queue, and
# the connections queued on a recycled worker's socket were reset (requests lost at each recycle,
# see docs/DEPLOY.md).
reuse_port = False
max_requests = 5000          # recycle workers now and then: bounded memory over weeks
max_requests_jitter = 1000   # ... at different moments, never all at once
limit_request_line = 8190    # request limits: no huge URLs or headers
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# The app (code, the current data version, its rendered common pages) is loaded once by the master
# and each worker is forked from it: a worker is ready in milliseconds and shares the master's
# memory until it writes. Without this a new worker imported the app and loaded the data itself
# (CPU-heavy, longer on a busy machine); on HUP gunicorn stops every old worker as soon as the
# new ones are spawned, so for that long no worker accepted, and a forced-restart run lost
# requests to timeouts (docs/DEPLOY.md). New code therefore needs a restart (or USR2 + QUIT
# of the old master), not HUP; new data never does (workers load a published version themselves).
preload_app = True


def when_ready(server):
    """In the master, once the app is loaded and before any worker is forked: common pages rendered
    (data loaded by the import), so every worker starts with them."""
    import time

    from dashboards.store import current
    from dashboards.web.router import warm_up

    started = time.perf_counter()
    try:
        current.snapshot()
    except current.DataUnavailable as exc:
        server.log.error("no data to serve yet: %s", exc)
        return
    warm_up()
    server.log.info("app warm in %.2f s (data version %s)", time.perf_counter() - started, current.snapshot().version)


def post_worker_init(worker):
    """Before the worker accepts: if `current` moved since the master loaded the data, the new
    version is loaded and its common pages rendered now (the master's listening socket is shared,
    so the other workers keep accepting meanwhile). Each version published later is warmed the same
    way, in a worker's request thread, before it replaces the one being served."""
    import time

    from dashboards.store import current
    from dashboards.web.router import warm_up

    current.prepare_new_versions_with(warm_up)
    started = time.perf_counter()
    try:
        version = current.snapshot().version   # loads and warms a newer version, if there is one
    except current.DataUnavailable as exc:
        worker.log.error("no data to serve yet: %s", exc)
        return
    worker.log.info("worker %s ready in %.2f s (data version %s)", worker.pid, time.perf_counter() - started, version)
