"""/data/feed.atom: an Atom feed of data updates, read back with a real feed parser (feedparser).

Two real publishes (the second revises a plan target and an observation): two entries, newest
first, whose summaries name what changed, in the request's language; a per-series feed keeps only
that series; every page's head names the feed; the sitemap lists it."""
from __future__ import annotations

import feedparser
import pytest

from dashboards.store import current
from etl.build import build

PLAN = "raw/plan/plan-2024-draft.txt"
ASYLUM = "raw/statistics/eurostat-migr_asyappctza.csv"


@pytest.fixture
def two_versions(snap, dash_app, fresh_data_dir, monkeypatch):
    """Two publishes in an empty data folder: the second revises a target (178 → 190) and the
    asylum applicants of 2008 (745 → 800)."""
    monkeypatch.setattr(current, "CHECK_SECONDS", 0)
    current.reset()
    first = build().version
    plan = fresh_data_dir / PLAN
    plan.write_text(plan.read_text(encoding="utf-8").replace("чужденци – 178", "чужденци – 190"), encoding="utf-8")
    asylum = fresh_data_dir / ASYLUM
    text = asylum.read_text(encoding="utf-8")
    assert "asylum_applicants,2008,,,,,,,745," in text
    asylum.write_text(text.replace("asylum_applicants,2008,,,,,,,745,", "asylum_applicants,2008,,,,,,,800,"), encoding="utf-8")
    second = build().version
    yield first, second
    current.reset()  # the next test reloads the session's data


def parsed(dash_app, url: str):
    response = dash_app.server.test_client().get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_feed_two_publishes_give_two_entries_naming_what_changed(two_versions, dash_app):
    first, second = two_versions
    feed = parsed(dash_app, "/data/feed.atom?lang=en")
    assert [e.title for e in feed.entries] == [f"Version {second} ({second[:4]}-{second[4:6]}-{second[6:8]})",
                                               f"Version {first} ({first[:4]}-{first[4:6]}-{first[6:8]})"]
    newest, oldest = feed.entries[0].summary, feed.entries[1].summary
    assert "1 revised in indicators" in newest and "1 revised in observations" in newest
    assert "178 → 190" in newest and "745 → 800" in newest
    assert newest.index("745 → 800") < newest.index("178 → 190")   # the largest revision first
    assert oldest.startswith("First published version:") and "observations (" in oldest
    assert feed.entries[0].link.endswith(f"/data?lang=en#version-{second}")
    assert feed.entries[0].id != feed.entries[1].id
    assert feed.feed.title == "Bulgaria's migration in data — data updates"


def test_feed_speaks_the_request_language(two_versions, dash_app):
    feed = parsed(dash_app, "/data/feed.atom")
    assert feed.feed.language == "bg"
    assert "ревизирани в indicators" in feed.entries[0].summary and "178 → 190" in feed.entries[0].summary
    assert feed.entries[0].link.endswith(f"/data#version-{two_versions[1]}")


def test_feed_per_series_keeps_only_that_series(two_versions, dash_app):
    feed = parsed(dash_app, "/data/feed.atom?series=asylum_applicants&lang=en")
    assert len(feed.entries) == 1
    assert "745 → 800" in feed.entries[0].summary and "178 → 190" not in feed.entries[0].summary
    assert "asylum_applicants" in feed.feed.links[0].href


@pytest.mark.parametrize("series", ["nope", "<script>", "x" * 500, ""])
def test_feed_unknown_series_is_not_found(dash_app, series):
    assert dash_app.server.test_client().get("/data/feed.atom", query_string={"series": series}).status_code == 404


def test_feed_first_publication_only(dash_app):
    feed = parsed(dash_app, "/data/feed.atom?lang=en")
    assert len(feed.entries) >= 1 and feed.entries[-1].summary.startswith("First published version:")


@pytest.mark.parametrize("path, lang", [("/", "bg"), ("/statistics?lang=en", "en"), ("/data", "bg")])
def test_feed_every_page_head_names_the_feed(dash_app, path, lang):
    body = dash_app.server.test_client().get(path).get_data(as_text=True)
    head = body[:body.index("</head>")]
    want = "/data/feed.atom" + ("?lang=en" if lang == "en" else "")
    assert f'<link rel="alternate" type="application/atom+xml" href="{want}"' in head


def test_feed_linked_from_data_page_and_sitemap(dash_app):
    from dashboards.pages import data
    from tests.conftest import components

    hrefs = [getattr(c, "href", None) for c in components(data.layout(lang="en"))]
    assert "/data/feed.atom?lang=en" in hrefs
    sitemap = dash_app.server.test_client().get("/sitemap.xml").get_data(as_text=True)
    assert "/data/feed.atom</loc>" in sitemap
