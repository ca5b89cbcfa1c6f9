"""The site's address: a spoofed Host header changes no link; MIGDASH_SITE_URL is the base of every
absolute link; untrusted hosts are refused."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from dashboards import site

SITE = "https://migration.example.bg"


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def _links(client, host: str | None = None) -> dict[str, str]:
    headers = {"Host": host} if host else {}
    robots = client.get("/robots.txt", headers=headers)
    sitemap = client.get("/sitemap.xml", headers=headers)
    embed = client.get("/embed/statistics-protection?lang=en", headers=headers)
    about = client.get("/data/sources.xlsx", headers=headers)
    view = None
    if about.status_code == 200:
        sheet = openpyxl.load_workbook(io.BytesIO(about.data)).worksheets[1]
        view = dict(sheet.iter_rows(values_only=True)).get("Изглед")
    return {"statuses": (robots.status_code, sitemap.status_code, embed.status_code, about.status_code),
            "robots": robots.data.decode(), "sitemap": sitemap.data.decode()[:2000],
            "canonical": re.findall(r'<link rel="canonical" href="([^"]+)">', embed.data.decode()), "view": view}


def test_site_url_spoofed_host_is_refused_and_changes_no_link(client, monkeypatch):
    monkeypatch.delenv("MIGDASH_SITE_URL", raising=False)
    monkeypatch.delenv("MIGDASH_TRUSTED_HOSTS", raising=False)
    quiet = _links(client)
    assert quiet["statuses"] == (200, 200, 200, 200) and "http://localhost/sitemap.xml" in quiet["robots"]
    spoofed = client.get("/robots.txt", headers={"Host": "evil.example"})
    assert spoofed.status_code == 400 and b"evil" not in spoofed.data
    for path in ("/", "/sitemap.xml", "/data/observations.csv", "/_dash-layout", "/api/v1/"):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400, path
    assert _links(client) == quiet  # nothing was cached from the spoofed requests


def test_site_url_configured_is_the_base_of_every_link(client, monkeypatch):
    monkeypatch.setenv("MIGDASH_SITE_URL", SITE + "/")
    monkeypatch.setenv("MIGDASH_TRUSTED_HOSTS", "migration.example.bg, localhost, *.example.bg")
    for host in (None, "www.example.bg", "localhost:8050"):
        links = _links(client, host)
        assert links["statuses"] == (200, 200, 200, 200), host
        assert f"Sitemap: {SITE}/sitemap.xml" in links["robots"]
        assert f"<loc>{SITE}/plan</loc>" in links["sitemap"] and "localhost" not in links["sitemap"]
        assert links["canonical"] == [f"{SITE}/statistics/protection?lang=en"]
        assert links["view"].startswith(f"{SITE}/data")
    assert client.get("/robots.txt", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/robots.txt", headers={"Host": "evilexample.bg"}).status_code == 400


def test_site_url_defaults_and_parsing(monkeypatch):
    monkeypatch.delenv("MIGDASH_TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("MIGDASH_SITE_URL", "https://Data.Example.org:8443/")
    assert site.site_url() == "https://Data.Example.org:8443"
    assert site.trusted_hosts() == ["localhost", "127.0.0.1", "::1", "data.example.org"]
    assert site.is_trusted("data.example.org:8443") and site.is_trusted("127.0.0.1:58450")
    assert site.is_trusted("[::1]:80") and not site.is_trusted("example.org") and not site.is_trusted("")
    for bad in ("javascript:alert(1)", "migration.example.bg", "https://x.example/?a=1", "//x.example"):
        monkeypatch.setenv("MIGDASH_SITE_URL", bad)
        assert site.site_url() == "", bad


def _about_sheet(data: bytes) -> dict:
    return dict(openpyxl.load_workbook(io.BytesIO(data)).worksheets[1].iter_rows(values_only=True))


@pytest.mark.parametrize("path", ["/data/observations.xlsx", "/data/measures.xlsx?lang=en", "/data/theme/asylum.xlsx",
                                  "/data/goal/I.xlsx"])
def test_kept_whole_table_files_name_no_host_without_a_site_url(client, monkeypatch, path):
    """A whole-table file is built once and served to every request: without MIGDASH_SITE_URL its
    About's link and citation are the path alone, whichever (trusted) Host asked first."""
    monkeypatch.delenv("MIGDASH_SITE_URL", raising=False)
    monkeypatch.setenv("MIGDASH_TRUSTED_HOSTS", "localhost, other.example.bg, 127.0.0.1")
    sheets = []
    for host in ("other.example.bg", "localhost:8050", "127.0.0.1"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 200, (path, host)
        about = _about_sheet(response.data)
        view = about.get("View") or about.get("Изглед")
        assert view.startswith("/data"), view
        text = " ".join(str(v) for v in about.values() if v)
        assert not re.search(r"https?://(localhost|127\.0\.0\.1|other\.example\.bg)", text), text
        sheets.append(about)
    assert sheets[0] == sheets[1] == sheets[2]
    # a chart's download (built per request, for that request) keeps the trusted Host's absolute link
    chart = _about_sheet(client.get("/download/statistics-protection.xlsx", headers={"Host": "other.example.bg"}).data)
    assert (chart.get("Изглед") or "").startswith("http://other.example.bg/statistics/protection")
