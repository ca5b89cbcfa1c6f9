"""Time for a phone-class CPU to load and evaluate the plotly.js the charts are drawn with, beside the
full bundle dcc.Graph would load by default (medians over cold loads in headless Chromium at 4x CPU
slowdown, as Lighthouse's mobile profile; each load under a new address, so no compiled code is reused).

    python bench/plotly_eval.py [--repeat 7]

plotly.js's evaluation is one long task on every chart page: what it costs counts fully towards
Lighthouse's total blocking time. Run it again after scripts/build-plotly.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_timing import driver  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def bundles() -> dict[str, Path]:
    import plotly

    return {"served (core + bar)": ROOT / "dashboards" / "web" / "vendor" / "plotly.min.js",
            "full (dcc.Graph's default)": Path(plotly.__file__).parent / "package_data" / "plotly.min.js"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    files = bundles()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, path in enumerate(files.values()):
            (folder / f"{i}.js").write_bytes(path.read_bytes())
        handler = functools.partial(Quiet, directory=tmp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        d = driver()
        d.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 4})
        d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        times: dict[str, list[float]] = {name: [] for name in files}
        try:
            for run in range(args.repeat):
                for i, name in enumerate(files):
                    page = folder / f"page-{i}-{run}.html"
                    page.write_text("<html><body><script>window.t0 = performance.now()</script>"
                                    f"<script src='{i}.js?run={run}'></script>"
                                    "<script>window.t1 = performance.now()</script></body></html>")
                    d.get(f"{base}/{page.name}")
                    times[name].append(d.execute_script("return window.Plotly ? window.t1 - window.t0 : null"))
        finally:
            d.quit()
            server.shutdown()
    print(f"{'bundle':30} {'bytes':>10} {'median ms':>10}  runs (ms)")
    for name, values in times.items():
        if None in values:
            raise SystemExit(f"{name}: window.Plotly not set after loading")
        print(f"{name:30} {files[name].stat().st_size:10,} {statistics.median(values):10.0f}  "
              + " ".join(f"{v:.0f}" for v in values))
    served, full = (statistics.median(v) for v in times.values())
    print(f"\nserved bundle: {served / full:.2f}x the full bundle's time (4x CPU slowdown)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
