"""Every view of Bulgaria's statistics the site shows, as text: the rows of each statistics chart
(series × breakdown × language, as the CSV download gives them), its generated summary and each
page's key figures. `tests/test_bulgaria_unchanged.py` compares them with a copy written before the
observations gained a `geo` dimension (`python -m tests.bulgaria_views` rewrites it)."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "bulgaria-views.json"
BREAKDOWNS = ("total", "citizenship", "sex", "age_group", "decision", "return_type", "category")


def views(client) -> dict[str, str]:
    """view name -> SHA-256 of what the site answers (rows, summary, key figures)."""
    from dashboards.store import current
    from dashboards.store.stats import PAGES, breakdowns_for, series_of_page
    from dashboards.pages.statistics import _key_figure_cards, chart_data

    snap = current.snapshot()
    out = {}
    for page in PAGES:
        for code in series_of_page(snap, page)["series"]:
            for by in ("total", *breakdowns_for(snap, code)):
                for lang in ("bg", "en"):
                    query = f"series={code}&by={by}&lang={lang}"
                    body = client.get(f"/download/statistics-{page}.csv?{query}").data
                    data = chart_data(snap, page, {"series": code, "by": by}, lang)
                    out[f"{page} {query}"] = _digest(body + data.summary.encode("utf-8"))
        for lang in ("bg", "en"):
            cards = json.dumps(_key_figure_cards(snap, page, lang), ensure_ascii=False, sort_keys=True)
            out[f"{page} key figures {lang}"] = _digest(cards.encode("utf-8"))
    return out


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


if __name__ == "__main__":   # run with MIGDASH_DATA_DIR pointing at a built copy of data/raw
    import app

    found = views(app.server.test_client())
    GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(found)} views", file=sys.stderr)
