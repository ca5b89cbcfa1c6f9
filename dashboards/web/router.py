"""The page container, rendered on the server for the page being opened.

Dash Pages normally sends an empty page container and fills it with a callback once the browser
has loaded: one more round trip before the first chart. Here the layout request (which carries
the page's address in its Referer header) gets the page already rendered, and the URL component
starts with that address, so no routing callback runs at load. Navigation afterwards (links,
filters writing the URL, back and forward) goes through Dash Pages' router as usual.

Every page layout is also wrapped so that an error shows a friendly message, never a blank page.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from functools import wraps
from urllib.parse import urlparse

import dash
from dash import html

from dashboards.store import current
from dashboards.i18n import lang_of, t
from dashboards.web.dash_compat import page_for, pages_container, parse_query

log = logging.getLogger(__name__)
# Rendered pages kept per process: a page is a pure function of its address and the data version,
# so a popular view (a shared link during a news spike) is rendered once. 0 turns it off.
PAGE_CACHE_SIZE = int(os.environ.get("MIGDASH_PAGE_CACHE", "128"))
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(module: str, kwargs: dict):
    try:
        version = current.snapshot().version
    except current.DataUnavailable:
        return None
    items = tuple(sorted((str(k), str(v)) for k, v in kwargs.items()))
    # odd addresses (many or long parameters) are rendered but not kept; the key is the whole query
    if len(items) > 20 or any(len(v) > 500 for _, v in items):
        return None
    return (version, module, items)


def clear_page_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _address() -> tuple[str, str] | None:
    """(pathname, search) of the page being rendered, or None when unknown."""
    from flask import has_request_context, request

    if not has_request_context() or not request.path.endswith("/_dash-layout"):
        return None  # e.g. Dash validating the layout at start-up: nothing to render
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlparse(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path or "/", (f"?{parts.query}" if parts.query else "")


def render(pathname: str, search: str):
    query = parse_query(search)
    page, variables = page_for(pathname.strip("/"))
    if not page:
        page = next(p for p in dash.page_registry.values() if p["module"].endswith("not_found_404"))
    layout = page["layout"]
    return layout(**{**(variables or {}), **query}) if callable(layout) else layout


def _meta(content) -> dict:
    """What the page shell carries in its `shell-meta` store: title, language, HTTP status, canonical path."""
    for child in (getattr(content, "children", None) or [])[:3]:
        if getattr(child, "id", None) == "shell-meta":
            return child.data
    return {}


def _page_title(content) -> str:
    """The title of the page, for Dash Pages' title callback."""
    return _meta(content).get("title") or t("shell.product", "bg")


def serve_layout():
    address = _address()
    if not address:
        return pages_container()
    content = render(*address)
    return pages_container(content, *address, _page_title(content))


def error_page(lang: str):
    return html.Div([
        html.Div(id="shell-meta-sink", hidden=True),
        html.Main([html.H1(t("error.title", lang)), html.P(t("error.text", lang)),
                   html.A(t("not_found.home", lang), href="/" + ("?lang=en" if lang == "en" else ""),
                          className="btn btn-primary")], className="container shell-main error-page"),
    ], lang=lang)


def guard_layouts() -> None:
    """Wrap every page layout: an exception is logged and the visitor gets a message, not a blank page."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if not callable(layout) or getattr(layout, "_guarded", False):
            continue

        @wraps(layout)
        def guarded(*args, _layout=layout, **kwargs):
            key = _cache_key(_layout.__module__, kwargs) if PAGE_CACHE_SIZE and not args else None
            if key is not None:
                with _cache_lock:
                    if key in _cache:
                        _cache.move_to_end(key)
                        return _cache[key]
            try:
                result = _layout(*args, **kwargs)
            except Exception:
                log.exception("page %s failed", _layout.__module__)
                return error_page(lang_of(kwargs.get("lang")))
            if key is not None:
                with _cache_lock:
                    _cache[key] = result
                    while len(_cache) > PAGE_CACHE_SIZE:
                        _cache.popitem(last=False)
            return result

        guarded._guarded = True
        page["layout"] = guarded


def warm_up() -> None:
    """Render every page's default view in both languages once (a worker just started): loads the
    data and fills the derived-data and page caches before the first visitor arrives."""
    try:
        current.snapshot()
    except current.DataUnavailable:
        return
    paths = [p["path"] for p in dash.page_registry.values() if not p.get("path_template") and p["path"] != "/404"]
    paths += [f"/statistics/{theme}" for theme in ("asylum", "protection", "returns", "readmissions", "trafficking")]
    for path in paths:
        for search in ("", "?lang=en"):
            try:
                render(path, search)
            except Exception:  # warming must never stop a worker
                log.exception("warm-up of %s%s failed", path, search)


def prerendered_entry(app_entry: str) -> str:
    """Dash's mount point with the requested page already in it as plain HTML (see static_html.py)."""
    from flask import g, has_request_context, request

    from dashboards.web.static_html import to_html

    if not has_request_context() or request.method != "GET":
        return app_entry
    try:
        query = request.query_string.decode("latin-1")
        content = render(request.path, f"?{query}" if query else "")
        g.page_meta = _meta(content)   # for the document: its HTTP status (404), canonical link (embeds)
        html_text = to_html(content)
    except Exception:  # the live page will still render; never fail the document for this
        log.exception("pre-rendering %s failed", request.path)
        return app_entry
    return app_entry.replace('<div class="_dash-loading">', f'<div class="_dash-loading prerendered">{html_text}', 1) \
        .replace("Loading...", "", 1)
