"""/plan: filters from the URL, the measures table, both languages; one browser test per language."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import choose, components

from dashboards.ui.params import parse, search_of


@pytest.fixture(scope="module")
def plan_page(dash_app):
    from dashboards.pages import plan

    return plan


def test_plan_page_state_from_url_is_validated(plan_page, snap):
    state = parse({"goal": "II", "inst": "DAB", "lang": "en", "x": "y"}, plan_page.PARAMS)
    assert state == {"lang": "en", "year": None, "goal": "II", "inst": "DAB", "role": None, "fund": None, "due": None,
                     "q": None}
    bad = parse({"goal": "IX", "inst": "<script>", "role": "boss", "lang": "fr", "q": "x" * 10_000, "year": "20x4"},
                plan_page.PARAMS)
    assert bad["year"] is None and bad["goal"] is None and bad["inst"] is None and bad["role"] is None and bad["lang"] == "bg"
    assert len(bad["q"]) <= 200
    assert search_of(state, plan_page.PARAMS) == "?goal=II&inst=DAB&lang=en"


def test_plan_page_rows_filtered_by_goal_institution_and_role(plan_page, snap):
    base = {"lang": "bg", "goal": None, "inst": None, "role": None, "fund": None, "due": None, "q": None}
    assert len(plan_page.grid_rows(snap, base)) == 85
    goal_ii = plan_page.grid_rows(snap, {**base, "goal": "II"})
    assert len(goal_ii) == 19 and {r["goal"] for r in goal_ii} == {"II"}
    sar = plan_page.grid_rows(snap, {**base, "inst": "DAB", "role": "responsible"})
    assert {r["number"] for r in sar} == {str(n) for n in range(49, 63)} | {"44", "77"}  # 77: "НКБТХ, ДАБ"
    text = plan_page.grid_rows(snap, {**base, "q": "Фронтекс"})
    assert {"39", "74", "80"} <= {r["number"] for r in text}
    frontex = plan_page.grid_rows(snap, {**base, "fund": "frontex"})
    assert {r["number"] for r in frontex} == {"39", "74", "80"}
    first_quarter = plan_page.grid_rows(snap, {**base, "due": "2024-Q1"})
    assert {r["number"] for r in first_quarter} == {"29", "84"}  # March and February 2024
    open_ended = plan_page.grid_rows(snap, {**base, "due": "open"})
    assert {r["number"] for r in open_ended} == {"13", "14", "44", "59"}


def test_plan_page_charted_indicators_share_one_scale(plan_page, snap):
    from dashboards.store.plans import plan_indicators
    from dashboards.ui import indicator_targets

    state = parse({"goal": "VII"}, plan_page.PARAMS)
    indicators = plan_indicators(snap, plan_page.selected_measures(snap, state), "bg")
    rows = indicator_targets.dumbbell_rows(indicators, "bg")
    # every charted indicator has a numeric baseline and a different numeric target
    assert len(rows) and (rows["baseline_value"] != rows["target_value"]).all()
    # the page takes them from the rows made once per version: the same rows
    pd.testing.assert_frame_equal(indicator_targets.dumbbell_rows_of(snap, indicators, "bg"), rows)
    assert "76. Брой проведени семинари" in rows["label"].tolist()
    summary = indicator_targets.dumbbell_summary(rows, len(indicators), "bg")
    assert summary.startswith(f"{len(rows)} от {len(indicators)} индикатора имат числова текуща и целева стойност")


def test_plan_page_english_labels_and_links_keep_language(plan_page, snap):
    rows = plan_page.grid_rows(snap, {"lang": "en", "goal": "V", "inst": None, "role": None, "fund": None,
                                      "due": None, "q": None})
    assert rows[0]["href"] == "/plan/measure/2024-067?lang=en"
    assert rows[0]["responsible"] == "BP"  # Border Police, English abbreviation
    assert rows[0]["budget_label"] == "–"


def test_plan_page_layout_renders_both_languages(plan_page, snap):
    bg = str(plan_page.layout(goal="III"))
    en = str(plan_page.layout(goal="III", lang="en"))
    assert "План за действие" in bg and "21 от 85 мерки" in bg
    assert "Action plan" in en and "21 of 85 measures" in en
    assert "Проект." in bg and "Draft." in en  # the draft status is shown wherever the plan is


def _ids_in_order(node, out=None) -> list:
    out = [] if out is None else out
    if isinstance(node, (list, tuple)):
        for item in node:
            _ids_in_order(item, out)
    elif hasattr(node, "to_plotly_json"):
        if getattr(node, "id", None):
            out.append(node.id)
        _ids_in_order(getattr(node, "children", None), out)
    return out


def test_plan_page_grid_comes_as_data_after_the_charts(plan_page, snap):
    """The measures grid is drawn in the browser once the charts above it are (its script no longer
    holds up the first chart): the page carries the grid whole, with every filtered row."""
    page = plan_page.layout(goal="II", lang="en")
    ids = _ids_in_order(page)
    assert ids.index("plan-status") < ids.index("plan-targets") < ids.index("plan-grid-component") < ids.index("plan-grid-slot")
    store = next(c for c in components(page) if getattr(c, "id", None) == "plan-grid-component")
    grid = store.data
    assert grid["type"] == "AgGrid" and grid["namespace"] == "dash_ag_grid" and grid["props"]["id"] == "plan-grid"
    state = parse({"goal": "II", "lang": "en"}, plan_page.PARAMS)
    assert grid["props"]["rowData"] == plan_page.grid_rows(snap, state)
    assert len(grid["props"]["rowData"]) == 19 and grid["props"]["dashGridOptions"]["pagination"] is True
    assert ".chart-block" in plan_page.GRID_AFTER_CHARTS and ".main-svg" in plan_page.GRID_AFTER_CHARTS


def test_plan_page_summaries_match_a_direct_count(plan_page, snap):
    """The per-goal table, the status counts and the totals (computed from per-version lists for
    speed) agree with counting the published tables directly."""
    from dashboards.store.plans import budget_total, goal_status_counts, goal_summary, plan_indicators

    for query in ({}, {"goal": "II"}, {"inst": "DAB", "role": "responsible"}, {"q": "обучения"}, {"due": "open"}):
        state = parse(query, plan_page.PARAMS)
        measures = plan_page.selected_measures(snap, state)
        indicators = plan_indicators(snap, measures, "bg")
        every = snap["indicators"][snap["indicators"]["measure_id"].isin(measures["measure_id"])]
        assert list(indicators["indicator_id"]) == list(every["indicator_id"])
        summary = goal_summary(snap, measures, indicators).set_index("goal")
        joined = every.merge(measures[["measure_id", "goal"]], on="measure_id")
        for goal, part in measures.groupby("goal"):
            assert summary.loc[goal, "measures"] == len(part)
            assert summary.loc[goal, "indicators"] == (joined["goal"] == goal).sum()
            assert summary.loc[goal, "numeric_targets"] == joined.loc[joined["goal"] == goal, "target_value"].notna().sum()
        assert abs(summary["budget_bgn"].sum() - budget_total(measures)) < 0.01
        counts = goal_status_counts(snap, indicators, "bg")
        direct = joined.groupby(["goal", "status"]).size()
        assert {(g, s): n for g, s, n in zip(counts["goal"], counts["status"], counts["indicators"])} == direct.to_dict()
        assert len(plan_page.grid_rows(snap, state)) == len(measures)


@pytest.mark.browser
@pytest.mark.parametrize("lang, goal_label, count_text", [
    ("bg", "II. Сигурност", "19 от 85 мерки"),
    ("en", "II. Security", "19 of 85 measures"),
])
def test_plan_page_browser_filter_url_reload(dash_duo, dash_app, server_port, lang, goal_label, count_text):
    from dash.testing.wait import until

    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    suffix = "" if lang == "bg" else "?lang=en"
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan{suffix}")
    dash_duo.wait_for_element("#plan-grid .ag-row", timeout=10)
    assert dash_duo.find_element("html").get_attribute("lang") == lang
    choose(dash_duo, "#plan-goal", goal_label)
    dash_duo.wait_for_text_to_equal("#plan-count", count_text, timeout=10)
    url = dash_duo.driver.current_url
    assert "goal=II" in url and (lang == "bg" or "lang=en" in url)
    # the grid is drawn just after the rest of the page (see plan.GRID_AFTER_CHARTS): wait for its rows
    goals = ("return Array.from(document.querySelectorAll(\"#plan-grid .ag-row [col-id='goal']\"))"
             ".map(el => el.textContent)")
    until(lambda: set(dash_duo.driver.execute_script(goals)) == {"II"}, timeout=5)
    dash_duo.driver.refresh()  # the same URL gives the same view
    dash_duo.wait_for_text_to_equal("#plan-count", count_text, timeout=10)
    dash_duo.driver.back()  # back to the unfiltered plan
    dash_duo.wait_for_text_to_equal("#plan-count", "85 от 85 мерки" if lang == "bg" else "85 of 85 measures", timeout=10)
    choose(dash_duo, "#plan-goal", goal_label)
    dash_duo.wait_for_text_to_equal("#plan-count", count_text, timeout=10)
    choose(dash_duo, "#plan-goal", "Всички цели" if lang == "bg" else "All goals")  # clearing the filter
    dash_duo.wait_for_text_to_equal("#plan-count", "85 от 85 мерки" if lang == "bg" else "85 of 85 measures", timeout=10)
    assert "goal=" not in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_plan_page_browser_grid_shown_below_the_fold(dash_duo, dash_app, server_port):
    """The measures grid sits below the charts. Its headers and cells must be visible (and so in
    the accessibility tree) without scrolling to it: AG Grid's content-visibility skipped their
    layout off-screen and left them hidden, failing the aria-required-children audit."""
    from dash.testing.wait import until

    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan")
    dash_duo.wait_for_element("#plan-status-graph .main-svg", timeout=10)
    dash_duo.wait_for_element("#plan-grid .ag-header-cell", timeout=10)
    assert dash_duo.driver.execute_script("return window.scrollY") == 0
    hidden = ("return Array.from(document.querySelectorAll('#plan-grid .ag-header-cell, #plan-grid .ag-cell'))"
              ".filter(el => getComputedStyle(el).visibility !== 'visible').length")
    until(lambda: dash_duo.driver.execute_script(hidden) == 0, timeout=5)
    assert len(dash_duo.find_elements("#plan-grid [role='columnheader']")) == 6
    assert dash_duo.get_logs() == []
