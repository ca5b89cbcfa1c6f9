"""Downloads: exactly the charted rows as CSV and XLSX, whole tables, per theme and goal; safety."""
from __future__ import annotations

import io
import time

import openpyxl
import pandas as pd
import pytest

from dashboards.store.export import About, file_name, to_csv, to_xlsx

READMISSIONS_EN = "\ufeffPeriod,Indicator,Value,Unit,Flag,Place in the source\r\n2023,Total,243,persons,,plan-2024 line 63\r\n"
READMISSIONS_BG = ("\ufeffПериод,Показател,Стойност,Единица,Бележка,Място в източника\r\n"
                   "2023,Общо,243,лица,,plan-2024 line 63\r\n")
ASYLUM_2022_2024_EN = (
    "\ufeffPeriod,Indicator,Value,Unit,Flag,Place in the source\r\n"
    "2022,Total,20390,persons,rounded,MIGR_ASYAPPCTZA migr_asyappctza__asylum_applicants_total.csv row 50\r\n"
    "2023,Total,22510,persons,rounded,MIGR_ASYAPPCTZA migr_asyappctza__asylum_applicants_total.csv row 51\r\n"
    "2024,Total,12260,persons,rounded,MIGR_ASYAPPCTZA migr_asyappctza__asylum_applicants_total.csv row 52\r\n")


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def test_downloads_chart_csv_exact_both_languages(client):
    assert client.get("/download/statistics-readmissions.csv?lang=en").data.decode("utf-8") == READMISSIONS_EN
    assert client.get("/download/statistics-readmissions.csv").data.decode("utf-8") == READMISSIONS_BG
    response = client.get("/download/statistics-asylum.csv?lang=en&from=2022&to=2024")
    assert response.data.decode("utf-8") == ASYLUM_2022_2024_EN
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="Asylum-applicants.csv"')


def test_downloads_chart_xlsx_typed_with_about_sheet(client):
    response = client.get("/download/statistics-protection.xlsx?by=decision&from=2023&to=2023")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Данни", "Информация"]
    data = list(book["Данни"].iter_rows(values_only=True))
    assert data[0] == ("Период", "Вид решение", "Стойност", "Единица", "Бележка", "Място в източника")
    assert {(r[1], r[2]) for r in data[1:]} == {("Прекратено производство", 16213), ("Хуманитарен статут", 5685),
                                               ("Отказ", 2944), ("Статут на бежанец", 102)}
    assert all(isinstance(r[2], int) for r in data[1:])  # numbers stay numbers
    about = dict(book["Информация"].iter_rows(values_only=True))
    assert about["Заглавие"].endswith("по вид решение")
    assert "Години: 2023–2023" in about["Филтри"]
    assert "UNHCR" in about["Източник"] and about["Лиценз"] == "CC BY 4.0"
    assert about["Изглед"].endswith("/statistics/protection?by=decision&from=2023&to=2023")
    assert about["Версия на данните"] and about["Цитиране"].startswith("Миграцията в България в данни:")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="Resheniya-po-molbi-za-zakrila-po-darzhava-na-proizhod-VKBOON-po-vid-reshenie.xlsx"')


def test_downloads_plan_chart_rows_match_the_chart(client, dash_app, snap):
    from dashboards.pages import plan

    built = plan.build(snap, {"goal": "VII"}, "en")
    csv = pd.read_csv(io.BytesIO(client.get("/download/plan-targets.csv?goal=VII&lang=en").data), encoding="utf-8-sig")
    assert list(csv["Indicator"]) == list(built["shown"]["label_name"])
    assert list(csv["Target"]) == list(built["shown"]["target_value"])


def test_downloads_whole_tables_themes_goals(client, snap):
    measures = pd.read_csv(io.BytesIO(client.get("/data/measures.csv").data), encoding="utf-8-sig")
    assert len(measures) == 85 and measures.columns[0] == "plan_year"
    parquet = pd.read_parquet(io.BytesIO(client.get("/data/observations.parquet").data))
    assert len(parquet) == len(snap["observations"])
    theme = pd.read_csv(io.BytesIO(client.get("/data/theme/readmissions.csv").data), encoding="utf-8-sig")
    assert theme["value"].tolist() == [243]
    goal = client.get("/data/goal/VI.json").get_json()
    assert {r["measure_id"] for r in goal["rows"]} == {"2024-073", "2024-074"}
    assert client.get("/data/datapackage.json").get_json()["version"] == snap.version


@pytest.mark.parametrize("path", ["/download/nope.csv", "/download/statistics-asylum.exe", "/data/secrets.csv",
                                  "/data/measures.txt", "/data/theme/weather.csv", "/data/goal/IX.csv"])
def test_downloads_unknown_names_are_404(client, path):
    assert client.get(path).status_code == 404


def test_downloads_formulas_are_neutralised_numbers_untouched():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "ok"],
                          "number": [-5.0, 1.5, -2.0, 0.0, 3.0, 4.0]})
    csv = to_csv(frame).decode("utf-8-sig").splitlines()
    assert csv[1:] == ['"\'=HYPERLINK(""http://x"")",-5', "'+1,1.5", "'-2,-2", "'@SUM(A1),0", "'\tx,3", "ok,4"]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, About(title="=cmd|' /C calc'!A0"))))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1] == ("'=HYPERLINK(\"http://x\")", -5) and rows[3] == ("'-2", -2)
    assert dict(book.worksheets[1].iter_rows(values_only=True))["Заглавие"].startswith("'=")


def test_downloads_file_names_are_sanitised():
    assert file_name("Решения по вид (ВКБООН) / 2023", "csv") == "Решения-по-вид-ВКБООН-2023.csv"
    assert file_name("../../etc/passwd", "xlsx") == "etc-passwd.xlsx"
    assert file_name("", "csv") == "data.csv"


@pytest.mark.browser
def test_downloads_browser_click_gives_the_file(dash_duo, dash_app, server_port, tmp_path):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/statistics/readmissions?lang=en")
    link_css = "#statistics-readmissions .chart-tools a[href*='.csv']"
    dash_duo.wait_for_element(link_css, timeout=10)
    dash_duo.wait_for_element("#statistics-readmissions-graph .main-svg", timeout=10)  # layout settled
    # Looked up and clicked in one script: a re-render between a Python lookup and the click
    # would leave a stale element reference.
    dash_duo.driver.execute_script(
        "const a = document.querySelector(arguments[0]); a.scrollIntoView({block: 'center'}); a.click();", link_css
    )
    deadline = time.time() + 10
    while time.time() < deadline and not [p for p in tmp_path.iterdir() if p.suffix == ".csv"]:
        time.sleep(0.2)
    [downloaded] = [p for p in tmp_path.iterdir() if p.suffix == ".csv"]
    assert downloaded.read_bytes().decode("utf-8") == READMISSIONS_EN
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_downloads_embed_page_shows_chart_source_and_link_back(dash_duo, dash_app, server_port):
    dash_duo.start_server(dash_app, port=server_port, start_timeout=15)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/embed/statistics-protection?lang=en&from=2020")
    dash_duo.wait_for_element("#embed-graph .main-svg", timeout=10)
    assert dash_duo.find_element(".embed-title").text.startswith("Decisions on asylum applications")
    assert "UNHCR" in dash_duo.find_element(".embed-source").text
    back = dash_duo.find_element(".embed-source a")
    assert back.get_attribute("href").endswith("/statistics/protection?lang=en&from=2020")
    assert not dash_duo.find_elements(".shell-header")  # only the chart
    assert dash_duo.get_logs() == []
