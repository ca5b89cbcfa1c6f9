"""Every page in headless Chromium, in both languages: it renders, filters write the URL, the URL
gives the same view after a reload, back works, and the browser console stays clean."""
from __future__ import annotations

import pytest

from tests.conftest import choose, wait_live
from selenium.webdriver.common.keys import Keys
from dash.testing.wait import until

pytestmark = pytest.mark.browser

TEXT = {
    "bg": {"home": "Миграцията в България в данни", "sex": "Пол", "by_sex": "по пол", "plan": "План за действие",
           "about": "За проекта", "data": "Данни за изтегляне", "institutions": "Институции", "404": "Страницата не е намерена"},
    "en": {"home": "Bulgaria's migration in data", "sex": "Sex", "by_sex": "by sex", "plan": "Action plan",
           "about": "About", "data": "Data downloads", "institutions": "Institutions", "404": "Page not found"},
}


def open_page(dash_duo, path: str, lang: str, ready: str):
    sep = "&" if "?" in path else "?"
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}{'' if lang == 'bg' else sep + 'lang=en'}")
    wait_live(dash_duo)  # elements of the pre-rendered HTML are replaced by the live page's
    dash_duo.wait_for_element(ready, timeout=15)
    assert dash_duo.find_element("html").get_attribute("lang") == lang


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_pages_browser_statistics_filter_url_reload_back(dash_duo, dash_app, server_port, lang):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    open_page(dash_duo, "/statistics/trafficking", lang, "#statistics-trafficking-graph .main-svg")
    before = dash_duo.find_element("#statistics-trafficking-title").text
    choose(dash_duo, "#statistics-by", TEXT[lang]["sex"])
    dash_duo.wait_for_contains_text("#statistics-trafficking-title", TEXT[lang]["by_sex"], timeout=15)
    assert "by=sex" in dash_duo.driver.current_url
    summary = dash_duo.find_element("#statistics-trafficking-summary").text
    legend = {el.text for el in dash_duo.find_elements("#statistics-trafficking-graph .legendtext")}
    assert len(legend) == 2  # women and men
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#statistics-trafficking-title", TEXT[lang]["by_sex"], timeout=15)
    assert dash_duo.find_element("#statistics-trafficking-summary").text == summary
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#statistics-trafficking-title", before, timeout=15)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_pages_browser_institutions_search_url_reload(dash_duo, dash_app, server_port, lang):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    open_page(dash_duo, "/institutions", lang, ".institution-table")
    total = dash_duo.find_element("#institutions-count").text
    box = dash_duo.find_element("#institutions-search")
    # one letter at a time, each in the box before the next: chromedriver sent non-Latin letters of one
    # send_keys out of order on a busy machine (ДАСН instead of ДАНС)
    for n, letter in enumerate("ДАНС", 1):
        box.send_keys(letter)
        until(lambda: box.get_attribute("value") == "ДАНС"[:n], timeout=5)
    box.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#institutions-count", "1 институции" if lang == "bg" else "1 institutions", timeout=15)
    assert "q=%D0%94%D0%90%D0%9D%D0%A1" in dash_duo.driver.current_url
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#institutions-count", "1 институции" if lang == "bg" else "1 institutions", timeout=15)
    dash_duo.driver.back()
    dash_duo.wait_for_text_to_equal("#institutions-count", total, timeout=15)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_pages_browser_every_other_page_renders(dash_duo, dash_app, server_port, lang):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    pages = [
        ("/", "#home-plan-graph .main-svg", TEXT[lang]["home"]),
        ("/plan/measure/2024-038", "#measure-targets-graph .main-svg", None),
        ("/institutions/DAB", ".facts", None),
        ("/about", "#glossary", TEXT[lang]["about"]),
        ("/data", ".catalogue", TEXT[lang]["data"]),
        ("/statistics/protection", "#statistics-protection-graph .main-svg", None),
        ("/statistics/asylum", "#statistics-asylum-graph .main-svg", None),
        ("/statistics/returns", "#statistics-returns-graph .main-svg", None),
        ("/statistics/readmissions", "#statistics-readmissions-graph .main-svg", None),
        ("/no/such/page", "h1", TEXT[lang]["404"]),
        ("/plan/measure/2024-999", "h1", TEXT[lang]["404"]),
    ]
    for path, ready, heading in pages:
        open_page(dash_duo, path, lang, ready)
        if heading:
            assert dash_duo.find_element("h1").text == heading, path
        logs = dash_duo.get_logs()
        if heading == TEXT[lang]["404"]:  # the document itself answers 404; the browser logs that, nothing else
            logs = [e for e in logs if not (e["source"] == "network" and f"{path}" in e["message"] and "404" in e["message"])]
        assert logs == [], path


FIT = """
const out = {page: document.documentElement.scrollWidth - document.documentElement.clientWidth, sideways: [], past_chart: []};
document.querySelectorAll('.table-responsive').forEach(box => {
  if (box.offsetParent && box.scrollWidth > box.clientWidth + 1) out.sideways.push(box.querySelector('caption').textContent);
});
document.querySelectorAll('.js-plotly-plot').forEach(graph => {
  const svg = graph.querySelector('.main-svg').getBoundingClientRect();
  graph.querySelectorAll('text').forEach(t => {
    if (t.textContent.trim() && t.getBoundingClientRect().right > svg.right + 1) out.past_chart.push(t.textContent);
  });
});
return out;
"""


@pytest.mark.parametrize("lang", ["bg", "en"])
def test_pages_browser_tables_and_dumbbells_fit_a_phone(dash_duo, dash_app, server_port, lang):
    """On a phone the tables of the plan, measure, institutions and about pages are blocks of
    labelled values (nothing scrolls sideways, captions are whole) and every indicator's name
    stays inside its chart."""
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.driver.set_window_size(390, 900)
    for path, table, chart in (("/plan/measure/2024-001", ".indicator-table", "#measure-targets"),
                               ("/plan", ".goal-table", "#plan-targets"), ("/institutions", ".institution-table", None),
                               ("/about", ".table-stacked", None)):
        open_page(dash_duo, path, lang, table)
        if chart:      # drawn when scrolled near
            dash_duo.driver.execute_script(f"document.querySelector('{chart}').scrollIntoView()")
            dash_duo.wait_for_element(f"{chart}-graph .main-svg", timeout=15)
        assert dash_duo.driver.execute_script(FIT) == {"page": 0, "sideways": [], "past_chart": []}, path
        first = dash_duo.find_element(f"{table} tbody td")
        label = dash_duo.driver.execute_script("return getComputedStyle(arguments[0], '::before').content", first)
        assert label.strip('"') == first.get_attribute("data-label") != "", path
    assert dash_duo.get_logs() == []
