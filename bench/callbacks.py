"""Server-side time of every server callback, median and p95 over repeated calls with varied inputs.

The dashboard has one server callback: Dash Pages' router, which renders a page from its URL
(filters live in the URL, so every filter change is a router call). The first page load is the
layout request, rendered for the page's address. Both are measured here through the real HTTP
endpoints of the Flask app (test client: no network noise), for every page with varied filters.

    python bench/callbacks.py [--repeat 5]

Target (issue: public dashboard): every callback p95 <= 25 ms on the embedded data.
MIGDASH_DATA_DIR=<a data folder with two yearly plans> measures /plan/compare listing them (the
embedded data has one plan: the page says so).

Beside the wall-clock times, the CPU time of the process per router call (p50, p95): the test
client runs the request in this thread, so that is the server's own work. On a shared machine
other processes stretch the wall clock, not the CPU time — compare versions by it when the load
average is above the number of cores.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 25.0

# (page, [search strings]) — varied inputs per page, as users produce them.
CASES = {
    "/": ["", "?lang=en"],
    "/plan": ["", "?goal=II", "?goal=III&lang=en", "?inst=DAB&role=responsible", "?fund=amif", "?due=open",
              "?q=обучения", "?goal=VII&inst=NKBTH&lang=en"],
    "/plan/compare": ["", "?lang=en", "?goal=III", "?institution=DAB&lang=en", "?goal=II&institution=MVR",
                      "?from=abc"],
    "/plan/measure/2024-038": ["", "?lang=en"],
    "/plan/measure/2024-029": ["", "?lang=en"],
    "/statistics/asylum": ["", "?by=citizenship", "?series=temporary_protection_beneficiaries", "?from=2015&to=2020&lang=en"],
    "/statistics/protection": ["", "?by=citizenship", "?series=asylum_first_instance_decisions&by=decision", "?by=total&lang=en"],
    "/statistics/returns": ["", "?series=tcn_illegally_present&by=category"],
    "/statistics/readmissions": ["", "?lang=en"],
    "/europe": ["", "?lang=en", "?series=tcn_illegally_present&period=2020", "?compare=DEU,FRA,ITA&lang=en"],
    "/statistics/trafficking": ["", "?by=sex", "?by=category&from=2015", "?series=trafficking_persons_convicted&lang=en"],
    "/institutions": ["", "?q=МВР", "?lang=en"],
    "/institutions/DAB": ["", "?lang=en"],
    "/institutions/MVR-DM": [""],
    "/about": ["", "?lang=en"],
    "/data": ["", "?lang=en"],
    "/embed/statistics-protection": ["", "?by=citizenship&lang=en"],
}
ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
          "changedPropIds": ["_pages_location.search"]}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(client, repeat: int) -> list[tuple[str, list[float], list[float], list[float]]]:
    rows = []
    for path, searches in CASES.items():
        router_ms, layout_ms, cpu_ms = [], [], []
        for _ in range(repeat):
            for search in searches:
                payload = {**ROUTER, "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                                                {"id": "_pages_location", "property": "search", "value": search}]}
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.post("/_dash-update-component", json=payload)
                router_ms.append((time.perf_counter() - t0) * 1000)
                cpu_ms.append((time.process_time() - c0) * 1000)
                assert response.status_code == 200, (path, search, response.status_code)
                t0 = time.perf_counter()
                response = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}{search}"})
                layout_ms.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
        rows.append((path, router_ms, layout_ms, cpu_ms))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import app
    from dashboards.web import router

    client = app.server.test_client()
    client.get("/_dash-layout")
    measure(client, 1)  # warm up: data loaded once per process, derived tables computed
    size = router.PAGE_CACHE_SIZE
    router.PAGE_CACHE_SIZE = 0
    report("every call renders its page (page cache off)", measure(client, args.repeat))
    router.PAGE_CACHE_SIZE = size or 128
    router.clear_page_cache()
    report(f"with the page cache of {router.PAGE_CACHE_SIZE} pages (production default)", measure(client, args.repeat))
    return 0


def report(title: str, rows) -> None:
    print(f"\n== {title}")
    print(f"{'page':34} {'calls':>5} {'router p50':>10} {'router p95':>10} {'layout p50':>10} {'layout p95':>10} "
          f"{'cpu p50':>8} {'cpu p95':>8}  target p95<={TARGET_MS:.0f} ms")
    worst = 0.0
    for path, router_ms, layout_ms, cpu_ms in rows:
        p95 = percentile(router_ms, 0.95)
        worst = max(worst, p95)
        print(f"{path:34} {len(router_ms):5d} {statistics.median(router_ms):10.1f} {p95:10.1f} "
              f"{statistics.median(layout_ms):10.1f} {percentile(layout_ms, 0.95):10.1f} "
              f"{statistics.median(cpu_ms):8.1f} {percentile(cpu_ms, 0.95):8.1f}  {'ok' if p95 <= TARGET_MS else 'OVER'}")
    every = [v for _, r, _, _ in rows for v in r]
    print(f"\nall router calls: n={len(every)} median={statistics.median(every):.1f} ms p95={percentile(every, 0.95):.1f} ms; "
          f"worst page p95={worst:.1f} ms -> {'meets' if worst <= TARGET_MS else 'misses'} the {TARGET_MS:.0f} ms target")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"load average {load:.1f} on {os.cpu_count()} cores: wall-clock times include waiting for the CPU; see the cpu columns")


if __name__ == "__main__":
    sys.exit(main())
