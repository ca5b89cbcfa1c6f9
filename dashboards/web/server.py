"""HTTP behaviour of the site: compression, cache headers, security headers, request limits,
and the data version on every response.

- Compression: brotli or gzip (Dash's JavaScript is large uncompressed). Static files are
  compressed once per worker and kept (they are fingerprinted, so they never change under a URL).
- Caching: fingerprinted Dash bundles and assets for a year (immutable); fonts, and plotly.js
  (dcc.Graph asks for it by an address without fingerprint) for a day, with an ETag for plotly.js;
  pages and layouts not at all (they follow the URL and the data version); data files and API
  answers carry their own ETag and a short max-age.
- Security: a Content-Security-Policy that Dash works with (inline scripts only by hash), no
  framing except /embed/, nosniff, a referrer policy that keeps paths on this site only.
- Hosts: only MIGDASH_TRUSTED_HOSTS are answered; absolute links use MIGDASH_SITE_URL (dashboards/site.py).
- Limits: request bodies (callback payloads are small) and query strings are bounded (2 KB: 414;
  /search alone redirects to itself with the query cut, see dashboards/pages/search.py).
- `X-Data-Version` names the data version that answered, so every response is attributable.
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, g, request

from dashboards.store import current
from dashboards.site import base_url, is_trusted
from dashboards.web.dash_compat import PLOTLY_PATH, is_fingerprinted

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024
MAX_QUERY_BYTES = 2048
YEAR = 31_536_000
# dcc.Graph loads the full plotly.js bundle, with every trace type, from PLOTLY_PATH (see
# dash_compat). Every chart here is a bar, scatter or choropleth chart: a bundle of plotly.js's core
# and those traces is served instead, a fraction of the full bundle's size, evaluated faster than
# even plotly's own "basic" bundle (docs/DEPLOY.md). Same plotly.js version as the plotly package's
# (4.1.1); built by scripts/build-plotly, kept in dashboards/web/vendor/ with its licence.
PLOTLY_BUNDLE = Path(__file__).with_name("vendor") / "plotly.min.js"


class StaticCompressionCache:
    """Keeps compressed static files only (keys marked static:); everything else is compressed per request."""

    def __init__(self, limit: int = 300):
        self.store: dict[str, bytes] = {}
        self.limit = limit

    def get(self, key: str):
        return self.store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if ";static:" in key and len(self.store) < self.limit:
            self.store[key] = value


@lru_cache(maxsize=1)
def _plotly_bundle() -> bytes:
    return PLOTLY_BUNDLE.read_bytes()


@lru_cache(maxsize=1)
def _plotly_etag() -> str:
    return hashlib.sha256(_plotly_bundle()).hexdigest()[:32]


def _is_static() -> bool:
    return request.path.startswith(("/_dash-component-suites/", "/assets/"))


def compression_key(req) -> str:
    return f"static:{req.full_path}" if _is_static() else "dynamic"


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    scripts = " ".join(script_hashes)  # Dash gives them quoted: 'sha256-…'
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {scripts}".strip(),
        "style-src 'self' 'unsafe-inline'",        # React and plotly.js set inline styles
        "img-src 'self' data: blob:",              # chart images are made in the browser
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def site_paths() -> list[str]:
    """Every page address: fixed pages, statistics themes, measures and institutions."""
    import dash

    from dashboards.store.stats import PAGES

    paths = [p["path"] for p in dash.page_registry.values() if not p.get("path_template") and p["path"] != "/404"]
    paths += [f"/statistics/{theme}" for theme in PAGES]
    try:
        snap = current.snapshot()
        if snap["plans"]["plan_year"].nunique() < 2:   # the plans compared: a page once two plans are published
            paths.remove("/plan/compare")
        paths += [f"/plan/measure/{m}" for m in snap["measures"]["measure_id"]]
        paths += [f"/institutions/{c}" for c in snap["institutions"]["code"]]
    except current.DataUnavailable:
        paths = [p for p in paths if p != "/plan/compare"]
    return paths


def install(server: Flask, app) -> None:
    server.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_CACHE_KEY=compression_key,
        COMPRESS_CACHE_BACKEND=StaticCompressionCache,
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/csv", "text/plain", "application/javascript",
                            "text/javascript", "application/json", "image/svg+xml"],
    )
    hashes: list[str] = []

    @server.route("/robots.txt")
    def robots():
        # Embedded charts may be crawled: each names its full page as canonical (a page search engines
        # may not fetch cannot tell them so).
        return Response("User-agent: *\nAllow: /\nDisallow: /download/\n"
                        f"Sitemap: {base_url()}sitemap.xml\n", mimetype="text/plain")

    @server.route("/sitemap.xml")
    def sitemap():
        base = base_url().rstrip("/")
        urls = [f"{base}{path}{suffix}" for path in site_paths() for suffix in ("", "?lang=en")]
        urls += [f"{base}/data/feed.atom", f"{base}/data/feed.atom?lang=en"]
        body = "".join(f"<url><loc>{u.replace('&', '&amp;')}</loc></url>" for u in urls)
        return Response('<?xml version="1.0" encoding="UTF-8"?>'
                        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>',
                        mimetype="application/xml")

    @server.before_request
    def limits():
        if not is_trusted(request.host):  # links are never built from an untrusted Host (see dashboards/site.py)
            return Response("Unknown host.\n", status=400, mimetype="text/plain")
        if len(request.query_string) > MAX_QUERY_BYTES:
            if request.path == "/search" and request.method in ("GET", "HEAD"):
                # a pasted text: the search page with the query cut (and saying so), not an error
                from dashboards.i18n import lang_of
                from dashboards.store.site_search import bounded_address

                address = bounded_address(request.args.get("q", ""), lang_of(request.args.get("lang")), MAX_QUERY_BYTES)
                return Response(status=303, headers={"Location": address, "Cache-Control": "no-store"})
            return Response("Query string too long.\n", status=414, mimetype="text/plain")
        if PLOTLY_PATH.search(request.path):  # not streamed, so the compressed copy is kept (see above)
            response = Response(_plotly_bundle(), mimetype="application/javascript")
            response.set_etag(_plotly_etag())  # its address has no fingerprint: revalidated daily
            return response.make_conditional(request)
        return None

    @server.after_request
    def headers(response: Response) -> Response:
        if not hashes:
            hashes.extend(app.csp_hashes())
        path = request.path
        embed = path.startswith("/embed/")
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        h["Content-Security-Policy"] = content_security_policy(hashes, "*" if embed else "'none'")
        if not embed:
            h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        status = g.get("page_meta", {}).get("status", 200)
        if response.mimetype == "text/html" and status != 200 and response.status_code == 200:
            response.status_code = status    # the not-found page answers 404, as a missing file would
        try:
            h.setdefault("X-Data-Version", current.snapshot().version)
        except current.DataUnavailable:
            pass
        if (path.startswith("/_dash-component-suites/") and is_fingerprinted(path)) or \
                (path.startswith("/assets/") and "m" in request.args):
            h["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        elif path.startswith(("/assets/", "/_dash-component-suites/")):  # e.g. plotly.js: same address, new file
            h["Cache-Control"] = "public, max-age=86400"
        elif path in ("/_dash-layout", "/_dash-dependencies") or path.endswith("/_dash-update-component"):
            h["Cache-Control"] = "no-store"
        elif "Cache-Control" not in h and response.mimetype == "text/html":
            h["Cache-Control"] = "no-cache"
        return response
