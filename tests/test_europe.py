"""/europe and the citizenship maps: Bulgaria among the reporting countries, on the embedded data.

The values are Eurostat's as published (checked against the real file when it is at hand); a
country without a value is drawn as "no value", never as zero; every chart's download holds exactly
its rows; the map geometry comes from this site, and in the browser no request leaves it."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests.conftest import real_file, wait_live


def _csv(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_europe_ranking_holds_eurostats_values_for_every_reporting_country(dash_app):
    source = real_file("eurostat-sdmx-csv/migr_asyappctza__asylum_applicants_total.csv")
    raw = pd.read_csv(source, dtype=str)
    published = {r["Code"]: float(r["Value"]) for r in
                 _csv(dash_app.server.test_client(), "/download/europe-ranking.csv?series=asylum_applicants&period=2023&lang=en")}
    alpha3 = {"DE": "DEU", "EL": "GRC", "RO": "ROU", "BG": "BGR"}
    for geo, code in alpha3.items():
        row = raw[(raw["geo"] == geo) & (raw["TIME_PERIOD"] == "2023") & (raw["citizen"] == "TOTAL")
                  & (raw["sex"] == "T") & (raw["age"] == "TOTAL") & (raw["asyl_app"] == "ASY_APP")]
        assert published[code] == float(row["OBS_VALUE"].iloc[0]), code
    assert len(published) > 25


def test_europe_ranking_largest_first_eu_total_on_top_bulgaria_highlighted(snap):
    from dashboards.ui import europe_views
    from dashboards.ui.maps import BULGARIA_COLOUR, EU_COLOUR, NEIGHBOUR_COLOUR

    view = europe_views.resolve(snap, {"series": "tcn_illegally_present", "period": None, "compare": None, "lang": "en"})
    rows = europe_views.ranking_rows(snap, view, "en")
    assert rows["geo"].iloc[0] == europe_views.EU27
    countries = rows["value"].iloc[1:].tolist()
    assert countries == sorted(countries, reverse=True)
    fig = europe_views.chart(snap, "europe-ranking", {"series": "tcn_illegally_present"}, "en").figure().to_plotly_json()
    colour = dict(zip(fig["data"][0]["y"], fig["data"][0]["marker"]["color"]))
    assert colour["<b>Bulgaria</b>"] == BULGARIA_COLOUR
    assert colour["Greece"] == NEIGHBOUR_COLOUR and colour["EU-27 total"] == EU_COLOUR


def test_europe_map_says_no_value_instead_of_zero(snap):
    """The UK reports asylum applicants until 2019: on the 2023 map it is 'no value', not 0."""
    from dashboards.ui import europe_views

    data = europe_views.chart(snap, "europe-map", {"series": "asylum_applicants", "period": "2023"}, "en")
    table = data.frame
    uk = table[table["Code"] == "GBR"]
    assert len(uk) == 1 and pd.isna(uk["Value"].iloc[0])
    traces = data.figure().to_plotly_json()["data"]
    valued, missing = traces
    assert "GBR" not in valued["locations"] and "GBR" in missing["locations"]
    assert missing["name"] == "no value" and all("no value" in h for h in missing["hovertext"])
    assert "United Kingdom" in data.summary
    assert len(valued["locations"]) == table["Value"].notna().sum()


def test_europe_share_is_bulgaria_over_the_published_eu_total(snap):
    from dashboards.ui import europe_views

    view = europe_views.resolve(snap, {"series": "tcn_illegally_present", "period": None, "compare": None, "lang": "en"})
    totals = europe_views.totals(snap, "tcn_illegally_present").set_index(["geo", "period"])["value"]
    rows = europe_views.share_rows(snap, view)
    assert len(rows) >= 5
    for r in rows.to_dict("records"):
        assert r["share"] == pytest.approx(totals[("BGR", r["period"])] / totals[(europe_views.EU27, r["period"])])


def test_europe_share_without_an_eu_total_is_said_not_summed(dash_app):
    from dashboards.pages.europe import layout
    from tests.conftest import words

    text = words(layout(series="asylum_applicants", lang="en"))
    assert "no EU-27 total" in text


def test_europe_downloads_hold_exactly_each_charts_rows(dash_app, snap):
    from dashboards.ui import europe_views

    client = dash_app.server.test_client()
    query = {"series": "tcn_illegally_present", "period": "2020", "compare": "DEU,GRC"}
    qs = "series=tcn_illegally_present&period=2020&compare=DEU,GRC&lang=en"
    for chart in europe_views.CHARTS:
        rows = _csv(client, f"/download/{chart}.csv?{qs}")
        frame = europe_views.chart(snap, chart, query, "en").frame
        assert len(rows) == len(frame), chart
    compared = _csv(client, f"/download/europe-compare.csv?{qs}")
    assert {r["Code"] for r in compared} == {"BGR", "DEU", "GRC"}
    xlsx = client.get(f"/download/europe-ranking.xlsx?{qs}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_europe_bad_parameters_give_the_default_view(dash_app):
    client = dash_app.server.test_client()
    for qs in ("series=nope&period=<script>&compare=XXX,,,", "compare=" + ",".join(["DEU"] * 500), "period=9999"):
        response = client.get(f"/europe?{qs}")
        assert response.status_code == 200
        assert b"<script>alert" not in response.data
    rows = _csv(client, "/download/europe-compare.csv?compare=DEU,FRA,ITA,ESP,NLD,BEL,AUT,SWE&lang=en")
    assert len({r["Code"] for r in rows}) == 7           # Bulgaria and at most six compared


def test_europe_map_geometry_is_served_here(dash_app):
    from dashboards.pages.europe import layout
    from tests.conftest import components

    client = dash_app.server.test_client()
    for name in ("europe_50m.json", "world_110m.json"):
        response = client.get(f"/assets/topojson/{name}")
        assert response.status_code == 200 and response.json["type"] == "Topology"
    graphs = [c for c in components(layout(lang="en")) if type(c).__name__ == "Graph"]
    maps = [g for g in graphs if g.figure.to_plotly_json()["layout"].get("geo")]
    assert maps and all(g.config["topojsonURL"] == "/assets/topojson/" for g in maps)


def test_citizenship_map_totals_match_the_decisions_chart(dash_app):
    client = dash_app.server.test_client()
    origins = _csv(client, "/download/citizenship-map.csv?year=2023&lang=en")
    decisions = _csv(client, "/download/statistics-protection.csv?series=asylum_decisions_unhcr&by=total&from=2023&to=2023&lang=en")
    assert len(origins) > 20 and len({r["Code"] for r in origins}) == len(origins)
    assert sum(float(r["Value"]) for r in origins) == pytest.approx(sum(float(r["Value"]) for r in decisions))
    page = client.get("/statistics/asylum?lang=en").get_data(as_text=True)
    assert "citizenship-map-graph" in page and "Where applicants come from" in page


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["bg", "en"])
def test_europe_browser_draws_the_map_with_no_outside_request(dash_duo, dash_app, server_port, lang):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/europe?lang={lang}")
    wait_live(dash_duo)
    dash_duo.wait_for_element("#europe-map-graph .choroplethlayer path", timeout=20)
    dash_duo.driver.execute_script("document.getElementById('europe-ranking').scrollIntoView()")  # drawn when near
    dash_duo.wait_for_element("#europe-ranking-graph .bars path", timeout=15)
    assert len(dash_duo.find_elements("#europe-map-graph .choroplethlayer path")) > 25
    resources = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/assets/topojson/europe_50m.json" in r for r in resources)
    assert all(r.startswith(dash_duo.server_url) or r.startswith("data:") for r in resources), resources
    assert dash_duo.get_logs() == []


def test_europe_figures_are_valid_plotly(snap):
    """The builders skip plotly's validation for speed (dashboards/ui/figures.figure): check it here."""
    import plotly.graph_objects as go

    from dashboards.ui import citizenship_map
    from dashboards.ui import europe_views

    for series in europe_views.series_codes(snap):
        for chart in europe_views.CHARTS:
            for lang in ("bg", "en"):
                go.Figure(europe_views.chart(snap, chart, {"series": series}, lang).figure().to_plotly_json())
    go.Figure(citizenship_map.chart(snap, {}, "bg").figure().to_plotly_json())
