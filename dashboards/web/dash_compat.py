"""Every patch of Dash's and plotly's internals, in one place, each with its reason.

They were written for the versions in `WRITTEN_FOR` and rely on private names or behaviour that
may change in any release: `check_versions()` runs at start-up (app.py) and stops the process,
naming the versions, when the installed ones differ (MIGDASH_UNCHECKED_DASH=1 turns that into a
warning, to try an upgrade against tests/test_dash_compat.py). The browser-side patches are in
assets/dash-compat.js. No other module imports a private Dash or plotly name.
"""
from __future__ import annotations

import os
import re
import warnings

import dash
import dash._callback
import dash._utils
import dash._validate
import dash.dash
import numpy as np
import orjson
import pandas as pd
import plotly
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page
from dash.fingerprint import check_fingerprint
from plotly.io._json import _safe, _swap_orjson, clean_to_json_compatible

WRITTEN_FOR = {"dash": "4.4.1", "plotly": "7.1.0", "dash-ag-grid": "35.3.0"}   # the grid: its script's address (GRID_SCRIPT)


class DashVersionError(RuntimeError):
    pass


def check_versions(installed: dict[str, str] | None = None) -> None:
    """Stop (or, with MIGDASH_UNCHECKED_DASH=1, warn) when dash, plotly or dash-ag-grid is not the version patched here."""
    import dash_ag_grid

    installed = installed or {"dash": dash.__version__, "plotly": plotly.__version__, "dash-ag-grid": dash_ag_grid.__version__}
    differ = {name: version for name, version in installed.items() if WRITTEN_FOR.get(name) != version}
    if not differ:
        return
    message = ("dashboards/web/dash_compat.py and assets/dash-compat.js patch internals of "
               + ", ".join(f"{name} {WRITTEN_FOR[name]}" for name in WRITTEN_FOR)
               + "; installed: " + ", ".join(f"{name} {version}" for name, version in installed.items())
               + ". Check each patch (tests/test_dash_compat.py) and update WRITTEN_FOR.")
    if os.environ.get("MIGDASH_UNCHECKED_DASH") == "1":
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        return
    raise DashVersionError(message)


# --- 1. Dash's scripts written inert, loaded after the first paint ----------------------------
# The page is already in the document as HTML (dashboards/web/router.prerendered_entry), so nothing
# needs to wait for Dash's scripts, nor should they take the network from the stylesheets and fonts
# of the first paint on a slow connection. Dash has no public hook for its script tags: its private
# `_generate_scripts_html` is overridden (ScriptsAfterPaint) and RENDERER loads them in order.

# AG Grid's bundle is only needed where a grid is shown (the plan's measures table, on wide screens
# only): it is not loaded with every page but by assets/app.js when a grid is drawn where it can be
# seen; the page names its address for that.
GRID_SCRIPT = re.compile(r'<script src="([^"]*/dash_ag_grid/dash_ag_grid\.[^"]*\.js)"></script>')
# Dash loads @babel/polyfill 7 (core-js 2) first on every page, for browsers without ES2015+.
# React 18 already needs a browser that has all of that natively. The one global the bundles served
# here use that browsers lack is `regeneratorRuntime` (in Dash's lazy-component loader), which
# dash-bootstrap-components' bundle defines before Dash's renderer runs. The polyfill's evaluation
# was a long task of its own on phones.
POLYFILL_SCRIPT = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*\.js"></script>\n?')
# Dash also loads its DataTable's bundle on every page; no page here has a DataTable (tables are
# HTML, the plan's measures an AG Grid), and its evaluation was one more long task on phones.
DATA_TABLE_SCRIPT = re.compile(r'<script src="[^"]*/dash_table/bundle[^"]*\.js"></script>\n?')


def scripts_after_paint(scripts: str) -> str:
    """Dash's script tags as a <template> (minus the polyfill, DataTable and AG Grid bundles); inline scripts kept."""
    scripts = POLYFILL_SCRIPT.sub("", scripts, count=1)
    scripts = DATA_TABLE_SCRIPT.sub("", scripts, count=1)
    grid = GRID_SCRIPT.search(scripts)
    if grid:                # not loaded with the page: its address for assets/app.js
        scripts = scripts.replace(grid.group(0), "", 1) + \
            f'\n<script id="migdash-grid-bundle" type="application/json">"{grid.group(1)}"</script>'
    tags = re.findall(r'<script src="[^"]+"></script>\n?', scripts)
    inline = scripts
    for tag in tags:
        inline = inline.replace(tag, "", 1)
    return f'<template id="migdash-scripts">{"".join(tags)}</template>\n{inline}'


class ScriptsAfterPaint(dash.Dash):
    """Dash whose scripts are held in #migdash-scripts and loaded by RENDERER (set it as `app.renderer`)."""

    def _generate_scripts_html(self) -> str:
        return scripts_after_paint(super()._generate_scripts_html())


# The renderer script (inline, its hash in the CSP like Dash's own): after the first frame, load
# the scripts held in #migdash-scripts in their order (async=false keeps it), then start Dash.
RENDERER = """(function () {
  function load() {
    var tags = document.getElementById("migdash-scripts").content.querySelectorAll("script");
    tags.forEach(function (tag, i) {
      var script = document.createElement("script");
      script.src = tag.getAttribute("src");
      script.async = false;
      if (i === tags.length - 1) script.onload = start;
      document.body.appendChild(script);
    });
  }
  function start() {
    if (window.migdash && window.migdash.wrapCharts) window.migdash.wrapCharts();
    window.renderer = new DashRenderer();
  }
  requestAnimationFrame(function () { setTimeout(load); });
})();"""


# --- 2. Dash's responses encoded by orjson in one pass ----------------------------------------
# Dash encodes its responses with plotly's `to_json_plotly`. With orjson installed, that first tries
# orjson on the object as it is, which fails on the first Dash component (orjson does not know
# them), and then rebuilds the whole tree in Python (`clean_to_json_compatible`) before encoding it:
# a large share of a page render. Here orjson encodes the tree directly and asks `default` only for
# what it does not know — components and the odd value plotly's cleaner handles — so the output is
# the same JSON, made faster. plotly's own escaping (`_safe`: `<`, `>`, `/`, line separators) is
# applied, so the JSON stays safe inside HTML. Dash has no setting for its encoder: each Dash module
# holds its own reference to `to_json`, reassigned by `install_fast_json`.

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
MODULES = {"sage_all": None, "np": np, "pd": pd, "image": None}
JSON_MODULES = (dash._utils, dash.dash, dash._callback, dash._validate)


def _default(value):
    if hasattr(value, "to_plotly_json"):      # Dash components, plotly figures
        return value.to_plotly_json()
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":  # e.g. labels: orjson takes the items
        return value.tolist()
    # what plotly's cleaner converts: arrays orjson does not take (object, datetime64, strided…),
    # pandas' missing values, Decimal…
    cleaned = clean_to_json_compatible(value, numpy_allowed=False, datetime_allowed=True, modules=MODULES)
    if cleaned is value:      # nothing to make of it: say so (orjson would retry until its recursion limit)
        raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")
    return cleaned


def to_json(value) -> str:
    return _safe(orjson.dumps(value, default=_default, option=OPTIONS).decode("utf8"), _swap_orjson)


def install_fast_json() -> None:
    """Use `to_json` wherever Dash encodes a response."""
    for module in JSON_MODULES:
        module.to_json = to_json


# --- 3. Dash Pages' router, used on the server for the first response -------------------------
# Dash Pages sends an empty page container and fills it by a callback once the browser has loaded
# (one more round trip before the first chart). dashboards/web/router.py renders the page into the
# container in the layout response instead. That needs Pages' private URL helpers (to find the
# page and its variables as the router callback would) and its private container ids (the router
# callback's inputs and outputs), which Dash builds only when no layout of its own is given.

def parse_query(search: str) -> dict:
    """The query string as Dash Pages passes it to a layout."""
    return _parse_query_string(search)


def page_for(path: str):
    """(page registry entry or None, path variables) for a path without its slashes, as Pages matches it."""
    return _path_to_page(path)


def pages_container(content=None, pathname: str | None = None, search: str | None = None,
                    title: str | None = None):
    """Dash Pages' container (its location, content, title store and dummy), holding `content`."""
    address = {"pathname": pathname, "search": search} if pathname is not None else {}
    location = dcc.Location(id="_pages_location", refresh="callback-nav", **address)
    store = dcc.Store(id="_pages_store", data={"title": title} if pathname is not None else None)
    return html.Div([location, html.Div(content, id="_pages_content", disable_n_clicks=True), store,
                     html.Div(id="_pages_dummy", disable_n_clicks=True)])


# --- 4. Dash's first-request setup run at start-up --------------------------------------------
# Dash registers its script paths and the Pages router in a `before_request` hook that marks itself
# done before it finishes; under a threaded server the first page's parallel script requests can
# then fail with "not a registered library". One request at start-up avoids it (it reads no data).

def finish_setup(server) -> None:
    server.test_client().get("/_dash-layout")


# --- 5. plotly.js: a smaller bundle at dcc.Graph's address ------------------------------------
# dcc.Graph loads the full plotly.js bundle from this path (plotly's package data, no fingerprint).
# Every chart here is a bar or scatter chart: a bundle of plotly.js's core and bar trace, of the
# plotly package's plotly.js version, is served there instead (dashboards/web/server.py; built by
# scripts/build-plotly, kept in dashboards/web/vendor/ with its licence).
PLOTLY_PATH = re.compile(r"^/_dash-component-suites/plotly/package_data/plotly(\.v[\w]+)?\.min\.js$")


def is_fingerprinted(path: str) -> bool:
    """Whether Dash's address for a component file carries a fingerprint (so it can be cached for a year)."""
    return bool(check_fingerprint(path)[1])
