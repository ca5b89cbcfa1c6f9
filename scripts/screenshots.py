"""Full-page screenshots of every page at desktop and phone widths, in both languages.

    python scripts/screenshots.py [--out DIR] [--only /plan ...]

Serves the app with gunicorn on a free loopback port (the published data in data/processed) and
opens each page in Debian's headless Chromium. Look at every picture after a UI change: a page
that renders but looks broken is broken. The README's pictures are picked from these.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _serve import Server  # noqa: E402

PAGES = ["/", "/statistics/asylum", "/statistics/protection", "/statistics/returns", "/statistics/readmissions",
         "/statistics/trafficking", "/europe", "/plan", "/plan/compare", "/plan/measure/2024-001", "/institutions", "/institutions/DAB",
         "/data", "/about", "/search", "/search?q=трафик", "/search?q=DAB", "/embed/statistics-protection", "/no-such-page"]
WIDTHS = {"desktop": 1280, "phone": 375}


def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--window-size=1280,900", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options)


def shoot(d, url: str, width: int, path: Path) -> None:
    d.set_window_size(width, 900)
    d.get(url)
    deadline = time.time() + 20
    while time.time() < deadline:     # the live page has replaced the pre-rendered one, charts drawn
        ready = d.execute_script("return !document.querySelector('._dash-loading') && "
                                 "!document.querySelector('[data-dash-is-loading=\"true\"]')")
        if ready:
            break
        time.sleep(0.2)
    time.sleep(1.0)                   # fonts and chart transitions settle
    height = d.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    d.set_window_size(width, height)  # every chart is now on screen: those drawn when scrolled near are drawn
    deadline = time.time() + 10
    while time.time() < deadline and d.execute_script(
            "return document.querySelectorAll('[data-chart-waiting], .chart-box .dash-graph--pending').length"):
        time.sleep(0.2)
    time.sleep(0.5)
    d.save_screenshot(str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/screenshots"))
    parser.add_argument("--only", nargs="*", help="these paths only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = args.only or PAGES
    with Server("app:server", workers=1) as server:
        d = driver()
        try:
            for page in pages:
                for lang in ("bg", "en"):
                    for name, width in WIDTHS.items():
                        slug = re.sub(r"[^\w-]+", "-", page.strip("/").replace("/", "-")).strip("-") or "home"
                        path = args.out / f"{slug}-{lang}-{name}.png"
                        suffix = ("&" if "?" in page else "?") + "lang=en" if lang == "en" else ""
                        shoot(d, f"{server.url}{page}{suffix}", width, path)
                        print(path)
        finally:
            d.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
