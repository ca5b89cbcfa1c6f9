"""A measure's history across the yearly plans (issue 13): the chain of matched measures, its
indicators per year, the small chart, and the measure page showing it."""
from __future__ import annotations

import math

import pandas as pd
import pytest


def _changes(rows):
    return pd.DataFrame(rows, columns=["change", "from_measure_id", "to_measure_id"])


def test_history_chain_follows_matched_pairs_only():
    from dashboards.store.history import chain, links

    back, forth = links(_changes([
        ("unchanged", "2024-001", "2025-001"), ("changed", "2025-001", "2026-003"), ("changed", "2025-001", "2026-003"),
        ("dropped", "2024-002", None), ("added", None, "2025-009"),
    ]))
    assert chain(back, forth, "2025-001") == ["2024-001", "2025-001", "2026-003"]
    assert chain(back, forth, "2026-003") == ["2024-001", "2025-001", "2026-003"]
    assert chain(back, forth, "2024-002") == ["2024-002"] and chain(back, forth, "2025-009") == ["2025-009"]
    assert links(None) == ({}, {}) and links(_changes([])) == ({}, {})


def test_history_chain_stops_on_a_loop():
    from dashboards.store.history import chain

    assert chain({"b": "a", "a": "b"}, {"a": "b", "b": "a"}, "a") == ["b", "a"]


def _indicators(rows):
    return pd.DataFrame(rows, columns=["measure_id", "number", "label_name", "baseline_value", "target_value",
                                       "actual_value", "unit", "source_line"])


def test_history_rows_keep_each_indicator_on_its_own_line():
    from dashboards.store.history import history_rows

    measures = pd.DataFrame({"measure_id": ["2024-005", "2025-004"], "plan_year": [2024, 2025]})
    rows = history_rows(_indicators([
        ("2024-005", "5.", "Брой обучения", 0, 10, 8, "count", 100),
        ("2024-005", "5.", "Текст без стойност", None, None, None, "count", 101),
        ("2025-004", "4.", "Брой  обучения.", 8, 20, None, "count", 90),
        ("2025-004", "4.", "Брой участници", 0, 300, None, "count", 91),
        ("2024-099", "99.", "Брой обучения", 1, 2, None, "count", 5),  # another measure: not in the chain
    ]), measures)
    assert rows[["plan_year", "number", "line", "baseline_value", "target_value"]].values.tolist() == [
        [2024, "5", "брой обучения", 0.0, 10.0],
        [2025, "4", "брой обучения", 8.0, 20.0],
        [2025, "4", "брой участници", 0.0, 300.0],
    ]
    assert rows["actual_value"].tolist()[0] == 8 and math.isnan(rows["actual_value"].tolist()[1])


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_measure_history_figure_one_panel_per_indicator(lang):
    from dashboards.ui.plan_figures import measure_history_figure
    from dashboards.store.history import history_rows

    measures = pd.DataFrame({"measure_id": ["2024-005", "2025-004"], "plan_year": [2024, 2025]})
    rows = history_rows(_indicators([
        ("2024-005", "5.", "Брой обучения", 0, 10, 8, "count", 100),
        ("2025-004", "4.", "Брой обучения", 8, 20, None, "count", 90),
        ("2025-004", "4.", "Бюджет", 0, 5000, None, "BGN", 91),
    ]), measures)
    fig = measure_history_figure(rows, lang).to_plotly_json()
    layout = fig["layout"]
    assert "yaxis2" in layout and "yaxis3" not in layout  # leva and counts never share an axis
    assert layout["xaxis"]["categoryarray"] == ["2024", "2025"]
    targets = [tr for tr in fig["data"] if tr.get("name") == ("Цел" if lang == "bg" else "Target")]
    assert sorted(v for tr in targets for v in tr["y"]) == [10, 20, 5000]
    assert [tr["showlegend"] for tr in targets] == [True, False]
    import plotly.graph_objects as go
    go.Figure(fig)  # valid plotly


def test_measure_history_figure_with_no_numbers_says_so():
    from dashboards.ui.plan_figures import measure_history_figure
    from dashboards.store.history import HISTORY_COLUMNS

    fig = measure_history_figure(pd.DataFrame(columns=HISTORY_COLUMNS), "en").to_plotly_json()
    assert fig["data"] == [] or all(not tr.get("y") for tr in fig["data"])


def test_measure_page_in_one_plan_only_shows_no_history(dash_app):
    from dashboards.pages import measure

    assert "measure-history" not in str(measure.layout(measure_id="2024-038", lang="en"))


RENDER = """
import json, sys
import app  # the Dash app first: pages register on it
from dashboards.store import current
from dashboards.pages import institution
from dashboards.pages import measure
from tests.conftest import text_of
snap = current.snapshot()
changes = snap["measure_changes"]
pair = changes[changes["change"] == "unchanged"].iloc[0]
out = {"pair": [pair["from_measure_id"], pair["to_measure_id"]]}
for lang in ("bg", "en"):
    out[lang] = text_of(measure.layout(measure_id=pair["to_measure_id"], lang=lang))
    out["earlier_" + lang] = text_of(measure.layout(measure_id=pair["from_measure_id"], lang=lang))
out["institution"] = str(institution.layout(code="DAB", lang="en"))
print("@@" + json.dumps(out))
"""


def test_measure_page_shows_history_across_two_real_plans(tmp_path):
    """The 2024 plan and a 2025 plan derived from it (four rows removed), built and published in a
    folder of its own, rendered in a process of its own (the session's data stays as it is)."""
    import os
    import shutil
    import subprocess
    import sys
    import json

    from tests.conftest import PROJECT, RAW
    from tests.plan_variants import another_year, lines_of, without_rows, write

    shutil.copytree(RAW, tmp_path / "raw")
    write(tmp_path / "raw", "plan-2025.txt", without_rows(another_year(lines_of(), 2025), ["3", "17", "40", "71"]))
    env = {**os.environ, "MIGDASH_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "etl", "build"], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = subprocess.run([sys.executable, "-c", RENDER], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr[-2000:]
    out = json.loads(next(x for x in shown.stdout.splitlines() if x.startswith("@@"))[2:])
    earlier, later = out["pair"]
    assert earlier.startswith("2024-") and later.startswith("2025-")
    for lang, words in (("bg", "Мярката през годините"), ("en", "The measure over the years")):
        for text in (out[lang], out["earlier_" + lang]):  # both ends of the pair show the two years
            assert words in text and "measure-history" in text
            assert f"/plan/measure/{earlier}" in text and f"/plan/measure/{later}" in text
    assert "in 2 yearly plans, 2024 to 2025" in out["en"]
    assert "per-year-table" in out["institution"] and "2025" in out["institution"]


def test_history_rows_line_is_the_plans_own_name_not_a_translation():
    from dashboards.store.history import history_rows

    measures = pd.DataFrame({"measure_id": ["2024-005", "2025-005"], "plan_year": [2024, 2025]})
    ind = _indicators([("2024-005", "5.", "Number of analyses prepared", 0, 1, None, "count", 9),
                       ("2025-005", "5.", "Брой изготвени анализи", 0, 1, None, "count", 9)])
    ind["name"] = ["Брой изготвени анализи", "Брой изготвени анализи"]  # 2024 translated, 2025 not yet
    assert history_rows(ind, measures)["line"].nunique() == 1


def test_measure_history_figure_title_in_english_is_the_translation_a_later_plan_lacks():
    from dashboards.ui.plan_figures import measure_history_figure
    from dashboards.store.history import history_rows

    measures = pd.DataFrame({"measure_id": ["2024-005", "2025-005"], "plan_year": [2024, 2025]})
    ind = _indicators([("2024-005", "5.", "Number of analyses prepared", 0, 1, None, "count", 9),
                       ("2025-005", "5.", "Брой изготвени анализи", 0, 2, None, "count", 9)])
    ind["name"] = ["Брой изготвени анализи", "Брой изготвени анализи"]  # 2024 translated, 2025 not yet
    rows = history_rows(ind, measures)
    titles = lambda lang: [a["text"] for a in measure_history_figure(rows, lang).to_plotly_json()["layout"]["annotations"]]  # noqa: E731
    assert titles("en") == ["Number of analyses prepared"]
    assert titles("bg") == ["Брой изготвени анализи"]
