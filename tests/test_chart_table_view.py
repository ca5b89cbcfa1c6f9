"""The chart's table view (the non-visual alternative under every chart): at most MAX_TABLE_ROWS
rows, a note in the page language saying how many rows there are and that the download holds them
all — and the downloads do hold them all."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from dash import html

from tests.conftest import components, text_of


def _body_rows(component) -> list:
    """The <tr> of every <tbody> in a component tree."""
    return [row for node in components(component) if isinstance(node, html.Tbody) for row in node.children]


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"Period": [f"p{i}" for i in range(n)], "Value": [1234.5 * i for i in range(n)],
                         "Flag": [None if i % 2 else "rounded" for i in range(n)]})


@pytest.mark.parametrize("lang, note", [
    ("en", "The first 60 of 1,500 rows are shown; download the data for all of them."),
    ("bg", "Показани са първите 60 от 1\u00a0500 реда; изтеглете данните за всички."),
])
def test_table_view_caps_rows_and_says_so(dash_app, lang, note):
    from dashboards._components import chart

    assert chart.MAX_TABLE_ROWS == 60
    table = chart.data_table(_frame(1500), "caption", lang)
    rows = _body_rows(table)
    assert len(rows) == chart.MAX_TABLE_ROWS
    assert note in text_of(table)
    first = rows[1].children                       # cells as shown: locale numbers, empty for missing
    assert [c.children for c in first] == ["p1", "1,234.5" if lang == "en" else "1\u00a0234,5", ""]
    assert first[1].className == "num" and rows[-1].children[0].children == "p59"


def test_table_view_short_table_is_whole_without_note(dash_app):
    from dashboards._components import chart

    table = chart.data_table(_frame(chart.MAX_TABLE_ROWS), "caption", "en")
    assert len(_body_rows(table)) == chart.MAX_TABLE_ROWS
    assert "rows are shown" not in text_of(table)


@pytest.mark.parametrize("lang, word", [("en", "rows are shown"), ("bg", "Показани са първите")])
def test_statistics_page_table_capped_but_download_complete(dash_app, monkeypatch, lang, word):
    """A statistics page whose table is longer than the cap (the cap lowered here, as the embedded
    tables are short): the page shows the cap and says so; CSV and Excel give every row."""
    from dashboards import statistics
    from dashboards._charts import chart_data
    from dashboards._components import chart

    query = {"series": "asylum_first_instance_decisions", "by": "decision", "lang": lang}
    total = len(chart_data("statistics-protection", query).frame)
    assert total > 20
    monkeypatch.setattr(chart, "MAX_TABLE_ROWS", 20)
    page = statistics.layout(theme="protection", **query)
    block = next(c for c in components(page) if getattr(c, "id", None) == "statistics-protection")
    details = next(c for c in block.children if isinstance(c, html.Details))
    assert len(_body_rows(details)) == 20
    assert word in text_of(details) and f" {total} " in text_of(details).replace("\u00a0", " ")

    client = dash_app.server.test_client()
    csv = pd.read_csv(io.BytesIO(client.get(f"/download/statistics-protection.csv?series={query['series']}"
                                            f"&by=decision&lang={lang}").data), encoding="utf-8-sig")
    assert len(csv) == total
    xlsx = pd.read_excel(io.BytesIO(client.get(f"/download/statistics-protection.xlsx?series={query['series']}"
                                               f"&by=decision&lang={lang}").data), sheet_name=0)
    assert len(xlsx) == total


def test_table_view_of_a_long_statistics_chart_is_the_start_of_its_rows(dash_app, snap):
    """The page builds only the rows it shows, and they are the first rows of the chart's data."""
    from dashboards import statistics
    from dashboards._components import chart

    _, _, _, data = statistics.build(snap, "protection", {"by": "citizenship"}, "en")
    shown, total = data.head(chart.MAX_TABLE_ROWS)
    full = statistics.build(snap, "protection", {"by": "citizenship"}, "en")[3].frame
    assert total == len(full) > chart.MAX_TABLE_ROWS
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), full.head(chart.MAX_TABLE_ROWS).reset_index(drop=True))
    text = text_of(chart.data_table(data, "caption", "en"))
    assert f"of {total:,} rows" in text and len(_body_rows(chart.data_table(data, "caption", "en"))) == chart.MAX_TABLE_ROWS
