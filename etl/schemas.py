"""The data contract: every published table, its columns (BG/EN description, type, unit) and rules.

One declaration serves the pandera validation, the Parquet types, the Frictionless
`datapackage.json`, the `/data` catalogue and the API. Add a column here first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa_arrow


GOALS = ["I", "II", "III", "IV", "V", "VI", "VII"]
THEMES = ["returns", "readmissions", "asylum", "protection", "temporary_protection", "trafficking", "irregular_migration"]
FLAGS = ["provisional", "estimated", "rounded", "suppressed", "break", "definition_differs", "confidential"]
FREQS = ["A", "Q", "M"]
UNITS = ["count", "percent", "BGN", "EUR", "persons", "decisions", "operations"]
COMPARISONS = ["at least", "at most", "keep"]
BULGARIA = "BGR"   # the reporting country of every figure that does not name another (staff, plan, UNHCR, UNODC)
# the status of a plan indicator's progress (etl/progress.py gives it; the bands are in etl/contract.py)
STATUSES = ("achieved", "substantial", "moderate", "limited", "no_progress", "deterioration",
            "no_actual", "no_target", "no_baseline", "target_equals_baseline")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # string | int | float | bool | date | list
    bg: str
    en: str
    nullable: bool = False
    unit: str | None = None
    checks: tuple = ()


@dataclass(frozen=True)
class Table:
    name: str
    bg: str
    en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sort: tuple[str, ...] = ()
    group: str = "plan"  # plan | statistics | meta
    checks: tuple = field(default=())
    # (column, value): what a query without a filter on that column gets (the API), e.g. Bulgaria's rows
    defaults: tuple = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _isin(values):
    return (("isin", tuple(values)),)


# Checks are declared as (pandera Check name, argument) and made into pandera checks only when a
# table is validated (pandera_schema): the dashboard reads these definitions too, and need not
# import pandera (~8 MB per worker) to do so.
NOT_NEGATIVE = (("ge", 0),)


S, I, F, B, D, L = "string", "int", "float", "bool", "date", "list"

TABLES: dict[str, Table] = {t.name: t for t in [
    Table("plans", "Годишни планове", "Yearly action plans", (
        Column("plan_year", I, "Година на плана", "Plan year"),
        Column("status", S, "Статус на документа (проект или окончателен)", "Document status (draft or final)", checks=_isin(["draft", "final"])),
        Column("title", S, "Заглавие на документа", "Document title"),
        Column("issuer", S, "Издател", "Issuer"),
        Column("source_id", S, "Код на източника (виж sources)", "Source id (see sources)"),
        Column("measures_stated", I, "Брой мерки, посочен в текста на плана", "Number of measures the plan's text states", nullable=True),
    ), key=("plan_year",), sort=("plan_year",)),
    Table("goals", "Стратегически цели", "Strategic goals", (
        Column("plan_year", I, "Година на плана", "Plan year"),
        Column("goal", S, "Стратегическа цел (I–VII)", "Strategic goal (I–VII)", checks=_isin(GOALS)),
        Column("name_bg", S, "Наименование на български", "Name in Bulgarian"),
        Column("name_en", S, "Наименование на английски", "Name in English"),
        Column("source_line", I, "Ред в документа", "Line in the document"),
    ), key=("plan_year", "goal"), sort=("plan_year", "goal")),
    Table("measures", "Мерки на плана", "Plan measures", (
        Column("plan_year", I, "Година на плана", "Plan year"),
        Column("measure_id", S, "Уникален код на мярката", "Unique measure id"),
        Column("number", S, "№ както е отпечатан", "№ as printed"),
        Column("goal", S, "Стратегическа цел", "Strategic goal", checks=_isin(GOALS)),
        Column("title", S, "Мярка", "Measure (Bulgarian, official)"),
        Column("title_en", S, "Мярка на английски (неофициален превод)", "Measure in English (unofficial translation)", nullable=True),
        Column("objective", S, "Стратегическа цел / цел", "Objective"),
        Column("expected_results", S, "Очаквани резултати", "Expected results"),
        Column("budget_text", S, "Бюджет (текст)", "Budget as written"),
        Column("budget_bgn", F, "Бюджет в лева", "Budget in BGN", nullable=True, unit="BGN", checks=NOT_NEGATIVE),
        Column("budget_eur", F, "Бюджет в евро (1 EUR = 1,95583 лв.)", "Budget in EUR (1 EUR = 1.95583 BGN)", nullable=True, unit="EUR", checks=NOT_NEGATIVE),
        Column("funding", L, "Източници на финансиране", "Funding sources"),
        Column("budget_shared_with", S, "Мярка, с която бюджетът е общ", "Measure whose budget this one shares", nullable=True),
        Column("deadline_text", S, "Срок (текст)", "Deadline as written"),
        Column("deadline_date", D, "Краен срок (дата)", "Deadline (end date)", nullable=True),
        Column("source_line", I, "Ред в документа", "Line in the document"),
        Column("notes", L, "Бележки за неточности в документа", "Notes on irregularities in the document"),
    ), key=("measure_id",), sort=("plan_year", "goal", "measure_id")),
    Table("indicators", "Индикатори", "Indicators", (
        Column("plan_year", I, "Година на плана", "Plan year"),
        Column("measure_id", S, "Мярка", "Measure id"),
        Column("indicator_id", S, "Уникален код на индикатора", "Unique indicator id"),
        Column("name", S, "Индикатор", "Indicator"),
        Column("name_en", S, "Индикатор на английски (неофициален превод)", "Indicator in English (unofficial translation)", nullable=True),
        Column("baseline_text", S, "Текуща стойност (текст)", "Baseline as written", nullable=True),
        Column("baseline_value", F, "Текуща стойност в началото на годината", "Baseline value at the start of the year", nullable=True),
        Column("target_text", S, "Целева стойност (текст)", "Target as written", nullable=True),
        Column("target_value", F, "Целева стойност", "Target value", nullable=True),
        Column("unit", S, "Мерна единица", "Unit", checks=_isin(UNITS)),
        Column("comparison", S, "Посока на целта (поне, най-много, поддържане)", "Direction of the target (at least, at most, keep)", nullable=True, checks=_isin(COMPARISONS)),
        Column("source_line", I, "Ред в документа", "Line in the document"),
        Column("actual_value", F, "Отчетена стойност (последен отчет)", "Actual value (latest report)", nullable=True),
        Column("actual_period", S, "Период на последния отчет", "Period of the latest report", nullable=True),
        Column("progress", F, "Дял от планираната промяна (0 = текуща стойност, 1 = цел)", "Share of the planned change achieved (0 = baseline, 1 = target)", nullable=True),
        Column("status", S, "Статус на напредъка", "Progress status", checks=_isin(list(STATUSES))),
        Column("status_source", S, "Как е определен статусът (изчислен или ръчно)", "How the status was set (computed or manual)", checks=_isin(["computed", "manual"])),
    ), key=("indicator_id",), sort=("plan_year", "measure_id", "indicator_id")),
    Table("institutions", "Институции", "Institutions", (
        Column("code", S, "Код", "Code"),
        Column("abbr_bg", S, "Съкращение на български", "Abbreviation in Bulgarian"),
        Column("abbr_en", S, "Съкращение на английски", "Abbreviation in English"),
        Column("name_bg", S, "Наименование на български", "Name in Bulgarian"),
        Column("name_en", S, "Наименование на английски", "Name in English"),
        Column("parent_code", S, "Институция, към която принадлежи", "Parent institution", nullable=True),
        Column("in_glossary", B, "В речника на съкращенията на плана", "In the plan's glossary of abbreviations"),
        Column("source_line", I, "Ред в документа (речник или таблица)", "Line in the document (glossary or table)", nullable=True),
    ), key=("code",), sort=("code",)),
    Table("measure_institutions", "Отговорни институции и партньори", "Responsible institutions and partners", (
        Column("measure_id", S, "Мярка", "Measure id"),
        Column("institution_code", S, "Институция", "Institution code"),
        Column("role", S, "Роля (отговорна или партньор)", "Role (responsible or partner)", checks=_isin(["responsible", "partner"])),
    ), key=("measure_id", "institution_code"), sort=("institution_code", "role", "measure_id")),
    Table("measure_changes", "Мерките от година на година", "Measures from year to year", (
        Column("from_year", I, "Година на предходния план", "Year of the earlier plan"),
        Column("to_year", I, "Година на следващия план", "Year of the later plan"),
        Column("change", S, "Промяна (добавена, отпаднала, променена, без промяна)", "Change (added, dropped, changed, unchanged)", checks=_isin(["added", "dropped", "changed", "unchanged"])),
        Column("goal", S, "Стратегическа цел", "Strategic goal", checks=_isin(GOALS)),
        Column("from_number", S, "№ в предходния план", "№ in the earlier plan", nullable=True),
        Column("to_number", S, "№ в следващия план", "№ in the later plan", nullable=True),
        Column("from_measure_id", S, "Мярка в предходния план", "Measure id in the earlier plan", nullable=True),
        Column("to_measure_id", S, "Мярка в следващия план", "Measure id in the later plan", nullable=True),
        Column("score", F, "Сходство на двете мерки (0–1)", "Similarity of the two measures (0–1)", nullable=True),
        Column("matched_by", S, "Какво съвпада (текст, цел, институции)", "What matched (text, objective, institutions)", nullable=True),
        Column("field", S, "Променено поле (text, indicators, budget, deadline, institutions)", "Field changed (text, indicators, budget, deadline, institutions)", nullable=True, checks=_isin(["text", "indicators", "budget", "deadline", "institutions"])),
        Column("old", S, "Стара стойност", "Old value", nullable=True),
        Column("new", S, "Нова стойност", "New value", nullable=True),
    ), key=("from_year", "to_year", "from_measure_id", "to_measure_id", "field"),
       sort=("from_year", "to_year", "goal", "change", "from_measure_id", "to_measure_id", "field")),
    Table("series", "Статистически редове", "Statistical series", (
        Column("series", S, "Код на реда", "Series code"),
        Column("theme", S, "Тема", "Theme", checks=_isin(THEMES)),
        Column("name_bg", S, "Наименование на български", "Name in Bulgarian"),
        Column("name_en", S, "Наименование на английски", "Name in English"),
        Column("definition_bg", S, "Определение на български", "Definition in Bulgarian"),
        Column("definition_en", S, "Определение на английски", "Definition in English"),
        Column("unit", S, "Мерна единица", "Unit", checks=_isin(UNITS)),
        Column("institution_code", S, "Отчитаща институция", "Reporting institution", nullable=True),
        Column("goal", S, "Стратегическа цел", "Strategic goal", nullable=True, checks=_isin(GOALS)),
        Column("measure_ids", L, "Свързани мерки от плана", "Related plan measures"),
    ), key=("series",), sort=("theme", "series"), group="statistics"),
    Table("observations", "Наблюдения", "Observations", (
        Column("series", S, "Код на реда", "Series code"),
        Column("geo", S, "Отчитаща държава (ISO 3166-1 alpha-3, напр. BGR) или съвкупност на Евростат (EU27_2020 = ЕС-27)",
               "Reporting country (ISO 3166-1 alpha-3, e.g. BGR) or Eurostat aggregate (EU27_2020 = EU-27)"),
        Column("period", S, "Период (2023, 2023-Q1, 2023-03)", "Period (2023, 2023-Q1, 2023-03)"),
        Column("year", I, "Година", "Year"),
        Column("freq", S, "Честота (A годишна, Q тримесечна, M месечна)", "Frequency (A annual, Q quarterly, M monthly)", checks=_isin(FREQS)),
        Column("citizenship", S, "Гражданство (ISO 3166-1 alpha-3; празно = общо)", "Citizenship (ISO 3166-1 alpha-3; empty = total)", nullable=True),
        Column("sex", S, "Пол (F, M; празно = общо)", "Sex (F, M; empty = total)", nullable=True, checks=_isin(["F", "M", "U"])),
        Column("age_group", S, "Възрастова група (празно = общо)", "Age group (empty = total)", nullable=True),
        Column("decision", S, "Вид решение (празно = общо)", "Decision type (empty = total)", nullable=True),
        Column("return_type", S, "Вид връщане (празно = общо)", "Return type (empty = total)", nullable=True),
        Column("category", S, "Друго разпределение, напр. форма на експлоатация (празно = общо)", "Other breakdown, e.g. form of exploitation (empty = total)", nullable=True),
        Column("value", F, "Стойност (празно, когато е поверителна)", "Value (empty when suppressed)", nullable=True),
        Column("unit", S, "Мерна единица", "Unit", checks=_isin(UNITS)),
        Column("flag", S, "Бележка за стойността", "Flag on the value", nullable=True, checks=_isin(FLAGS)),
        Column("institution_code", S, "Отчитаща институция", "Reporting institution", nullable=True),
        Column("source_id", S, "Източник (виж sources)", "Source (see sources)"),
        Column("source_ref", S, "Място в източника (код и ред на набора, или документ и ред)", "Place in the source (dataset code and row, or document and line)"),
    ), key=("series", "geo", "period", "citizenship", "sex", "age_group", "decision", "return_type", "category"),
       sort=("series", "geo", "year", "period", "citizenship", "sex", "age_group", "decision", "return_type", "category"),
       group="statistics", defaults=(("geo", BULGARIA),)),
    Table("indicator_actuals", "Изпълнение на индикаторите", "Indicator actual values", (
        Column("indicator_id", S, "Индикатор", "Indicator id"),
        Column("measure_id", S, "Мярка", "Measure id"),
        Column("period", S, "Период на отчета", "Reporting period"),
        Column("actual_value", F, "Отчетена стойност", "Actual value", nullable=True),
        Column("actual_text", S, "Отчет (текст)", "Actual as reported", nullable=True),
        Column("status_override", S, "Статус, зададен ръчно", "Status set by hand", nullable=True),
        Column("note", S, "Бележка", "Note", nullable=True),
        Column("source_id", S, "Източник", "Source id"),
        Column("source_ref", S, "Място в източника", "Place in the source"),
    ), key=("indicator_id", "period"), sort=("measure_id", "indicator_id", "period"), group="plan"),
    Table("sources", "Източници на данни", "Data sources", (
        Column("source_id", S, "Код на източника", "Source id"),
        Column("kind", S, "Вид (документ на плана, шаблон, набор от данни)", "Kind (plan document, staff template, dataset)"),
        Column("provider", S, "Доставчик", "Provider"),
        Column("title", S, "Заглавие", "Title"),
        Column("url", S, "Адрес", "URL", nullable=True),
        Column("license", S, "Лиценз", "Licence", nullable=True),
        Column("retrieved", S, "Дата на изтегляне или получаване", "Date retrieved or received", nullable=True),
        Column("sha256", S, "Контролна сума на файла", "File checksum (SHA-256)"),
        Column("file", S, "Файл в data/raw", "File in data/raw"),
    ), key=("source_id",), sort=("source_id",), group="meta"),
    Table("changes", "Промени при обновяване на данните", "Changes at each data update", (
        Column("version", S, "Версия на данните", "Data version"),
        Column("published", S, "Дата и час на публикуване", "Published (date and time)"),
        Column("table", S, "Таблица", "Table"),
        Column("change", S, "Вид промяна (добавен, премахнат, ревизиран)", "Change (added, removed, revised)", checks=_isin(["added", "removed", "revised"])),
        Column("key", S, "Ключ на реда (JSON)", "Row key (JSON)"),
        Column("field", S, "Променено поле", "Field changed", nullable=True),
        Column("old", S, "Стара стойност", "Old value", nullable=True),
        Column("new", S, "Нова стойност", "New value", nullable=True),
    ), key=("version", "table", "change", "key", "field"), sort=(), group="meta"),
    Table("funding_sources", "Източници на финансиране", "Funding sources", (
        Column("code", S, "Код", "Code"),
        Column("name_bg", S, "Наименование на български", "Name in Bulgarian"),
        Column("name_en", S, "Наименование на английски", "Name in English"),
    ), key=("code",), sort=("code",)),
]}


def pandera_schema(table: Table):
    import pandera.pandas as pa

    kinds = {S: pa.Column(str), I: pa.Column("int64"), F: pa.Column(float), B: pa.Column(bool), D: pa.Column(object), L: pa.Column(object)}
    columns = {}
    for c in table.columns:
        base = kinds[c.dtype]
        checks = [getattr(pa.Check, name)(arg) for name, arg in c.checks]
        columns[c.name] = pa.Column(base.dtype, nullable=c.nullable, checks=checks, coerce=c.dtype in (S, I, F, B))
    return pa.DataFrameSchema(columns, strict=True, unique=list(table.key), ordered=False)


def arrow_schema(table: Table) -> pa_arrow.Schema:
    kinds = {S: pa_arrow.string(), I: pa_arrow.int64(), F: pa_arrow.float64(), B: pa_arrow.bool_(),
             D: pa_arrow.date32(), L: pa_arrow.list_(pa_arrow.string())}
    return pa_arrow.schema([pa_arrow.field(c.name, kinds[c.dtype], nullable=c.nullable) for c in table.columns])


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Column order and sort order of the contract (the validation itself is `validate`)."""
    frame = frame.reindex(columns=table.names)
    if table.sort and len(frame):
        frame = frame.sort_values(list(table.sort), kind="stable").reset_index(drop=True)
    return frame
