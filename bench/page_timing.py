"""Time to first chart of every page in headless Chromium, against a bare one-chart Dash page
served the same way in the same run (medians over repeated cold loads; browser cache cleared).

    python bench/page_timing.py [--repeat 7]

Target (public dashboard issue): each page's time-to-chart within 1.2x the minimal Dash page.
A page without a chart (/plan/compare: tables) is timed until the live Dash page has replaced the
pre-rendered one and holds its content (READY), which is later than any paint of it. With
MIGDASH_DATA_DIR pointing at a data folder with two yearly plans, /plan/compare lists them.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import Server  # noqa: E402

PAGES = ["/", "/plan", "/plan/measure/2024-038", "/statistics/asylum", "/statistics/protection?by=citizenship",
         "/statistics/returns", "/statistics/readmissions", "/statistics/trafficking?by=sex",
         "/embed/statistics-protection", "/?lang=en", "/plan?goal=II&lang=en", "/plan/compare",
         "/plan/compare?goal=III&lang=en", "/europe", "/europe?series=tcn_illegally_present&lang=en"]
# pages without a chart: what their live page holds once drawn
READY = {"/plan/compare": "#compare-summary, #compare-message"}
OBSERVER = """
window.__chartAt = null;
var ready = %s[location.pathname];
new MutationObserver(function (m, obs) {
  var done = ready ? (!document.querySelector('._dash-loading') && document.querySelector(ready))
                   : document.querySelector('.main-svg');
  if (done) { window.__chartAt = performance.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true});
""" % __import__("json").dumps(READY)
TARGET = 1.2


def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(arg)
    d = webdriver.Chrome(options=options)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
    d.execute_cdp_cmd("Network.enable", {})
    return d


def time_to_chart(d, url: str) -> float:
    d.execute_cdp_cmd("Network.clearBrowserCache", {})
    d.get(url)
    deadline = time.time() + 30
    while time.time() < deadline:
        at = d.execute_script("return window.__chartAt")
        if at:
            return float(at)
        time.sleep(0.02)
    raise RuntimeError(f"no chart on {url}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with Server("app:server") as site, Server("minimal_app:server", config=False) as bare:
        d = driver()
        try:
            for url in (bare.url + "/", site.url + "/plan"):  # warm the servers (compression cache, data)
                time_to_chart(d, url)
            rows = []
            base = []
            for _ in range(args.repeat):  # interleave: noise hits both sides alike
                base.append(time_to_chart(d, bare.url + "/"))
                for page in PAGES:
                    rows.append((page, time_to_chart(d, site.url + page)))
        finally:
            d.quit()
    minimal = statistics.median(base)
    print(f"minimal Dash page: median {minimal:.0f} ms to first chart (n={len(base)})\n")
    print(f"{'page':44} {'median ms':>9} {'ratio':>6}  target <= {TARGET}x")
    worst = 0.0
    for page in PAGES:
        times = [t for p, t in rows if p == page]
        ratio = statistics.median(times) / minimal
        worst = max(worst, ratio)
        print(f"{page:44} {statistics.median(times):9.0f} {ratio:6.2f}  {'ok' if ratio <= TARGET else 'OVER'}")
    print(f"\nworst ratio {worst:.2f} -> {'meets' if worst <= TARGET else 'misses'} the {TARGET}x target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
