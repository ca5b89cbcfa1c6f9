"""ChartData: the rows of a chart are built when first read (the table view and downloads read
them, the embed page does not), and a chart's About lists its sources from the published table."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import text_of


def test_chart_data_rows_built_once_on_first_read():
    from dashboards.ui.charts import ChartData
    from dashboards.store.export import About

    calls = []

    def rows():
        calls.append(1)
        return pd.DataFrame({"a": [1, 2]})

    data = ChartData(rows, About(title="T", lang="en"), "/x")
    assert calls == []
    assert list(data.frame["a"]) == [1, 2] and data.frame is data.frame and calls == [1]
    ready = pd.DataFrame({"b": [3]})
    assert ChartData(ready, About(title="T", lang="en"), "/x").frame is ready  # a DataFrame as before


@pytest.fixture
def lazy_chart(dash_app, monkeypatch):
    """statistics-protection registered with rows that count their reads (the rest as the page builds it)."""
    from dashboards.ui import charts

    reads = []
    original = charts._REGISTRY["statistics-protection"]

    def build(snap, query, lang):
        data = original(snap, query, lang)
        frame = data.frame
        data._frame = lambda: reads.append(1) or frame
        return data

    monkeypatch.setitem(charts._REGISTRY, "statistics-protection", build)
    return reads


def test_chart_data_embed_page_does_not_build_the_rows(dash_app, lazy_chart):
    from dashboards.pages import embed

    with dash_app.server.test_request_context("/embed/statistics-protection"):
        page = embed.layout("statistics-protection", lang="en", by="decision")
    text = text_of(page)
    assert "Decisions on asylum applications" in text and "UNHCR" in text
    assert lazy_chart == []


def test_chart_data_downloads_read_the_rows(dash_app, lazy_chart):
    response = dash_app.server.test_client().get("/download/statistics-protection.csv?lang=en&by=decision")
    assert response.status_code == 200 and response.data.decode("utf-8-sig").count("\n") > 1
    assert lazy_chart == [1]


def test_chart_data_about_lists_sources_from_the_published_table(dash_app, snap):
    from dashboards.ui.charts import about_for

    sources = snap["sources"]
    first = sources.iloc[0]
    with dash_app.server.test_request_context("/"):
        about = about_for(snap, "en", "T", [first["source_id"], None, "no-such-source", first["source_id"]], "/p", {})
    assert about.sources == [{"title": first["title"], "provider": first["provider"],
                              "url": first["url"] if isinstance(first["url"], str) else None,
                              "license": first["license"] if isinstance(first["license"], str) else None,
                              "retrieved": first["retrieved"] if isinstance(first["retrieved"], str) else None}]
    about.sources[0]["title"] = "changed"  # a caller's change stays in its own About
    with dash_app.server.test_request_context("/"):
        assert about_for(snap, "en", "T", [first["source_id"]], "/p", {}).sources[0]["title"] == first["title"]
