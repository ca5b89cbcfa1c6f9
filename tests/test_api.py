"""The read-only API (/api/v1/): filters, sorting, paging, languages, CSV, errors, caching, CORS,
the OpenAPI description, and a schemathesis fuzz run against a real local server.

Expected rows were looked up in the published test data (data/raw built by the `data_dir` fixture)
and are compared exactly.
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from etl.schemas import TABLES

MEASURES_GOAL_IV = ["2024-064", "2024-064-b", "2024-065", "2024-066"]
MEASURES_GOAL_III = ["2024-043", "2024-044", "2024-045", "2024-046", "2024-047", "2024-048", "2024-049",
                     "2024-050", "2024-051", "2024-052", "2024-053", "2024-054", "2024-055", "2024-056",
                     "2024-057", "2024-058", "2024-059", "2024-060", "2024-061", "2024-062", "2024-063"]
ASYLUM_TOTALS = "/api/v1/observations.json?series=asylum_applicants&citizenship__isnull=true"

# (url, columns shown, expected rows in order)
EXPECTED_FILTERS = {
    "exact": ("/api/v1/measures.json?goal=IV&_sort=measure_id", ("measure_id",), MEASURES_GOAL_IV),
    "exact_int": ("/api/v1/observations.json?series=readmissions&year=2023", ("period", "value"), [("2023", 243)]),
    "ne": ("/api/v1/institutions.json?parent_code__ne=NGO&in_glossary=false", ("code", "parent_code"),
           [("AZ", "MTSP"), ("AZ-DBT", "AZ"), ("DAB-TP", "DAB"), ("MVR-DMP", "MVR"),
            ("SOFIA-MUNICIPALITY", "MUNICIPALITIES")]),
    "gt": (ASYLUM_TOTALS + "&year__gt=2021", ("period", "value"), [("2022", 20390), ("2023", 22510), ("2024", 12260)]),
    "gt_text": ("/api/v1/measures.json?measure_id__gt=2024-083", ("measure_id",), ["2024-084"]),
    "gte": (ASYLUM_TOTALS + "&year__gte=2023", ("period", "value"), [("2023", 22510), ("2024", 12260)]),
    "gte_text": ("/api/v1/observations.json?series=temporary_protection_beneficiaries&period__gte=2025-01",
                 ("period", "value"), [("2025-01", 69935), ("2025-02", 70655), ("2025-03", 72220)]),
    "lt": (ASYLUM_TOTALS + "&year__lt=2010", ("period", "value"), [("2008", 745), ("2009", 855)]),
    "lt_date": ("/api/v1/measures.json?deadline_date__lt=2024-06-30", ("measure_id", "deadline_date"),
                [("2024-029", "2024-03-31"), ("2024-084", "2024-02-29")]),
    "lte": (ASYLUM_TOTALS + "&value__lte=1000", ("period", "value"), [("2008", 745), ("2009", 855), ("2011", 890)]),
    "in": ("/api/v1/measure_institutions.json?institution_code__in=UDI,BMAS", ("measure_id", "institution_code", "role"),
           [("2024-033", "BMAS", "partner"), ("2024-082", "BMAS", "partner"), ("2024-054", "UDI", "partner")]),
    "contains": ("/api/v1/institutions.json?name_bg__contains=ДИРЕКЦИЯ", ("code",),
                 ["ASP-DSP", "ASP-RDSP", "MVR-DESMS", "MVR-DKIAD", "MVR-DM", "MVR-DMP", "MVR-GDBOP", "MVR-GDGP"]),
    "contains_list": ("/api/v1/series.json?measure_ids__contains=2024-078", ("series",),
                      ["trafficking_offences", "trafficking_persons_convicted", "trafficking_persons_formal_contact",
                       "trafficking_persons_prosecuted"]),
    "isnull_true": ("/api/v1/measures.json?deadline_date__isnull=true", ("measure_id",),
                    ["2024-013", "2024-014", "2024-044", "2024-059"]),
    "isnull_false": ("/api/v1/institutions.json?in_glossary=false&parent_code__isnull=false", ("code",),
                     ["A21", "AZ", "AZ-DBT", "DAB-TP", "MVR-DMP", "SOFIA-MUNICIPALITY"]),
    "float": ("/api/v1/measures.json?budget_bgn__gte=1000000", ("measure_id", "budget_bgn"),
              [("2024-006", 6000000), ("2024-021", 10000000), ("2024-022", 1000000), ("2024-028", 4800000),
               ("2024-034", 6000000), ("2024-037", 1600000), ("2024-054", 23558781)]),
    "sort_descending": ("/api/v1/goals.json?_sort=-goal", ("goal",), ["VII", "VI", "V", "IV", "III", "II", "I"]),
    "sort_tie_breaker": ("/api/v1/measure_institutions.json?measure_id=2024-033&_sort=-role", ("institution_code", "role"),
                         [("NKBTH", "responsible"), ("TIP-COUNSELLING-DE", "responsible"), ("BMAS", "partner"),
                          ("ELA", "partner"), ("MKBTH", "partner")]),
}

EXPECTED_CSV = ("\ufeffcode,name,name_bg,name_en\r\n"
                'amif,"Asylum, Migration and Integration Fund (AMIF)","Фонд „Убежище, миграция и интеграция“ (ФУМИ)",'
                '"Asylum, Migration and Integration Fund (AMIF)"\r\n'
                "unhcr,UNHCR,ВКБООН,UNHCR\r\n")
EXPECTED_CSV_IN = "\ufeffmeasure_id,institution_code,role\r\n2024-033,BMAS,partner\r\n2024-082,BMAS,partner\r\n2024-054,UDI,partner\r\n"

SORTABLE_MEASURES = ("plan_year, measure_id, number, goal, title, title_en, objective, expected_results, budget_text, "
                     "budget_bgn, budget_eur, budget_shared_with, deadline_text, deadline_date, source_line")
MEASURES_COLUMNS = ("plan_year, measure_id, number, goal, title, title_en, objective, expected_results, budget_text, "
                    "budget_bgn, budget_eur, funding, budget_shared_with, deadline_text, deadline_date, source_line, notes")
# (url, parameter, message)
EXPECTED_ERRORS = {
    "unknown_column": ("/api/v1/measures.json?year=2024", "year",
                       f"unknown column 'year' in table measures; columns: {MEASURES_COLUMNS}"),
    "unknown_operator": ("/api/v1/measures.json?goal__like=I", "goal__like",
                         "unknown operator 'like'; operators: (none for exact), __ne, __gt, __gte, __lt, __lte, __in, "
                         "__contains, __isnull"),
    "operator_for_type": ("/api/v1/observations.json?value__contains=5", "value__contains",
                          "operator __contains is not available for float column value; available: (none), __ne, __gt, "
                          "__gte, __lt, __lte, __in, __isnull"),
    "operator_for_list": ("/api/v1/measures.json?funding=amif", "funding",
                          "operator (exact) is not available for list column funding; available: __contains"),
    "value_int": ("/api/v1/observations.json?year=20x3", "year", "year is a int column: '20x3' is not a whole number"),
    "value_int_range": ("/api/v1/observations.json?year=99999999999999999999", "year",
                        "year is a int column: '99999999999999999999' is not a whole number"),
    "value_float": ("/api/v1/observations.json?value=1e999", "value", "value is a float column: '1e999' is out of range"),
    "value_float_nan": ("/api/v1/observations.json?value__gt=nan", "value__gt", "value is a float column: 'nan' is not a number"),
    "value_date": ("/api/v1/measures.json?deadline_date__gt=31.12.2024", "deadline_date__gt",
                   "deadline_date is a date column: '31.12.2024' is not a date (YYYY-MM-DD)"),
    "value_bool": ("/api/v1/institutions.json?in_glossary=yes", "in_glossary",
                   "in_glossary is a bool column: 'yes' is not true or false"),
    "value_isnull": ("/api/v1/institutions.json?parent_code__isnull=maybe", "parent_code__isnull",
                     "__isnull takes true or false, not 'maybe'"),
    "value_too_long": ("/api/v1/measures.json?goal=" + "x" * 501, "goal", "goal is a string column: longer than 500 characters"),
    "in_too_long": ("/api/v1/measures.json?goal__in=" + ",".join(["I"] * 101), "goal__in",
                    "goal is a string column: more than 100 values"),
    "too_many_parameters": ("/api/v1/measures.json?" + "&".join(f"c{i}=1" for i in range(41)), "c40",
                            "more than 40 query parameters"),
    "repeated": ("/api/v1/measures.json?goal=I&goal=II", "goal", "given more than once; use goal__in"),
    "sort_unknown": ("/api/v1/measures.json?_sort=nope", "_sort",
                     f"unknown column 'nope' in table measures; columns: {SORTABLE_MEASURES}"),
    "sort_list": ("/api/v1/measures.json?_sort=funding", "_sort", "list column funding cannot be sorted"),
    "sort_twice": ("/api/v1/measures.json?_sort=goal,-goal", "_sort", "column goal is given more than once"),
    "sort_empty": ("/api/v1/measures.json?_sort=", "_sort", "give 1 to 500 characters: columns separated by commas"),
    "limit_negative": ("/api/v1/measures.json?_limit=-1", "_limit", "'-1' is not a whole number from 0 to 1000 (or max)"),
    "limit_over_cap": ("/api/v1/measures.json?_limit=1001", "_limit", "'1001' is not a whole number from 0 to 1000 (or max)"),
    "offset_over_max": ("/api/v1/measures.json?_offset=1000001", "_offset", "'1000001' is not a whole number from 0 to 1000000"),
    "offset_text": ("/api/v1/measures.json?_offset=ten", "_offset", "'ten' is not a whole number from 0 to 1000000"),
    "lang": ("/api/v1/measures.json?_lang=fr", "_lang", "'fr' is not one of: bg, en"),
    "unknown_special": ("/api/v1/measures.csv?_page=2", "_page",
                        "unknown parameter '_page'; special parameters: _sort, _limit, _offset, _lang"),
}
NASTY_QUERIES = ["?=1", "?__=1", "?goal__=1", "?goal____in=1", "?%00=%00", "?goal=%ff%fe", "?year=%2B1",
                 "?year__in=1,,2", "?deadline_date=2024-02-30", "?value__in=1e308,-1e308", "?_sort=-", "?_sort=,",
                 "?_limit=max&_offset=1000000", "?_limit=00000000000", "?funding__contains=" + "я" * 500,
                 "?title__contains=%22%3B--", "?measures_stated__isnull=TRUE", "?plan_year__in=" + ",".join(["9" * 19] * 100)]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _rows(client, url: str, columns: tuple[str, ...]) -> list:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.get_json()["rows"]
    return [row[columns[0]] if len(columns) == 1 else tuple(row[c] for c in columns) for row in rows]


@pytest.mark.parametrize("variant", list(EXPECTED_FILTERS))
def test_api_filter_operators(client, variant):
    url, columns, expected = EXPECTED_FILTERS[variant]
    assert _rows(client, url, columns) == expected


def test_api_filter_answer_shape(client, snap):
    body = client.get("/api/v1/observations.json?series=readmissions&year=2023").get_json()
    assert list(body) == ["table", "version", "total", "next", "columns", "rows"]
    assert (body["table"], body["version"], body["total"], body["next"]) == ("observations", snap.version, 1, None)
    assert body["columns"] == TABLES["observations"].names
    assert body["rows"][0]["value"] == 243 and body["rows"][0]["citizenship"] is None


def test_api_filter_contains_case_insensitive(client):
    lower = _rows(client, "/api/v1/institutions.json?name_bg__contains=дирекция", ("code",))
    assert lower == EXPECTED_FILTERS["contains"][2]


def test_api_filter_ne_excludes_empty(client, snap):
    total = client.get("/api/v1/institutions.json?parent_code__ne=NGO&_limit=0").get_json()["total"]
    frame = snap["institutions"]
    assert total == int((frame["parent_code"].notna() & (frame["parent_code"] != "NGO")).sum()) == 21


def test_api_sort_default_is_declared_then_key(client):
    assert _rows(client, "/api/v1/measures.json?goal=IV", ("measure_id",)) == MEASURES_GOAL_IV
    assert _rows(client, "/api/v1/goals.json", ("goal",)) == ["I", "II", "III", "IV", "V", "VI", "VII"]


def test_api_paging_next(client):
    url, seen, pages = "/api/v1/measures.json?goal=III&_limit=5", [], 0
    first = client.get(url).get_json()
    assert first["next"] == "/api/v1/measures.json?goal=III&_limit=5&_offset=5"
    while url:
        body = client.get(url).get_json()
        assert body["total"] == 21
        seen += [row["measure_id"] for row in body["rows"]]
        url, pages = body["next"], pages + 1
    assert seen == MEASURES_GOAL_III and pages == 5


def test_api_paging_limit_max_and_zero(client, snap):
    full = client.get("/api/v1/observations.json?_limit=max").get_json()
    bulgaria = int((snap["observations"]["geo"] == "BGR").sum())
    assert len(full["rows"]) == 1000 and full["total"] == bulgaria
    assert full["next"] == "/api/v1/observations.json?_limit=1000&_offset=1000"
    none = client.get("/api/v1/observations.json?_limit=0").get_json()
    assert none["rows"] == [] and none["next"] is None and none["total"] == bulgaria


def test_api_paging_offset_past_end(client):
    body = client.get("/api/v1/goals.json?_offset=500").get_json()
    assert (body["rows"], body["total"], body["next"]) == ([], 7, None)


def test_api_lang_en(client):
    body = client.get("/api/v1/institutions.json?code=MVR-GDGP&_lang=en").get_json()
    assert body["columns"] == ["code", "abbr", "abbr_bg", "abbr_en", "name", "name_bg", "name_en", "parent_code",
                               "in_glossary", "source_line"]
    row = body["rows"][0]
    assert (row["abbr"], row["name"], row["abbr_bg"]) == ("BP", row["name_en"], "ГДГП")


def test_api_lang_bg(client):
    row = client.get("/api/v1/series.json?series=readmissions&_lang=bg").get_json()["rows"][0]
    assert (row["name"], row["definition"]) == (row["name_bg"], row["definition_bg"])
    assert row["name"] != row["name_en"]


def test_api_lang_without_pairs(client):
    body = client.get("/api/v1/measures.json?goal=IV&_lang=en").get_json()
    assert body["columns"] == TABLES["measures"].names


def test_api_csv_exact(client):
    response = client.get("/api/v1/funding_sources.csv?code__in=amif,unhcr&_lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=funding_sources.csv"
    assert response.data.decode("utf-8") == EXPECTED_CSV
    assert client.get("/api/v1/measure_institutions.csv?institution_code__in=UDI,BMAS").data.decode("utf-8") == EXPECTED_CSV_IN


def test_api_csv_same_rows_as_json(client):
    url = "measures.{}?goal=IV&_sort=-measure_id&_limit=2"
    csv_response = client.get("/api/v1/" + url.format("csv"))
    body = client.get("/api/v1/" + url.format("json")).get_json()
    lines = csv_response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(body["columns"])
    assert [line.split(",")[1] for line in lines[1:]] == ["2024-066", "2024-065"] == [r["measure_id"] for r in body["rows"]]
    assert csv_response.headers["Link"] == '</api/v1/measures.csv?goal=IV&_sort=-measure_id&_limit=2&_offset=2>; rel="next"'
    assert csv_response.headers["X-Total-Count"] == "4"


@pytest.mark.parametrize("variant", list(EXPECTED_ERRORS))
def test_api_error_bad_request(client, variant):
    url, parameter, message = EXPECTED_ERRORS[variant]
    response = client.get(url)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.get_json() == {"error": {"parameter": parameter, "message": message}}
    assert "ETag" not in response.headers and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_api_error_never_500(client, query):
    for fmt in ("json", "csv"):
        response = client.get(f"/api/v1/measures.{fmt}{query}")
        assert response.status_code in (200, 400), (query, response.data[:300])
        if response.status_code == 400:
            assert set(response.get_json()["error"]) == {"parameter", "message"}


def test_api_error_unknown_table(client):
    response = client.get("/api/v1/nope.json")
    assert response.status_code == 404
    assert response.get_json()["error"]["parameter"] == "table"
    assert response.get_json()["error"]["message"].startswith("unknown table 'nope'; tables: plans, goals, measures")
    for path in ("/api/v1/measures.xml", "/api/v1/measures", "/api/v1/a/b.json", "/api/v1/../etc/passwd.csv"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"] == {"parameter": None, "message": "no such address; see /api/v1/"}


def test_api_error_method(client):
    response = client.post("/api/v1/measures.json")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.get_json()["error"]["message"] == "method POST not allowed; the API is read-only"


def test_api_error_no_data(client, monkeypatch):
    from dashboards.store import current

    def unavailable():
        raise current.DataUnavailable("no published data")
    monkeypatch.setattr(current, "snapshot", unavailable)
    response = client.get("/api/v1/measures.json")
    assert response.status_code == 503
    assert response.get_json() == {"error": {"parameter": None, "message": "no published data"}}


def test_api_error_unexpected_is_json(client, monkeypatch):
    from dashboards.web import api

    def broken(*args):
        raise RuntimeError("a bug")
    monkeypatch.setattr(api, "query_table", broken)
    response = client.get("/api/v1/measures.json")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"parameter": None, "message": "internal error"}}


def test_api_etag_not_modified(client):
    url = "/api/v1/measures.json?goal=IV"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    for sent in (etag, f"W/{etag}", f'"other", {etag}', etag[:-1] + ':gzip"', "*"):
        again = client.get(url, headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.data == b""
        assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "public, max-age=300"
        assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_api_etag_from_normalised_query(client):
    def tag(url):
        return client.get(url).headers["ETag"]
    base = tag("/api/v1/measures.json?goal=IV&plan_year=2024")
    assert tag("/api/v1/measures.json?plan_year=2024&goal=IV") == base
    assert tag("/api/v1/measures.json?plan_year=2024&goal=IV&_limit=100&_offset=0") == base
    assert tag("/api/v1/measures.json?goal=III&plan_year=2024") != base
    assert tag("/api/v1/measures.csv?goal=IV&plan_year=2024") != base


def test_api_cors(client):
    assert client.get("/api/v1/goals.json").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/").headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/goals.json", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"].split(", ")
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "ETag" in client.get("/api/v1/goals.json").headers["Access-Control-Expose-Headers"]


def test_api_head(client):
    response = client.head("/api/v1/goals.csv")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"] == client.get("/api/v1/goals.csv").headers["ETag"]


def test_api_index(client, snap):
    body = client.get("/api/v1/").get_json()
    assert body["version"] == snap.version and body["openapi"] == "/api/v1/openapi.json"
    assert [t["name"] for t in body["tables"]] == list(TABLES)
    measures = next(t for t in body["tables"] if t["name"] == "measures")
    assert measures == {"name": "measures", "title_bg": "Мерки на плана", "title_en": "Plan measures", "group": "plan",
                        "rows": len(snap["measures"]), "json": "/api/v1/measures.json", "csv": "/api/v1/measures.csv"}
    for table in body["tables"]:   # observations: Bulgaria by default, geo=* every reporting country
        every = "&geo=*" if table["name"] == "observations" else ""
        assert client.get(table["json"] + "?_limit=0" + every).get_json()["total"] == table["rows"]
    bulgaria = int((snap["observations"]["geo"] == "BGR").sum())
    assert client.get("/api/v1/observations.json?_limit=0").get_json()["total"] == bulgaria < len(snap["observations"])


def test_api_query_table_pure(snap):
    from dashboards.store.query import query_table
    from dashboards.store.query_params import QueryError, UnknownTable

    frame = snap["measures"]
    before = frame.copy()
    page, total, next_offset = query_table(frame, "measures", {"goal": "III", "_limit": "5", "_offset": "15"})
    assert (list(page["measure_id"]), total, next_offset) == (MEASURES_GOAL_III[15:20], 21, 20)
    page, total, next_offset = query_table(frame, "measures", [("goal", "III"), ("_offset", "20")])
    assert (list(page["measure_id"]), total, next_offset) == (MEASURES_GOAL_III[20:], 21, None)
    assert frame.equals(before)
    with pytest.raises(QueryError) as error:       # a bad parameter (the API's 400), named
        query_table(frame, "measures", {"goal__near": "I"})
    assert error.value.parameter == "goal__near" and not isinstance(error.value, UnknownTable)


def test_api_openapi_valid(client):
    import schemathesis

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.headers["ETag"]
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(spec).validate()     # the OpenAPI 3.1 meta-schema
    assert set(spec["paths"]) == {"/api/v1/", "/api/v1/openapi.json"} | {
        f"/api/v1/{name}.{fmt}" for name in TABLES for fmt in ("json", "csv")}
    operation = spec["paths"]["/api/v1/observations.json"]["get"]
    assert {"200", "304", "400", "404"} <= set(operation["responses"])
    parameters = [spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] for p in operation["parameters"]]
    names = {p["name"] for p in parameters}
    assert {"year", "year__gte", "year__in", "series__contains", "citizenship__isnull", "_sort", "_limit", "_offset",
            "_lang"} <= names
    assert "year__contains" not in names
    by_name = {p["name"]: p for p in parameters}
    assert by_name["year__gte"]["schema"]["type"] == "integer"
    assert by_name["year__in"]["schema"]["items"]["type"] == "integer" and by_name["year__in"]["explode"] is False
    assert by_name["value"]["schema"] == {"type": "number"}
    measures = [spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
                for p in spec["paths"]["/api/v1/measures.csv"]["get"]["parameters"]]
    assert "funding__contains" in measures and "funding" not in measures
    assert "deadline_date__lt" in measures


FUZZ_EXAMPLES = 20      # per operation and generation mode: about 1,000 requests, ~20 s on one core


@pytest.fixture
def live_server(dash_app):
    """The real WSGI application on a free port of 127.0.0.1, in a thread (safe beside other workers)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, dash_app.server, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.xdist_group("api_fuzz")
def test_api_fuzz_openapi(live_server):
    """Every operation of the OpenAPI description, valid and invalid inputs: no 5xx, answers as described."""
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                     response_schema_conformance, status_code_conformance)

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
              response_schema_conformance]
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the operation that serves the description it was loaded from
    assert {op.label for op in operations} == {"GET /api/v1/"} | {
        f"GET /api/v1/{name}.{fmt}" for name in TABLES for fmt in ("json", "csv")}
    session = requests.Session()
    session.trust_env = False       # never through a proxy: 127.0.0.1 only
    answers: Counter = Counter()
    for operation in operations:
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if operation.query else [])
        for mode in modes:
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case):
                response = case.call_and_validate(base_url=live_server, session=session, checks=checks)
                answers[(operation.label, mode.value, response.status_code)] += 1
            run()
    print(f"fuzz: {sum(answers.values())} requests over {len(operations)} operations:",
          dict(Counter((mode, status) for (_, mode, status) in answers.elements())))
    assert all(status < 500 for (_, _, status) in answers)
    for operation in operations:     # each operation answered real rows, and (with parameters) rejected bad input
        assert answers[(operation.label, "positive", 200)], operation.label
        if operation.query:
            assert any(answers[(operation.label, "negative", status)] for status in (400, 404)), operation.label
