"""/data, the catalogue: each table's coverage is stated from the published rows, in the page
language, and belongs to the data version it was worked out from."""
from __future__ import annotations

import pytest

from tests.conftest import text_of


@pytest.mark.parametrize("lang, words", [("en", "Years {first}–{last}, {series} statistical series."),
                                         ("bg", "Години {first}–{last}, {series} статистически реда.")])
def test_data_catalogue_states_coverage_from_the_rows(dash_app, snap, lang, words):
    from dashboards.pages import data

    obs = snap["observations"]
    want = words.format(first=int(obs["year"].min()), last=int(obs["year"].max()), series=obs["series"].nunique())
    assert want in text_of(data.layout(lang=lang))
    years = sorted(set(snap["plans"]["plan_year"]))
    assert ", ".join(str(y) for y in years) in data.coverage(snap, "plans", lang)


def test_data_catalogue_coverage_is_per_data_version(dash_app, snap):
    """Worked out once per version: a newer version with other rows states its own coverage."""
    from dashboards.pages import data
    from dashboards.store.current import Snapshot

    first = data.coverage(snap, "observations", "en")
    obs = snap.rows("observations")
    newer = obs[obs["year"] >= 2020].assign(year=lambda f: f["year"] + 1)
    other = Snapshot("newer", snap.manifest, {**snap.tables, "observations": newer.reset_index(drop=True)}, snap.folder)
    assert data.coverage(other, "observations", "en") == (
        f"Years {int(newer['year'].min())}–{int(newer['year'].max())}, {newer['series'].nunique()} statistical series.")
    assert data.coverage(other, "observations", "en") != first
    assert data.coverage(snap, "observations", "en") == first


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_data_catalogue_lists_every_column_in_the_page_language(dash_app, lang):
    """Each table's columns (name, type, description) are there to open: drawn in the browser when
    opened, and written into the pre-rendered page."""
    from dashboards.pages import data
    from dashboards.web.static_html import to_html
    from etl.schemas import TABLES
    from tests.conftest import components

    page = data.layout(lang=lang)
    views = {c.id["key"]: c.data for c in components(page) if isinstance(getattr(c, "id", None), dict)
             and c.id.get("deferred") == "table-view"}
    html_text = to_html(page)
    for name, spec in TABLES.items():
        rows = views[f"columns-{name}"]["rows"]
        assert [r[0] for r in rows] == [c.name for c in spec.columns]
        assert [r[2] for r in rows] == [c.en if lang == "en" else c.bg for c in spec.columns]
        assert f"<td>{spec.columns[0].name}</td>" in html_text
