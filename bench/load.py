"""Load test of the production set-up, with data published while it runs.

    python bench/load.py                       # 50 users, 60 s, a publish every 12 s and one rollback
    python bench/load.py --users 20 --duration 30
    python bench/load.py --think 0             # no think time: every user sends back to back (saturation)
    python bench/load.py --restarts            # workers recycled and reloaded under load: failed requests (target 0)
    python bench/load.py --xlsx-burst          # 16 connections on /data/observations.xlsx: `/` against its quiet median

What it does, all on this machine (loopback only), and cleans up after itself:
1. copies data/raw to a temporary data folder and publishes it (`python -m etl build`);
2. starts gunicorn with the repo's gunicorn.conf.py on a free loopback port (HOST, PORT,
   MIGDASH_DATA_DIR; WEB_CONCURRENCY as gunicorn.conf.py decides, or --workers) and waits until it
   answers and its workers have finished warming up;
3. runs `wrk` (C, one event loop per thread: it costs little of the 2 cores; installed with apt-get
   when missing and running as root) with bench/load/users.lua: every user (one wrk thread with one
   keep-alive connection) thinks 1-4 s (below gunicorn's 5 s keep-alive), then loads a page (its
   HTML, then /_dash-layout with the page as Referer), changes a filter (a Dash Pages router
   callback), downloads a chart (CSV/XLSX), fetches a catalogue file or an API answer, a static
   bundle, or an address that must answer 404;
4. meanwhile publishes new versions (`python -m etl build`, every --publish-every seconds) and rolls
   back once (`python -m etl rollback`), and watches the `current` link to know when each switch
   happened;
5. prints throughput and latency percentiles per kind of request, the versions seen against the
   versions published, and PASS/FAIL for: no failed request, router callback p95 <= 100 ms, every
   response consistent with one data version. Exit status 0 on PASS, 1 on FAIL.

Version consistency means: every response has X-Data-Version; an API JSON answer's `version`
equals its header; an uncompressed layout or callback shows in its footer the version of its
header (a quarter of them are sent without Accept-Encoding for that); the versions seen are exactly
the versions published; and --grace seconds after a switch every response carries the new current
version (workers pick it up without restart: their process ids are checked to be unchanged).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from callbacks import CASES, ROUTER, percentile  # noqa: E402  (bench/callbacks.py: the router's cases)

LUA = ROOT / "bench" / "load" / "users.lua"
TARGET_MS = 100.0           # issue: router callback p95 <= 100 ms under this load on 2 cores
CHART_IDS = ["statistics-asylum", "statistics-protection", "statistics-returns", "statistics-readmissions",
             "statistics-trafficking", "plan-status", "plan-targets"]
# An action per think: (kind, weight). A page load is two requests (HTML, then the layout).
WEIGHTS = [("page", 18), ("callback", 40), ("download", 8), ("catalogue", 4), ("api", 20), ("static", 6),
           ("notfound", 4)]
KINDS = ["page", "layout", "callback", "download", "catalogue", "api", "static", "notfound"]
VERSION = re.compile(r"(\d{8}T\d{6}Z(?:-\d+)?), ")
TICK = os.sysconf("SC_CLK_TCK")
ACCESS_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)s %(p)s'
ACCESS_LINE = re.compile(r'"(\w+) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+) <(\d+)>')
NOT_FOUND = ("/api/v1/no_such_table.json", "/download/no-such-chart.csv", "/data/no_such_table.csv",
             "/download/statistics-asylum.pdf", "/api/v1/observations/extra.json")


def kind_of(method: str, url: str) -> str:
    """The kind of a request in the access log (as users.lua names them)."""
    path = url.split("?")[0]
    if path in NOT_FOUND:
        return "notfound"
    if path == "/_dash-update-component":
        return "callback"
    if path == "/_dash-layout":
        return "layout"
    for prefix, kind in (("/download/", "download"), ("/data/", "catalogue"), ("/api/", "api"),
                         ("/_dash-component-suites/", "static"), ("/assets/", "static")):
        if path.startswith(prefix):
            return kind
    return "page"


# --- small helpers --------------------------------------------------------------------------------

def say(text: str = "") -> None:
    print(text, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": statistics.median(values), "p90": percentile(values, 0.90),
            "p95": percentile(values, 0.95), "p99": percentile(values, 0.99), "max": max(values)}


def lua(value) -> str:
    """A Python value as a Lua literal (strings as bytes, escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "nil"
    if isinstance(value, str):
        out = []
        for byte in value.encode("utf-8"):
            ch = chr(byte)
            out.append(ch if 32 <= byte < 127 and ch not in '"\\' else f"\\{byte:03d}")
        return '"' + "".join(out) + '"'
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def run_etl(args: list[str], data_dir: Path, log: Path, started=None) -> tuple[int, float, float, float]:
    """Run `python -m etl ...`: (exit status, start, end, CPU seconds). `started(pid)` is told its pid."""
    start = time.time()
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=ROOT, stdout=out, stderr=out,
                                   env={**os.environ, "MIGDASH_DATA_DIR": str(data_dir)})
        if started:
            started(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, start, time.time(), usage.ru_utime + usage.ru_stime


def current_version(data_dir: Path) -> str | None:
    try:
        return Path(os.readlink(data_dir / "processed" / "current")).name
    except OSError:
        return None


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: installing Debian's package (apt-get install -y wrk)")
        if subprocess.run(["apt-get", "install", "-y", "wrk"], stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update"], stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "wrk"], stdout=subprocess.DEVNULL, check=True)
        path = shutil.which("wrk")
    if not path:
        sys.exit("bench/load.py needs wrk: `sudo apt-get install wrk` (Debian/Ubuntu)")
    return path


# --- the server -----------------------------------------------------------------------------------

class Gunicorn:
    def __init__(self, data_dir: Path, folder: Path, workers: int | None, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.err_path = folder / "gunicorn.err"
        self.access_offset = 0
        self.access_path = folder / "access.log"
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "MIGDASH_DATA_DIR": str(data_dir),
               "ACCESS_LOG": str(self.access_path)}
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        env.update(extra_env or {})
        # gunicorn.conf.py as it is; the access log only gains the time taken and the worker's pid
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--access-logformat", ACCESS_FORMAT,
             "app:server"], cwd=ROOT, env=env,
            stdout=open(folder / "gunicorn.out", "wb"), stderr=open(self.err_path, "wb"))

    def wait_until_ready(self, timeout: float = 120) -> float:
        start = time.time()
        while time.time() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.err_path}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return time.time() - start
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def wait_until_quiet(self, timeout: float = 90, below: float = 0.15) -> float:
        """Wait until the workers have warmed up (post_worker_init renders every page once)."""
        start = time.time()
        while time.time() - start < timeout:
            before = self.cpu()
            time.sleep(1.0)
            if self.cpu() - before < below:
                break
        return time.time() - start

    def workers(self) -> list[int]:
        return sorted(children(self.process.pid))

    def cpu(self) -> float:
        return proc_cpu(self.process.pid) + sum(proc_cpu(p) for p in self.workers())

    def cpu_by_pid(self) -> dict[int, float]:
        return {pid: proc_cpu(pid) for pid in [self.process.pid, *self.workers()]}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# --- what the users ask for -----------------------------------------------------------------------

def router_payload(path: str, search: str) -> str:
    return json.dumps({**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                                            {"id": "_pages_location", "property": "search", "value": search}]},
                      ensure_ascii=False)


def encode(search: str) -> str:
    return quote(search, safe="?=&,") if search else ""


def page_addresses(version_dir: Path, rng: random.Random) -> list[tuple[str, str]]:
    """(path, search) as users produce them: the benchmark's cases (popular views, three times each)
    and a long tail of filter combinations drawn from the published data."""
    import pandas as pd

    obs = pd.read_parquet(version_dir / "observations.parquet", columns=["series", "year"])
    series = pd.read_parquet(version_dir / "series.parquet", columns=["series", "theme"])
    measures = pd.read_parquet(version_dir / "measures.parquet", columns=["measure_id", "goal"])
    links = pd.read_parquet(version_dir / "measure_institutions.parquet", columns=["institution_code"])
    spans = obs.groupby("series")["year"].agg(["min", "max"])
    theme_page = {"asylum": "asylum", "temporary_protection": "asylum", "protection": "protection",
                  "returns": "returns", "irregular_migration": "returns", "readmissions": "readmissions",
                  "trafficking": "trafficking"}
    by_page = defaultdict(list)
    for code, theme in zip(series["series"], series["theme"]):
        if theme in theme_page and code in spans.index:
            by_page[theme_page[theme]].append(code)
    goals = sorted(measures["goal"].unique())
    institutions = sorted(links["institution_code"].unique())
    measure_ids = sorted(measures["measure_id"])

    out = [(path, search) for path, searches in CASES.items() for search in searches for _ in range(3)]
    for _ in range(60):
        page = rng.choice(sorted(by_page))
        code = rng.choice(by_page[page])
        low, high = int(spans.loc[code, "min"]), int(spans.loc[code, "max"])
        params = {"series": code}
        if high > low and rng.random() < 0.7:
            start = rng.randint(low, high)
            params.update({"from": start, "to": rng.randint(start, high)})
        if rng.random() < 0.5:
            params["by"] = rng.choice(["citizenship", "sex", "age_group", "decision", "category", "total"])
        if rng.random() < 0.2:
            params["top"] = rng.randint(3, 20)
        if rng.random() < 0.3:
            params["lang"] = "en"
        out.append((f"/statistics/{page}", "?" + urlencode(params)))
    for _ in range(40):
        params = {}
        if rng.random() < 0.6:
            params["goal"] = rng.choice(goals)
        if rng.random() < 0.4:
            params["inst"] = rng.choice(institutions)
            if rng.random() < 0.5:
                params["role"] = rng.choice(["responsible", "partner"])
        if rng.random() < 0.2:
            params["due"] = "open"
        if rng.random() < 0.3:
            params["lang"] = "en"
        out.append(("/plan", "?" + urlencode(params) if params else ""))
    for _ in range(15):
        out.append((f"/plan/measure/{rng.choice(measure_ids)}", rng.choice(["", "?lang=en"])))
        out.append((f"/institutions/{rng.choice(institutions)}", rng.choice(["", "?lang=en"])))
    return out


def api_addresses(version_dir: Path, rng: random.Random) -> list[str]:
    import pandas as pd

    obs = pd.read_parquet(version_dir / "observations.parquet", columns=["series", "year"])
    spans = obs.groupby("series")["year"].agg(["min", "max"])
    measures = pd.read_parquet(version_dir / "measures.parquet", columns=["measure_id", "goal"])
    codes = list(spans.index)
    out = ["/api/v1/observations.json?series=asylum_applicants&year__gte=2015", "/api/v1/",
           "/api/v1/measures.json?goal=III&_lang=en", "/api/v1/series.json?theme=trafficking&_lang=en",
           "/api/v1/institutions.json?name_bg__contains=%D0%B0%D0%B3%D0%B5%D0%BD%D1%86%D0%B8%D1%8F",
           "/api/v1/observations.json?series=trafficking_victims_detected&sex__isnull=false&_sort=-year,sex",
           "/api/v1/changes.json?_limit=20", "/api/v1/goals.json", "/api/v1/sources.json?_lang=en"]
    for _ in range(30):
        code = rng.choice(codes)
        low, high = int(spans.loc[code, "min"]), int(spans.loc[code, "max"])
        params = {"series": code, "year__gte": rng.randint(low, high)}
        if rng.random() < 0.3:
            params["_sort"] = "-year"
        if rng.random() < 0.3:
            params["_limit"] = rng.choice([10, 50, "max"])
        out.append("/api/v1/observations.json?" + urlencode(params))
    for _ in range(8):
        out.append("/api/v1/observations.json?" + urlencode({"series__in": ",".join(rng.sample(codes, 3)),
                                                             "_limit": 200}, safe=","))
        out.append("/api/v1/indicators.json?" + urlencode({"measure_id": rng.choice(list(measures["measure_id"]))}))
        out.append("/api/v1/observations.csv?" + urlencode({"series": rng.choice(codes)}))
    return out


def build_plan(server: Gunicorn, version_dir: Path, think: tuple[float, float], identity_share: float,
               seed: int, no_footer: set[str]) -> tuple[dict, dict]:
    """The requests the users draw from, as a Lua table for users.lua, and a summary of it.
    Pages in `no_footer` show no data version (the embed page): their bodies are not checked."""
    from etl.schemas import TABLES

    rng = random.Random(seed)
    host = f"127.0.0.1:{server.port}"
    browser = {"Accept-Language": "bg,en;q=0.8", "User-Agent": "migdash-load/1 (wrk)"}
    addresses = page_addresses(version_dir, rng)
    requests: dict[str, list[dict]] = {kind: [] for kind, _ in WEIGHTS}
    for path, search in addresses:
        url = path + encode(search)
        label = path if not path.startswith(("/plan/measure/", "/institutions/")) else path.rsplit("/", 1)[0] + "/<id>"
        check = None if path in no_footer else "footer"
        layout = {"kind": "layout", "path": "/_dash-layout", "label": label, "check": check, "compress": True,
                  "headers": {**browser, "Accept": "application/json", "Referer": f"http://{host}{url}"}}
        requests["page"].append({"kind": "page", "path": url, "label": label, "compress": True,
                                 "headers": {**browser, "Accept": "text/html"}, "layout": layout})
        requests["callback"].append({"kind": "callback", "method": "POST", "path": "/_dash-update-component",
                                     "label": label, "check": check, "compress": True,
                                     "body": router_payload(path, encode(search)),
                                     "headers": {**browser, "Accept": "application/json",
                                                 "Content-Type": "application/json", "Referer": f"http://{host}{url}"}})
    stat_queries = [search for path, search in addresses if path.startswith("/statistics/")]
    plan_queries = [search for path, search in addresses if path == "/plan"]
    for _ in range(120):
        chart = rng.choice(CHART_IDS)
        if chart.startswith("statistics-"):
            theme = chart.split("-", 1)[1]
            searches = [s for p, s in addresses if p == f"/statistics/{theme}"] or stat_queries
        else:
            searches = plan_queries
        fmt = "xlsx" if rng.random() < 0.3 else "csv"
        query = encode(rng.choice(searches))
        requests["download"].append({"kind": "download", "path": f"/download/{chart}.{fmt}{query}",
                                     "label": f"{chart}.{fmt}", "compress": fmt == "csv", "headers": browser})
    for table in TABLES:
        for query in ("", "?lang=en"):
            requests["catalogue"].append({"kind": "catalogue", "path": f"/data/{table}.csv{query}", "label": "/data/<table>.csv",
                                          "compress": True, "headers": browser})
    for url in api_addresses(version_dir, rng):
        csv = ".csv" in url
        requests["api"].append({"kind": "api", "path": url, "label": url.split("?")[0], "check": None if csv else "api",
                                "headers": {"Accept": "text/csv" if csv else "application/json",
                                            "User-Agent": "migdash-load/1 (script)"}})
    status, _, body = get(server.url + "/")
    statics = sorted(set(re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"', body.decode())))
    for url in statics:
        requests["static"].append({"kind": "static", "path": url, "label": url.split("/")[1], "compress": True,
                                   "headers": {**browser, "Accept": "*/*"}})
    for url in NOT_FOUND:
        requests["notfound"].append({"kind": "notfound", "path": url, "label": url, "expect": 404,
                                     "headers": browser, "compress": True})
    plan = {"host": host, "think_min_ms": think[0] * 1000, "think_max_ms": think[1] * 1000,
            "identity_share": identity_share, "weights": [list(w) for w in WEIGHTS], "requests": requests}
    summary = {kind: len(items) for kind, items in requests.items()}
    summary["distinct page addresses"] = len(set(addresses))
    return plan, summary


def calibrate_footer(server: Gunicorn, version: str) -> dict[str, str]:
    """Check that the footer reading finds exactly the served version on one view of every page
    (so that a mismatch under load is the server's, not the probe's): {path: what was found} where not."""
    bad = {}
    for path, searches in CASES.items():
        for search in searches[:1]:
            status, headers, body = get(server.url + "/_dash-update-component", data=router_payload(path, search).encode(),
                                        headers={"Content-Type": "application/json"})
            found = set(VERSION.findall(body.decode("utf-8", "replace")))
            if status != 200 or found != {version} or headers.get("X-Data-Version") != version:
                bad[path] = f"status {status}, footer {sorted(found) or 'none'}, header {headers.get('X-Data-Version')}"
    return bad


# --- publishing while the load runs ---------------------------------------------------------------

@dataclass
class Publisher:
    data_dir: Path
    log: Path
    events: list[tuple[float, str]]
    origin: float = 0.0
    done: list[dict] = field(default_factory=list)
    switches: list[tuple[float, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    running: int | None = None
    finished_cpu: float = 0.0

    def cpu(self) -> float:
        """CPU seconds used by the publishes so far (the one running included)."""
        running = self.running
        return self.finished_cpu + (proc_cpu(running) if running else 0.0)

    def watch(self) -> None:
        """Record when `current` changes (every 20 ms): the time line the responses are checked on."""
        last = current_version(self.data_dir)
        self.switches.append((0.0, last))
        while not self.stop.is_set():
            version = current_version(self.data_dir)
            if version != last:
                self.switches.append((time.time(), version))
                last = version
            time.sleep(0.02)

    def run(self) -> None:
        for offset, action in self.events:
            while not self.stop.is_set() and time.time() < self.origin + offset:
                time.sleep(0.05)
            if self.stop.is_set():
                return
            before = current_version(self.data_dir)
            status, start, end, cpu = run_etl([action], self.data_dir, self.log,
                                              started=lambda pid: setattr(self, "running", pid))
            self.running, self.finished_cpu = None, self.finished_cpu + cpu
            self.done.append({"action": action, "at": start - self.origin, "seconds": end - start, "cpu": cpu,
                              "status": status, "from": before, "to": current_version(self.data_dir)})


def connections_per_worker(port: int, pids: list[int]) -> list[int]:
    """Established client connections each worker holds (keep-alive connections stay with the
    worker that accepted them)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[3] == "01" and int(parts[1].split(":")[1], 16) == port:
            inodes.add(parts[9])
    counts = []
    for pid in pids:
        n = 0
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            n += link.startswith("socket:[") and link[8:-1] in inodes
        counts.append(n)
    return counts


@dataclass
class Sampler:
    """CPU of the machine, the server, wrk and the publishes every 0.25 s, and the connections per
    worker every 10 s: what else ran when latency rose (the machine is shared)."""
    server: Gunicorn
    wrk_pid: int
    publisher: Publisher
    samples: list[tuple[float, float, float, float, float]] = field(default_factory=list)
    connections: list[tuple[float, list[int]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        next_count = time.time() + 5
        while not self.stop.is_set():
            now = time.time()
            self.samples.append((now, machine_cpu()[0], self.server.cpu(), proc_cpu(self.wrk_pid), self.publisher.cpu()))
            if now >= next_count:
                try:
                    self.connections.append((now, connections_per_worker(self.server.port, self.server.workers())))
                except OSError:
                    pass
                next_count += 10
            self.stop.wait(0.25)

    def usage(self, start: float, end: float) -> dict[str, float] | None:
        """Cores used on average between start and end: server, publish, wrk, others."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None
        (t0, m0, s0, w0, e0), (t1, m1, s1, w1, e1) = inside[0], inside[-1]
        span = t1 - t0
        server, wrk, etl = max(0.0, s1 - s0) / span, max(0.0, w1 - w0) / span, max(0.0, e1 - e0) / span
        return {"server": server, "publish": etl, "wrk": wrk, "others": max(0.0, (m1 - m0) / span - server - wrk - etl)}


def schedule(duration: float, every: float, settle: float) -> list[tuple[float, str]]:
    """A build every `every` seconds until `settle` seconds before the end; the second-to-last slot
    is the rollback (so the versions around it are each current for a whole interval)."""
    slots = [every * k for k in range(1, 1000) if every * k <= duration - settle]
    actions = ["build"] * len(slots)
    if len(slots) >= 3:
        actions[-2] = "rollback"
    elif len(slots) == 2:
        actions[-1] = "rollback"
    return list(zip(slots, actions))


# --- reading the results --------------------------------------------------------------------------

@dataclass
class Record:
    kind: str
    start: float
    end: float
    status: int
    header: str
    body: str
    expect: int
    label: str

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000

    @property
    def ok(self) -> bool:
        if self.status == 0:
            return False
        return self.status == self.expect if self.expect != 200 else 200 <= self.status < 400


def read_records(folder: Path) -> list[Record]:
    out = []
    for path in sorted(folder.glob("thread-*.tsv")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) == 8:
                out.append(Record(parts[0], float(parts[1]), float(parts[2]), int(parts[3]), parts[4], parts[5],
                                  int(parts[6]), parts[7]))
    out.sort(key=lambda r: r.start)
    return out


def current_at(switches: list[tuple[float, str]], t: float) -> tuple[str, float]:
    """The version `current` pointed to at time t, and since when."""
    version, since = switches[0][1], switches[0][0]
    for when, v in switches[1:]:
        if when > t:
            break
        version, since = v, when
    return version, since


def row(name: str, s: dict, seconds: float) -> str:
    if not s["n"]:
        return f"  {name:30} {0:7d}"
    return (f"  {name:30} {s['n']:7d} {s['n'] / seconds:7.1f} {s['p50']:7.1f} {s['p90']:7.1f} {s['p95']:7.1f} "
            f"{s['p99']:7.1f} {s['max']:8.1f}")


def report(args, records: list[Record], wrk: dict, publisher: Publisher, published: list[str], costs: dict,
           pids: tuple[list[int], list[int]], server: Gunicorn, grace: float, plan_summary: dict,
           calibration: dict[str, str], sampler: Sampler) -> bool:
    seconds = wrk["duration_us"] / 1e6
    answered = [r for r in records if r.status]
    say(f"\n== Load: {args.users} users, {seconds:.1f} s, think {args.think_min:g}-{args.think_max:g} s, "
        f"{len(pids[0])} gunicorn workers x {os.environ.get('GUNICORN_THREADS', 4)} threads")
    say("  requests drawn from: " + ", ".join(f"{v} {k}" for k, v in plan_summary.items()))

    # latency per kind
    say(f"\n== Latency (ms) and throughput (req/s), all {len(answered)} responses")
    say(f"  {'kind':30} {'n':>7} {'req/s':>7} {'p50':>7} {'p90':>7} {'p95':>7} {'p99':>7} {'max':>8}")
    say(row("all", stats([r.ms for r in answered]), seconds))
    for kind in KINDS:
        say(row(kind, stats([r.ms for r in answered if r.kind == kind]), seconds))
    callbacks = [r for r in answered if r.kind == "callback"]
    cb = stats([r.ms for r in callbacks])

    server_5xx, lines = 0, 0
    served = []          # (kind, ms, worker pid) of the requests made during the load
    if server.access_path.exists():
        with open(server.access_path, "rb") as handle:
            handle.seek(server.access_offset)
            for line in handle.read().decode("utf-8", "replace").splitlines():
                lines += 1
                m = ACCESS_LINE.search(line)
                if m:
                    server_5xx += m.group(3).startswith("5")
                    served.append((kind_of(m.group(1), m.group(2)), int(m.group(4)) / 1000, int(m.group(5))))

    # the server's side of it
    say("\n== Server side (gunicorn access log: time in the worker, from the request read to the response written,"
        "\n   GIL waits included; what the client sees beyond it is waiting for a free thread, a CPU, the network)")
    say(f"  {'kind':30} {'n':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8} | {'client p50':>10} {'p95':>7}")
    for kind in ["all"] + KINDS:
        own = stats([ms for k, ms, _ in served if kind in ("all", k)])
        client = stats([r.ms for r in answered if kind in ("all", r.kind)])
        if own["n"]:
            say(f"  {kind:30} {own['n']:7d} {own['p50']:7.1f} {own['p95']:7.1f} {own['p99']:7.1f} {own['max']:8.1f} | "
                f"{client.get('p50', 0):10.1f} {client.get('p95', 0):7.1f}")
    per_worker = Counter(pid for _, _, pid in served)
    if per_worker:
        say("  requests per worker: " + ", ".join(f"{pid}: {n} ({100 * n / len(served):.0f} %)"
                                                   for pid, n in per_worker.most_common()))

    # callbacks: per page, in windows, near publishes
    say("\n== Router callbacks by page (ms)")
    say(f"  {'page':30} {'n':>7} {'req/s':>7} {'p50':>7} {'p90':>7} {'p95':>7} {'p99':>7} {'max':>8}")
    for label in sorted({r.label for r in callbacks}):
        say(row(label[:30], stats([r.ms for r in callbacks if r.label == label]), seconds))
    switch_times = [t for t, _ in publisher.switches[1:]]
    steady = [r for r in callbacks if r.start >= publisher.origin + 10]
    near = [r for r in steady if any(0 <= r.start - t <= grace for t in switch_times)]
    far = [r for r in steady if not any(0 <= r.start - t <= grace for t in switch_times)]
    if steady:
        parts = [("after the first 10 s (cold start left out)", steady), (f"of which within {grace:g} s after a switch", near),
                 ("the others", far)]
        say("  " + "; ".join(f"{name}: n={len(rs)} p50={stats([r.ms for r in rs])['p50']:.1f} "
                             f"p95={stats([r.ms for r in rs])['p95']:.1f} ms" for name, rs in parts if rs))

    # over time, with what else used the CPU (the machine is shared)
    say("\n== Over time: 10 s windows (CPU in % of one core; the machine has 200 %)")
    say(f"  {'window':>9} {'req/s':>6} {'callbacks':>9} {'p50':>6} {'p95':>6} {'max':>6} | {'server':>6} {'publish':>7} "
        f"{'wrk':>4} {'others':>6} | events")
    origin = publisher.origin
    p95s = []
    for w in range(int(seconds // 10) + (seconds % 10 > 1)):
        lo, hi = origin + 10 * w, origin + min(10 * (w + 1), seconds)
        inside = [r for r in answered if lo <= r.start < hi]
        cbs = [r.ms for r in inside if r.kind == "callback"]
        cs = stats(cbs)
        if cs["n"] >= 20:
            p95s.append(cs["p95"])
        use = sampler.usage(lo, hi) or {}
        events = ", ".join(f"{e['action']} at {e['at']:.0f} s" for e in publisher.done if lo <= origin + e["at"] < hi)
        cells = f"{cs['p50']:6.0f} {cs['p95']:6.0f} {cs['max']:6.0f}" if cs["n"] else f"{'':6} {'':6} {'':6}"
        cpu = " ".join(f"{100 * use.get(k, 0):{width}.0f}" for k, width in (("server", 6), ("publish", 7), ("wrk", 4),
                                                                           ("others", 6)))
        say(f"  {10 * w:3d}-{hi - origin:3.0f} s {len(inside) / (hi - lo):6.1f} {len(cbs):9d} {cells} | {cpu} | {events}")
    if p95s:
        say(f"  callback p95 over the windows: median {statistics.median(p95s):.0f} ms, best {min(p95s):.0f} ms, "
            f"worst {max(p95s):.0f} ms")
    for when, counts in sampler.connections[:1] + sampler.connections[len(sampler.connections) // 2:][:1]:
        say(f"  keep-alive connections per worker at t={when - origin:.0f} s: {sorted(counts, reverse=True)} "
            f"(a connection stays with the worker that accepted it)")

    # failures
    bad = [r for r in records if not r.ok]
    timeouts = [r for r in answered if r.ms > args.timeout * 1000]
    say("\n== Errors")
    say(f"  failed requests: {len(bad)} (unexpected status or no response)" + (
        ": " + ", ".join(f"{k} x{v}" for k, v in Counter(f"{r.kind} {r.status}" for r in bad).most_common(8)) if bad else ""))
    for r in bad[:5]:
        say(f"    e.g. {r.kind} {r.label} -> {r.status} after {r.ms:.0f} ms")
    say(f"  deliberate 404s answered 404: {sum(1 for r in records if r.expect == 404 and r.status == 404)}"
        f" of {sum(1 for r in records if r.expect == 404)}")
    say(f"  wrk socket errors: connect {wrk['connect']}, read {wrk['read']}, write {wrk['write']}, "
        f"timeout {wrk['timeout']}; requests without a response: {wrk['lost']}; slower than {args.timeout:g} s: {len(timeouts)}")
    if wrk["recorded"] != len(records):
        say(f"  note: wrk counted {wrk['recorded']} responses, {len(records)} were read back")
    log_text = server.err_path.read_text(errors="replace") if server.err_path.exists() else ""
    tracebacks = log_text.count("Traceback")
    errors = [l for l in log_text.splitlines() if re.search(r"\b(ERROR|CRITICAL|damaged|failed)\b", l)]
    say(f"  server: {lines} requests in the access log, {server_5xx} answered 5xx; error log: {len(errors)} error lines, "
        f"{tracebacks} tracebacks")
    for line in errors[:5]:
        say(f"    {line[:200]}")
    error_pages = [r for r in answered if r.kind in ("layout", "callback") and r.body == "none"]
    failed = len(bad) + wrk["connect"] + wrk["write"] + wrk["timeout"] + len(timeouts) + len(error_pages) + len(errors)

    # versions
    say("\n== Data versions")
    for event in publisher.done:
        say(f"  t={event['at']:5.1f} s  {event['action']:8} {event['from']} -> {event['to']}  "
            f"({event['seconds']:.1f} s, {event['cpu']:.1f} CPU s, exit {event['status']})")
    missing = [r for r in answered if r.header == "-"]
    api_checked = [r for r in answered if r.kind == "api" and r.body != "-"]
    api_bad = [r for r in api_checked if r.body != r.header]
    footer_checked = [r for r in answered if r.kind in ("layout", "callback") and r.body != "-"]
    footer_bad = [r for r in footer_checked if r.body != r.header and r.body != "none"]
    seen = Counter(r.header for r in answered if r.header != "-")
    first_seen = {}
    for r in answered:
        first_seen.setdefault(r.header, r.start)
    stale, early = [], []
    for r in answered:
        if r.header == "-":
            continue
        version, since = current_at(publisher.switches, r.start)
        if r.header != version and r.start - since > grace:
            stale.append(r)
        if r.header not in {v for t, v in publisher.switches if t <= r.end}:
            early.append(r)
    origin = records[0].start if records else 0
    for version in published:
        say(f"  {version}: {seen.get(version, 0):6d} responses"
            + (f", first at t={first_seen[version] - origin:5.1f} s" if version in first_seen else ""))
    became = {}
    for when, version in publisher.switches:
        became.setdefault(version, when)
    late = [v for v in published if became.get(v, 0.0) > publisher.origin + seconds - grace]
    unknown = sorted(set(seen) - set(published))
    unseen = sorted(set(published) - set(seen) - set(late))
    say(f"  published {len(published)} versions, seen {len(seen)}; never published but seen: {unknown or 'none'}; "
        f"published but never seen: {unseen or 'none'}")
    if late:
        say(f"  published less than {grace:g} s before the end (not required to be seen): {', '.join(late)}")
    say(f"  X-Data-Version missing on {len(missing)} of {len(answered)} responses")
    say(f"  API JSON body version == header: {len(api_checked) - len(api_bad)} of {len(api_checked)}")
    for r in api_bad[:5]:
        say(f"    mismatch: {r.label} header {r.header} body {r.body} at t={r.start - origin:.2f} s")
    say(f"  page footer version == header (uncompressed layouts and callbacks): "
        f"{len(footer_checked) - len(footer_bad)} of {len(footer_checked)}")
    for r in footer_bad[:5]:
        say(f"    mismatch: {r.kind} {r.label} header {r.header} footer {r.body} at t={r.start - origin:.2f} s")
    if calibration:
        say("  not read (no version in the footer): " + "; ".join(f"{p} ({why})" for p, why in calibration.items()))
    if error_pages:
        say(f"  responses without a footer (the friendly error page?): {len(error_pages)}")
    lags = []
    for i, (when, version) in enumerate(publisher.switches[1:], 1):
        until = publisher.switches[i + 1][0] if i + 1 < len(publisher.switches) else float("inf")
        after = [r for r in answered if when <= r.start < until and r.header != "-"]
        old = [r.start - when for r in after if r.header != version]
        new = [r.end - when for r in after if r.header == version]
        lags.append((version, min(new) if new else None, max(old) if old else 0.0))
    for version, first, last_old in lags:
        say(f"  switch to {version}: first response with it {first if first is None else f'{first:.2f} s'} after the "
            f"switch; last response with an older version started {last_old:.2f} s after it")
    say(f"  responses with an old version more than {grace:g} s after a switch: {len(stale)}; "
        f"with a version not yet current: {len(early)}")
    for r in stale[:3]:
        say(f"    stale: {r.kind} {r.label} {r.header} at t={r.start - origin:.2f} s")
    same_workers = pids[0] == pids[1]
    say(f"  gunicorn workers before/after: {pids[0]} / {pids[1]} ({'unchanged: no restart' if same_workers else 'CHANGED'})")
    consistent = not (missing or api_bad or footer_bad or unknown or unseen or stale or early) and bool(seen)

    # costs
    busy = costs["machine"]
    say("\n== CPU during the load (2 cores = 200 %)")
    say(f"  server (gunicorn master + workers): {costs['server']:.1f} s = {100 * costs['server'] / seconds:.0f} %")
    say(f"  load client (wrk, C, {args.users} threads): {costs['wrk']:.1f} s = {100 * costs['wrk'] / seconds:.0f} % "
        f"of one core")
    say(f"  publishing (etl build/rollback): {costs['etl']:.1f} s = {100 * costs['etl'] / seconds:.0f} %")
    say(f"  whole machine busy: {busy:.1f} s = {100 * busy / seconds:.0f} % "
        f"(other processes on this shared box: ~{max(0.0, busy - costs['server'] - costs['wrk'] - costs['etl']):.1f} s)")

    p95 = cb.get("p95", float("inf"))
    checks = [("0 failed requests", failed == 0, f"{failed} failed"),
              (f"router callback p95 <= {TARGET_MS:.0f} ms", p95 <= TARGET_MS, f"p95 {p95:.1f} ms over {cb.get('n', 0)} calls"
               + (f" (after the first 10 s: {stats([r.ms for r in steady])['p95']:.1f} ms)" if steady else "")),
              ("version consistency", consistent, f"{len(seen)} of {len(published) - len(late)} versions seen, "
               f"{len(missing) + len(api_bad) + len(footer_bad) + len(stale) + len(early)} inconsistent responses")]
    say("\n== Result")
    for name, passed, detail in checks:
        say(f"  {'ok  ' if passed else 'FAIL'} {name}: {detail}")
    total = sum(1 for r in answered)
    ok = all(passed for _, passed, _ in checks)
    say(f"{'PASS' if ok else 'FAIL'}: {total / seconds:.1f} req/s, callback p95 {p95:.1f} ms, {failed} failed, "
        f"versions {'consistent' if consistent else 'INCONSISTENT'}")
    return ok


# --- main -----------------------------------------------------------------------------------------

# --- worker restarts and download bursts (plain wrk runs on one address) ----------------------------

WRK_LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
WRK_MAX = re.compile(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s", re.M)
WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(ms|s|m)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_figures(text: str) -> dict:
    """What a plain `wrk --latency` run printed: requests, failures, latency percentiles in ms."""
    total = WRK_TOTAL.search(text)
    errors = [int(x) for x in WRK_ERRORS.search(text).groups()] if WRK_ERRORS.search(text) else [0, 0, 0, 0]
    non_2xx = int(WRK_NON_2XX.search(text).group(1)) if WRK_NON_2XX.search(text) else 0
    latency = {f"p{p}": float(v) * UNIT_MS[u] for p, v, u in WRK_LATENCY.findall(text)}
    if WRK_MAX.search(text):
        value, unit = WRK_MAX.search(text).groups()
        latency["max"] = float(value) * UNIT_MS[unit]
    seconds = float(total.group(2)) * {"ms": 0.001, "s": 1, "m": 60}[total.group(3)] if total else 0.0
    requests = int(total.group(1)) if total else 0
    return {"requests": requests, "rps": requests / seconds if seconds else 0.0, "non_2xx": non_2xx,
            "connect": errors[0], "read": errors[1], "write": errors[2], "timeout": errors[3],
            "failed": non_2xx + sum(errors), **latency}


def wrk_start(wrk_bin: str, url: str, connections: int, seconds: float, out: Path) -> subprocess.Popen:
    threads = max(1, min(2, connections))
    return subprocess.Popen([wrk_bin, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
                             "--timeout", "10s", url], stdout=open(out, "wb"), stderr=subprocess.STDOUT)


def wrk_wait(process: subprocess.Popen, out: Path) -> dict:
    process.wait()
    return wrk_figures(out.read_text(errors="replace"))


def serve_published(folder: Path, workers: int | None, extra_env: dict | None = None) -> Gunicorn:
    data_dir = folder / "data"
    shutil.copytree(ROOT / "data", data_dir, ignore=shutil.ignore_patterns("processed", ".*"))
    if run_etl(["build"], data_dir, folder / "etl.log")[0]:
        raise RuntimeError(f"python -m etl build failed; see {folder / 'etl.log'}")
    server = Gunicorn(data_dir, folder, workers, {"ACCESS_LOG": "/dev/null", **(extra_env or {})})
    say(f"gunicorn on {server.url}: answered after {server.wait_until_ready():.1f} s, "
        f"{len(server.workers())} workers warm after {server.wait_until_quiet():.1f} s more")
    return server


def restart_run(args, wrk_bin: str, folder: Path) -> bool:
    """wrk on `/` while gunicorn recycles workers (a small max_requests) and, mid-load, reloads them
    all (HUP), adds one (TTIN) and removes one (TTOU): every request must still be answered."""
    env = {"GUNICORN_CMD_ARGS": f"--max-requests {args.max_requests} --max-requests-jitter {args.max_requests // 3}"}
    server = serve_published(folder, args.workers, env)
    try:
        err_before = server.err_path.read_text(errors="replace")
        out = folder / "wrk-restarts.out"
        say(f"wrk: {args.connections} connections on / for {args.duration:g} s, max_requests {args.max_requests}, "
            "HUP, TTIN and TTOU at 1/4, 1/2 and 3/4 of the run ...")
        process = wrk_start(wrk_bin, server.url + "/", args.connections, args.duration, out)
        for share, sig in ((0.25, signal.SIGHUP), (0.5, signal.SIGTTIN), (0.75, signal.SIGTTOU)):
            time.sleep(args.duration * 0.25)
            server.process.send_signal(sig)
        figures = wrk_wait(process, out)
        log = server.err_path.read_text(errors="replace")[len(err_before):]
    finally:
        server.stop()
    booted = log.count("Booting worker")
    recycled = log.count("Autorestarting worker")
    say(f"{figures['requests']} requests ({figures['rps']:.0f}/s), median {figures.get('p50', 0):.1f} ms, "
        f"p99 {figures.get('p99', 0):.1f} ms, slowest {figures.get('max', 0):.0f} ms; workers booted during the run: {booted} "
        f"({recycled} recycled by max_requests, the rest by HUP and TTIN)")
    say(f"failed requests: {figures['failed']} (non-2xx {figures['non_2xx']}, connect {figures['connect']}, "
        f"read {figures['read']}, write {figures['write']}, timeout {figures['timeout']})")
    ok = figures["failed"] == 0 and booted > 0 and figures["requests"] > 0
    say(f"{'PASS' if ok else 'FAIL'}: no request lost while workers restarted")
    return ok


def burst_run(args, wrk_bin: str, folder: Path) -> bool:
    """`/` with 2 connections, quiet and then beside 16 connections on the XLSX of the largest table,
    in --rounds alternating rounds: each wrk opens new connections, and which workers they land on
    (two on one worker share its GIL) moves a single round's median more than the burst may."""
    server = serve_published(folder, args.workers)
    phase = max(1, round(args.duration / args.rounds))      # wrk takes whole seconds
    quiet_runs, busy_runs, bursts = [], [], []
    try:
        target = server.url + args.burst_path
        with urllib.request.urlopen(target, timeout=60) as response:   # the file exists before the burst
            size = len(response.read())
        for n in range(args.rounds):
            out = folder / f"quiet-{n}.out"
            quiet_runs.append(wrk_wait(wrk_start(wrk_bin, server.url + "/", 2, phase, out), out))
            # the burst and `/` start together: the burst's rate is the rate it gets while pages are asked for
            burst = wrk_start(wrk_bin, target, args.connections, phase, folder / f"burst-{n}.out")
            out = folder / f"busy-{n}.out"
            busy_runs.append(wrk_wait(wrk_start(wrk_bin, server.url + "/", 2, phase, out), out))
            bursts.append(wrk_wait(burst, folder / f"burst-{n}.out"))
            say(f"round {n + 1}: / quiet median {quiet_runs[-1].get('p50', 0):.1f} ms, beside the burst "
                f"{busy_runs[-1].get('p50', 0):.1f} ms; {args.burst_path} {bursts[-1]['rps']:.0f}/s")
    finally:
        server.stop()
    quiet = statistics.median(r.get("p50", 0) for r in quiet_runs)
    busy = statistics.median(r.get("p50", 0) for r in busy_runs)
    failed = sum(r["failed"] for r in quiet_runs + busy_runs + bursts)
    ratio = busy / quiet if quiet else float("inf")
    say(f"/ quiet: median of the rounds' medians {quiet:.1f} ms "
        f"({statistics.median(r['rps'] for r in quiet_runs):.0f}/s)")
    say(f"/ beside the burst: {busy:.1f} ms ({statistics.median(r['rps'] for r in busy_runs):.0f}/s): "
        f"{ratio:.2f}x the quiet median")
    say(f"{args.burst_path} ({size / 1e6:.2f} MB), {args.connections} connections: "
        f"{statistics.median(r['rps'] for r in bursts):.0f}/s, "
        f"median {statistics.median(r.get('p50', 0) for r in bursts):.1f} ms; failed: {failed}")
    ok = ratio <= 2.0 and failed == 0
    say(f"{'PASS' if ok else 'FAIL'}: / within 2x its quiet median during the XLSX burst")
    return ok


def special_run(args) -> int:
    wrk_bin = ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="migdash-load-"))
    try:
        say(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; temporary folder {folder}")
        ok = restart_run(args, wrk_bin, folder) if args.restarts else burst_run(args, wrk_bin, folder)
        return 0 if ok else 1
    finally:
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--think", type=float, default=None,
                        help="fixed think time in seconds (0: back to back); default: --think-min..--think-max")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (default: as gunicorn.conf.py decides)")
    parser.add_argument("--publish-every", type=float, default=None,
                        help="seconds between publishes (default: duration/5 within 5..15)")
    parser.add_argument("--no-publish", action="store_true", help="no builds or rollback during the load")
    parser.add_argument("--grace", type=float, default=None,
                        help="seconds after a switch by which every response must carry it (default 2 x check interval + 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="a response slower than this is a failure")
    parser.add_argument("--identity-share", type=float, default=0.25,
                        help="share of layouts and callbacks sent uncompressed, to read the footer version")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, raw results)")
    parser.add_argument("--restarts", action="store_true",
                        help="instead: wrk on / while workers are recycled (--max-requests) and reloaded (HUP, TTIN, TTOU)")
    parser.add_argument("--xlsx-burst", action="store_true",
                        help="instead: / quiet and beside --connections connections on /data/observations.xlsx")
    parser.add_argument("--burst-path", default="/data/observations.xlsx",
                        help="address of the --xlsx-burst (e.g. /robots.txt: the same burst on the cheapest answer, to compare)")
    parser.add_argument("--connections", type=int, default=16, help="connections of --restarts and --xlsx-burst")
    parser.add_argument("--rounds", type=int, default=8, help="quiet and busy rounds of --xlsx-burst (--duration split)")
    parser.add_argument("--max-requests", type=int, default=300, help="gunicorn max_requests during --restarts")
    args = parser.parse_args()
    if args.restarts or args.xlsx_burst:
        if "--duration" not in sys.argv:
            args.duration = 24 if args.xlsx_burst else 20   # --xlsx-burst: 8 rounds of 3 s
        return special_run(args)
    if args.think is not None:
        args.think_min = args.think_max = args.think
    from dashboards.store.current import CHECK_SECONDS

    grace = args.grace if args.grace is not None else 2 * CHECK_SECONDS + 1
    every = args.publish_every or max(5.0, min(15.0, args.duration / 5))
    events = [] if args.no_publish else schedule(args.duration, every, settle=max(10.0, grace + 5))

    wrk_bin = ensure_wrk()
    folder = Path(tempfile.mkdtemp(prefix="migdash-load-"))
    data_dir = folder / "data"
    server = wrk_process = None
    publisher = None
    try:
        say(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; temporary folder {folder}")
        shutil.copytree(ROOT / "data", data_dir, ignore=shutil.ignore_patterns("processed", ".*"))
        status, start, end, _ = run_etl(["build"], data_dir, folder / "etl.log")
        if status:
            raise RuntimeError(f"python -m etl build failed; see {folder / 'etl.log'}")
        first = current_version(data_dir)
        say(f"published {first} in {end - start:.1f} s")
        server = Gunicorn(data_dir, folder, args.workers)
        say(f"gunicorn on {server.url}: answered after {server.wait_until_ready():.1f} s, "
            f"{len(server.workers())} workers warm after {server.wait_until_quiet():.1f} s more")
        version_dir = data_dir / "processed" / "versions" / first
        calibration = calibrate_footer(server, first)
        plan, plan_summary = build_plan(server, version_dir, (args.think_min, args.think_max), args.identity_share,
                                        args.seed, set(calibration))
        (folder / "plan.lua").write_text("return " + lua(plan) + "\n", encoding="utf-8")
        out = folder / "results"
        out.mkdir()
        say(f"publishing during the load: {', '.join(f'{a} at {t:g} s' for t, a in events) or 'none'}")
        say(f"running wrk: {args.users} users for {args.duration:g} s ...")

        publisher = Publisher(data_dir, folder / "etl.log", events)
        watcher = threading.Thread(target=publisher.watch, daemon=True)
        watcher.start()
        pids_before = server.workers()
        server.access_offset = server.access_path.stat().st_size if server.access_path.exists() else 0
        cpu_server, (busy0, _) = server.cpu_by_pid(), machine_cpu()
        publisher.origin = time.time()
        wrk_process = subprocess.Popen(
            [wrk_bin, "-t", str(args.users), "-c", str(args.users), "-d", f"{args.duration:g}s",
             "--timeout", f"{args.timeout:g}s", "-s", str(LUA), server.url, "--", str(folder / "plan.lua"), str(out)],
            cwd=folder, env={**os.environ, "MIGDASH_LOAD_OUT": str(out)},
            stdout=open(folder / "wrk.out", "wb"), stderr=subprocess.STDOUT)
        runner = threading.Thread(target=publisher.run, daemon=True)
        runner.start()
        sampler = Sampler(server, wrk_process.pid, publisher)
        sampling = threading.Thread(target=sampler.run, daemon=True)
        sampling.start()
        _, status, usage = os.wait4(wrk_process.pid, 0)
        wrk_process.returncode = os.waitstatus_to_exitcode(status)
        busy1, _ = machine_cpu()
        cpu_after = server.cpu_by_pid()
        pids_after = server.workers()
        sampler.stop.set()
        publisher.stop.set()
        runner.join(60)
        watcher.join(5)
        if wrk_process.returncode != 0 or not (out / "wrk-summary.json").exists():
            raise RuntimeError(f"wrk failed ({wrk_process.returncode}): {(folder / 'wrk.out').read_text()[-2000:]}")
        costs = {"server": sum(cpu - cpu_server.get(pid, 0.0) for pid, cpu in cpu_after.items()),
                 "wrk": usage.ru_utime + usage.ru_stime, "etl": sum(e["cpu"] for e in publisher.done),
                 "machine": busy1 - busy0}
        published = [first] + [e["to"] for e in publisher.done if e["action"] == "build" and e["status"] == 0]
        wrk = json.loads((out / "wrk-summary.json").read_text())
        records = read_records(out)
        server.stop()
        ok = report(args, records, wrk, publisher, published, costs, (pids_before, pids_after), server, grace,
                    plan_summary, calibration, sampler)
        return 0 if ok else 1
    finally:
        if publisher:
            publisher.stop.set()
        if wrk_process and wrk_process.poll() is None:
            wrk_process.kill()
        if server:
            server.stop()
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
