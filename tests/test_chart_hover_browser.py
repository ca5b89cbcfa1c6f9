"""The statistics chart's hover labels as plotly.js draws them in Chromium: the label, the period as
given, the value with the page language's separators (the text i18n.number gives) and the flag.
The figure builder leaves number formatting to plotly.js (hovertemplate + layout.separators), so
only a browser shows what users read."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dashboards.ui.figures import statistics_figure
from dashboards.i18n import number, t
from tests.conftest import PROJECT

pytestmark = pytest.mark.browser

PLOTLY = PROJECT / "dashboards" / "web" / "vendor" / "plotly.min.js"


def rows(periods, freq, series, values, flags) -> pd.DataFrame:
    keyed = [(k, lab, p) for k, lab in series for p in periods]
    return pd.DataFrame({"period": [p for _, _, p in keyed], "year": [int(p[:4]) for _, _, p in keyed], "freq": freq,
                         "key": [k for k, _, _ in keyed], "label": [lab for _, lab, _ in keyed],
                         "value": np.array(values, dtype=float), "flag": flags, "unit": "persons",
                         "source_id": "s", "source_ref": "r"})


def hover_texts(driver, tmp_path, fig) -> list[list[str | None]]:
    """The hover label of every point (None where plotly.js shows none), trace by trace."""
    page = tmp_path / "figure.html"
    page.write_text("<html><head><meta charset='utf-8'></head><body><div id='g' style='width:900px;height:420px'></div>"
                    f"<script src='{PLOTLY.as_uri()}'></script>"
                    f"<script>var f = {fig.to_json()}; Plotly.newPlot('g', f.data, f.layout);</script></body></html>",
                    encoding="utf-8")
    driver.get(page.as_uri())
    texts = []
    for c, trace in enumerate(fig.data):
        texts.append([])
        for p in range(len(trace.x)):
            time.sleep(0.06)  # plotly.js ignores hovers closer than 50 ms apart
            texts[-1].append(driver.execute_script(
                "var gd = document.getElementById('g'); Plotly.Fx.unhover(gd);"
                "Plotly.Fx.hover(gd, [{curveNumber: arguments[0], pointNumber: arguments[1]}]);"
                "var h = gd.querySelector('.hoverlayer .hovertext'); return h ? h.textContent : null;", c, p))
    return texts


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_chart_hover_shows_locale_numbers_periods_and_flags(dash_duo, tmp_path, lang):
    unit = "лица" if lang == "bg" else "persons"
    flag = lambda f: f" ({t('flag.' + f, lang)})"  # noqa: E731
    monthly = rows(["2024-01", "2024-02", "2024-03"], "M", [("SYR", "Сирия"), ("AFG", "Afghanistan")],
                   [1234.5, 1234567, None, 5, 0, 12], [None, "provisional", "suppressed", None, "rounded", None])
    texts = hover_texts(dash_duo.driver, tmp_path, statistics_figure(monthly, {"unit_label": unit}, lang))
    assert texts == [
        [f"Сирия · 2024-01: {number(1234.5, lang)} {unit}",
         f"Сирия · 2024-02: {number(1234567, lang)} {unit}{flag('provisional')}",
         None],  # a suppressed value has no point (as before: plotly.js skips missing values)
        [f"Afghanistan · 2024-01: 5 {unit}", f"Afghanistan · 2024-02: 0 {unit}{flag('rounded')}",
         f"Afghanistan · 2024-03: 12 {unit}"]]
    assert texts[0][1].split(": ")[1].startswith("1\u00a0234\u00a0567" if lang == "bg" else "1,234,567")
    quarterly = rows(["2024-Q1", "2024-Q2"], "Q", [("_total", "Total")], [1500, 20], ["estimated", None])
    assert hover_texts(dash_duo.driver, tmp_path, statistics_figure(quarterly, {"unit_label": unit}, lang)) == [
        [f"Total · 2024-Q1: {number(1500, lang)} {unit}{flag('estimated')}", f"Total · 2024-Q2: 20 {unit}"]]
    annual = rows(["2022", "2023"], "A", [("W", "Women"), ("M", "Men")], [1000, 2000.5, 3, 4], [None, "break", None, None])
    assert hover_texts(dash_duo.driver, tmp_path, statistics_figure(annual, {"unit_label": unit}, lang)) == [
        [f"Women · 2022: {number(1000, lang)} {unit}", f"Women · 2023: {number(2000.5, lang)} {unit}{flag('break')}"],
        [f"Men · 2022: 3 {unit}", f"Men · 2023: 4 {unit}"]]


def test_chart_hover_flagged_points_drawn_hollow(dash_duo, tmp_path):
    monthly = rows(["2024-01", "2024-02", "2024-03"], "M", [("SYR", "Syria")], [1, 2, 3], [None, "provisional", None])
    hover_texts(dash_duo.driver, tmp_path, statistics_figure(monthly, {}, "en"))
    fills = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.scatterlayer .point')).map(p => p.style.fill);")
    assert len(fills) == 3 and fills[1] == "none" and fills[0] == fills[2] != "none"  # hollow: no fill
