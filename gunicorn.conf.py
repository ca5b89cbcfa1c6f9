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
worker_class = "gthread"
timeout = 30
graceful_timeout = 20        # a recycled or reloaded worker finishes what it has accepted (a request takes < 1 s)
keepalive = 5
# One listening socket, opened by the master and shared by every worker (no reuse_port): a worker
# that is recycled or reloaded stops accepting and finishes its requests, while the others keep
# accepting from the same queue. With SO_REUSEPORT each worker had its own socket and queue, and
# the connections queued on a recycled worker's socket were reset (54 of 13,058 requests lost in
# a second, see docs/DEPLOY.md).
reuse_port = False
max_requests = 5000          # recycle workers now and then: bounded memory over weeks
max_requests_jitter = 1000   # ... at different moments, never all at once
limit_request_line = 8190    # request limits: no huge URLs or headers
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
preload_app = False          # each worker imports the app itself; data loads on first request


def post_worker_init(worker):
    """Warm the worker in the background: data loaded and common pages rendered before visitors come;
    each version published later is warmed the same way before it replaces the one being served."""
    import threading

    from dashboards import _data
    from dashboards._router import warm_up

    _data.prepare_new_versions_with(warm_up)

    def load():
        try:
            _data.snapshot()          # loads the data, runs warm_up on it, then freezes what lives on
        except _data.DataUnavailable as exc:
            worker.log.error("no data to serve yet: %s", exc)

    threading.Thread(target=load, name="warm-up", daemon=True).start()
