"""Bulgaria stays the default everywhere: with every reporting country in the observations, each
statistics chart (rows, download, summary) and key figure is what it was when only Bulgaria's rows
were kept (the copy in tests/fixtures/golden/bulgaria-views.json was written by the earlier code)."""
import json

import pytest

from tests.bulgaria_views import GOLDEN, views


@pytest.fixture
def client(dash_app):
    return dash_app.server.test_client()


def test_bulgaria_views_unchanged_with_all_countries(client, snap):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = views(client)
    assert sorted(found) == sorted(golden)
    changed = [name for name in golden if found[name] != golden[name]]
    assert changed == []
