"""The site's search index: one SQLite FTS5 file (search.sqlite) written into each published version.

Built from the tables being published, so it changes atomically with the data. Every text is
indexed in one normal form, and a query is brought to the same form by the same `terms()`:
case folded, stress and other combining marks removed, Cyrillic transliterated to Latin with
Bulgaria's official streamlined system (Закон за транслитерацията, чл. 9: щ→sht, ъ→a, ю→yu …),
so `trafik` meets `трафик` and `DAB` meets `ДАБ`, then cut to a stem by a small suffix stripper
(`деца` and `децата` both give `dets`). Institutions are indexed with their abbreviations, full
names and the aliases the plans use, and measures with those of their institutions, so an
abbreviation finds the body and its measures.

Documents: kind (measure, series, institution, glossary, page), key, titles and texts in both
languages (shown in results and snippets), `theme` (series: which statistics page shows them).
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd

from etl.interface_text import catalogue

FILENAME = "search.sqlite"
KINDS = ("page", "measure", "series", "institution", "glossary")

# Закон за транслитерацията (ДВ бр. 19/2009), чл. 9: lower case; capitals fold to these first.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
    # letters of neighbouring alphabets that turn up in names: their nearest Bulgarian reading
    "ё": "yo", "ы": "y", "э": "e", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ѝ": "i",
}
# The law's exception: final "ия" is "ia" (България → Bulgaria, not Bulgariya).
FINAL_IA = re.compile(r"ия\b")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Endings of Bulgarian nouns, adjectives and verbs after transliteration, longest first. A
# deliberately light stemmer: it only has to bring forms of one word together, identically at
# index and query time, and keeps at least MIN_STEM letters.
SUFFIXES = sorted({
    "ovete", "evete", "ishta", "ishte", "iyata", "iite", "iyat", "iya", "ite", "ata", "yata", "yat", "ta", "to",
    "te", "ut", "at", "ove", "eve", "ski", "ska", "sko", "ia", "ie", "ii", "ya", "yu",
    "a", "o", "e", "i", "u", "y",
}, key=len, reverse=True)
MIN_STEM = 3
MAX_QUERY_CHARS = 200   # a query is cut to this many characters …
MAX_QUERY_TERMS = 12    # … and to this many words


# Letters written with a mark that are letters of their own (й is not и with a stress mark: й → y).
OWN_LETTERS = frozenset("йёї")


def _unmarked(ch: str) -> str:
    if ch in OWN_LETTERS or ch.isascii():
        return ch
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Casefolded, without combining marks (stress, diaeresis), Cyrillic in Latin.

    Composed first (NFC), so that и + combining breve is й whichever way it was typed, and marks are
    then dropped letter by letter except from й, ё, ї: `трафи́к` and `трафѝк` fold as `трафик`
    (trafik), `Й` and `И` + U+0306 both as `y`, never as `i`."""
    text = unicodedata.normalize("NFC", str(text).casefold())
    text = "".join(_unmarked(ch) for ch in text)
    text = FINAL_IA.sub("ia", text)
    return "".join(CYRILLIC.get(ch, ch) for ch in text)


def stem(word: str) -> str:
    if word.isdigit():
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """The index's form of a text: folded, transliterated, stemmed words."""
    return [stem(w) for w in WORD.findall(fold(text))]


def words_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of the text as written (for snippets)."""
    return [m.span() for m in WORD.finditer(str(text))]


def query_terms(query: str) -> list[str]:
    """A user's query as index terms: bounded, control characters dropped, duplicates removed."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(query)[:MAX_QUERY_CHARS])
    return list(dict.fromkeys(terms(text)))[:MAX_QUERY_TERMS]


def match_expression(query_words: list[str]) -> str | None:
    """An FTS5 MATCH of every word as a prefix (terms are [a-z0-9…] only, quoted all the same)."""
    if not query_words:
        return None
    # a one-letter prefix would match nearly everything: such words must match whole
    return " AND ".join('"' + w.replace('"', "") + '"' + ("*" if len(w) > 1 else "") for w in query_words)


def _text(*values) -> str:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
            out += [str(x) for x in list(v) if x is not None]
        else:
            out.append(str(v))
    return " ".join(x for x in out if x and x != "nan")


def _rows(tables: dict, name: str) -> list[dict]:
    frame = tables.get(name)
    return [] if frame is None else frame.to_dict("records")


def documents(tables: dict[str, pd.DataFrame], aliases: dict[str, list[str]] | None = None,
              pages: list[dict] | None = None) -> list[dict]:
    """Every searchable thing of a version, one dict per result."""
    aliases = aliases or {}
    institutions = {r["code"]: r for r in _rows(tables, "institutions")}

    def inst_words(code: str) -> str:
        r = institutions.get(code, {})
        return _text(code, r.get("abbr_bg"), r.get("abbr_en"), r.get("name_bg"), r.get("name_en"), aliases.get(code, []))

    by_measure: dict[str, list[str]] = {}
    for link in _rows(tables, "measure_institutions"):
        by_measure.setdefault(link["measure_id"], []).append(link["institution_code"])
    indicators: dict[str, list[dict]] = {}
    for ind in _rows(tables, "indicators"):
        indicators.setdefault(ind["measure_id"], []).append(ind)
    docs = list(pages or [])
    for m in _rows(tables, "measures"):
        inds = indicators.get(m["measure_id"], [])
        docs.append({
            "kind": "measure", "key": m["measure_id"],
            "title_bg": f"{str(m['number']).rstrip('.')}. {m['title']}",
            "title_en": f"{str(m['number']).rstrip('.')}. {m.get('title_en') or m['title']}",
            "text_bg": _text(m["title"], m["objective"], m["expected_results"], [i["name"] for i in inds]),
            "text_en": _text(m.get("title_en"), [i.get("name_en") for i in inds]),
            "extra": _text(m["number"], m["plan_year"], [inst_words(c) for c in by_measure.get(m["measure_id"], [])]),
            "theme": None,
        })
    for s in _rows(tables, "series"):
        docs.append({
            "kind": "series", "key": s["series"], "title_bg": s["name_bg"], "title_en": s["name_en"],
            "text_bg": s["definition_bg"], "text_en": s["definition_en"],
            "extra": _text(s["series"], s.get("theme"), inst_words(s["institution_code"]) if s.get("institution_code") else ""),
            "theme": s["theme"],
        })
    for r in institutions.values():
        docs.append({
            "kind": "institution", "key": r["code"],
            "title_bg": f"{r['abbr_bg']} — {r['name_bg']}" if r["abbr_bg"] != r["name_bg"] else r["name_bg"],
            "title_en": f"{r['abbr_en']} — {r['name_en']}" if r["abbr_en"] != r["name_en"] else r["name_en"],
            "text_bg": r["name_bg"], "text_en": r["name_en"], "extra": inst_words(r["code"]), "theme": None,
        })
        if r.get("in_glossary"):
            docs.append({
                "kind": "glossary", "key": r["code"], "title_bg": f"{r['abbr_bg']} — {r['name_bg']}",
                "title_en": f"{r['abbr_en']} — {r['name_en']}", "text_bg": f"{r['abbr_bg']}: {r['name_bg']}",
                "text_en": f"{r['abbr_en']}: {r['name_en']}", "extra": inst_words(r["code"]), "theme": None,
            })
    return docs


SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, title_bg TEXT, title_en TEXT,
                   text_bg TEXT, text_en TEXT, theme TEXT, folded_bg TEXT, folded_en TEXT);
CREATE VIRTUAL TABLE terms USING fts5(title, body, extra, tokenize = 'unicode61 remove_diacritics 0',
                                      prefix = '2 3 4');
"""


def write(path: Path, docs: list[dict]) -> Path:
    """Write the index file (replacing any file of that name)."""
    path = Path(path)
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        for n, d in enumerate(docs, start=1):
            # folded texts let a snippet skip, at C speed, a text the query's words are not in
            db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (n, d["kind"], d["key"], d["title_bg"], d["title_en"], d["text_bg"], d["text_en"], d.get("theme"),
                        fold(_text(d["title_bg"], d["text_bg"])), fold(_text(d["title_en"], d["text_en"]))))
            db.execute("INSERT INTO terms (rowid, title, body, extra) VALUES (?,?,?,?)",
                       (n, " ".join(terms(_text(d["title_bg"], d["title_en"]))),
                        " ".join(terms(_text(d["text_bg"], d["text_en"]))), " ".join(terms(d.get("extra") or ""))))
        db.execute("INSERT INTO terms(terms) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    return path


def build_for(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    """The index of `tables` in `folder` (the version being published), with the reviewed
    institution aliases and the site's page titles."""
    return write(Path(folder) / FILENAME, documents(tables, institution_aliases(), site_pages()))


def institution_aliases() -> dict[str, list[str]]:
    from etl.plan.institutions import registry

    return {row["code"]: list(row.get("aliases") or []) for row in registry().rows}


# The site's pages a visitor may look for by name: (path, title key, lead key).
PAGE_KEYS = [
    ("/", "home.title", None), ("/plan", "plan.title", None), ("/institutions", "institutions.title", "institutions.lead"),
    ("/data", "data.title", None), ("/about", "about.title", None),
    ("/statistics/asylum", "stats.page_asylum", "stats.lead_asylum"),
    ("/statistics/protection", "stats.page_protection", "stats.lead_protection"),
    ("/statistics/returns", "stats.page_returns", "stats.lead_returns"),
    ("/statistics/readmissions", "stats.page_readmissions", "stats.lead_readmissions"),
    ("/statistics/trafficking", "stats.page_trafficking", "stats.lead_trafficking"),
]


def site_pages() -> list[dict]:
    bg, en = catalogue("bg"), catalogue("en")
    out = []
    for path, title, lead in PAGE_KEYS:
        if title not in bg:
            continue
        out.append({"kind": "page", "key": path, "title_bg": bg[title], "title_en": en.get(title, bg[title]),
                    "text_bg": bg.get(lead, "") if lead else "", "text_en": en.get(lead, "") if lead else "",
                    "extra": path.replace("/", " "), "theme": None})
    return out
