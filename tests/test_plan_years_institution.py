"""Institution pages: the institution's measures counted per plan year (issue 13)."""
from __future__ import annotations

import pandas as pd

from tests.conftest import text_of


def _measures(rows):
    return pd.DataFrame([{"plan_year": y, "measure_id": m, "budget_bgn": b, "budget_shared_with": s}
                         for y, m, b, s in rows])


def test_counts_per_year_counts_each_year_and_role_apart(dash_app):
    from dashboards.pages.institution import counts_per_year

    measures = _measures([
        (2024, "2024-001", 100.0, None), (2024, "2024-002", 50.0, "2024-001"), (2024, "2024-003", float("nan"), None),
        (2025, "2025-001", 10.0, None), (2025, "2025-002", 20.0, None), (2025, "2025-003", 5.0, None),
    ])
    got = counts_per_year(measures, responsible={"2024-001", "2024-002", "2025-001", "2025-002"},
                          partner={"2024-003", "2025-002", "2025-003"})
    assert got.to_dict("records") == [
        # 2024-002 shares 2024-001's budget: counted once; 2025-002 as both: responsible wins
        {"plan_year": 2024, "responsible": 2, "partner": 1, "budget_bgn": 100.0},
        {"plan_year": 2025, "responsible": 2, "partner": 1, "budget_bgn": 30.0},
    ]


def test_counts_per_year_of_a_year_without_its_measures_is_zero(dash_app):
    from dashboards.pages.institution import counts_per_year

    got = counts_per_year(_measures([(2024, "2024-001", 1.0, None), (2025, "2025-001", 2.0, None)]),
                          responsible={"2025-001"}, partner=set())
    assert got[["plan_year", "responsible", "partner"]].values.tolist() == [[2024, 0, 0], [2025, 1, 0]]


def test_institution_page_shows_counts_per_year_in_both_languages(dash_app, snap):
    from dashboards.pages import institution

    links = snap["measure_institutions"]
    responsible = int(((links["institution_code"] == "DAB") & (links["role"] == "responsible")).sum())
    en = text_of(institution.layout(code="DAB", lang="en"))
    assert "Measures per plan year" in en and "Plan for" in en
    [row] = [r for r in _rows(institution.layout(code="DAB", lang="en")) if r and r[0] == "2024"]
    assert row[:2] == ["2024", str(responsible)] and responsible == 16
    assert "Мерки по години на плана" in text_of(institution.layout(code="DAB"))


def _rows(component):
    """The cells' text of every row of the per-year table in a page."""
    found = []

    def walk(node, inside=False):
        if isinstance(node, (list, tuple)):
            for item in node:
                walk(item, inside)
            return
        if not hasattr(node, "children"):
            return
        inside = inside or "per-year-table" in (getattr(node, "className", None) or "")
        if inside and type(node).__name__ == "Tr":
            found.append([c.children if isinstance(c.children, str) else "" for c in node.children])
        walk(node.children, inside)

    walk(component)
    return found
