"""Lighthouse on every page, desktop and mobile profiles, both languages, beside a bare Dash page
measured in the same run (npm `lighthouse` driving Debian's chromium; no outside network).

    python bench/lighthouse.py [--pages /plan /about] [--langs bg en] [--presets desktop mobile]

Targets (production issue): performance >= 0.9 desktop and >= 0.8 mobile, accessibility 1.0,
best practices 1.0, SEO >= 0.9 on every page, both languages. Lighthouse is installed on first
use into bench/.node (npm registry).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import Server  # noqa: E402

HERE = Path(__file__).resolve().parent
NODE = HERE / ".node"
PAGES = ["/", "/plan", "/plan/measure/2024-038", "/statistics/asylum", "/statistics/protection", "/statistics/returns",
         "/statistics/readmissions", "/statistics/trafficking", "/europe", "/institutions", "/institutions/DAB", "/data", "/about",
         "/search", "/search?q=трафик", "/embed/statistics-protection"]
TARGETS = {"desktop": {"performance": 0.9}, "mobile": {"performance": 0.8}}
COMMON = {"accessibility": 1.0, "best-practices": 1.0, "seo": 0.9}
# The metrics behind the performance score (the JSON reports kept with --keep hold the rest).
METRICS = {"fcp": "first-contentful-paint", "lcp": "largest-contentful-paint", "tbt": "total-blocking-time",
           "cls": "cumulative-layout-shift", "si": "speed-index"}
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
         "--disable-sync --no-first-run")


def lighthouse_bin() -> Path:
    binary = NODE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        NODE.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(NODE), "lighthouse@13"], check=True)
    return binary


def audit(binary: Path, url: str, preset: str, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = (keep or Path(tmp)) / "report.json"
        cmd = [str(binary), url, "--quiet", f"--chrome-flags={FLAGS}", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility,best-practices,seo"]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        for attempt in (1, 2):  # on a busy machine a run now and then fails to start chromium: retry once
            done = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=240)
            if done.returncode == 0:
                break
        done.check_returncode()
        report = json.loads(out.read_text())
    scores = {k: v["score"] for k, v in report["categories"].items()}
    failing = []
    for category in ("accessibility", "best-practices", "seo"):
        for ref in report["categories"][category]["auditRefs"]:
            a = report["audits"][ref["id"]]
            if ref["weight"] and a.get("score") is not None and a["score"] < 1:
                failing.append(f"{category}:{ref['id']}")
    metrics = {name: report["audits"][audit_id]["numericValue"] for name, audit_id in METRICS.items()}
    return {"scores": scores, "failing": failing, **metrics}


def _folder(keep: Path | None, name: str, preset: str) -> Path | None:
    if keep is None:
        return None
    page, _, lang = name.partition(" (")
    slug = (page.strip("/").replace("/", "_") or "home") + ("-" + lang.rstrip(")") if lang else "")
    folder = keep / slug / preset
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def passes(scores: dict, preset: str) -> bool:
    wanted = {**COMMON, **TARGETS[preset]}
    return all(scores.get(k, 0) >= v for k, v in wanted.items())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--langs", nargs="*", default=["bg", "en"])
    parser.add_argument("--presets", nargs="*", default=["desktop", "mobile"])
    parser.add_argument("--keep", type=Path, help="folder for the JSON reports (one per page and profile)")
    args = parser.parse_args()
    binary = lighthouse_bin()
    rows = []
    with Server("app:server") as site, Server("minimal_app:server", config=False) as bare:
        for preset in args.presets:
            rows.append(("bare Dash page", preset, audit(binary, bare.url + "/", preset, _folder(args.keep, "bare", preset))))
            for page in args.pages:
                for lang in args.langs:
                    url = site.url + page + ((("&" if "?" in page else "?") + "lang=en") if lang == "en" else "")
                    name = page + (" (en)" if lang == "en" else "")
                    rows.append((name, preset, audit(binary, url, preset, _folder(args.keep, name, preset))))
    print(f"{'page':36} {'profile':8} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5} {'FCP ms':>7} {'LCP ms':>7} "
          f"{'TBT ms':>7} {'CLS':>6} {'SI ms':>7}  result")
    ok_all = True
    for page, preset, r in rows:
        s = r["scores"]
        verdict = "" if page == "bare Dash page" else ("ok" if passes(s, preset) else "MISS " + " ".join(r["failing"]))
        if page != "bare Dash page":
            ok_all &= passes(s, preset)
        print(f"{page:36} {preset:8} {s['performance']:5.2f} {s['accessibility']:5.2f} {s['best-practices']:5.2f} "
              f"{s['seo']:5.2f} {r['fcp']:7.0f} {r['lcp']:7.0f} {r['tbt']:7.0f} {r['cls']:6.3f} {r['si']:7.0f}  {verdict}")
    print(f"\n{'all pages meet' if ok_all else 'not every page meets'} the targets "
          f"(perf >= 0.9 desktop / 0.8 mobile, a11y 1.0, best practices 1.0, SEO >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
