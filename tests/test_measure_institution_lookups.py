"""/plan/measure/<id> and /institutions/<code> look institutions, measures, funding, sources and related
statistics up in dicts made once per data version: they must say what filtering the published tables
says, for every measure and every institution."""
from __future__ import annotations

import math

import pytest


@pytest.fixture(scope="module")
def measure_page(dash_app):
    from dashboards.pages import measure

    return measure


def _props(node):
    """Every (component type, prop name, value) of a component tree."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _props(item)
    elif hasattr(node, "to_plotly_json"):
        for key, value in node.to_plotly_json()["props"].items():
            if key == "figure":
                continue
            yield type(node).__name__, key, value
            yield from _props(value)


def test_measure_lookups_match_the_published_tables(measure_page, snap):
    links = snap["measure_institutions"]
    series = snap["series"]
    for lang in ("bg", "en"):
        known = measure_page.lookups(snap, lang)
        for i, mid in enumerate(snap["measures"]["measure_id"]):
            assert known["position"][mid] == i
            mine = links[links["measure_id"] == mid]
            for role in ("responsible", "partner"):
                assert known["links"].get(mid, {}).get(role, []) == list(mine[mine["role"] == role]["institution_code"])
            related = series[series["measure_ids"].map(lambda ids: mid in list(ids))]
            assert [r["series"] for r in known["related"].get(mid, [])] == list(related["series"])
    assert known["names"]["DAB"].startswith("SAR")  # English abbreviation — name


@pytest.mark.parametrize("measure_id", ["2024-029", "2024-038", "2024-001"])
def test_measure_page_has_no_nan_cells(measure_page, measure_id):
    """An indicator without a written baseline/target/period shows an empty line, never 'nan'
    (the page's plain-HTML copy would print it)."""
    for lang in ("bg", "en"):
        page = measure_page.layout(measure_id=measure_id, lang=lang)
        bad = [(kind, key) for kind, key, value in _props(page) if isinstance(value, float) and math.isnan(value)]
        assert bad == []


def test_institution_lookups_match_the_published_tables(dash_app, snap):
    from dashboards.pages import institution

    inst = snap["institutions"]
    links = snap["measure_institutions"]
    series = snap["series"]
    known = institution.lookups(snap, "en")
    for code in inst["code"]:
        assert known["children"].get(code, []) == list(inst[inst["parent_code"] == code]["code"])
        mine = links[links["institution_code"] == code]
        for role in ("responsible", "partner"):
            assert known["roles"].get(code, {}).get(role, set()) == set(mine[mine["role"] == role]["measure_id"])
        assert [r["series"] for r in known["related"].get(code, [])] == list(series[series["institution_code"] == code]["series"])
    page = str(institution.layout(code="DAB", lang="en"))
    responsible = set(links[(links["institution_code"] == "DAB") & (links["role"] == "responsible")]["measure_id"])
    assert all(f"/plan/measure/{m}?lang=en" in page for m in responsible)
