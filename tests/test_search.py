"""Site search: the FTS5 index built with each published version, /search, /api/v1/search.json, the
header search box. Both scripts meet (трафик = trafik), stems (деца = децата), abbreviations find
their institutions and measures; absurd queries give a clear page."""
from __future__ import annotations

import json

import pytest

from dashboards.store import site_search
from etl import paths, search_index
from etl.publish import MANIFEST, verify
from tests.conftest import components, words


def keys(result, kind):
    return [r["key"] for r in result["groups"].get(kind, [])]


@pytest.mark.parametrize("written, expected", [
    ("трафик", ["trafik"]), ("Трафика", ["trafik"]), ("TRAFIK", ["trafik"]), ("деца", ["dets"]), ("децата", ["dets"]),
    ("ДАБ", ["dab"]), ("dab", ["dab"]), ("Щастие", ["shtast"]), ("ю́ла", ["yul"]), ("България", ["balgar"]),
    ("жц чш", ["zhts", "chsh"]), ("непридружени непридружените", ["nepridruzhen"]),
])
def test_terms_are_folded_transliterated_and_stemmed_alike(written, expected):
    assert search_index.query_terms(written) == expected


@pytest.mark.parametrize("written, expected", [
    ("Й", "y"), ("й", "y"), ("И\u0306", "y"), ("и\u0306", "y"),          # й typed composed or as и + breve
    ("И", "i"), ("и\u0301", "i"), ("ѝ", "i"),                               # и with a stress mark is и
    ("трафи́к", "trafik"), ("трафѝк", "trafik"), ("ТРАФИ\u0301К", "trafik"),
    ("район", "rayon"), ("РАЙО\u0301Н", "rayon"), ("Украи\u0306на", "ukrayna"), ("й\u0301", "y"),
])
def test_short_i_is_y_and_stress_marks_fold_away(written, expected):
    assert search_index.fold(written) == expected


@pytest.mark.parametrize("variants", [
    ["противодействие", "ПРОТИВОДЕИ\u0306СТВИЕ", "противоде́йствие", "protivodeystvie"],
    ["Украйна", "украи\u0306на", "Ukrayna"],
    ["трафик", "трафи́к", "ТРАФѝК", "trafik"],
])
def test_spellings_of_one_word_find_the_same_results(snap, variants):
    found = [{k: keys(site_search.search(v, "bg", snap), k) for k in search_index.KINDS} for v in variants]
    assert any(found[0].values()), variants[0]
    assert all(f == found[0] for f in found), variants


def test_query_is_bounded_and_control_characters_dropped():
    assert search_index.query_terms("a\x00b\x1fc") == ["a", "b", "c"]
    assert len(search_index.query_terms(" ".join(f"word{i}" for i in range(100)))) == search_index.MAX_QUERY_TERMS
    assert search_index.match_expression(search_index.query_terms("x" * 10_000)).count("x") <= search_index.MAX_QUERY_CHARS


def test_index_is_part_of_the_published_version(snap):
    folder = paths.versions_dir() / snap.version
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"][search_index.FILENAME]["file"] == search_index.FILENAME
    assert verify(folder) == []
    (folder / search_index.FILENAME).rename(folder / "moved")
    try:
        assert any("search.sqlite is missing" in p for p in verify(folder))
    finally:
        (folder / "moved").rename(folder / search_index.FILENAME)


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_cyrillic_and_latin_find_the_same_trafficking_results(snap, lang):
    cyrillic, latin = site_search.search("трафик", lang, snap), site_search.search("trafik", lang, snap)
    assert cyrillic["groups"] == latin["groups"]
    assert "/statistics/trafficking" in keys(cyrillic, "page")
    measures = keys(cyrillic, "measure")
    assert len(measures) >= 3
    titles = " ".join(snap["measures"].set_index("measure_id").loc[measures, "title"]).lower()
    assert "трафик" in titles
    assert any(k.startswith("trafficking_") for k in keys(cyrillic, "series"))


def test_abbreviation_finds_the_institution_and_its_measures(snap):
    result = site_search.search("ДАБ", "en", snap)
    assert "DAB" in keys(result, "institution")
    links = snap["measure_institutions"]
    own = set(links[links["institution_code"] == "DAB"]["measure_id"])
    assert own & set(keys(result, "measure"))
    assert site_search.search("DAB", "en", snap)["groups"] == result["groups"]
    title = next(r["title"] for r in result["groups"]["institution"] if r["key"] == "DAB")
    assert "State Agency for Refugees" in title


def test_stems_meet(snap):
    assert keys(site_search.search("деца", "bg", snap), "measure") == keys(site_search.search("децата", "bg", snap), "measure")
    assert keys(site_search.search("непридружени деца", "bg", snap), "measure")


def test_snippet_marks_the_matched_words():
    parts = site_search.snippet("Мерки срещу трафика на хора и <script>alert(1)</script>", ["trafik", "script"])
    assert ("трафика", True) in parts and ("script", True) in parts
    assert ("Мерки", False) in parts


def test_search_page_groups_results_with_highlights(dash_app):
    from dashboards.pages import search

    tree = search.layout(q="трафик", lang="en")
    text = words(tree)
    assert "Plan measures" in text and "Pages" in text and "Trafficking in human beings" in text
    marks = [c for c in components(tree) if type(c).__name__ == "Mark"]
    assert marks and all(isinstance(m.children, str) for m in marks)
    links = [c.href for c in components(tree) if type(c).__name__ == "Link"]
    assert "/statistics/trafficking?lang=en" in links


@pytest.mark.parametrize("query", ["", "x" * 10_000, "\x00\x01\x02", "<script>alert(1)</script>", "\"*' OR 1=1 --",
                                   "NEAR(a b)", "***", "a AND OR NOT"])
def test_absurd_queries_give_a_clear_page(dash_app, query):
    client = dash_app.server.test_client()
    response = client.get("/search", query_string={"q": query})
    if len(query) > 2000:   # over the server's bound on query strings: the page with the query cut
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/search?q=xxx")
        response = client.get(response.headers["Location"])
        assert response.status_code == 200 and "търсят се само първите 200 знака".encode() in response.data
    else:
        assert response.status_code == 200
        assert b"<script>alert" not in response.data
        api = client.get("/api/v1/search.json", query_string={"q": query, "lang": "en"})
        assert api.status_code == 200, api.data
        assert len(api.get_json()["query"]) <= search_index.MAX_QUERY_CHARS
    from dashboards.pages import search

    text = words(search.layout(q=query))
    assert "Търсене" in text and ("резултат" in text.lower() or "Въведете" in text or "думи" in text)


def test_api_returns_the_same_results_as_data(dash_app, snap):
    body = dash_app.server.test_client().get("/api/v1/search.json?q=trafik&lang=en").get_json()
    assert body["version"] == snap.version and body["terms"] == ["trafik"]
    groups = {g["kind"]: g for g in body["groups"]}
    assert [r["key"] for r in groups["measure"]["results"]] == keys(site_search.search("trafik", "en", snap), "measure")
    assert any(part[1] for part in groups["measure"]["results"][0]["snippet"])
    assert groups["page"]["results"][0]["url"].endswith("lang=en")


def test_every_page_has_a_header_search_form_that_works_without_javascript(dash_app):
    client = dash_app.server.test_client()
    for path in ("/", "/plan", "/about?lang=en"):
        response = client.get(path)
        assert response.status_code == 200
    from dashboards.pages import about

    forms = [c for c in components(about.layout(lang="en")) if type(c).__name__ == "Form" and c.action == "/search"]
    assert forms and forms[0].method == "get"
    names = [getattr(c, "name", None) for c in components(forms[0])]
    assert "q" in names and "lang" in names


def test_sitemap_lists_search(dash_app):
    body = dash_app.server.test_client().get("/sitemap.xml").data.decode()
    assert "/search</loc>" in body


def test_missing_index_is_a_clear_message(snap, monkeypatch, dash_app):
    monkeypatch.setattr(site_search, "_connection", lambda version: None)
    from dashboards.pages import search

    assert "не е достъпно" in words(search.layout(q="трафик"))
    assert dash_app.server.test_client().get("/api/v1/search.json?q=x").status_code == 503


@pytest.mark.parametrize("query", ["трафик " * 1_500, "\U0001F600" * 10_000, "\x00\x1b" * 3_000 + "<script>alert(1)</script>" * 100])
@pytest.mark.parametrize("lang", ["bg", "en"])
def test_an_over_long_search_address_is_redirected_to_the_cut_query(dash_app, query, lang):
    """Pasted text over the 2 KB query-string bound: one redirect to /search with the query cut to
    what is searched (within the bound, the language kept), then a page saying so — never 414."""
    from urllib.parse import parse_qs, urlsplit

    from dashboards.web.server import MAX_QUERY_BYTES

    client = dash_app.server.test_client()
    response = client.get("/search", query_string={"q": query, **({"lang": lang} if lang != "bg" else {})})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.path == "/search" and len(parts.query) <= MAX_QUERY_BYTES
    args = parse_qs(parts.query)
    assert args.get("lang", ["bg"]) == [lang]
    assert 0 < len(args["q"][0]) <= search_index.MAX_QUERY_CHARS and args["q"][0].isprintable()
    assert args["cut"] == ["1"]
    page = client.get(location)
    assert page.status_code == 200
    body = page.data.decode()
    assert "<script>alert" not in body
    shown = len(args["q"][0])
    note = f"only its first {shown} characters" if lang == "en" else f"търсят се само първите {shown} знака"
    assert note in body


def test_other_addresses_keep_the_query_string_bound(dash_app):
    client = dash_app.server.test_client()
    for path in ("/plan", "/api/v1/search.json", "/institutions"):
        assert client.get(path, query_string={"q": "x" * 3000}).status_code == 414, path
    assert client.post("/search", query_string={"q": "x" * 3000}).status_code in (405, 414)


def test_a_query_within_the_bound_is_not_said_to_be_cut(dash_app):
    body = dash_app.server.test_client().get("/search", query_string={"q": "трафик"}).data.decode()
    assert "твърде дълга" not in body
    cut = dash_app.server.test_client().get("/search", query_string={"q": "x" * 300}).data.decode()
    assert "търсят се само първите 200 знака" in cut      # within the 2 KB bound, but over what is searched
