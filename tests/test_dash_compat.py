"""Each patch of Dash's and plotly's internals (dashboards/web/dash_compat.py, assets/dash-compat.js)
gives what it is there for, on the installed versions; and the start-up version check stops a
process whose dash or plotly is not the one the patches were written for."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import choose

ROOT = Path(__file__).resolve().parent.parent


# --- the version check ------------------------------------------------------------------------

def test_dash_compat_versions_checked_names_both(monkeypatch):
    from dashboards.web import dash_compat

    monkeypatch.delenv("MIGDASH_UNCHECKED_DASH", raising=False)
    dash_compat.check_versions()  # the installed ones: the app starts
    with pytest.raises(dash_compat.DashVersionError) as error:
        dash_compat.check_versions({**dash_compat.WRITTEN_FOR, "dash": "4.5.0"})
    message = str(error.value)
    assert f"dash {dash_compat.WRITTEN_FOR['dash']}" in message and "dash 4.5.0" in message
    monkeypatch.setenv("MIGDASH_UNCHECKED_DASH", "1")
    with pytest.warns(RuntimeWarning, match="plotly 9.0.0"):
        dash_compat.check_versions({**dash_compat.WRITTEN_FOR, "plotly": "9.0.0"})
    monkeypatch.delenv("MIGDASH_UNCHECKED_DASH")
    with pytest.raises(dash_compat.DashVersionError, match="dash-ag-grid 36.0.0"):   # the grid's script address
        dash_compat.check_versions({**dash_compat.WRITTEN_FOR, "dash-ag-grid": "36.0.0"})


def test_dash_compat_written_for_the_pinned_versions():
    from dashboards.web import dash_compat

    pins = dict(re.findall(r"^(dash|plotly|dash-ag-grid)==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M))
    assert pins == dash_compat.WRITTEN_FOR


def test_dash_compat_web_package_not_taken_for_pages(dash_app):
    """Dash Pages imports every file under pages_folder that names its registration call."""
    import dash

    for path in (ROOT / "dashboards" / "web").glob("*.py"):
        assert "register" + "_page" not in path.read_text(), path
    assert not [name for name in dash.page_registry if ".web." in name or name.endswith(".web")]


# --- 1. scripts after the first paint ---------------------------------------------------------

def test_dash_compat_scripts_held_until_painted():
    from dashboards.web.dash_compat import scripts_after_paint

    dash_html = ('<script src="/_dash-component-suites/dash/deps/polyfill@7.js"></script>\n'
                 '<script src="/_dash-component-suites/dash/deps/react@18.js"></script>\n'
                 '<script src="/_dash-component-suites/dash/dash_table/bundle.v6.js"></script>\n'
                 '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v31.min.js"></script>\n'
                 '<script>var inline = 1;</script>\n'
                 '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.js"></script>\n')
    out = scripts_after_paint(dash_html)
    template = re.search(r'<template id="migdash-scripts">(.*?)</template>', out, re.S).group(1)
    assert re.findall(r'src="([^"]+)"', template) == [
        "/_dash-component-suites/dash/deps/react@18.js",
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.js"]
    outside = out.replace(template, "")
    assert "<script>var inline = 1;</script>" in outside and " src=" not in outside
    assert '"/_dash-component-suites/dash_ag_grid/dash_ag_grid.v31.min.js"' in outside  # its address, as data


def test_dash_compat_app_document_loads_its_scripts_after_paint(dash_app):
    from dashboards.web.dash_compat import RENDERER

    document = dash_app.server.test_client().get("/about").data.decode()
    before = document.split('<template id="migdash-scripts">')[0]
    assert not re.search(r"<script[^>]* src=", before)
    assert RENDERER in document
    template = document.split('<template id="migdash-scripts">')[1].split("</template>")[0]
    sources = re.findall(r'src="([^"]+)"', template)
    assets = [src for src in sources if "/assets/" in src]
    assert [src.split("/assets/")[1].split("?")[0] for src in assets] == ["app.js", "dash-compat.js"]
    assert sources.index(assets[-1]) < len(sources) - 1 and "dash_renderer" in " ".join(sources)


# --- 2. responses encoded by orjson -----------------------------------------------------------

def test_dash_compat_json_same_as_plotly_and_installed(dash_app):
    import dash
    from dash import dcc, html
    from plotly.io.json import to_json_plotly

    from dashboards.web import dash_compat

    tree = html.Div([html.P("</script> a\u2028b"), dcc.Store(id="s", data={"n": np.int64(3), "x": np.array([1.5, np.nan]),
                                                                  "d": pd.Timestamp("2024-01-02"), "na": pd.NA})])
    ours = dash_compat.to_json(tree)
    assert json.loads(ours) == json.loads(to_json_plotly(tree))
    assert "</script>" not in ours and "\u2028" not in ours       # safe inside HTML, as plotly's
    for module in dash_compat.JSON_MODULES:
        assert module.to_json is dash_compat.to_json, module.__name__
    layout = dash_app.server.test_client().get("/_dash-layout", headers={"Referer": "/about"})
    assert layout.status_code == 200 and json.loads(layout.data)["props"]["children"][1]["props"]["id"] == "_pages_content"
    assert dash.dash.to_json is dash_compat.to_json


# --- 3. Dash Pages' router on the server ------------------------------------------------------

def test_dash_compat_pages_helpers_match_as_the_router_does(dash_app):
    from dashboards.web.dash_compat import page_for, parse_query

    page, variables = page_for("plan/measure/2024-038")
    assert page["module"] == "dashboards.pages.measure" and variables == {"measure_id": "2024-038"}
    assert not page_for("no/such/page")[0]   # the router then draws the not-found page
    assert parse_query("?goal=II&lang=en") == {"goal": "II", "lang": "en"}


def test_dash_compat_pages_container_has_the_router_callbacks_ids(dash_app):
    """The ids are those of Dash Pages' own router callback: a container with others would never update."""
    from dashboards.web.dash_compat import pages_container

    def ids(node, out):
        out.add(getattr(node, "id", None))
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children] if children is not None else []:
            ids(child, out)
        return out

    container = ids(pages_container("x", "/about", "", "About"), set())
    used = set()
    for key, callback in dash_app.callback_map.items():   # the key names the outputs: "..id.prop...id.prop.."
        names = re.findall(r"([\w-]+)\.[\w-]+", key) + [str(i.get("id")) for i in callback["inputs"] + callback["state"]]
        used |= {name for name in names if name.startswith("_pages_")}
    assert used and used <= container, used - container


# --- 4. Dash's first-request setup at start-up ------------------------------------------------

def test_dash_compat_setup_done_before_the_first_request(dash_app):
    assert dash_app._got_first_request["setup_server"]   # done by finish_setup at import of app


# --- 5. the smaller plotly.js bundle ----------------------------------------------------------

def test_dash_compat_plotly_address_is_the_one_dcc_graph_asks_for(dash_app):
    from dash import dcc

    from dashboards.web.dash_compat import PLOTLY_PATH, is_fingerprinted

    entries = [e for e in dcc._js_dist if e.get("namespace") == "plotly"]  # what dcc.Graph loads plotly.js from
    assert entries
    for entry in entries:
        assert PLOTLY_PATH.search(f"/_dash-component-suites/plotly/{entry['relative_package_path']}"), entry
    assert not is_fingerprinted("/_dash-component-suites/plotly/package_data/plotly.min.js")
    document = dash_app.server.test_client().get("/about").data.decode()
    renderer = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', document).group(1)
    assert is_fingerprinted(renderer)


# --- assets/dash-compat.js (in a browser) -----------------------------------------------------

@pytest.mark.browser
def test_dash_compat_browser_charts_refitted_only_when_their_box_changes(dash_app, dash_duo, server_port):
    """dcc.Graph asks plotly to refit a chart to its box twice after drawing it; plotly redrew the
    whole chart each time (~150 ms on a phone). A box of the same size is left alone; a new window
    width still refits the chart."""
    from dash.testing.wait import until

    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    driver = dash_duo.driver
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/statistics/protection")
    dash_duo.wait_for_element("#statistics-protection-graph .main-svg", timeout=15)
    redraws = """
        var gd = document.querySelector('#statistics-protection-graph .js-plotly-plot');
        window.__redraws = 0; gd.on('plotly_afterplot', function () { window.__redraws++; });
        return window.Plotly.Plots.resize(gd).then(function () { return window.__redraws; });"""
    assert driver.execute_script(redraws) == 0
    width = "return +document.querySelector('#statistics-protection-graph .main-svg').getAttribute('width')"
    wide = driver.execute_script(width)
    driver.set_window_size(600, 900)
    until(lambda: driver.execute_script(width) < wide - 200, timeout=5)  # refitted to the narrower box
    assert driver.execute_script("return window.__redraws") >= 1
    assert dash_duo.get_logs() == []



@pytest.mark.browser
def test_dash_compat_browser_store_not_changed_once_per_component(dash_app, dash_duo, server_port):
    """Dash 4 has every component, once mounted, ask the store to forget render counts it does not
    have yet; each such change made every component re-read its props (n^2 reads, ~0.9 s of a
    phone's time on the plan's page). Those empty requests are dropped; the page still works."""
    count = """
        window.__changes = 0;
        const stores = window.dash_stores = [];
        stores.push = function (store) {
          store.subscribe(function () { window.__changes++; });
          return Array.prototype.push.apply(this, arguments);
        };"""
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": count})
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/plan")
    dash_duo.wait_for_element("#plan-status-graph .main-svg", timeout=15)
    changes = dash_duo.driver.execute_script("return window.__changes")
    assert 0 < changes < 150  # the page has ~470 components: one change per component was ~540
    # parts of the page redrawn after a filter change still update, again and again
    for goal, count in (("II. Сигурност", "19 от 85 мерки"), ("Всички цели", "85 от 85 мерки")):
        choose(dash_duo, "#plan-goal", goal)
        dash_duo.wait_for_text_to_equal("#plan-count", count, timeout=10)
    assert dash_duo.get_logs() == []


def test_dash_compat_js_written_for_the_installed_versions():
    """assets/dash-compat.js checks in the browser the versions its patches were written for."""
    import dash
    import dash_ag_grid
    from plotly.offline import get_plotlyjs_version

    text = (ROOT / "assets" / "dash-compat.js").read_text()
    written = json.loads(re.search(r"const WRITTEN_FOR = (\{[^}]*\});", text).group(1))
    assert written == {"dash": dash.__version__, "plotly.js": get_plotlyjs_version(),
                       "dash-ag-grid": dash_ag_grid.__version__}


@pytest.mark.browser
def test_dash_compat_browser_versions_checked_silently_and_warned_when_they_differ(dash_app, dash_duo, server_port):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/statistics/protection")
    dash_duo.wait_for_element("#statistics-protection-graph .main-svg", timeout=15)
    driver = dash_duo.driver
    compat = "window.migdash.compat"
    seen = driver.execute_script(f"return {compat}.seen")
    written = driver.execute_script(f"return {compat}.WRITTEN_FOR")
    assert seen == written   # each checked when it arrived (the grid: its address), and the same
    warnings = driver.execute_script(f"""
        var out = []; var warn = console.warn; console.warn = function (m) {{ out.push(m); }};
        delete {compat}.seen["dash-ag-grid"];
        var ok = {compat}.check("dash-ag-grid", "99.0.0"); console.warn = warn;
        return [ok, out];""")
    assert warnings[0] is False and len(warnings[1]) == 1
    assert "dash-ag-grid 35.3.0" in warnings[1][0] and "dash-ag-grid 99.0.0" in warnings[1][0]
    assert dash_duo.get_logs() == []
