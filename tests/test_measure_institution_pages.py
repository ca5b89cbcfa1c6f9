"""/plan/measure/<id>, /institutions, /institutions/<code>, /about and the 404 page (no browser)."""
from __future__ import annotations

import pytest

from tests.conftest import text_of


@pytest.fixture(scope="module")
def pages(dash_app):
    from dashboards.pages import about
    from dashboards.pages import institution
    from dashboards.pages import institutions
    from dashboards.pages import measure
    from dashboards.pages import not_found_404

    return {"measure": measure, "institution": institution, "institutions": institutions, "about": about,
            "404": not_found_404}


def test_measure_page_shows_every_field(pages):
    text = text_of(pages["measure"].layout(measure_id="2024-038"))
    for expected in ("Ефективно изпълнение на процедури по връщане", "985\u00a0000 лв.", "503\u00a0623 евро",
                     "Фонд „Убежище, миграция и интеграция“ (ФУМИ)", "31 декември 2024 г.", "ред 976",
                     "Брой върнати от страната незаконно пребиваващи чужденци", "178", "Все още няма отчет",
                     "/institutions/MVR-DM", "Проект."):
        assert expected in text, expected


def test_measure_page_english_marks_unofficial_translation(pages):
    text = text_of(pages["measure"].layout(measure_id="2024-006", lang="en"))
    assert "Unofficial translation" in text and "The official text is in Bulgarian" in text
    assert "BGN 6,000,000" in text and "/plan/measure/2024-034?lang=en" in text  # shared budget, linked
    assert "The budget is stated as shared with another measure" in text


def test_measure_page_unknown_id_is_not_found(pages):
    assert "Страницата не е намерена" in str(pages["measure"].layout(measure_id="2024-999"))
    assert "Page not found" in str(pages["measure"].layout(measure_id="<script>", lang="en"))


def test_institutions_page_lists_bodies_with_roles(pages, snap):
    text = text_of(pages["institutions"].layout())
    assert "/institutions/DAB" in text and "/institutions/MVR-DM" in text
    rows = pages["institutions"].institution_summary(snap, "en").set_index("code")
    assert rows.loc["DAB", "responsible"] == 16 and rows.loc["MVR-DM", "abbr"] == "MD-MoI"
    assert "ДАНС" in str(pages["institutions"].layout(q="ДАНС")) and "/institutions/DAB" not in str(pages["institutions"].layout(q="ДАНС"))


def test_institution_page_answers_what_sar_is_responsible_for(pages):
    text = text_of(pages["institution"].layout(code="DAB", lang="en"))
    assert "State Agency for Refugees with the Council of Ministers" in text
    assert "Responsible for 16 measures" in text and "/plan/measure/2024-053?lang=en" in text
    assert "Page not found" in str(pages["institution"].layout(code="NOPE", lang="en"))


def test_about_page_has_method_sources_glossary(pages):
    text = text_of(pages["about"].layout(lang="en"))
    for expected in ("Progress status of indicators", "(A − B) / (T − B)", "Glossary of abbreviations",
                     "Държавна агенция за бежанците при Министерския съвет", "plan-2024-draft.txt", "at least 75 %"):
        assert expected in text, expected


def test_not_found_page_in_both_languages(pages):
    assert "Страницата не е намерена" in str(pages["404"].layout())
    assert "Page not found" in str(pages["404"].layout(lang="en"))
