"""How a page loads: the prerendered HTML paints without waiting for Dash's scripts (they are
fetched once it is on screen), no polyfill bundle, and AG Grid's large bundle is fetched only
where a grid is shown."""
from __future__ import annotations

import re

import pytest

from tests.conftest import wait_live


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def scripts_of(document: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", document)


def test_page_loading_scripts_wait_for_the_first_paint(client, dash_app):
    response = client.get("/about")
    document = response.data.decode()
    body = document.split("<body>")[1]
    assert not re.search(r"<script[^>]* src=", document.split('<template id="migdash-scripts">')[0])
    template = re.search(r'<template id="migdash-scripts">(.*?)</template>', body, re.S).group(1)
    sources = re.findall(r'<script src="([^"]+)"></script>', template)
    # React first, Dash's renderer after the component libraries it draws with, no polyfill
    assert "react@" in sources[0] and "dash_renderer" in " ".join(sources)
    assert not any("polyfill" in src for src in sources)
    assert not any("dash_table" in src for src in sources)  # no page has a DataTable
    assert all(client.get(src).status_code == 200 for src in sources)
    # outside the template, only inline scripts (hashed in the CSP) and data
    outside = re.sub(r'<template id="migdash-scripts">.*?</template>', "", document, flags=re.S)
    assert not any(" src=" in tag for tag in scripts_of(outside))
    renderer = re.search(r'<script id="_dash-renderer" type="application/javascript">(.*?)</script>', body, re.S).group(1)
    assert "requestAnimationFrame" in renderer and "new DashRenderer()" in renderer
    assert dash_app.csp_hashes()[-1] in response.headers["Content-Security-Policy"]


def test_page_loading_charts_drawn_with_the_small_plotly_bundle(client):
    """dcc.Graph asks for the full plotly.js (4.8 MB); it gets the bundle of the traces the charts
    use, at the plotly.js version the figures are written for."""
    from plotly.offline import get_plotlyjs_version

    response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")  # as dcc.Graph asks
    assert response.status_code == 200 and response.mimetype == "application/javascript"
    body = response.get_data(as_text=True)
    assert body.startswith(f"/*! plotly.js v{get_plotlyjs_version()}, core, bar and choropleth traces")
    assert 0.5e6 < len(body.encode()) < 1.5e6


@pytest.mark.parametrize("path", ["/about", "/plan"])
def test_page_loading_grid_bundle_not_with_the_page(client, path):
    document = client.get(path).data.decode()
    assert "dash_ag_grid/dash_ag_grid" not in document.split('<template id="migdash-scripts">')[1].split("</template>")[0]
    # its address is there for assets/app.js, which loads it when a grid is shown
    address = re.search(r'<script id="migdash-grid-bundle" type="application/json">"([^"]+)"</script>', document).group(1)
    assert client.get(address).status_code == 200


@pytest.mark.browser
def test_page_loading_browser_grid_loaded_when_shown(dash_duo, dash_app, server_port):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    driver = dash_duo.driver

    def grid_requests() -> int:
        return driver.execute_script(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/dash_ag_grid/')).length")

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/about")
    wait_live(dash_duo)
    dash_duo.wait_for_element("#glossary", timeout=15)
    assert grid_requests() == 0
    # moving to the plan inside the page loads the grid then
    dash_duo.find_element("a.nav-link[href='/plan']").click()
    dash_duo.wait_for_element("#plan-grid .ag-row", timeout=20)
    assert grid_requests() >= 1

    # on a phone-sized window the grid is hidden (a list is shown), so its script is not fetched…
    driver.set_window_size(400, 900)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan")
    dash_duo.wait_for_element("#plan-count", timeout=15)
    dash_duo.wait_for_element("#plan-goal:not([disabled])", timeout=15)  # the live page, not the HTML
    assert grid_requests() == 0 and not dash_duo.find_elements("#plan-grid .ag-row")
    # …until the window is wide enough to show it
    driver.set_window_size(1280, 900)
    dash_duo.wait_for_element("#plan-grid .ag-row", timeout=20)
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_page_loading_browser_nothing_moves_when_the_live_page_replaces_the_html(dash_duo, dash_app, server_port):
    """The prerendered chart keeps its height; the live chart must too, while plotly.js loads
    (dcc.Graph's pending box has no height of its own), or the text below it jumps twice."""
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
        window.__shifts = [];
        new PerformanceObserver(function (list) {
          list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__shifts.push(e.value); });
        }).observe({type: "layout-shift", buffered: true});"""})
    for path in ("/statistics/asylum", "/statistics/trafficking"):
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element(".chart-box .main-svg", timeout=15)
        shifts = dash_duo.driver.execute_script("return window.__shifts")
        assert sum(shifts) < 0.01, (path, shifts)
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_page_loading_browser_charts_far_below_are_drawn_when_scrolled_near(dash_duo, dash_app, server_port):
    """A chart more than a screen below the window waits (keeping its height) until it is scrolled
    near or the page is printed; the charts on screen are drawn at once."""
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    driver = dash_duo.driver
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan")
    dash_duo.wait_for_element("#plan-status-graph .main-svg", timeout=15)  # within a screen of the top
    waiting = dash_duo.wait_for_element("[data-chart-waiting='plan-targets-graph']", timeout=5)
    box = driver.execute_script("return arguments[0].parentNode.getBoundingClientRect().height", waiting)
    assert box >= 300  # the figure's height is kept, so nothing moves when it is drawn
    assert not dash_duo.find_elements("#plan-targets-graph .main-svg")
    driver.execute_script("document.getElementById('plan-targets-title').scrollIntoView()")
    dash_duo.wait_for_element("#plan-targets-graph .main-svg", timeout=15)
    assert not dash_duo.find_elements("[data-chart-waiting]")

    # on a phone the overview's chart is far below the theme cards: drawn only when wanted, e.g. to print
    driver.set_window_size(400, 800)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/")
    dash_duo.wait_for_element("[data-chart-waiting='home-plan-graph']", timeout=15)
    driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    dash_duo.wait_for_element("#home-plan-graph .main-svg", timeout=15)
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_page_loading_browser_hidden_parts_drawn_when_wanted(dash_duo, dash_app, server_port):
    """A chart's table view is drawn when first opened (mouse or keyboard); the phone list of
    measures only on narrow windows, or once the window narrows."""
    from selenium.webdriver.common.keys import Keys

    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    driver = dash_duo.driver
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan")
    dash_duo.wait_for_element("#plan-goal:not([disabled])", timeout=15)  # the live page, not the HTML
    assert not dash_duo.find_elements(".chart-table table") and not dash_duo.find_elements(".measure-card")
    summary = dash_duo.find_element("#plan-status .chart-table summary")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", summary)
    summary.click()
    dash_duo.wait_for_element("#plan-status .chart-table[open] tbody tr", timeout=10)
    keyboard = dash_duo.find_element("#plan-targets .chart-table summary")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", keyboard)
    keyboard.send_keys(Keys.ENTER)
    rows = dash_duo.wait_for_element("#plan-targets .chart-table[open] tbody", timeout=10)
    assert len(rows.find_elements("css selector", "tr")) >= 10

    driver.set_window_size(400, 900)  # narrower than Bootstrap's md: the list replaces the grid
    dash_duo.wait_for_element(".measure-card", timeout=10)
    assert len(dash_duo.find_elements(".measure-card")) == 85
    driver.set_window_size(1280, 900)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan?goal=II")
    dash_duo.wait_for_element("#plan-goal:not([disabled])", timeout=15)
    assert not dash_duo.find_elements(".measure-card")
    driver.set_window_size(400, 900)
    dash_duo.wait_for_element(".measure-card", timeout=10)
    assert 0 < len(dash_duo.find_elements(".measure-card")) < 85  # this page's list, not an earlier one
    assert dash_duo.get_logs() == []
