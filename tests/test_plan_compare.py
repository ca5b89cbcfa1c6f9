"""/plan/compare (issue 13): the real 2024 plan against a 2025 plan derived from it by removing
four rows (tests/plan_variants.py), built and published in a folder of its own; the page lists
exactly those four as dropped, nothing as added, the rest as carried over, in both languages;
the downloads hold exactly the listed rows; bad years give a clear page; with one plan published
the page says so. Also: two near-identical measures make an ambiguity warning in the build report."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests import plan_variants as v
from tests.conftest import PROJECT, RAW, components, wait_live, words

REMOVED = ["5", "30", "60", "80"]


def _publish(folder, variants: dict) -> subprocess.CompletedProcess:
    shutil.copytree(RAW, folder / "raw")
    for name, lines in variants.items():
        v.write(folder / "raw", name, lines)
    env = {**os.environ, "MIGDASH_DATA_DIR": str(folder), "COLUMNS": "1000"}
    return subprocess.run([sys.executable, "-m", "etl", "build"], cwd=PROJECT, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory, dash_app):
    """The published snapshot of the 2024 plan and the 2025 plan without four rows."""
    from dashboards.store import current

    folder = tmp_path_factory.mktemp("two-plans")
    done = _publish(folder, {"plan-2025-draft.txt": v.without_rows(v.another_year(v.lines_of(), 2025), REMOVED)})
    assert done.returncode == 0, done.stderr[-2000:]
    return current.load_version((folder / "processed" / "current").resolve())


@pytest.fixture
def served(two_plans, monkeypatch):
    """Pages, downloads and the sitemap answered from the two-plan snapshot."""
    from dashboards.store import current
    from dashboards.web import router

    monkeypatch.setattr(current, "_latest", lambda: two_plans)
    router.clear_page_cache()
    yield two_plans
    router.clear_page_cache()


def _groups(tree) -> dict[str, list[tuple]]:
    """change -> the (measure before, measure after) of every row listed in its group."""
    out = {}
    for section in components(tree):
        change = section.to_plotly_json()["props"].get("data-change")
        if not change:
            continue
        rows = []
        for row in components(section):
            if type(row).__name__ != "Tr" or not any(type(c).__name__ == "Td" for c in row.children):
                continue
            ids = [cell.children.title if type(cell.children).__name__ == "Link" else None for cell in row.children[:2]]
            rows.append(tuple(ids))
        out[change] = rows
    return out


def _totals(tree) -> dict[str, str]:
    return {c.id[len("compare-total-"):]: c.children for c in components(tree)
            if isinstance(getattr(c, "id", None), str) and c.id.startswith("compare-total-")}


@pytest.mark.parametrize("lang, summary", [
    ("bg", "От 2024 към 2025: {kept} мерки пренесени без промяна, 0 променени, 0 нови, 4 отпаднали."),
    ("en", "From 2024 to 2025: {kept} measures carried over unchanged, 0 changed, 0 new, 4 dropped."),
])
def test_plan_compare_lists_the_four_removed_rows_as_dropped(served, lang, summary):
    from dashboards.pages import plan_compare

    measures = served["measures"]
    first = measures[measures["plan_year"] == 2024]["measure_id"].tolist()
    kept = len(first) - len(REMOVED)
    tree = plan_compare.layout(**{"from": "2024", "to": "2025", "lang": lang})
    text = words(tree)
    assert summary.format(kept=kept) in text
    groups = _groups(tree)
    removed = [f"2024-{int(n):03d}" for n in REMOVED]
    assert groups["dropped"] == [(m, None) for m in removed]
    assert groups["added"] == [] and groups["changed"] == []
    carried = groups["unchanged"]
    assert len(carried) == kept and sorted(a for a, _ in carried) == sorted(set(first) - set(removed))
    assert all(b.startswith("2025-") for _, b in carried)
    assert _totals(tree) == {"unchanged": str(kept), "changed": "0", "added": "0", "dropped": "4"}
    # the same view without from/to: the last two plans
    assert words(plan_compare.layout(lang=lang)) == text


def test_plan_compare_goal_and_institution_filters_keep_their_measures(served):
    from dashboards.pages import plan_compare

    links = served["measure_institutions"]
    dab = set(links[links["institution_code"] == "DAB"]["measure_id"])
    groups = _groups(plan_compare.layout(goal="III", institution="DAB"))
    listed = [m for rows in groups.values() for pair in rows for m in pair if m]
    goal = dict(zip(served["measures"]["measure_id"], served["measures"]["goal"]))
    assert listed and all(goal[m] == "III" for m in listed)
    for a, b in (p for rows in groups.values() for p in rows):
        assert a in dab or b in dab
    assert groups["dropped"] == [("2024-060", None)]   # row 60 (goal III, DAB) was removed


@pytest.mark.parametrize("query", [{"goal": "II"}, {"institution": "DAB", "lang": "en"}, {}])
def test_plan_compare_downloads_hold_exactly_the_listed_rows(served, dash_app, query):
    from dashboards.pages import plan_compare

    listed = sorted(p for rows in _groups(plan_compare.layout(**query)).values() for p in rows)
    client = dash_app.server.test_client()
    search = "&".join(f"{k}={val}" for k, val in query.items())
    csv = client.get(f"/download/plan-compare.csv?{search}")
    xlsx = client.get(f"/download/plan-compare.xlsx?{search}")
    assert csv.status_code == 200 and xlsx.status_code == 200
    before, after = (("Measure before", "Measure after") if query.get("lang") == "en" else ("Мярка преди", "Мярка след"))
    for frame in (pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", dtype=str),
                  pd.read_excel(io.BytesIO(xlsx.data), sheet_name=0, dtype=str)):
        got = sorted((a if isinstance(a, str) else None, b if isinstance(b, str) else None)
                     for a, b in zip(frame[before], frame[after]))
        assert got == listed
    about = pd.read_excel(io.BytesIO(xlsx.data), sheet_name=1, header=None)
    assert "2024 → 2025" in " ".join(about[1].astype(str))


@pytest.mark.parametrize("query, key", [
    ({"from": "abc"}, "compare.bad_year"),
    ({"from": "2024", "to": "2024"}, "compare.order"),
    ({"from": "2025", "to": "2024"}, "compare.order"),
    ({"from": "2023", "to": "2025"}, "compare.unknown_year"),
    ({"from": "2025"}, "compare.unknown_year"),
    ({"to": "99999999999"}, "compare.bad_year"),
])
@pytest.mark.parametrize("lang", ["bg", "en"])
def test_plan_compare_bad_years_give_a_clear_page(served, dash_app, query, key, lang):
    from dashboards.pages import plan_compare
    from dashboards.i18n import t

    tree = plan_compare.layout(**query, lang=lang)
    text = words(tree)
    assert t(key, lang, years="2024, 2025") in text
    assert not _groups(tree) and "compare-summary" not in str(tree)
    search = "&".join(f"{k}={val}" for k, val in query.items())
    assert dash_app.server.test_client().get(f"/download/plan-compare.csv?{search}").status_code == 404


def test_plan_compare_two_plans_linked_from_plan_and_in_the_sitemap(served, dash_app):
    from dashboards.pages import plan

    assert "/plan/compare" in str(plan.layout(lang="en"))
    assert b"/plan/compare" in dash_app.server.test_client().get("/sitemap.xml").data


def test_plan_page_shows_one_yearly_plan_at_a_time(served, dash_app):
    """With two plans, /plan is the latest plan's monitor and ?year= the other's: each year's measures
    and draft banner, never the two lists mixed."""
    from dashboards.pages import plan

    latest = words(plan.layout(lang="en"))
    older = words(plan.layout(year="2024", lang="en"))
    assert "85 of 85" not in latest and "81 of 81" in latest.replace("\u00a0", " ")
    assert "85 of 85" in older.replace("\u00a0", " ")
    assert "2024, 2025" not in latest and "2025" in latest
    rows = dash_app.server.test_client().get("/download/plan-targets.csv?year=2024&lang=en").get_data(as_text=True)
    assert rows.count("\n") > 1
    assert words(plan.layout(year="1999", lang="en")) == latest      # an unknown year: the latest plan


@pytest.mark.parametrize("lang, words_", [("bg", ("Публикуван е само един годишен план (2024)", "data/raw/plan/")),
                                          ("en", ("Only one yearly plan is published (2024)", "data/raw/plan/"))])
def test_plan_compare_one_plan_says_so(dash_app, snap, lang, words_):
    from dashboards.web import router
    from dashboards.pages import plan
    from dashboards.pages import plan_compare

    router.clear_page_cache()
    text = words(plan_compare.layout(lang=lang))
    assert all(w in text for w in words_) and "python -m etl build" in text
    assert "/plan/compare" not in str(plan.layout(lang=lang))
    client = dash_app.server.test_client()
    assert client.get("/plan/compare").status_code == 200
    assert b"/plan/compare" not in client.get("/sitemap.xml").data
    assert client.get("/download/plan-compare.csv").status_code == 404


@pytest.mark.browser
def test_plan_compare_browser_filter_url_reload(served, dash_duo, dash_app, server_port):
    from tests.conftest import choose

    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan/compare?from=2024&to=2025&lang=en")
    wait_live(dash_duo)
    summary = dash_duo.wait_for_element("#compare-summary", timeout=15).text
    kept = len(served["measures"][served["measures"]["plan_year"] == 2024]) - 4
    assert summary == f"From 2024 to 2025: {kept} measures carried over unchanged, 0 changed, 0 new, 4 dropped."
    dropped = dash_duo.find_elements("section[data-change=dropped] tbody tr")
    assert [r.find_element("css selector", "a").get_attribute("title") for r in dropped] == \
        [f"2024-{int(n):03d}" for n in REMOVED]
    # the measures carried over unchanged are drawn when their list is opened
    assert dash_duo.find_elements("section[data-change=unchanged] tbody tr") == []
    opener = dash_duo.find_element("section[data-change=unchanged] summary")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", opener)
    from dash.testing.wait import until
    until(lambda: len(dash_duo.find_elements("section[data-change=unchanged] tbody tr")) == kept, timeout=10)
    choose(dash_duo, "#compare-goal", "II. Security")
    dash_duo.wait_for_contains_text("#compare-summary", "1 dropped", timeout=15)
    assert "goal=II" in dash_duo.driver.current_url
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#compare-summary", "1 dropped", timeout=15)
    assert len(dash_duo.find_elements("section[data-change=dropped] tbody tr")) == 1
    assert dash_duo.get_logs() == []


# --- the ambiguity warning -------------------------------------------------------------------

def test_plan_compare_near_identical_measures_are_an_ambiguity_warning_in_the_build_report(tmp_path):
    """Row 12 printed twice in the 2025 plan (the copy a second row with the same text): 2024's
    measure 12 scores alike against both, so the build report warns and names the pin file."""
    lines = v.another_year(v.lines_of(), 2025)
    _, _, first, last = next(r for r in v.rows_of() if r[0].rstrip(".") == "12")
    doubled = lines[:last] + lines[first - 1:last] + lines[last:]
    done = _publish(tmp_path, {"plan-2025-draft.txt": doubled})
    assert done.returncode == 0, done.stderr[-2000:]
    report = done.stdout + done.stderr
    assert "2025-012" in report and "is matched to 2024-012" in report
    assert "but another measure scores" in report and "data/raw/plan/matches.yml" in report
    # the other 84 measures are matched without a warning
    assert report.count("is matched to") == 1


def test_plan_compare_download_kind_has_no_embed(served, dash_app):
    """plan-compare is a list's download, not a chart: /embed/plan-compare is not found."""
    from dashboards.pages import embed

    assert embed.layout(chart_id="plan-compare").children[0].data.get("status") == 404
    assert dash_app.server.test_client().get("/embed/plan-compare").status_code == 404
