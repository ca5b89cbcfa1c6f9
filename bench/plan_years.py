"""Build time with three yearly plans against one (issue 13: within 2x).

    python bench/plan_years.py [--rounds 5]

Makes two data folders from data/raw: one as it is (the 2024 plan), one with two more plans
derived from the real 2024 text the way the tests derive them (tests/plan_variants.py): a 2025
plan with four rows removed and a 2026 plan with every goal's rows reordered and renumbered, so
matching has real work (pairs to find, dropped measures, shifted numbers). Each round runs one
full `etl build` (every step, validation, publishing) per folder in a fresh process, alternating,
so both see the same noise of this shared machine; prints the median and worst of both and the
ratio of the medians against the target.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 2.0
MARK = "@@plan_years "
TIMER = ("import time, etl.build as b; s = time.perf_counter(); r = b.build(); "
         f"print({MARK!r} + str(time.perf_counter() - s) + ' ' + str(len(r.tables['measures'])))")


def make_folders(base: Path) -> dict[str, Path]:
    from tests.plan_variants import another_year, lines_of, reordered_and_renumbered, without_rows, write

    one, three = base / "one", base / "three"
    for folder in (one, three):
        shutil.copytree(ROOT / "data" / "raw", folder / "raw")
    write(three / "raw", "plan-2025.txt", without_rows(another_year(lines_of(), 2025), ["3", "17", "40", "71"]))
    write(three / "raw", "plan-2026.txt", reordered_and_renumbered(another_year(lines_of(), 2026)))
    return {"1 plan": one, "3 plans": three}


def run_once(folder: Path) -> tuple[float, int]:
    env = {**os.environ, "MIGDASH_DATA_DIR": str(folder)}
    out = subprocess.run([sys.executable, "-c", TIMER], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith(MARK))
    seconds, measures = line[len(MARK):].split()
    return float(seconds), int(measures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plan-years-") as tmp:
        folders = make_folders(Path(tmp))
        times: dict[str, list[float]] = {k: [] for k in folders}
        counts: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, folder in folders.items():
                seconds, counts[name] = run_once(folder)
                times[name].append(seconds)
    for name, values in times.items():
        print(f"{name:8} {counts[name]:4d} measures  median {statistics.median(values):6.2f} s  "
              f"worst {max(values):6.2f} s  ({len(values)} builds)")
    ratio = statistics.median(times["3 plans"]) / statistics.median(times["1 plan"])
    print(f"3 plans / 1 plan: {ratio:.2f}x  {'PASS' if ratio <= RATIO_TARGET else 'FAIL'} (target <= {RATIO_TARGET}x)")
    return 0 if ratio <= RATIO_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
