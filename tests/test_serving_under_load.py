"""The production server (gunicorn with gunicorn.conf.py) under concurrent requests, as
bench/load.py drives it, with its pass/fail checks as tests: no request fails while workers are
recycled, and while versions are published and rolled back every answer comes from one version and
the new version is served within seconds, without restarting a worker. The speed figures stay in
bench/load.py (timings are not tested on a shared machine)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES = ["/", "/statistics/asylum?lang=en", "/api/v1/measures.json?_limit=5", "/api/v1/", "/robots.txt",
             "/data/observations.csv"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, data_dir: Path, args: str = ""):
        self.port = free_port()
        env = {**os.environ, "MIGDASH_DATA_DIR": str(data_dir), "PORT": str(self.port), "HOST": "127.0.0.1",
               "WEB_CONCURRENCY": "2", "ACCESS_LOG": "/dev/null", "LOG_LEVEL": "info", "GUNICORN_CMD_ARGS": args}
        # the server's log in a file (a pipe nobody reads could fill and stall it), shown when a check fails
        self.log_file = data_dir / "gunicorn.log"
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
                                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 90
        while time.time() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=5)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.log()}")

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")[-3000:]

    def workers(self) -> set[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return {int(p) for p in out.stdout.split()}

    def booted(self) -> list[int]:
        """Every worker the master started, from its log (ps alone can miss one forked a moment after
        the first answer)."""
        return [int(line.rsplit(" ", 1)[-1]) for line in self.log_file.read_text(encoding="utf-8").splitlines()
                if "Booting worker with pid:" in line]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fetch(url: str) -> dict:
    started = time.time()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            return {"url": url, "status": response.status, "version": response.headers.get("X-Data-Version"),
                    "body": body, "start": started}
    except urllib.error.HTTPError as exc:
        return {"url": url, "status": exc.code, "version": None, "body": b"", "start": started}
    except OSError as exc:       # refused, reset, timed out: a lost request
        return {"url": url, "status": None, "error": repr(exc), "version": None, "body": b"", "start": started}


def load(base: str, stop: threading.Event, users: int = 6, limit: int | None = None, think: float = 0.0) -> list[dict]:
    """`users` clients going over ADDRESSES, `think` seconds between requests, until `stop` (or `limit`
    requests each)."""
    records: list[dict] = []

    def user(offset: int) -> None:
        n = 0
        while not stop.is_set() and (limit is None or n < limit):
            records.append(fetch(base + ADDRESSES[(offset + n) % len(ADDRESSES)]))
            n += 1
            time.sleep(think)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for th in threads:
        th.start()
    if limit is not None:        # a fixed number of requests: wait for them; else they run until `stop`
        for th in threads:
            th.join()
    return records


def failed(records: list[dict]) -> list[dict]:
    return [{k: r.get(k) for k in ("url", "status", "error")} for r in records if r["status"] != 200]


def etl(data_dir: Path, *args: str) -> None:
    out = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         env={**os.environ, "MIGDASH_DATA_DIR": str(data_dir)})
    assert out.returncode == 0, out.stderr[-2000:]


def current_version(data_dir: Path) -> str:
    return os.readlink(data_dir / "processed" / "current").rsplit("/", 1)[-1]


def watch(data_dir: Path, stop: threading.Event) -> list[tuple[float, str]]:
    """When `current` changes (checked every 20 ms): the time line the answers are checked against."""
    switches = [(time.time(), current_version(data_dir))]

    def run() -> None:
        while not stop.is_set():
            version = current_version(data_dir)
            if version != switches[-1][1]:
                switches.append((time.time(), version))
            time.sleep(0.02)

    threading.Thread(target=run, daemon=True).start()
    return switches


def test_serving_worker_restarts_lose_no_request(data_dir):
    # every worker recycled after 25-35 requests: about ten restarts in this run
    server = Gunicorn(data_dir, "--max-requests 25 --max-requests-jitter 10")
    try:
        before = server.workers()
        records = load(server.url, threading.Event(), users=6, limit=60)
        after = server.workers()
    finally:
        server.stop()
    assert len(records) == 360
    assert failed(records) == []
    assert before and not before & after          # the workers did restart meanwhile


def test_serving_publish_and_rollback_under_load(fresh_data_dir):
    from etl.build import build
    from dashboards.store.current import CHECK_SECONDS

    build()
    first = current_version(fresh_data_dir)
    # a worker checks `current` every CHECK_SECONDS, then loads and warms the version: seconds on a
    # 2-core machine that also runs other tests and the build itself
    grace = 2 * CHECK_SECONDS + 5
    server = Gunicorn(fresh_data_dir)
    stop = threading.Event()
    try:
        records = load(server.url, stop, users=4, think=0.1)   # busy, not saturated (as bench/load.py's users)
        switches = watch(fresh_data_dir, stop)
        time.sleep(2)
        etl(fresh_data_dir, "build")
        time.sleep(grace + 3)
        etl(fresh_data_dir, "rollback")
        time.sleep(grace + 3)
        stop.set()
        time.sleep(1)
        running = server.workers()
    finally:
        stop.set()
        server.stop()
    assert len(switches) == 3, switches
    second = switches[1][1]
    assert second != first and switches[2][1] == first
    assert failed(records) == []
    assert all(r["version"] in (first, second) for r in records), "every answer names a published version"
    for r in records:
        if r["url"].endswith("/api/v1/measures.json?_limit=5"):
            assert json.loads(r["body"])["version"] == r["version"]     # body and header of one version
    for (when, version), (until, _) in zip(switches[1:], switches[2:] + [(float("inf"), None)]):
        late = [r for r in records if when + grace <= r["start"] < until]
        assert late and {r["version"] for r in late} == {version}, f"{version} served {grace} s after the switch"
    # picked up without a restart: the two workers started with the server are the ones running
    assert len(server.booted()) == 2 and set(server.booted()) == running, server.log()


def test_serving_late_requests_and_downloads_beside_pages(data_dir):
    """gunicorn's worker tells a download by its request line (dashboards/web/gunicorn_worker.py):
    a connection whose request comes late, one that sends nothing and closes, and pages and
    downloads in turn on one kept-alive connection are all answered."""
    import http.client

    server = Gunicorn(data_dir)
    try:
        idle = socket.create_connection(("127.0.0.1", server.port))
        idle.close()                                  # accepted, never asked anything
        late = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        late.connect()
        time.sleep(0.5)                               # accepted before its request arrives
        answers = []
        for path in ("/data/datapackage.json", "/robots.txt", "/data/observations.csv", "/api/v1/",
                     "/download/no-such-chart.csv"):
            late.request("GET", path)
            response = late.getresponse()
            answers.append((path, response.status, response.getheader("X-Data-Version") is not None,
                            len(response.read()) > 0))
        late.close()
    finally:
        server.stop()
    assert answers == [("/data/datapackage.json", 200, True, True), ("/robots.txt", 200, True, True),
                       ("/data/observations.csv", 200, True, True), ("/api/v1/", 200, True, True),
                       ("/download/no-such-chart.csv", 404, True, True)]
