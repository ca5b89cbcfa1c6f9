"""Site search: the FTS5 index published with each version (etl/search.py), the /search page and
/api/v1/search.json. Typed the way Bulgarian users type: either script, any case, stress marks,
word forms, abbreviations."""
from __future__ import annotations

import json

import pytest

from etl import search


@pytest.mark.parametrize("typed, same", [("Трафик", "trafik"), ("тра́фик", "ТРАФИК"), ("децата", "деца"),
                                         ("ДАБ", "dab"), ("щастие", "shtastie"), ("Йордан", "yordan"),
                                         ("трафикът", "трафик"), ("юг", "yug")])
def test_search_terms_meet_across_scripts_case_stress_and_word_forms(typed, same):
    assert search.terms(typed) == search.terms(same)


def test_search_transliteration_is_the_official_streamlined_one():
    assert search.fold("абвгдежзийклмнопрстуфхцчшщъьюя") == "abvgdezhziyklmnoprstufhtschshshtayyuya"
    assert search.fold("София") == "sofiya" and search.fold("Горна баня") == "gorna banya"


@pytest.mark.parametrize("raw, want", [("  a\x00b\tc\n ", "a b c"), ("x" * 10_000, "x" * search.MAX_QUERY_CHARS),
                                       ("\u202e<script>", "<script>")])
def test_search_query_is_cleaned_and_bounded(raw, want):
    assert search.clean_query(raw) == want


def test_search_index_is_part_of_the_published_version(snap):
    from etl.publish import verify

    manifest = snap.manifest
    assert manifest["search"]["file"] == search.FILE and manifest["search"]["documents"] > 100
    assert not verify(snap.folder)
    kinds = {h.kind for h in search.search(snap.folder / search.FILE, "трафик")}
    assert kinds == {"page", "measure", "series", "institution"}


def test_search_damaged_index_is_a_damaged_version(snap, tmp_path):
    import shutil

    from etl.publish import verify

    copy = tmp_path / "v"
    shutil.copytree(snap.folder, copy)
    with open(copy / search.FILE, "ab") as handle:
        handle.write(b"x")
    assert verify(copy) == ["v: search.sqlite does not match its checksum"]


def _refs(snap, query: str, kind: str) -> list[str]:
    return [h.ref for h in search.search(snap.folder / search.FILE, query) if h.kind == kind]


def test_search_latin_and_cyrillic_find_the_same_things(snap):
    for kind in ("measure", "page", "series"):
        assert sorted(_refs(snap, "трафик", kind)) == sorted(_refs(snap, "trafik", kind)) != []
    assert "statistics-trafficking" in _refs(snap, "trafik", "page")


def test_search_abbreviation_finds_the_institution_and_its_measures(snap):
    assert "DAB" in _refs(snap, "ДАБ", "institution")
    measures = set(_refs(snap, "ДАБ", "measure"))
    links = snap["measure_institutions"]
    assert set(links[links["institution_code"] == "DAB"]["measure_id"]) <= measures
    assert "DAB" in _refs(snap, "Държавна агенция за бежанците", "institution")


def test_search_marks_the_matched_words_only():
    wanted = search.query_terms("деца")
    parts = search.marks("Грижа за децата и за възрастните.", wanted)
    assert [p for p, m in parts if m] == ["децата"]
    assert "".join(p for p, _ in parts) == "Грижа за децата и за възрастните."
