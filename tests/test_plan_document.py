"""Reading plan documents: the irregularities of the 2024 plan (each listed in
etl/plan/IRREGULARITIES.md) and the errors a broken document must give."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.plan.cells import read_document
from etl.plan.indicators import read_indicators
from etl.plan.parse import parse_plan, plan_year_and_status
from etl.plan.structure import find_structure
from etl.problems import EtlError

from tests.conftest import PLAN_TXT

FIXTURES = Path(__file__).parent / "fixtures" / "plan"


def parse_file(path: Path):
    doc = read_document(path)
    year, status = plan_year_and_status(doc)
    return parse_plan(doc, year, status)


def error_of(path: Path) -> str:
    with pytest.raises(EtlError) as exc:
        parse_file(path)
    return str(exc.value)


# --- the 2024 plan as received -------------------------------------------------------------

def test_plan_document_structure_of_2024_plan():
    structure = find_structure(read_document(PLAN_TXT))
    assert [g.goal for g in structure.goals] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert structure.goals[1].line == 619 and structure.goals[1].name == "Сигурност"
    assert len(structure.rows) == 85
    assert len(structure.glossary) == 43
    assert structure.glossary[0].abbreviation == "МТСП"


def test_plan_document_draft_status_and_year():
    assert plan_year_and_status(read_document(PLAN_TXT)) == (2024, "draft")


def test_plan_document_narrative_headings_are_not_goals(plan_tables):
    # Section I of the narrative has "1. Свободно движение, ..." and "I. Изпълнение на целите ..."
    # (lines 10-76); only the tab-led table headings are goals.
    assert [(g["goal"], g["source_line"]) for g in plan_tables.goals] == [
        ("I", 101), ("II", 619), ("III", 1102), ("IV", 1482), ("V", 1549), ("VI", 1715), ("VII", 1780)]


def test_plan_document_number_without_dot(plan_tables):
    # Rows 18 and 47 print their № without the dot.
    numbers = {m["measure_id"]: m["number"] for m in plan_tables.measures}
    assert numbers["2024-018"] == "18" and numbers["2024-047"] == "47"


def test_plan_document_empty_cells(plan_tables):
    m75 = next(m for m in plan_tables.measures if m["measure_id"] == "2024-075")
    assert "empty_target_cell" in m75["notes"]
    [ind] = [i for i in plan_tables.indicators if i["measure_id"] == "2024-075"]
    assert ind["target_text"] is None and ind["baseline_text"] == "Изготвени предложения за изменение на нормативната уредба"
    # An empty partners cell gives no partner rows.
    assert not [r for r in plan_tables.measure_institutions if r["measure_id"] == "2024-006" and r["role"] == "partner"]


def test_plan_document_shifted_cells_keep_text_without_values(plan_tables):
    # Measures 46 and 47: the baseline column holds an expected result ("Повишено ниво на
    # информираност.") and the target column the indicator's name; no value is invented.
    for mid, name in (("2024-046", "Брой проведени здравно-информационни мероприятия"),
                      ("2024-047", "Брой изследвания на новонастанени бежанци в центровете на ДАБ")):
        [ind] = [i for i in plan_tables.indicators if i["measure_id"] == mid]
        assert ind["name"] == name
        assert ind["baseline_text"] == "Повишено ниво на информираност"
        assert ind["baseline_value"] is None and ind["target_value"] is None


def test_plan_document_shifted_row_recovers_baseline_and_target(plan_tables):
    # Measure 44 (line 1125): the baseline "... изготвяне на план - 0" sits in the expected-results
    # cell and the targets "... - 1" in the baseline cell; read one column to the right.
    m = next(m for m in plan_tables.measures if m["measure_id"] == "2024-044")
    assert "shifted_cells" in m["notes"]
    assert m["expected_results"].startswith("Укрепване на капацитета в областта на граничния контрол")
    first, second = [i for i in plan_tables.indicators if i["measure_id"] == "2024-044"]
    assert (first["baseline_value"], first["target_value"]) == (0, 1)
    assert first["target_text"].startswith("Изготвяне на национален план за изпълнение на Пакта")
    assert second["target_value"] == 1 and second["baseline_value"] is None
    [warning] = [w for w in plan_tables.warnings if "shifted by one column" in str(w)]
    assert warning.line == 1125 and "measure 44" in str(warning)
    # No other row of the 2024 plan is taken for a shifted one.
    assert [m["measure_id"] for m in plan_tables.measures if "shifted_cells" in m["notes"]] == ["2024-044"]


def test_plan_document_glossary_typos_map_to_one_code(plan_tables):
    codes = {r["code"]: r for r in plan_tables.institutions}
    # "Главн дирекция „Гранична полиция“" (glossary typo) and "ГДГП" are the Border Police.
    assert codes["MVR-GDGP"]["in_glossary"] and codes["MVR-GDGP"]["parent_code"] == "MVR"
    assert codes["MVR-DM"]["parent_code"] == "MVR"
    # "НКБХТ" (measure 29) and "МТБХК" (measure 32) are typos of НКБТХ and МКБТХ.
    m32 = sorted(r["institution_code"] for r in plan_tables.measure_institutions if r["measure_id"] == "2024-032")
    assert m32 == ["MKBTH", "NKBTH"]


def test_plan_document_glued_names_are_split(plan_tables):
    # "Работодателски организациисиндикални организации" (measure 11) names two bodies.
    partners = sorted(r["institution_code"] for r in plan_tables.measure_institutions
                      if r["measure_id"] == "2024-011" and r["role"] == "partner")
    assert partners == ["EMPLOYERS", "TRADE-UNIONS"]


def test_plan_document_indicator_with_no_name_takes_expected_result(plan_tables):
    # Measure 1: baseline "0", target "1"; the indicator is the expected result.
    [ind] = [i for i in plan_tables.indicators if i["measure_id"] == "2024-001"]
    assert ind["name"].startswith("Изготвен Закон за изменение и допълнение на Закона за трудовата миграция")
    assert (ind["baseline_value"], ind["target_value"]) == (0.0, 1.0)


def test_plan_document_ceiling_target(plan_tables):
    # Measure 18: "До 120 случая ..." is a ceiling.
    [ind] = [i for i in plan_tables.indicators if i["measure_id"] == "2024-018"]
    assert (ind["baseline_value"], ind["target_value"], ind["comparison"]) == (120.0, 120.0, "at most")


def test_plan_document_every_indicator_has_a_source_line(plan_tables):
    lines = {i["indicator_id"]: i["source_line"] for i in plan_tables.indicators}
    assert lines["2024-072-03"] == 1682  # "Принос към изготвяне на седмичните доклади ... – 45"
    assert all(100 < line < 1972 for line in lines.values())


# --- indicator text as the document writes it -----------------------------------------------

@pytest.mark.parametrize("baseline, target, expected", [
    ("Брой проверки-0", "Брой проверки 12", [("Брой проверки", 0.0, 12.0)]),                      # glued, no dash
    ("Брой обучени служители –\n0", "Брой обучени служители –\n10", [("Брой обучени служители", 0.0, 10.0)]),
    ("Брой заявления - 43 279", "Брой заявления - 45\u00a0000", [("Брой заявления", 43279.0, 45000.0)]),
    ("Дял - 11,61%", "Дял - 15,5 %", [("Дял", 11.61, 15.5)]),                                       # decimal comma
    ("Към 01.01.2024 г. – 7.", "Към 31.12.\n2024 г – 12.", [("", 7.0, 12.0)]),                     # dates are not values
    ("- в изпълнение на ПАМ.-0\n-без ПАМ-0", "- в изпълнение на ПАМ.-12;\n-без ПАМ-45",
     [("в изпълнение на ПАМ", 0.0, 12.0), ("без ПАМ", 0.0, 45.0)]),
])
def test_plan_document_indicator_numbers(baseline, target, expected):
    got = [(i.name, i.baseline_value, i.target_value) for i in read_indicators(baseline, target)]
    assert got == expected


def test_plan_document_unpaired_lists_never_shift_values():
    got = read_indicators("Брой срещи - 0", "Брой доклади - 4\nБрой срещи - 10")
    assert [(i.name, i.baseline_value, i.target_value) for i in got] == [
        ("Брой срещи", 0.0, 10.0), ("Брой доклади", None, 4.0)]


# --- another year's document: a valid one, and one fixture per broken assumption ----------

def test_plan_document_other_year_parses():
    tables = parse_file(FIXTURES / "minimal-plan-2025.txt")
    assert tables.plan == {"plan_year": 2025, "status": "final"}
    assert len(tables.measures) == 7 and tables.measures[0]["measure_id"] == "2025-001"
    assert tables.measures[0]["budget_bgn"] == 15_000
    assert [(i["baseline_value"], i["target_value"]) for i in tables.indicators][:2] == [(0.0, 5.0), (1.0, 6.0)]


@pytest.mark.parametrize("fixture, expected", [
    ("missing-cell.txt", "line 71: measure '2.' (line 53) ends early: found 'III. Международна закрила и убежище' where its 'partners' cell should be"),
    ("goal-out-of-order.txt", "goal heading 'IV' out of order: expected 'III'"),
    ("unknown-institution.txt", "'Агенция за нещо неизвестно' names no known institution"),
    ("no-table.txt", "no measures table found"),
    ("header-changed.txt", "the table header has no column for 'responsible'"),
    ("unknown-glossary-abbreviation.txt", "glossary abbreviation 'ЗЗЗ' is not in etl/plan/institutions.yml"),
    ("windows-1251.txt", "the text is not UTF-8"),
])
def test_plan_document_broken_input_names_line_and_reason(fixture, expected):
    message = error_of(FIXTURES / "with-problems" / fixture)
    assert expected in message
    assert f"with-problems/{fixture}" in message


def test_plan_document_no_year_is_reported_by_the_step(tmp_path):
    from etl.steps import plan as plan_step

    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "p.txt").write_bytes((FIXTURES / "with-problems" / "no-year.txt").read_bytes())
    with pytest.raises(EtlError) as exc:
        plan_step.run(tmp_path)
    assert "cannot find the plan year" in str(exc.value)


def test_plan_document_registries_have_only_known_fields():
    """A comma in an unquoted YAML flow value silently splits it into a new key: catch that."""
    import yaml

    from etl.plan.budget import FUNDING
    from etl.plan.institutions import REGISTRY

    for path, section, fields in ((REGISTRY, "institutions", {"code", "abbr_bg", "abbr_en", "name_bg", "name_en", "parent", "aliases"}),
                                  (FUNDING, "funding", {"code", "name_bg", "name_en", "phrases"})):
        for row in yaml.safe_load(path.read_text(encoding="utf-8"))[section]:
            assert set(row) <= fields, (path.name, row["code"], set(row) - fields)
