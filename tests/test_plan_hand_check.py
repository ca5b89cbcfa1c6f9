"""Measures from every strategic goal, checked by hand against the 2024 plan document
(data/raw/plan/plan-2024-draft.txt; line numbers are the document's). Expected values are what
the document states, copied by a person, not outputs of the parser."""
from __future__ import annotations

from datetime import date

import pytest


def measure(tables, measure_id):
    found = [m for m in tables.measures if m["measure_id"] == measure_id]
    assert found, f"no measure {measure_id}"
    return found[0]


def indicators(tables, measure_id):
    return [(i["name"], i["baseline_value"], i["target_value"]) for i in tables.indicators if i["measure_id"] == measure_id]


def institutions(tables, measure_id, role):
    return sorted(r["institution_code"] for r in tables.measure_institutions
                  if r["measure_id"] == measure_id and r["role"] == role)


def test_plan_hand_check_every_row_is_a_measure(plan_tables):
    # 84 numbers are printed, № 64 twice: 85 table rows (the text says "84 мерки").
    assert len(plan_tables.measures) == 85
    assert [m["goal"] for m in plan_tables.measures].count("I") == 23
    assert {m["goal"] for m in plan_tables.measures} == {"I", "II", "III", "IV", "V", "VI", "VII"}
    assert len({m["measure_id"] for m in plan_tables.measures}) == 85


def test_plan_hand_check_goal_I_measure_7_unpaired_lists(plan_tables):
    m = measure(plan_tables, "2024-007")
    assert m["goal"] == "I" and m["source_line"] == 245
    assert m["title"].startswith("Подобряване на координацията между институциите/организациите и други участници")
    # Baseline "Брой съгласувани заявления и молби - 0"; targets "Брой заявления за визи - 43 279;
    # Брой молби за пребиваване - 19 007": no target pairs with the baseline, none is shifted.
    assert indicators(plan_tables, "2024-007") == [
        ("Брой съгласувани заявления и молби", 0.0, None),
        ("Брой заявления за визи", None, 43279.0),
        ("Брой молби за пребиваване", None, 19007.0),
    ]
    assert m["budget_bgn"] is None and m["funding"] == ["state_budget"]
    assert m["deadline_date"] == date(2024, 12, 31)
    assert institutions(plan_tables, "2024-007", "responsible") == ["DANS"]
    assert institutions(plan_tables, "2024-007", "partner") == ["AZ", "IABCH", "MVNR", "MVR"]


def test_plan_hand_check_goal_I_measure_21_values_first(plan_tables):
    m = measure(plan_tables, "2024-021")
    assert m["title"] == ("Записване на деца и ученици с предоставена временна закрила или търсещи или получили "
                          "международна закрила в детските градини и училищата")
    # "894 деца с предоставена закрила и 3021 ученици" -> "1000 деца и 3200 ученици"
    assert [(b, t) for _, b, t in indicators(plan_tables, "2024-021")] == [(894.0, 1000.0), (3021.0, 3200.0)]
    assert m["budget_bgn"] == 10_000_000
    assert m["budget_eur"] == pytest.approx(10_000_000 / 1.95583, abs=0.01)
    assert institutions(plan_tables, "2024-021", "responsible") == ["MON"]


def test_plan_hand_check_goal_I_measure_6_percent_and_shared_budget(plan_tables):
    m = measure(plan_tables, "2024-006")
    # "... инсталиран в 25 консулски служби -29%" -> "... във всички консулски служби – 100%"
    [(name, baseline, target)] = indicators(plan_tables, "2024-006")
    assert (baseline, target) == (29.0, 100.0)
    assert [i["unit"] for i in plan_tables.indicators if i["measure_id"] == "2024-006"] == ["percent"]
    assert m["budget_bgn"] == 6_000_000 and m["budget_shared_with"] == "2024-034"
    assert m["funding"] == ["state_budget", "isf"]
    assert m["deadline_date"] == date(2024, 6, 30)


def test_plan_hand_check_goal_II_measure_29_campaign(plan_tables):
    m = measure(plan_tables, "2024-029")
    assert m["goal"] == "II" and m["deadline_text"] == "Март 2024 г." and m["deadline_date"] == date(2024, 3, 31)
    assert m["budget_bgn"] == 40_000
    got = indicators(plan_tables, "2024-029")
    assert ("Проведено събитие", 0.0, 1.0) in got
    assert ("Публикации/репортажи в медии", 0.0, 15.0) in got
    assert [t for n, b, t in got if n.startswith("Информационни материали")] == [5000.0]
    assert [t for n, b, t in got if n.endswith("импресии")] == [200000.0]
    assert len(got) == 12
    # "НКБХТ" is a typo of НКБТХ; the alias table maps it.
    assert institutions(plan_tables, "2024-029", "responsible") == ["MVNR", "NKBTH"]
    assert institutions(plan_tables, "2024-029", "partner") == ["A21", "MMS", "MZ", "SOFIA-MUNICIPALITY"]


def test_plan_hand_check_goal_II_measure_42_header_items(plan_tables):
    got = indicators(plan_tables, "2024-042")
    assert [(b, t) for _, b, t in got] == [(0.0, 12.0), (0.0, 45.0)]
    assert got[0][0].startswith("Брой незаконно пребиваващи чужденци, напуснали страната: в изпълнение")
    assert got[1][0].endswith("без наложени ПАМ")
    assert institutions(plan_tables, "2024-042", "responsible") == ["MVR-DM"]


def test_plan_hand_check_goal_II_measure_38_returns(plan_tables):
    m = measure(plan_tables, "2024-038")
    assert indicators(plan_tables, "2024-038") == [("Брой върнати от страната незаконно пребиваващи чужденци", 0.0, 178.0)]
    assert m["budget_bgn"] == 985_000 and m["funding"] == ["amif"]


def test_plan_hand_check_goal_III_measure_48_opinions(plan_tables):
    # "21 960 броя становища по молби за международна закрила; 6 броя становища по молби за убежище."
    got = indicators(plan_tables, "2024-048")
    assert [(b, t) for _, b, t in got] == [(21960.0, None), (6.0, None)]
    assert institutions(plan_tables, "2024-048", "partner") == ["ASYLUM-COMMISSION", "DAB", "MVR"]


def test_plan_hand_check_goal_III_measure_54_budget_over_months(plan_tables):
    m = measure(plan_tables, "2024-054")
    # 4 851 427 лв. + 18 707 354 лв.; the yearly breakdowns in brackets are not added again.
    assert m["budget_bgn"] == 23_558_781
    assert "budget_yearly_breakdown" in m["notes"]
    assert institutions(plan_tables, "2024-054", "partner") == ["MVR", "UDI"]


def test_plan_hand_check_goal_III_measure_44_open_deadline(plan_tables):
    m = measure(plan_tables, "2024-044")
    assert m["deadline_date"] is None and "deadline_open" in m["notes"]
    assert institutions(plan_tables, "2024-044", "responsible") == [
        "DAB", "MVR", "MVR-DESMS", "MVR-DM", "MVR-GDBOP", "MVR-GDGP"]


def test_plan_hand_check_goal_IV_duplicate_number_64(plan_tables):
    first, second = measure(plan_tables, "2024-064"), measure(plan_tables, "2024-064-b")
    assert first["number"] == second["number"] == "64."
    assert first["source_line"] == 1484 and second["source_line"] == 1497
    assert second["title"].startswith("Участие на България в проекти PARIM II и MIRAMI")
    assert "duplicate_number" in second["notes"] and "duplicate_number" not in first["notes"]
    assert first["goal"] == second["goal"] == "IV"


def test_plan_hand_check_goal_V_measure_72(plan_tables):
    got = indicators(plan_tables, "2024-072")
    assert [(b, t) for _, b, t in got] == [(0.0, 40.0), (0.0, 50.0), (0.0, 45.0)]
    assert institutions(plan_tables, "2024-072", "responsible") == [
        "MVR", "MVR-DESMS", "MVR-DKIAD", "MVR-DM", "MVR-GDGP"]
    assert institutions(plan_tables, "2024-072", "partner") == [
        "AZ", "DAB", "EC", "EU-AGENCIES", "EU-MS", "MON", "MTSP", "MZ"]


def test_plan_hand_check_goal_V_measure_70_readmission(plan_tables):
    assert indicators(plan_tables, "2024-070") == [
        ("Брой лица върнати по силата на споразуменията за обратно приемане", 0.0, None)]
    assert institutions(plan_tables, "2024-070", "responsible") == ["MVR-GDGP"]


def test_plan_hand_check_goal_VI_measure_74_value_on_next_line(plan_tables):
    m = measure(plan_tables, "2024-074")
    assert m["goal"] == "VI"
    assert indicators(plan_tables, "2024-074") == [
        ("Брой граждани на трети страни включени в програмата за връщане и реинтеграция", 0.0, 82.0)]
    assert m["funding"] == ["frontex"] and m["budget_bgn"] is None
    assert institutions(plan_tables, "2024-074", "responsible") == ["FRONTEX", "MVR-DM"]


def test_plan_hand_check_goal_VII_measures_80_82_84(plan_tables):
    assert indicators(plan_tables, "2024-080") == [("Брой обучени служители", 0.0, 10.0)]
    # "0 Брой проведени обучения – 0": a stray leading 0 is not part of the name.
    assert indicators(plan_tables, "2024-082") == [
        ("Брой проведени обучения", 0.0, 1.0), ("Брой обучени социални работници", 0.0, 50.0)]
    m82 = measure(plan_tables, "2024-082")
    assert m82["budget_bgn"] == 40_000 and m82["funding"] == ["external_donor"]  # "Не се предвижда ... НКБТХ"
    m84 = measure(plan_tables, "2024-084")
    assert m84["deadline_date"] == date(2024, 2, 29) and m84["budget_bgn"] == 20_000
    assert institutions(plan_tables, "2024-084", "partner") == ["MVR-GDBOP", "NBPP", "NSPKPP", "OTHER-INSTITUTIONS"]
