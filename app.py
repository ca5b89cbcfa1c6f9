"""The dashboard application: Dash Pages over the pages in dashboards/.

Run it with `scripts/serve` (gunicorn, see gunicorn.conf.py) or, for development,
`python app.py` (debug only when MIGDASH_DEBUG=1). `server` is the WSGI application.
"""
from __future__ import annotations

import os
from html import escape

from dash import ClientsideFunction, Input, Output, State, clientside_callback
from flask import g, request

from dashboards.i18n import lang_of, t
from dashboards.site import base_url, feed_href
from dashboards.web import dash_compat, pages_first
from dashboards.web.api import api_blueprint
from dashboards.web.downloads import downloads_blueprint
from dashboards.web.feed import feed_blueprint
from dashboards.web.guard import install as install_request_guards
from dashboards.web.router import guard_layouts, prerendered_entry, serve_layout
from dashboards.web.server import install as install_server_behaviour

dash_compat.check_versions()  # the patches below were written for one dash and plotly

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


class Dashboard(dash_compat.ScriptsAfterPaint):
    """Dash with the page language in <html lang> and a description, both from the URL;
    its scripts loaded after the first paint (see dashboards/web/dash_compat.py)."""

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


app = Dashboard(
    __name__,
    use_pages=True,
    pages_folder="dashboards/pages",
    title=t("shell.product", "bg"),
    update_title=None,
    suppress_callback_exceptions=True,
    serve_locally=True,
    compress=True,
    index_string=INDEX,
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
app.renderer = dash_compat.RENDERER
server = app.server
dash_compat.install_fast_json()
install_server_behaviour(server, app)
install_request_guards(server, app)
server.wsgi_app = pages_first.middleware(server.wsgi_app)   # file downloads wait for the pages
server.register_blueprint(api_blueprint)
server.register_blueprint(downloads_blueprint)
server.register_blueprint(feed_blueprint)
app.layout = serve_layout  # the page opened is rendered in the first response (see dashboards/web/router.py)
guard_layouts()

# Title and <html lang> follow the page; the mobile menu opens and closes without a server call.
clientside_callback(ClientsideFunction("migdash", "meta"), Output("shell-meta-sink", "children"), Input("shell-meta", "data"))
clientside_callback(
    "function(n, open){ return n ? !open : open; }",
    Output("shell-collapse", "is_open"), Input("shell-toggler", "n_clicks"), State("shell-collapse", "is_open"),
    prevent_initial_call=True,
)


dash_compat.finish_setup(server)  # Dash's first-request setup, in one thread (see dash_compat)

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")),
            debug=os.environ.get("MIGDASH_DEBUG") == "1")
