"""The site search index: an SQLite FTS5 database written into each published version.

`build(tables, path)` indexes measures (number, text, objective, indicators, institutions),
statistical series (names, definitions), institutions (code, names, abbreviations, aliases from
the reviewed registry; the plan's glossary of abbreviations is these rows) and the site's pages
(statistics themes included). `search(path, text)` answers a query. Both sides go through the
same `terms()`, so what is typed meets what was indexed:

- casefold, stress marks and other accents removed (`тра́фик` = `трафик`, `й` kept);
- Cyrillic written in Latin by Bulgaria's official streamlined transliteration (`трафик` and
  `trafik` are the same term, `ДАБ` is `dab`, `щ` is `sht`);
- a light Bulgarian stemmer: definite articles and common plural endings are cut (`деца`,
  `децата` → `dets`), and each query term is an FTS5 prefix query;
- a text naming an institution by any of its registry aliases also carries the institution's
  code and abbreviations, so `ДАБ` finds "Държавна агенция за бежанците" and the reverse.

The index holds only terms; what a result shows (titles, texts, addresses, both languages) is
kept beside it in the `docs` table, and the matched words are found again in those texts
(`marks()`), so highlighting never depends on HTML from the index.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

FILE = "search.sqlite"
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
LOCALES = Path(__file__).resolve().parent.parent / "dashboards" / "locales"
KINDS = ("page", "measure", "series", "institution")

# Bulgaria's official streamlined transliteration (Закон за транслитерацията, 2009)
CYRILLIC = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
            "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
            "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu",
            "я": "ya", "ѝ": "i", "ё": "yo", "э": "e", "ы": "y"}
KEEP_MARKS = {"\u0306", "\u0308"}  # breve and diaeresis: й and ё are letters, not stressed и and е
WORD = re.compile(r"[^\W_]+")
# longest first; cut only when at least MIN_STEM letters stay (transliterated endings)
SUFFIXES = ("ovete", "evete", "ishta", "ovata", "ata", "yata", "ite", "yat", "ove", "eve", "ta", "to", "te", "at",
            "ya", "es", "a", "i", "e", "o", "y", "s")
MIN_STEM = 3


def fold(text: str) -> str:
    """Casefolded, without stress or accents, Cyrillic in Latin letters."""
    text = unicodedata.normalize("NFD", str(text).casefold())
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c) or c in KEEP_MARKS))
    text = "".join(CYRILLIC.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """The index terms of a text (in order, repeated as they occur)."""
    return [stem(w) for w in WORD.findall(fold(text or ""))]


def clean_query(text) -> str:
    """A user's query as searched: control characters dropped, spaces collapsed, bounded."""
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in str(text or "")[: MAX_QUERY_CHARS * 4])
    return " ".join(text.split())[:MAX_QUERY_CHARS]


# ---- building ----------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _locale(lang: str) -> dict:
    return yaml.safe_load((LOCALES / f"{lang}.yml").read_text(encoding="utf-8"))


def _text(*values) -> str:
    return " ".join(str(v) for v in values if isinstance(v, str) and v.strip() or isinstance(v, (int, float)) and not pd.isna(v))


def _aliases() -> dict[str, list[str]]:
    from etl.plan.institutions import REGISTRY

    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    return {row["code"]: list(row.get("aliases") or []) for row in data["institutions"]}


def _pages() -> list[dict]:
    """The site's pages and statistics themes, titled and described from the interface texts."""
    bg, en = _locale("bg"), _locale("en")
    out = []
    for key, path in (("home", "/"), ("plan", "/plan"), ("institutions", "/institutions"), ("data", "/data"),
                      ("about", "/about")):
        out.append({"ref": key, "url": path, "title_bg": bg[key]["title"], "title_en": en[key]["title"],
                    "body_bg": bg[key].get("lead", ""), "body_en": en[key].get("lead", "")})
    from dashboards._stats import PAGES   # the statistics pages and their themes: one list, the pages'

    for page, spec in PAGES.items():
        themes = spec["themes"]
        names_bg = " ".join(bg["theme"].get(t, "") for t in themes)
        names_en = " ".join(en["theme"].get(t, "") for t in themes)
        out.append({"ref": f"statistics-{page}", "url": f"/statistics/{page}",
                    "title_bg": bg["stats"][f"page_{page}"], "title_en": en["stats"][f"page_{page}"],
                    "body_bg": bg["stats"][f"lead_{page}"], "body_en": en["stats"][f"lead_{page}"],
                    "extra": names_bg + " " + names_en})
    return out


def documents(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Every searchable thing: kind, ref, url, title and text in both languages, extra index text."""
    from etl.plan.institutions import registry

    aliases = _aliases()
    institutions = tables.get("institutions", pd.DataFrame(columns=["code", "abbr_bg", "abbr_en", "name_bg", "name_en"]))
    inst = {r["code"]: r for r in institutions.to_dict("records")}

    def names_of(codes) -> str:
        return " ".join(_text(inst[c]["abbr_bg"], inst[c]["abbr_en"], inst[c]["name_bg"], inst[c]["name_en"], c)
                        for c in codes if c in inst)

    def named_in(text: str) -> str:
        """The codes and abbreviations of the institutions a text names by any alias."""
        try:
            codes, _ = registry().match(text)
        except Exception:   # a text the matcher cannot read still gets indexed as it is
            codes = []
        return names_of(codes)

    docs = [{"kind": "page", **p} for p in _pages()]
    measures = tables.get("measures", pd.DataFrame())
    indicators = tables.get("indicators", pd.DataFrame(columns=["measure_id", "name", "name_en"]))
    by_measure = {m: g for m, g in indicators.groupby("measure_id")} if len(indicators) else {}
    links = tables.get("measure_institutions")
    codes_of = {m: list(g["institution_code"]) for m, g in links.groupby("measure_id")} if links is not None and len(links) else {}
    for m in measures.to_dict("records"):
        ind = by_measure.get(m["measure_id"])
        ind_bg = _text(*ind["name"]) if ind is not None else ""
        ind_en = _text(*ind["name_en"]) if ind is not None else ""
        body_bg = _text(m.get("objective"), m.get("expected_results"), ind_bg)
        title_bg = f"{m['number']}. {m['title']}"
        title_en = f"{m['number']}. {m.get('title_en') or m['title']}"
        docs.append({"kind": "measure", "ref": m["measure_id"], "url": f"/plan/measure/{m['measure_id']}",
                     "title_bg": title_bg, "title_en": title_en, "body_bg": body_bg, "body_en": ind_en or body_bg,
                     "extra": _text(m["measure_id"], names_of(codes_of.get(m["measure_id"], [])),
                                    named_in(_text(m["title"], body_bg)))})
    series = tables.get("series", pd.DataFrame())
    from dashboards._stats import THEME_PAGE

    for s in series.to_dict("records"):
        page = THEME_PAGE.get(s["theme"])
        if not page:
            continue
        docs.append({"kind": "series", "ref": s["series"], "url": f"/statistics/{page}?series={s['series']}",
                     "title_bg": s["name_bg"], "title_en": s["name_en"],
                     "body_bg": s.get("definition_bg") or "", "body_en": s.get("definition_en") or "",
                     "extra": _text(s["series"], names_of([s.get("institution_code")]),
                                    named_in(_text(s.get("definition_bg"))))})
    for code, r in inst.items():
        docs.append({"kind": "institution", "ref": code, "url": f"/institutions/{code}",
                     "title_bg": _text(r["name_bg"]) + (f" ({r['abbr_bg']})" if isinstance(r["abbr_bg"], str) and r["abbr_bg"] else ""),
                     "title_en": _text(r["name_en"]) + (f" ({r['abbr_en']})" if isinstance(r["abbr_en"], str) and r["abbr_en"] else ""),
                     "body_bg": "", "body_en": "",
                     "extra": _text(code, r["abbr_bg"], r["abbr_en"], *aliases.get(code, []))})
    return docs


def build(tables: dict[str, pd.DataFrame], path: Path) -> int:
    """Write the index of `tables` to `path` (a new file). Returns the number of documents."""
    docs = documents(tables)
    con = sqlite3.connect(path)
    try:
        con.executescript("""
            CREATE TABLE docs (id INTEGER PRIMARY KEY, kind TEXT, ref TEXT, url TEXT,
                               title_bg TEXT, title_en TEXT, body_bg TEXT, body_en TEXT);
            CREATE VIRTUAL TABLE terms USING fts5(title, body, extra, tokenize = 'unicode61 remove_diacritics 0',
                                                  prefix = '2 3');
        """)
        for i, d in enumerate(docs, start=1):
            con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (i, d["kind"], d["ref"], d["url"], d["title_bg"], d["title_en"], d["body_bg"], d["body_en"]))
            con.execute("INSERT INTO terms (rowid, title, body, extra) VALUES (?, ?, ?, ?)",
                        (i, " ".join(terms(d["title_bg"] + " " + d["title_en"])),
                         " ".join(terms(d["body_bg"] + " " + d["body_en"])), " ".join(terms(d.get("extra", "")))))
        con.execute("INSERT INTO terms (terms) VALUES ('optimize')")
        con.commit()
    finally:
        con.close()
    return len(docs)


# ---- searching ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str
    url: str
    title: dict[str, str]
    body: dict[str, str]
    rank: float


def query_terms(text: str) -> list[str]:
    seen: list[str] = []
    for term in terms(clean_query(text)):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def search(path: Path, text: str, limit: int = 60) -> list[Hit]:
    """Ranked hits for a query: every term (as a prefix) must match; if none match all, any may."""
    wanted = query_terms(text)
    if not wanted:
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        for joiner in (" AND ", " OR "):
            match = joiner.join(f'"{t}"*' for t in wanted)   # terms are letters and digits only
            rows = con.execute(
                "SELECT d.kind, d.ref, d.url, d.title_bg, d.title_en, d.body_bg, d.body_en, "
                "bm25(terms, 10.0, 2.0, 4.0) AS rank FROM terms JOIN docs d ON d.id = terms.rowid "
                "WHERE terms MATCH ? ORDER BY rank LIMIT ?", (match, limit)).fetchall()
            if rows or len(wanted) == 1:
                break
    finally:
        con.close()
    return [Hit(k, r, u, {"bg": tb, "en": te}, {"bg": bb, "en": be}, rank) for k, r, u, tb, te, bb, be, rank in rows]


def marks(text: str, wanted: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) parts: a word is matched when its term starts with a query term."""
    out: list[tuple[str, bool]] = []
    last = 0
    for m in WORD.finditer(text or ""):
        term = stem(fold(m.group(0)))
        if any(term.startswith(w) or w.startswith(term) and len(term) >= MIN_STEM for w in wanted):
            if m.start() > last:
                out.append((text[last:m.start()], False))
            out.append((m.group(0), True))
            last = m.end()
    if last < len(text or ""):
        out.append((text[last:], False))
    return out


def snippet(text: str, wanted: list[str], width: int = 220) -> list[tuple[str, bool]]:
    """A window of `text` around its first matched word (about `width` characters), marked."""
    parts = marks(text, wanted)
    if not any(m for _, m in parts):
        short = text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"
        return [(short, False)] if short else []
    offset, start = 0, 0
    for piece, matched in parts:
        if matched:
            start = offset
            break
        offset += len(piece)
    begin = max(0, start - width // 3)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    window = text[begin:end]
    cut = marks(window, wanted)
    return ([("… ", False)] if begin else []) + cut + ([(" …", False)] if end < len(text) else [])
