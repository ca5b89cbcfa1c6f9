"""The dashboard application: Dash Pages over the pages in dashboards/.

Run it with `scripts/serve` (gunicorn, see gunicorn.conf.py) or, for development,
`python app.py` (debug only when MIGDASH_DEBUG=1). `server` is the WSGI application.
"""
from __future__ import annotations

import os
import re
from html import escape

import dash
from dash import ClientsideFunction, Input, Output, State, clientside_callback
from flask import g, request

from dashboards._api import api_blueprint
from dashboards._downloads import downloads_blueprint
from dashboards._guard import install as install_request_guards
from dashboards._feed import feed_blueprint, feed_href
from dashboards._i18n import lang_of, t
from dashboards._json import install as install_fast_json
from dashboards._router import guard_layouts, prerendered_entry, serve_layout
from dashboards._site import base_url
from dashboards._server import install as install_server_behaviour

# AG Grid's bundle (1.3 MB, 0.3 MB compressed) is only needed where a grid is shown (the plan's
# measures table, on wide screens only): it is not loaded with every page but by assets/app.js
# when a grid is drawn where it can be seen; the page names its address for that.
GRID_SCRIPT = re.compile(r'<script src="([^"]*/dash_ag_grid/dash_ag_grid\.[^"]*\.js)"></script>')
# Dash loads @babel/polyfill 7 (core-js 2, 100 kB) first on every page, for browsers without ES2015+.
# React 18 already needs a browser that has all of that natively. The one global the bundles served
# here use that browsers lack is `regeneratorRuntime` (in Dash's lazy-component loader), which
# dash-bootstrap-components' bundle defines before Dash's renderer runs. The polyfill's evaluation
# was a long task of its own on phones.
POLYFILL_SCRIPT = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*\.js"></script>\n?')
# Dash also loads its DataTable's bundle on every page; no page here has a DataTable (tables are
# HTML, the plan's measures an AG Grid), and its evaluation was one more long task on phones.
DATA_TABLE_SCRIPT = re.compile(r'<script src="[^"]*/dash_table/bundle[^"]*\.js"></script>\n?')

INDEX = """<!DOCTYPE html>
<html lang="bg">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
<link rel="preload" href="/assets/fonts/sofia-sans-cyrillic-400-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/assets/fonts/sofia-sans-latin-400-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/assets/fonts/sofia-sans-cyrillic-700-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/assets/fonts/sofia-sans-latin-700-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/assets/fonts/sofia-sans-cyrillic-600-normal.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="/assets/fonts/sofia-sans-latin-600-normal.woff2" as="font" type="font/woff2" crossorigin>
{%css%}
</head>
<body>
{%app_entry%}
{%config%}
{%scripts%}
{%renderer%}
</body>
</html>"""


class Dashboard(dash.Dash):
    """Dash with the page language in <html lang> and a description, both from the URL."""

    def interpolate_index(self, **kwargs):
        kwargs["app_entry"] = prerendered_entry(kwargs["app_entry"])
        html_text = super().interpolate_index(**kwargs)
        lang = lang_of(request.args.get("lang"))
        html_text = html_text.replace('<html lang="bg">', f'<html lang="{lang}">', 1)
        description = t("shell.description", lang).replace('"', "&quot;")
        tag = f'<meta name="description" content="{description}">'
        # every page names the feed of data updates, so a feed reader finds it from any address
        tag += (f'\n<link rel="alternate" type="application/atom+xml" href="{feed_href(lang)}" '
                f'title="{escape(t("feed.title", lang))}">')
        canonical = g.get("page_meta", {}).get("canonical")
        if canonical and canonical.startswith("/") and not canonical.startswith("//"):
            tag += f'\n<link rel="canonical" href="{escape(base_url().rstrip("/") + canonical)}">'
        if '<meta name="description" content="">' in html_text:
            return html_text.replace('<meta name="description" content="">', tag, 1)
        return html_text.replace("<head>", f"<head>\n{tag}", 1)

    def _generate_scripts_html(self) -> str:
        # The page is already in the document as HTML (see _router.prerendered_entry), so nothing
        # needs to wait for the ~300 kB (compressed) of Dash's scripts, nor should they take the
        # network from the stylesheets and fonts of the first paint on a slow connection. They are
        # written inert, in a <template>, and the renderer script below loads them, in order, once
        # the page has been painted. Dash's inline scripts (clientside callbacks) stay as they are.
        scripts = super()._generate_scripts_html()
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


app = Dashboard(
    __name__,
    use_pages=True,
    pages_folder="dashboards",
    title=t("shell.product", "bg"),
    update_title=None,
    suppress_callback_exceptions=True,
    serve_locally=True,
    compress=True,
    index_string=INDEX,
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
# The renderer script (inline, its hash in the CSP like Dash's own): after the first frame, load
# the scripts held in #migdash-scripts in their order (async=false keeps it), then start Dash.
app.renderer = """(function () {
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
server = app.server
install_fast_json()
install_server_behaviour(server, app)
install_request_guards(server, app)
server.register_blueprint(api_blueprint)
server.register_blueprint(downloads_blueprint)
server.register_blueprint(feed_blueprint)
app.layout = serve_layout  # the page opened is rendered in the first response (see dashboards/_router.py)
guard_layouts()

# Title and <html lang> follow the page; the mobile menu opens and closes without a server call.
clientside_callback(ClientsideFunction("migdash", "meta"), Output("shell-meta-sink", "children"), Input("shell-meta", "data"))
clientside_callback(
    "function(n, open){ return n ? !open : open; }",
    Output("shell-collapse", "is_open"), Input("shell-toggler", "n_clicks"), State("shell-collapse", "is_open"),
    prevent_initial_call=True,
)


def _finish_setup() -> None:
    """Run Dash's first-request setup now, in one thread.

    Dash registers its script paths and the Pages router in a `before_request` hook that marks
    itself done before it finishes; under a threaded server the first page's parallel script
    requests can then fail with "not a registered library". One request at start-up avoids it
    (it reads no data).
    """
    server.test_client().get("/_dash-layout")


_finish_setup()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")),
            debug=os.environ.get("MIGDASH_DEBUG") == "1")
