"""HTTP behaviour: compression, cache headers, security headers, limits, data version."""
from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def test_server_pages_are_compressed_and_not_cached(client, snap):
    response = client.get("/plan", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Data-Version"] == snap.version


def test_server_fingerprinted_bundles_cached_for_a_year(client):
    layout = client.get("/plan").data.decode()
    bundle = next(part.split('"')[0] for part in layout.split('src="')[1:] if "dash_renderer" in part)
    response = client.get(bundle, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"


def test_server_plotly_bundle_revalidated_not_kept_for_a_year(client):
    """dcc.Graph asks for plotly.js by an address without fingerprint: a new bundle under the same
    address must reach returning visitors, so it is kept a day and revalidated by its ETag."""
    path = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=86400"
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_server_security_headers_and_framing(client):
    page = client.get("/plan").headers
    csp = page["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self' 'sha256-" in csp  # Dash's inline scripts by hash, not 'unsafe-inline'
    assert page["X-Frame-Options"] == "DENY" and page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "strict-origin-when-cross-origin"
    embed = client.get("/embed/statistics-asylum").headers
    assert "frame-ancestors *" in embed["Content-Security-Policy"] and "X-Frame-Options" not in embed


def test_server_request_limits(client):
    assert client.get("/plan?q=" + "x" * 3000).status_code == 414
    assert client.post("/_dash-update-component", data=b"x" * 400_000,
                       headers={"Content-Type": "application/json"}).status_code == 413


def test_server_debug_is_off(dash_app):
    assert not dash_app.server.debug
    assert dash_app.config.get("suppress_callback_exceptions") is True


def test_server_robots_and_sitemap(client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Sitemap: http://localhost/sitemap.xml" in robots.data.decode()
    sitemap = client.get("/sitemap.xml").data.decode()
    assert "<loc>http://localhost/plan/measure/2024-064-b?lang=en</loc>" in sitemap
    assert "<loc>http://localhost/statistics/protection</loc>" in sitemap


def test_server_embedded_chart_points_search_engines_to_its_full_page(client):
    """An embedded chart may be crawled (robots.txt allows it) and names the full page with the same
    view as canonical, so search engines list that page instead; it has a main landmark."""
    assert "Disallow: /embed/" not in client.get("/robots.txt").data.decode()
    html = client.get("/embed/statistics-protection?lang=en&from=2020&by=<b>").data.decode()
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical == ["http://localhost/statistics/protection?lang=en&amp;from=2020&amp;by=%3Cb%3E"]  # escaped
    assert '<main class="embed" lang="en">' in html
    assert client.get(canonical[0].replace("&amp;", "&")).status_code == 200
    assert "rel=\"canonical\"" not in client.get("/statistics/protection").data.decode()  # pages are their own
    tracked = client.get("/embed/statistics-protection?from=2020&utm_source=news&fbclid=x").data.decode()
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', tracked) == ["http://localhost/statistics/protection?from=2020"]


def test_server_page_cache_tells_long_queries_apart(client):
    """Two addresses that differ only after a long common start are two pages (the kept pages are
    keyed by the whole query)."""
    pages = [client.get(f"/embed/statistics-protection?from=2020&q={'a' * 600}{tail}").data.decode()
             for tail in ("ONE", "TWO")]
    assert "aONE" not in pages[1] and "aTWO" not in pages[0]


def test_server_page_html_is_readable_before_scripts(client):
    html = client.get("/statistics/protection?lang=en").data.decode()
    assert '<html lang="en">' in html
    assert "<h1>Protection decisions</h1>" in html  # the page itself, not "Loading..."
    assert "in 2023: Terminated procedure 16,213 (65%)" in html  # the chart's text summary
    assert '<select id="statistics-by" class="form-select" disabled><option value="total">' in html
    bg = client.get("/plan/measure/2024-038").data.decode()
    assert "Ефективно изпълнение на процедури по връщане" in bg and "985\u00a0000 лв." in bg
    assert "<script>alert" not in client.get("/plan?q=<script>alert(1)</script>").data.decode()


@pytest.mark.parametrize("path, words", [("/no/such/page", "Страницата не е намерена"), ("/plan/measure/2024-999?lang=en", "Page not found"),
                                         ("/institutions/XXX", "Страницата не е намерена"), ("/statistics/weather?lang=en", "Page not found")])
def test_server_unknown_addresses_and_ids_answer_404(client, path, words):
    """The not-found page is served with status 404 (twice: also when the page comes from the page
    cache), while the layout request the live page makes still succeeds."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 404 and words in response.get_data(as_text=True)
    assert client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"}).status_code == 200
    assert client.get("/plan/measure/2024-038").status_code == 200


@pytest.mark.parametrize("path", ["/data/observations.xlsx", "/data/datapackage.json", "/download/statistics-asylum.csv",
                                  "/data/feed.atom"])
def test_server_files_before_any_data_is_published_answer_503(client, monkeypatch, caplog, path):
    from dashboards.store import current

    def unavailable():
        raise current.DataUnavailable("no published data: run `python -m etl build`")
    monkeypatch.setattr(current, "snapshot", unavailable)
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60" and response.mimetype == "text/plain"
    assert b"No data is published yet" in response.data
    assert not [r for r in caplog.records if r.exc_info]          # one line, no traceback
