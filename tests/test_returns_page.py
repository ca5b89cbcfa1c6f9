"""The returns page: on the embedded data it names the series a yearly update will add (from series.yml,
not a typed list) and shows no return rate; once Eurostat's ordered-to-leave and returned files (in their
SDMX-CSV form) and the Ministry of Interior's staff template are published, the page shows the return rate
(returned ÷ ordered to leave, same year, not a cohort) computed from them, with its downloads, and the
series they bring leave the list."""
from __future__ import annotations

import csv
import io

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from dashboards.store import current
from tests.conftest import text_of
from tests.test_import_eurostat_enforcement import sdmx_file
from tests.test_template import MOI_ROWS, _fill

ORDERED = {"2021": "3150", "2022": "4980", "2023": "4230"}      # Bulgaria (test values in Eurostat's form)
RETURNED = {"2021": "1050", "2022": "1405", "2023": "1230", "2020": "900"}   # 2020: no order figure, no rate


@pytest.fixture
def published(snap, fresh_data_dir, monkeypatch):
    """A data folder with the embedded data plus MIGR_EIORD, MIGR_EIRTN and a filled staff template, built."""
    from etl.build import build
    from etl.template import write_template

    eurostat = fresh_data_dir / "raw" / "eurostat"
    eurostat.mkdir(parents=True, exist_ok=True)
    for dataset, values in (("MIGR_EIORD", ORDERED), ("MIGR_EIRTN", RETURNED)):
        rows = [{"geo": "BG", "period": p, "value": v} for p, v in values.items()]
        rows += [{"geo": "EL", "period": "2023", "value": "29010"}, {"geo": "BG", "period": "2023", "citizen": "SY",
                                                                     "value": "600"}]
        sdmx_file(eurostat, dataset, rows)
    template = write_template(fresh_data_dir / "raw" / "statistics" / "moi-2024.xlsx")
    wb = load_workbook(template)
    _fill(wb["observations"], MOI_ROWS)
    wb.save(template)
    monkeypatch.setattr(current, "CHECK_SECONDS", 0)
    current.reset()
    build()
    yield current.snapshot()
    current.reset()   # the next test reloads the session's data


def test_returns_page_embedded_data_names_what_an_update_adds(dash_app, snap):
    from dashboards.pages import statistics
    from dashboards.ui.returns import return_rate_rows, upcoming_series
    from etl.statistics.registry import registry

    present = set(snap["observations"]["series"].astype(str))
    expected = [c for c, s in registry().items() if s.theme in ("returns", "irregular_migration") and c not in present]
    assert [i["series"] for i in upcoming_series(snap, "returns", "en")] == expected
    assert {"tcn_ordered_to_leave", "tcn_returned_following_order", "tcn_returned_by_type"} <= set(expected)
    assert return_rate_rows(snap, "en").empty
    for lang, heading, name in (("en", "What a yearly update will add", "Third-country nationals ordered to leave"),
                                ("bg", "Какво ще добави годишното обновяване", "Граждани на трети страни, задължени да напуснат")):
        text = text_of(statistics.layout(theme="returns", lang=lang))
        assert heading in text and name in text and "MIGR_EIORD" in text
        assert "statistics-returns-rate" not in text                 # no rate without both series
    assert "What a yearly update" not in text_of(statistics.layout(theme="readmissions", lang="en"))  # all there
    assert dash_app.server.test_client().get("/download/statistics-returns-rate.csv?lang=en").status_code == 404


def test_returns_page_rate_from_published_files(published, dash_app):
    from dashboards.pages import statistics
    from dashboards.ui.returns import return_rate_rows, upcoming_series

    rows = return_rate_rows(published, "en")
    assert rows["year"].tolist() == [2021, 2022, 2023]
    for r in rows.itertuples():
        assert r.ordered == float(ORDERED[str(r.year)]) and r.returned == float(RETURNED[str(r.year)])
        assert r.rate == pytest.approx(float(RETURNED[str(r.year)]) / float(ORDERED[str(r.year)]) * 100)
    assert rows["source_ordered"].iloc[-1] == "MIGR_EIORD migr_eiord.csv row 4"
    upcoming = [i["series"] for i in upcoming_series(published, "returns", "en")]
    assert "tcn_ordered_to_leave" not in upcoming and "returns_by_country_of_return" not in upcoming
    assert "tcn_returned_by_type" in upcoming
    for lang, label in (("en", "not a cohort"), ("bg", "не е кохорта")):
        page = statistics.layout(theme="returns", lang=lang)
        text = text_of(page)
        assert "statistics-returns-rate-graph" in text and label in text
    graph = [c for c in _components(page) if getattr(c, "id", None) == "statistics-returns-rate-graph"][0]
    assert list(graph.figure["data"][0]["y"]) == [round(v, 1) for v in rows["rate"]]

    client = dash_app.server.test_client()
    body = client.get("/download/statistics-returns-rate.csv?lang=en").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0] == ["Year", "Ordered to leave", "Returned", "Share returned (%)", "Notes", "Source"]
    assert [(int(r[0]), float(r[1]), float(r[2]), float(r[3])) for r in table[1:]] == [
        (r.year, r.ordered, r.returned, round(r.rate, 1)) for r in rows.itertuples()]
    xlsx = client.get("/download/statistics-returns-rate.xlsx?lang=bg")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from dashboards.pages import embed

    embedded = text_of(embed.layout(chart_id="statistics-returns-rate", lang="en"))
    assert "not a cohort" in embedded and "/statistics/returns" in embedded


def test_staff_refresh_fills_returns_and_readmissions(published, dash_app):
    from dashboards.pages import statistics

    text = text_of(statistics.layout(theme="returns", lang="en", series="returns_by_country_of_return",
                                     by="category"))
    assert "Türkiye" in text or "Turkey" in text
    rows, _, used = statistics.chart_rows(published, "readmissions",
                                          {"series": "readmissions", "by": "category", "from": 2024, "to": 2024,
                                           "top": 8, "lang": "en"})
    assert used == "category"
    assert dict(zip(rows["label"], rows["value"])) == {"Under an EU readmission agreement": 190.0,
                                                       "Under a bilateral agreement": 72.0}


def test_return_rate_figure_pure():
    from dashboards.ui.returns import return_rate_figure

    rows = pd.DataFrame({"year": [2022, 2023], "ordered": [4980.0, 4230.0], "returned": [1405.0, 1230.0],
                         "rate": [1405 / 4980 * 100, 1230 / 4230 * 100], "flag_ordered": [None, "provisional"],
                         "flag_returned": [None, None], "source_ordered": ["a", "b"], "source_returned": ["c", "d"],
                         "source_ids": [["x", "y"], ["x", "y"]]})
    for lang in ("bg", "en"):
        fig = go.Figure(return_rate_figure(rows, {}, lang).to_dict())       # valid plotly
        bar = fig.data[0]
        assert list(bar.x) == ["2022", "2023"] and list(bar.y) == [28.2, 29.1]
        assert list(bar.marker.pattern.shape) == ["", "/"]                     # the provisional input is marked
    assert "1,405 returned, 4,980 ordered to leave" in fig.data[0].hovertext[0]
    empty = return_rate_figure(rows.iloc[0:0], {"empty_message": "nothing"}, "en")
    assert empty.layout.annotations[0].text == "nothing"


def _components(tree):
    from tests.conftest import components

    return list(components(tree))
