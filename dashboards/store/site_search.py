"""Site search: query the published version's FTS5 index (etl/search_index.py) and shape results.

The index file belongs to the version a request sees (`snap.version`), so results always match
the data shown. The query is brought to the index's form by the same `query_terms()` as the
indexed text; each word is matched as a prefix. Snippets are lists of (text, matched) parts:
pages build them as components (html.Mark), the API returns them as data — never as HTML.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from functools import lru_cache
from urllib.parse import urlencode

from dashboards.store import current
from dashboards.store.stats import THEME_PAGE
from etl.contract import FILENAME, KINDS, MAX_QUERY_CHARS, WORD, fold, match_expression, paths, query_terms, stem

PER_KIND = 10            # results shown per kind
SNIPPET_WORDS = 24       # words around the first match
WEIGHTS = (10.0, 3.0, 2.0)   # bm25 weights: title, body, extra (abbreviations, institutions)
_local = threading.local()


def _index_path(version: str):
    return paths.versions_dir() / version / FILENAME


def _connection(version: str) -> sqlite3.Connection | None:
    """A read-only connection to the version's index, one per thread, process and version (a
    connection is never used across fork: gunicorn's workers are forked from a warmed master)."""
    cached = getattr(_local, "conn", None)
    if cached and cached[:2] == (version, os.getpid()):
        return cached[2]
    path = _index_path(version)
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    if cached and cached[1] == os.getpid():
        cached[2].close()
    _local.conn = (version, os.getpid(), conn)
    return conn


def shown_query(raw) -> str:
    """The query as the page shows it back: printable characters only, bounded."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw or "")[:MAX_QUERY_CHARS])
    return " ".join(text.split())


def was_cut(raw) -> bool:
    """Whether the query had more printable text than is searched (the page says so)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw or "")[:MAX_QUERY_CHARS + 2])
    return len(" ".join(text.split())) > MAX_QUERY_CHARS


def bounded_address(query: str, lang: str, max_bytes: int) -> str:
    """/search with the query cut to what is searched, for an address over the query-string bound
    (`cut=1`: the page says it was cut); shortened further until the address is within `max_bytes`
    (a 4-byte character is 12 bytes once encoded)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(query or "")[:20_000])
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    extra = {"cut": "1", **({"lang": lang} if lang != "bg" else {})}
    while len(urlencode({"q": text, **extra})) > max_bytes:
        text = text[:-1]
    return "/search?" + urlencode({"q": text, **extra})


def link_of(kind: str, key: str, theme: str | None) -> str:
    if kind == "measure":
        return f"/plan/measure/{key}"
    if kind == "series":
        return f"/statistics/{THEME_PAGE.get(theme, 'asylum')}?series={key}"
    if kind == "institution":
        return f"/institutions/{key}"
    if kind == "glossary":
        return "/about#glossary"
    return key


def with_lang(link: str, lang: str) -> str:
    """The link in the request's language (the parameter before any #fragment)."""
    if lang == "bg":
        return link
    path, _, fragment = link.partition("#")
    path += ("&" if "?" in path else "?") + f"lang={lang}"
    return path + (f"#{fragment}" if fragment else "")


@lru_cache(maxsize=200_000)
def _forms(word: str) -> tuple[str, str]:
    """(folded, stemmed) of one word as written: texts repeat words, so each is worked out once."""
    folded = fold(word)
    return folded, stem(folded)


def _matches(word: str, wanted: list[str]) -> bool:
    folded, stemmed = _forms(word)
    return any(stemmed.startswith(w) or folded.startswith(w) for w in wanted)


def _contains(folded: str | None, wanted: list[str]) -> bool:
    return bool(folded) and any(w in folded for w in wanted)


def snippet(text: str, wanted: list[str]) -> list[tuple[str, bool]] | None:
    """The words around the first match, as (text, is_match) parts; None when nothing matches.

    Reads the text only up to the end of the window (texts of measures are long)."""
    text = " ".join(str(text or "").split())
    before = SNIPPET_WORDS // 3
    window: list[tuple[int, int, bool]] = []
    found, skipped = False, False
    for m in WORD.finditer(text):
        hit = _matches(m.group(), wanted)
        if not found:
            window.append((*m.span(), hit))
            if len(window) > before + 1:
                window.pop(0)
                skipped = True
            found = hit
        elif len(window) < SNIPPET_WORDS:
            window.append((*m.span(), hit))
        else:
            break
    else:
        m = None
    if not found:
        return None
    parts: list[tuple[str, bool]] = [("… ", False)] if skipped else []
    cursor = window[0][0]
    for a, b, hit in window:
        if a > cursor:
            parts.append((text[cursor:a], False))
        parts.append((text[a:b], hit))
        cursor = b
    if m is not None:
        parts.append((" …", False))
    return parts


def search(query: str, lang: str, snap=None) -> dict:
    """{"query", "terms", "groups": {kind: [result]}, "total", "ms", "available"} for a query."""
    snap = snap or current.snapshot()
    wanted = query_terms(query or "")
    out = {"terms": wanted, "groups": {}, "total": 0, "available": True, "ms": 0.0}
    started = time.perf_counter()
    expression = match_expression(wanted)
    if expression is None:               # nothing to look up (no connection opened)
        out["available"] = _index_path(snap.version).exists()
        return out
    conn = _connection(snap.version)
    if conn is None:
        out["available"] = False
        return out
    rows = conn.execute(
        "SELECT d.kind, d.key, d.title_bg, d.title_en, d.text_bg, d.text_en, d.theme, d.folded_bg, d.folded_en, "
        "bm25(terms, ?, ?, ?) AS rank "
        "FROM terms JOIN docs d ON d.id = terms.rowid WHERE terms MATCH ? ORDER BY rank LIMIT 500",
        (*WEIGHTS, expression)).fetchall()
    groups: dict[str, list[dict]] = {}
    for kind, key, title_bg, title_en, text_bg, text_en, theme, folded_bg, folded_en, rank in rows:
        group = groups.setdefault(kind, [])
        out["total"] += 1
        if len(group) >= PER_KIND:
            continue
        title, text = (title_en or title_bg, text_en or text_bg) if lang == "en" else (title_bg, text_bg)
        other, folded, folded_other = (text_bg, folded_en, folded_bg) if lang == "en" else (text_en, folded_bg, folded_en)
        # a word of the query can only match in a text whose folded form contains it
        parts = ((snippet(text, wanted) or snippet(title, wanted)) if _contains(folded, wanted) else None) or \
                (snippet(other, wanted) if _contains(folded_other, wanted) else None) or \
                [(" ".join(str(text or "").split()[:SNIPPET_WORDS]) + " …", False)]
        group.append({"kind": kind, "key": key, "title": title, "link": with_lang(link_of(kind, key, theme), lang),
                      "snippet": parts})
    out["groups"] = {kind: groups[kind] for kind in KINDS if kind in groups}
    out["counts"] = {kind: sum(1 for r in rows if r[0] == kind) for kind in out["groups"]}
    out["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return out
