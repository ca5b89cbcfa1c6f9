"""What the server-side speed patch of Dash internals gains: orjson encoding (`install_fast_json`,
dashboards/web/dash_compat.py), as CPU per page render (router call, page cache off) driven as
bench/callbacks.py drives it, with Dash's own `to_json` back and with the patch, in one process,
rounds alternating.

    python bench/patch_gains.py [--rounds 3] [--repeat 2]

The other patches are not server speed: Dash Pages' helpers and container ids let the router put the
page in the first response, the setup at start-up avoids a race of the first requests, the
fingerprint check serves the small plotly.js bundle; the scripts held until painted and the
browser-side patches (assets/dash-compat.js) are measured in the browser (bench/page_timing.py,
bench/lighthouse.py; tests/test_dash_compat.py counts the redraws and store changes they save).
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def json_gain(rounds: int, repeat: int) -> tuple[list[float], list[float]]:
    from dashboards.web import dash_compat

    originals = {module: module.to_json for module in dash_compat.JSON_MODULES}   # before app installs its own
    import app
    from dashboards.web import router
    from bench.callbacks import measure

    client = app.server.test_client()
    client.get("/_dash-layout")
    measure(client, 1)
    router.PAGE_CACHE_SIZE = 0
    patched, plain = [], []
    for _ in range(rounds):
        for module in dash_compat.JSON_MODULES:
            module.to_json = originals[module]
        plain.append(statistics.median(c for _, _, _, cpu in measure(client, repeat) for c in cpu))
        dash_compat.install_fast_json()
        patched.append(statistics.median(c for _, _, _, cpu in measure(client, repeat) for c in cpu))
    return plain, patched


def line(name: str, plain: list[float], patched: list[float], unit: str) -> str:
    a, b = statistics.median(plain), statistics.median(patched)
    return (f"{name:<52} Dash's own {a:8.1f} {unit}   patched {b:8.1f} {unit}   patched/own {b / a:5.2f}"
            f"   (rounds: own {', '.join(f'{v:.1f}' for v in plain)}; patched {', '.join(f'{v:.1f}' for v in patched)})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    plain, patched = json_gain(args.rounds, args.repeat)
    print(line("orjson encoding: CPU per page render, median", plain, patched, "ms"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
