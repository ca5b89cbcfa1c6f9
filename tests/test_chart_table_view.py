"""The chart's table view (the non-visual alternative under every chart): at most MAX_TABLE_ROWS
rows, a note in the page language saying how many rows there are and that the download holds them
all — and the downloads do hold them all."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from tests.conftest import components


def _table_of(page, chart_id: str) -> dict:
    """The table view's data (drawn by the browser when opened) of chart `chart_id` in a page."""
    return next(c.data for c in components(page) if getattr(c, "id", None) == {"deferred": "table-view", "key": chart_id})


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"Period": [f"p{i}" for i in range(n)], "Value": [1234.5 * i for i in range(n)],
                         "Flag": [None if i % 2 else "rounded" for i in range(n)]})


@pytest.mark.parametrize("lang, note", [
    ("en", "The first 60 of 1,500 rows are shown; download the data for all of them."),
    ("bg", "Показани са първите 60 от 1\u00a0500 реда; изтеглете данните за всички."),
])
def test_table_view_caps_rows_and_says_so(dash_app, lang, note):
    from dashboards.ui.components import chart

    assert chart.MAX_TABLE_ROWS == 60
    table = chart.data_table(_frame(1500), "caption", lang)
    assert len(table["rows"]) == chart.MAX_TABLE_ROWS
    assert table["note"] == note and table["columns"] == ["Period", "Value", "Flag"]
    assert table["rows"][1] == ["p1", "1,234.5" if lang == "en" else "1\u00a0234,5", ""]  # as shown: locale numbers, empty for missing
    assert table["numeric"] == [False, True, False] and table["rows"][-1][0] == "p59"


def test_table_view_empty_cells_of_nullable_columns(dash_app):
    from dashboards.ui.components import chart

    frame = pd.DataFrame({"Period": ["a", "b"], "Value": pd.array([5, None], dtype="Int64")})
    assert chart.data_table(frame, "caption", "en")["rows"] == [["a", "5"], ["b", ""]]


def test_table_view_short_table_is_whole_without_note(dash_app):
    from dashboards.ui.components import chart

    table = chart.data_table(_frame(chart.MAX_TABLE_ROWS), "caption", "en")
    assert len(table["rows"]) == chart.MAX_TABLE_ROWS and table["note"] is None


def test_table_view_in_the_pre_rendered_page(dash_app):
    """Before scripts run (or without them) the table view is in the page's HTML, escaped."""
    from dashboards.ui.components import chart
    from dashboards.web.static_html import to_html

    frame = _frame(3).assign(Period=["<b>x</b>", "p1", "p2"])
    block = chart.chart_block("c", "en", "T", "", {"data": [], "layout": {}}, "",
                              _chart_data(frame), ["source"], tools=False)
    page = to_html(block)
    assert "<caption>T</caption>" in page and "<td>&lt;b&gt;x&lt;/b&gt;</td>" in page
    assert '<td class="num">1,234.5</td>' in page and page.count("<tr>") == 4


def _chart_data(frame):
    from dashboards.ui.charts import ChartData
    from dashboards.store.export import About

    return ChartData(frame, About(title="T", lang="en", version="v", published="2026-01-01"), "/x")


@pytest.mark.parametrize("lang, word", [("en", "rows are shown"), ("bg", "Показани са първите")])
def test_statistics_page_table_capped_but_download_complete(dash_app, monkeypatch, lang, word):
    """A statistics page whose table is longer than the cap (the cap lowered here, as the embedded
    tables are short): the page shows the cap and says so; CSV and Excel give every row."""
    from dashboards.pages import statistics
    from dashboards.ui.charts import chart_data
    from dashboards.ui.components import chart

    query = {"series": "asylum_first_instance_decisions", "by": "decision", "lang": lang}
    total = len(chart_data("statistics-protection", query).frame)
    assert total > 20
    monkeypatch.setattr(chart, "MAX_TABLE_ROWS", 20)
    page = statistics.layout(theme="protection", **query)
    table = _table_of(page, "statistics-protection")
    assert len(table["rows"]) == 20
    assert word in table["note"] and f" {total} " in table["note"].replace("\u00a0", " ")

    client = dash_app.server.test_client()
    csv = pd.read_csv(io.BytesIO(client.get(f"/download/statistics-protection.csv?series={query['series']}"
                                            f"&by=decision&lang={lang}").data), encoding="utf-8-sig")
    assert len(csv) == total
    xlsx = pd.read_excel(io.BytesIO(client.get(f"/download/statistics-protection.xlsx?series={query['series']}"
                                               f"&by=decision&lang={lang}").data), sheet_name=0)
    assert len(xlsx) == total


def test_table_view_of_a_long_statistics_chart_is_the_start_of_its_rows(dash_app, snap):
    """The page builds only the rows it shows, and they are the first rows of the chart's data."""
    from dashboards.pages import statistics
    from dashboards.ui.components import chart

    _, _, _, data = statistics.build(snap, "protection", {"by": "citizenship"}, "en")
    shown, total = data.head(chart.MAX_TABLE_ROWS)
    full = statistics.build(snap, "protection", {"by": "citizenship"}, "en")[3].frame
    assert total == len(full) > chart.MAX_TABLE_ROWS
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), full.head(chart.MAX_TABLE_ROWS).reset_index(drop=True))
    table = chart.data_table(data, "caption", "en")
    assert f"of {total:,} rows" in table["note"] and len(table["rows"]) == chart.MAX_TABLE_ROWS
