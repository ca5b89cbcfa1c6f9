"""/statistics/<page> and the overview: selections, figures, summaries (no browser)."""
from __future__ import annotations

import pytest

from dashboards.ui.params import parse
from tests.conftest import components, text_of, words


@pytest.fixture(scope="module")
def stats(dash_app):
    from dashboards.pages import home
    from dashboards.pages import statistics

    return statistics, home


def test_statistics_readmissions_2023_answer(stats):
    statistics, _ = stats
    text = text_of(statistics.layout(theme="readmissions", lang="en"))
    assert "Readmissions" in text and "in 2023, 243 persons" in text
    assert "plan-2024 line 63" in text  # cited: document and line


def test_statistics_protection_split_2023_and_since_2015(stats, snap):
    statistics, _ = stats
    state = parse({}, statistics.PARAMS)
    rows, choice, used = statistics.chart_rows(snap, "protection", state)
    assert used == "decision" and choice["years"] == (2015, 2023)
    latest = rows[rows["period"] == "2023"].set_index("key")["value"]
    # UNHCR Refugee Data Finder, Bulgaria 2023 (hand-checked against the published totals)
    assert latest.to_dict() == {"terminated": 16213, "humanitarian_status": 5685, "rejected": 2944, "refugee_status": 102}
    text = text_of(statistics.layout(theme="protection"))
    assert "през 2023 г.: Прекратено производство 16\u00a0213 (65 %)" in text
    assert "През 2015 г. най-голям дял има „Прекратено производство“" in text


def test_statistics_breakdown_and_years_from_url(stats, snap):
    statistics, _ = stats
    state = parse({"series": "asylum_applicants", "by": "citizenship", "from": "2020", "to": "2024"}, statistics.PARAMS)
    rows, choice, used = statistics.chart_rows(snap, "asylum", state)
    assert used == "citizenship" and set(rows["year"]) == {2020, 2021, 2022, 2023, 2024}
    # out-of-range or foreign values fall back to the series' own coverage and default view
    bad = parse({"series": "readmissions", "from": "1800", "by": "<x>"}, statistics.PARAMS)
    rows, choice, used = statistics.chart_rows(snap, "asylum", bad)
    assert choice["series"] == "asylum_applicants" and choice["years"][0] == 2008 and used is None


def test_statistics_flags_are_marked_in_summary_and_table(stats, snap):
    statistics, _ = stats
    rows, _, used = statistics.chart_rows(snap, "asylum", parse({}, statistics.PARAMS))
    assert set(rows["flag"].dropna()) == {"rounded"}
    table = statistics.table_of(rows, used, "en")
    assert set(table["Flag"]) == {"rounded"}
    assert "17 values carry a flag (rounded)" in text_of(statistics.layout(theme="asylum", lang="en"))


@pytest.mark.parametrize("lang, sentence", [
    ("bg", "през 2021 г. – 466 лица, с 2 % повече от 2020 г. Най-високата"),
    ("en", "in 2021, 466 persons, 2% more than in 2020. The highest"),
])
def test_statistics_summary_reads_as_sentences(stats, snap, lang, sentence):
    """The generated text under a chart: one full stop between sentences, also after "2020 г."."""
    statistics, _ = stats
    _, _, _, data = statistics.build(snap, "trafficking", {}, lang)
    assert sentence in data.summary.replace("\u00a0", " ") and ".." not in data.summary


def test_statistics_empty_state_names_the_years(stats, snap):
    from dashboards.ui.figures import statistics_figure

    fig = statistics_figure(snap["observations"].iloc[0:0], {"empty_message": "No data for 2019–2019 in this source."}, "en")
    assert fig.layout.annotations[0].text == "No data for 2019–2019 in this source."


def test_statistics_unknown_page_is_not_found(stats):
    statistics, _ = stats
    assert "Page not found" in text_of(statistics.layout(theme="weather", lang="en"))


def test_statistics_pages_link_related_measures(stats):
    statistics, _ = stats
    text = text_of(statistics.layout(theme="readmissions"))
    assert "/plan/measure/2024-070" in text


def test_home_headlines_latest_year_and_change(stats, snap):
    _, home = stats
    h = home.headline(snap, "asylum_applicants", "en")
    assert (h["period"], h["value"], h["prev_period"], h["prev_value"]) == ("2024", 12260, "2023", 22510)
    tp = home.headline(snap, "temporary_protection_beneficiaries", "en")
    assert tp["prev_period"] == f"{int(tp['period'][:4]) - 1}{tp['period'][4:]}"  # same month a year before
    text = text_of(home.layout(lang="en"))
    assert "The 2024 plan has 85 measures under 7 strategic goals" in text and "−46%" in text


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_home_trend_pictures_say_what_they_show(stats, snap, lang):
    """Each card's trend is a picture (SVG) whose text alternative gives its span and extremes."""
    from dash import html

    _, home = stats
    h = home.headline(snap, "asylum_applicants", lang)
    expected = home.trend_text(h, lang)
    highest = {"bg": "22\u00a0510 (2023)", "en": "22,510 (2023)"}[lang]  # Babel's group separator
    assert expected.startswith({"bg": "Изменение 2008–2024", "en": "Trend 2008–2024"}[lang]) and highest in expected
    pictures = [c for c in components(home.layout(lang=lang)) if isinstance(c, html.Img) and "sparkline" in c.className]
    assert len(pictures) >= 4 and expected in [p.alt for p in pictures]
    assert all(p.src.startswith("data:image/svg+xml,") for p in pictures)
    from dashboards.web.static_html import to_html  # and in the page before scripts run, with its text
    assert f'alt="{expected}"' in to_html(home.layout(lang=lang)).replace("&#x27;", "'")


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_home_theme_links_say_where_they_lead(stats, lang):
    """Each card's link names its figure (for screen readers and search engines, not only 'More')."""
    from dash import dcc

    from dashboards.i18n import t

    _, home = stats
    links = [words(c) for c in components(home.layout(lang=lang))
             if isinstance(c, dcc.Link) and "kpi-link" in (getattr(c, "className", None) or "")]
    assert len(links) >= 4
    assert all(link.startswith(t("home.more", lang)) and len(link) > len(t("home.more", lang)) + 3 for link in links)
    assert len(set(links)) == len(links)
