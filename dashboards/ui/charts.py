"""Charts that can be downloaded, shared and embedded, and how to get the rows each one shows.

A page registers, for each of its charts, a function `(snapshot, query, lang) -> ChartData`
returning the exact rows the chart plots (typed values, column names in the page language) and
what they are (title, definition, sources, filters). The page's table view, the CSV/XLSX
downloads and the embed all use that one function, so they always agree.
"""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlencode

import pandas as pd

from dashboards.store import current
from dashboards import site
from dashboards.store.export import About
from dashboards.ui.params import DECLARED
from dashboards.i18n import day, lang_of, t


class ChartData:
    """What a chart shows. `frame`: its rows as a DataFrame, or a function giving them, called the
    first time they are read (table view, downloads) and kept: the embed page shows no table, and
    building one costs milliseconds for a long series. `figure`: () -> go.Figure, built only when
    drawn."""

    def __init__(self, frame: pd.DataFrame | Callable[[], pd.DataFrame], about: About, page_path: str,
                 figure: Callable | None = None, summary: str = "",
                 preview: Callable[[int], tuple[pd.DataFrame, int]] | None = None):
        self._frame, self._preview = frame, preview
        self.about, self.page_path, self.figure, self.summary = about, page_path, figure, summary

    @property
    def frame(self) -> pd.DataFrame:
        if callable(self._frame):
            self._frame = self._frame()
        return self._frame

    def head(self, n: int) -> tuple[pd.DataFrame, int]:
        """The first `n` rows and how many there are in all (the table view): `preview` builds just
        those when given and the rows are not built yet (a long monthly series has thousands)."""
        if self._preview is not None and callable(self._frame):
            return self._preview(n)
        return self.frame.head(n), len(self.frame)

    def __repr__(self) -> str:
        return f"ChartData({self.about.title!r}, {self.page_path!r})"


_REGISTRY: dict[str, Callable] = {}


def register_chart(chart_id: str, build: Callable[[current.Snapshot, dict, str], ChartData | None]) -> None:
    _REGISTRY[chart_id] = build


def chart_ids() -> list[str]:
    return sorted(_REGISTRY)


def chart_data(chart_id: str, query: dict) -> ChartData | None:
    build = _REGISTRY.get(chart_id)
    if build is None:
        return None
    snap = current.snapshot()
    return build(snap, dict(query), lang_of(query.get("lang")))


def view_query(query: dict) -> str:
    """The query string of a view, for links to it: parameters no page reads (utm_source, ...) left out."""
    pairs = [(k, v) for k, v in query.items() if isinstance(v, str) and v and k in DECLARED]
    return ("?" + urlencode(pairs, safe=",")) if pairs else ""


def sources_of(snap: current.Snapshot) -> dict[str, dict]:
    """source_id -> what an About lists of it, once per data version (set_index and .loc per chart
    would otherwise be paid on every render; docs/DEPLOY.md)."""
    def compute():
        text = lambda v: v if isinstance(v, str) else None  # noqa: E731 (missing values are NaN)
        return {r["source_id"]: {"title": r["title"], "provider": r["provider"], "url": text(r["url"]),
                                 "license": text(r["license"]), "retrieved": text(r["retrieved"])}
                for r in snap["sources"].to_dict("records")}
    return snap.cached("charts.sources", compute)


def about_for(snap: current.Snapshot, lang: str, title: str, source_ids, page_path: str, query: dict,
              definition: str | None = None, filters: list[tuple[str, str]] | None = None,
              shared: bool = False) -> About:
    """The "About" of a chart: its sources with licence and retrieval date, version and citation.

    The link to the view is absolute (MIGDASH_SITE_URL or the trusted Host, dashboards/site.py);
    `shared`: for a file kept and served to every request (whole-table downloads), only the
    configured site URL is used — without one the link is the path alone, never a Host's."""
    sources = sources_of(snap)
    rows = [dict(sources[sid]) for sid in dict.fromkeys(s for s in source_ids if isinstance(s, str)) if sid in sources]
    base = site.site_url() if shared else site.base_url().rstrip("/")
    url = f"{base}{page_path}{view_query(query)}"
    published = snap.published[:10]
    citation = t("cite.text", lang, product=t("shell.product", lang), title=title, version=snap.version,
                 date=day(published, lang), url=url,
                 sources="; ".join(f"{r['provider']}" for r in rows) or t("cite.no_source", lang))
    return About(title=title, lang=lang, filters=filters or [], definition=definition, sources=rows,
                 version=snap.version, published=published, citation=citation, url=url)
